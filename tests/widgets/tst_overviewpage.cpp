// Issue 15.3: clicking a tile with "All profiles" selected selects that
// profile, which resets the Overview model and rebuilds the tiles — from
// inside the clicked tile's own mouse handler. The old page deleted the tile
// there and then (a use-after-free that crashed 5 of 6 times). The real
// window, driven with real mouse clicks on every clickable element.
#include "compliancepage.h"
#include "isolatedenvironment.h"
#include "mainwindow.h"
#include "overviewmodel.h"
#include "overviewpage.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "profiletile.h"

#include <QComboBox>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTest>

using namespace turnstile;

class TestOverviewPage : public QObject
{
    Q_OBJECT

    // Profiles, rejected-login state and settings of its own.
    testsupport::IsolatedEnvironment m_dir;
    std::unique_ptr<ProfileStore> m_store;

    // Clicks `target` (a tile or one of its children) and checks that no tile
    // died while the click was being handled, only afterwards.
    static void clickSafely(MainWindow &w, QWidget *target, const QPoint &at = {})
    {
        QList<QPointer<ProfileTile>> before;
        bool inClick = false;
        bool diedInClick = false;
        // Disconnected when this function returns: tiles may die later.
        QObject scope;
        for (ProfileTile *t : w.overviewPage()->tiles()) {
            before.append(t);
            QObject::connect(t, &QObject::destroyed, &scope, [&] {
                if (inClick)
                    diedInClick = true;
            });
        }
        inClick = true;
        QTest::mouseClick(target, Qt::LeftButton, {}, at.isNull() ? target->rect().center() : at);
        inClick = false;
        QVERIFY2(!diedInClick, "a tile was deleted while its own click was being handled");
        // The deferred deletion happens once control is back in the event loop.
        QTest::qWait(50);
        for (const QPointer<ProfileTile> &t : before)
            if (t && !w.overviewPage()->tiles().contains(t.data()))
                QFAIL("an old tile was never deleted");
    }

    void selectAll(MainWindow &w)
    {
        w.profileChooser()->setCurrentIndex(0); // "All profiles"
        QCOMPARE(w.overviewPage()->tiles().size(), 2);
        w.showPage(QStringLiteral("overview"));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_dir.withoutKeychain();
        m_dir.set(QStringLiteral("TURNSTILE_NO_HISTORY"), QStringLiteral("1"));
        m_store = std::make_unique<ProfileStore>(m_dir.profilesFile());
        for (const char *name : {"alpha", "beta"}) {
            Profile p;
            p.name = QLatin1String(name);
            p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3")); // refused at once
            p.timeoutMs = 2000;
            QVERIFY(m_store->save(p));
        }
    }

    void clickingATitleWithAllProfilesSelected()
    {
        SecretStore secrets;
        MainWindow w(m_store.get(), &secrets);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        for (int attempt = 0; attempt < 6; ++attempt) {
            selectAll(w);
            ProfileTile *tile = w.overviewPage()->tiles().at(attempt % 2);
            const QString name = attempt % 2 ? QStringLiteral("beta") : QStringLiteral("alpha");
            auto *title = tile->findChild<QLabel *>(QStringLiteral("title"));
            QVERIFY(title);
            QCOMPARE(title->text(), name);
            clickSafely(w, title);
            // The click took the window to that profile.
            QCOMPARE(w.profileChooser()->currentData().toString(), name);
            QCOMPARE(w.overviewPage()->tiles().size(), 1);
        }
    }

    // Every clickable element of every tile: the tile itself, each label and
    // the Retry / Unlock button.
    void everyClickableElement()
    {
        SecretStore secrets;
        MainWindow w(m_store.get(), &secrets);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        selectAll(w);
        QStringList names;
        for (QLabel *l : w.overviewPage()->tiles().first()->findChildren<QLabel *>())
            names.append(l->objectName());
        QVERIFY(names.contains(QStringLiteral("title")));
        const qsizetype labels = names.size();
        for (int tileIndex = 0; tileIndex < 2; ++tileIndex) {
            // The tile's frame itself (a corner, on no label).
            selectAll(w);
            ProfileTile *tile = w.overviewPage()->tiles().at(tileIndex);
            clickSafely(w, tile, QPoint(2, 2));
            for (qsizetype i = 0; i < labels; ++i) {
                selectAll(w);
                tile = w.overviewPage()->tiles().at(tileIndex);
                const QList<QLabel *> all = tile->findChildren<QLabel *>();
                QCOMPARE(all.size(), labels);
                if (!all.at(i)->isVisible())
                    continue;
                clickSafely(w, all.at(i));
            }
        }

        // Retry after rejected credentials, Unlock for a locked account.
        for (const bool locked : {false, true}) {
            selectAll(w);
            ProbeResult r;
            r.profile = QStringLiteral("alpha");
            r.startedAt = QDateTime::currentDateTimeUtc();
            r.reachable = true;
            r.authRejected = true;
            r.authUser = QStringLiteral("admin");
            r.tokenError = QStringLiteral("rejected");
            if (locked) {
                r.authLockedUntil = QDateTime::currentDateTimeUtc().addSecs(1800);
                r.authUserId = QStringLiteral("0123abcd");
            }
            // After the probes the selection asked for, so none overwrites it.
            QTRY_VERIFY_WITH_TIMEOUT(
                !w.overviewModel()->index(0, 0).data(OverviewModel::BusyRole).toBool() &&
                    !w.overviewModel()->index(1, 0).data(OverviewModel::BusyRole).toBool(),
                10000);
            w.overviewModel()->setResult(r);
            ProfileTile *tile = w.overviewPage()->tiles().first();
            QPushButton *button = tile->authButton();
            QVERIFY(button->isVisible());
            QCOMPARE(button->text(), locked ? QStringLiteral("Unlock…") : QStringLiteral("Retry"));
            clickSafely(w, button);
            // Unlock is the Compliance page's guarded unlock.
            if (locked)
                QCOMPARE(w.currentPageName(), QStringLiteral("compliance"));
        }
        // The window survived every click and still probes.
        selectAll(w);
        QTRY_VERIFY_WITH_TIMEOUT(w.overviewModel()->result(QStringLiteral("beta")).has_value(),
                                 10000);
    }
};

QTEST_MAIN(TestOverviewPage)
#include "tst_overviewpage.moc"
