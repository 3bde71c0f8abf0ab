// Issue 15.3: clicking a tile with "All profiles" selected selects that
// profile, which resets the Overview model and rebuilds the tiles — from
// inside the clicked tile's own mouse handler. The old page deleted the tile
// there and then (a use-after-free that crashed 5 of 6 times). The real
// window, driven with real mouse clicks on every clickable element.
#include "compliancepage.h"
#include "health/thresholds.h"
#include "isolatedenvironment.h"
#include "mainwindow.h"
#include "overviewmodel.h"
#include "overviewpage.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "profiletile.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QGridLayout>
#include <QGuiApplication>
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

    static ProbeResult resultAt(const QString &profile, int level)
    {
        ProbeResult r;
        r.profile = profile;
        r.startedAt = QDateTime::currentDateTimeUtc();
        r.reachable = true;
        r.keystoneVersion = QStringLiteral("v3.14");
        r.issueMs = 120;
        r.validateMs = 40;
        if (level == 3)
            r.endpointError = QStringLiteral("Connection refused by 127.0.0.1:1.");
        else if (level == 2)
            r.thresholdLevel = 2;
        return r;
    }

    // Issue 21: the summary line above the tiles follows every result.
    void summaryLine()
    {
        OverviewModel model;
        OverviewPage page(&model);
        page.show();
        model.setProfiles(
            {QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("gamma")});
        auto *summary = page.findChild<QLabel *>(QStringLiteral("summary"));
        QVERIFY(summary);
        QCOMPARE(summary->text(), QStringLiteral("3 unknown"));
        model.setResult(resultAt(QStringLiteral("alpha"), 1));
        model.setResult(resultAt(QStringLiteral("beta"), 2));
        model.setResult(resultAt(QStringLiteral("gamma"), 3));
        QCOMPARE(summary->text(), QStringLiteral("1 critical · 1 warning · 1 OK"));
        QVERIFY(summary->isVisible());
        model.setProfiles({});
        QVERIFY(!summary->isVisible());
    }

    // Issue 21: with five profiles a red one sat below the fold. Critical
    // first, then warning, then the rest, alphabetical inside a level; a
    // tile that changes level moves, and no tile is deleted for it.
    void tilesOrderedBySeverity()
    {
        OverviewModel model;
        OverviewPage page(&model);
        page.show();
        const QStringList names{QStringLiteral("alpha"), QStringLiteral("beta"),
                                QStringLiteral("delta"), QStringLiteral("gamma"),
                                QStringLiteral("omega")};
        model.setProfiles(names);
        const auto shown = [&page] {
            QStringList out;
            for (ProfileTile *t : page.tilesInOrder())
                out.append(t->findChild<QLabel *>(QStringLiteral("title"))->text());
            return out;
        };
        QCOMPARE(shown(), names);
        const QList<ProfileTile *> tiles = page.tiles();
        QObject scope;
        bool deleted = false;
        for (ProfileTile *t : tiles)
            connect(t, &QObject::destroyed, &scope, [&deleted] { deleted = true; });
        model.setResult(resultAt(QStringLiteral("alpha"), 1));
        model.setResult(resultAt(QStringLiteral("beta"), 2));
        model.setResult(resultAt(QStringLiteral("delta"), 1));
        model.setResult(resultAt(QStringLiteral("gamma"), 2));
        model.setResult(resultAt(QStringLiteral("omega"), 3));
        QCOMPARE(shown(), (QStringList{QStringLiteral("omega"), QStringLiteral("beta"),
                                       QStringLiteral("gamma"), QStringLiteral("alpha"),
                                       QStringLiteral("delta")}));
        // The critical tile is where the eye lands: top left.
        auto *grid = page.findChild<QGridLayout *>();
        QVERIFY(grid);
        QCOMPARE(grid->itemAtPosition(0, 0)->widget(), page.tilesInOrder().first());
        model.setResult(resultAt(QStringLiteral("omega"), 1));
        QCOMPARE(shown().first(), QStringLiteral("beta"));
        QCOMPARE(shown().last(), QStringLiteral("omega"));
        QCOMPARE(page.tiles(), tiles);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QVERIFY(!deleted);
    }

    // Issue 21: a red tile names the figure, its value and the threshold it
    // crossed, and highlights that figure's row; the verdict is the one of
    // core/health, as the collector sets it.
    void thresholdSentenceAndOffendingRow()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        OverviewModel model;
        OverviewPage page(&model);
        page.show();
        model.setProfiles({QStringLiteral("alpha")});
        QList<ThresholdRule> rules = defaultThresholds();
        const HealthVerdict v = evaluateHealth(rules,
                                               {{QStringLiteral("keystone.up"), 1},
                                                {QStringLiteral("validate.p99.ms"), 1600},
                                                {QStringLiteral("issue.ms"), 120}},
                                               {});
        ProbeResult r = resultAt(QStringLiteral("alpha"), 1);
        r.thresholdLevel = int(v.level);
        r.thresholdReason = v.reason;
        r.thresholdTriggered = v.triggered;
        r.thresholdCritical = v.critical;
        model.setResult(r);
        ProfileTile *tile = page.tiles().first();
        QCOMPARE(tile->statusName(), QStringLiteral("Critical"));
        QCOMPARE(tile->reasonText(),
                 QStringLiteral("Validation p99 1.6 s (critical above 1.5 s)."));
        // The red row: the value label carries the level (and the red style).
        QLabel *validate = tile->figureLabel(OverviewModel::ValidateColumn);
        QCOMPARE(validate->property("level").toString(), QStringLiteral("critical"));
        QVERIFY2(validate->styleSheet().contains(QStringLiteral("#c62828")),
                 qPrintable(validate->styleSheet()));
        QCOMPARE(tile->figureLabel(OverviewModel::IssueColumn)->property("level").toString(),
                 QString());
        int red = 0;
        for (const QLabel *l : tile->findChildren<QLabel *>(QStringLiteral("figure")))
            red += l->property("level").toString() == u"critical";
        QCOMPARE(red, 1);

        // Issue 21: "Copy tile as text" for a chat message, from the tile's
        // context menu; the red figure is said in words.
        QAction *copy = tile->copyAsTextAction();
        QVERIFY(tile->actions().contains(copy));
        QCOMPARE(tile->contextMenuPolicy(), Qt::ActionsContextMenu);
        QCOMPARE(copy->text(), QStringLiteral("Copy tile as text"));
        QGuiApplication::clipboard()->clear();
        copy->trigger();
        const QString text = QGuiApplication::clipboard()->text();
        QVERIFY2(text.startsWith(QStringLiteral("alpha: Critical\n"
                                                "Validation p99 1.6 s (critical above 1.5 s).\n")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("\nValidate a token: 40 ms (critical)\n")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("\nIssue a token: 120 ms\n")), qPrintable(text));
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
