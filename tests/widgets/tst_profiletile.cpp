// Issue 21, the tile's content: sparklines from the history store, the
// availability strip and its sentence, a link from each non-green reason to
// where it is fixed (and the window following it), "Copy" on a single figure.
// Offscreen, against a real SQLite history store in a directory of its own.
#include "availabilitystrip.h"
#include "history/historystore.h"
#include "history/metricnames.h"
#include "isolatedenvironment.h"
#include "mainwindow.h"
#include "overviewmodel.h"
#include "overviewpage.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "profiletile.h"
#include "sparkline.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QLabel>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

using namespace turnstile;

class TestProfileTile : public QObject
{
    Q_OBJECT

    testsupport::IsolatedEnvironment m_dir;
    HistoryConfig m_history;
    qint64 m_outage = 0; // when the lab's Keystone stopped answering, 4 min long

    static ProbeResult result(const QString &profile)
    {
        ProbeResult r;
        r.profile = profile;
        r.startedAt = QDateTime::currentDateTimeUtc();
        r.reachable = true;
        r.keystoneVersion = QStringLiteral("v3.14");
        r.issueMs = 120;
        r.validateMs = 40;
        r.validatePercentiles = LatencyPercentiles{40, 90, 1640, 200};
        r.databaseConfigured = true;
        r.revocationEvents = 4812;
        r.revocationObsolete = 3900;
        return r;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_dir.withoutKeychain();
        m_dir.set(QStringLiteral("TURNSTILE_NO_HISTORY"), QStringLiteral("1"));
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        m_history.sqlitePath = m_dir.historyFile();
        // Six hours of a profile sampled every 30 s, as the window does:
        // a p99 that climbs, and Keystone down for four minutes two hours ago.
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        m_outage = now - 2 * 3600;
        HistoryStore store;
        QVERIFY2(store.open(m_history), qPrintable(store.error()));
        QList<Sample> p99, up;
        for (qint64 t = now - 6 * 3600; t <= now; t += 30) {
            p99.append({t, 40.0 + double(t - now + 6 * 3600) / 20});
            up.append({t, t >= m_outage && t < m_outage + 240 ? 0.0 : 1.0});
        }
        QVERIFY(store.append({QStringLiteral("alpha"), QStringLiteral("validate.p99.ms")}, p99) >
                0);
        QVERIFY(store.append({QStringLiteral("alpha"), QStringLiteral("keystone.up")}, up) > 0);
    }

    // A figure with history gets its sparkline, decimated to the
    // sparkline's width; one without history gets none. The availability
    // strip says when Keystone was down, in local time.
    void sparklineAndAvailabilityFromHistory()
    {
        OverviewModel model;
        model.setProfiles({QStringLiteral("alpha"), QStringLiteral("beta")});
        model.setResult(result(QStringLiteral("alpha")));
        model.setResult(result(QStringLiteral("beta")));
        ProfileTile tile(QPersistentModelIndex(model.index(0, 0)));
        tile.setHistoryConfig(m_history);
        QSignalSpy shown(&tile, &ProfileTile::historyShown);
        tile.show();
        QVERIFY(shown.wait(10000));
        Sparkline *p99 = tile.sparkline(QStringLiteral("validate.p99.ms"));
        QVERIFY(p99);
        QVERIFY(p99->isVisible());
        QVERIFY(p99->hasTrend());
        QVERIFY(p99->buckets().size() <= p99->pixelBudget());
        QVERIFY2(p99->toolTip().startsWith(QStringLiteral("Validation p99 over the last 24 h")),
                 qPrintable(p99->toolTip()));
        QVERIFY(!tile.sparkline(QStringLiteral("token.live"))->isVisible());
        QVERIFY(!tile.sparkline(QStringLiteral("revocation_event.rows"))->isVisible());

        const QString at = QLocale().toString(QDateTime::fromSecsSinceEpoch(m_outage).time(),
                                              QLocale::ShortFormat);
        QCOMPARE(tile.availabilityText(), QStringLiteral("Down 4m at %1.").arg(at));
        QVERIFY(tile.availabilityStrip()->isVisible());
        QCOMPARE(tile.availabilityStrip()->availability().outages().size(), 1);
        QVERIFY2(tile.asText().endsWith(QStringLiteral("\nAvailability: Down 4m at %1.").arg(at)),
                 qPrintable(tile.asText()));

        // Nothing collected for beta: no sparkline, no strip, no invented "up".
        ProfileTile other(QPersistentModelIndex(model.index(1, 0)));
        other.setHistoryConfig(m_history);
        QSignalSpy otherShown(&other, &ProfileTile::historyShown);
        other.show();
        QVERIFY(otherShown.wait(10000));
        QVERIFY(!other.sparkline(QStringLiteral("validate.p99.ms"))->isVisible());
        QVERIFY(!other.availabilityStrip()->isVisible());
        QCOMPARE(other.availabilityText(), QString());
    }

    // The Overview page hands its store to every tile it creates, and a new
    // store (the keychain's PostgreSQL password arrived) to the ones it has.
    void pageHandsTheStoreToItsTiles()
    {
        OverviewModel model;
        OverviewPage page(&model);
        page.setHistoryConfig(m_history);
        page.show();
        model.setProfiles({QStringLiteral("alpha")});
        model.setResult(result(QStringLiteral("alpha")));
        ProfileTile *tile = page.tiles().first();
        QTRY_VERIFY_WITH_TIMEOUT(tile->sparkline(QStringLiteral("validate.p99.ms"))->isVisible(),
                                 10000);
        QVERIFY(tile->availabilityText().startsWith(QStringLiteral("Down 4m at ")));
    }

    // Each non-green reason links to where it is fixed; the link says what it
    // opens and emits the typed target.
    void reasonLinksEmitTheirFixTarget()
    {
        OverviewModel model;
        model.setProfiles({QStringLiteral("alpha")});
        ProbeResult r = result(QStringLiteral("alpha"));
        r.thresholdLevel = 3;
        r.thresholdReason = QStringLiteral("A service account is locked; obsolete events.");
        r.thresholdTriggered = {QStringLiteral("revocation_event.obsolete"),
                                QStringLiteral("users.locked")};
        r.thresholdCritical = {QStringLiteral("users.locked")};
        ComplianceSummary c;
        c.locked = 1;
        c.lockedServiceAccounts.append(
            {QStringLiteral("id-nova"), QStringLiteral("nova"), QStringLiteral("Default"), {}});
        r.compliance = c;
        model.setResult(r);
        ProfileTile tile(QPersistentModelIndex(model.index(0, 0)));
        tile.show();
        QLabel *links = tile.fixLinks();
        QVERIFY(links->isVisible());
        QVERIFY2(links->text().contains(
                     QStringLiteral("Preview the prune of obsolete revocation events")) &&
                     links->text().contains(QStringLiteral("Unlock nova…")),
                 qPrintable(links->text()));
        QSignalSpy fix(&tile, &ProfileTile::fixRequested);
        emit links->linkActivated(QStringLiteral("0"));
        emit links->linkActivated(QStringLiteral("1"));
        QCOMPARE(fix.size(), 2);
        QCOMPARE(fix.at(0).at(0).toString(), QStringLiteral("alpha"));
        QCOMPARE(fix.at(0).at(1).value<FixTarget>().kind, FixTarget::Kind::RevocationPrune);
        const FixTarget unlock = fix.at(1).at(1).value<FixTarget>();
        QCOMPARE(unlock.kind, FixTarget::Kind::UnlockUser);
        QCOMPARE(unlock.argument, QStringLiteral("id-nova"));

        // Green: no reason, no link.
        model.setResult(result(QStringLiteral("alpha")));
        tile.refresh(); // the Overview page does this on dataChanged
        QVERIFY(!links->isVisible());
        QVERIFY(tile.fixTargets().isEmpty());
    }

    // "Copy" on one figure copies that value alone, on the reason the
    // sentence; "Copy tile as text" is on every menu.
    void copyOneValue()
    {
        OverviewModel model;
        model.setProfiles({QStringLiteral("alpha")});
        ProbeResult r = result(QStringLiteral("alpha"));
        r.thresholdLevel = 2;
        r.thresholdReason = QStringLiteral("3,900 of 4,812 revocation events are obsolete.");
        model.setResult(r);
        ProfileTile tile(QPersistentModelIndex(model.index(0, 0)));
        const auto copyOf = [](QWidget *w) -> QAction * {
            for (QAction *a : w->actions())
                if (a->objectName() == u"copy")
                    return a;
            return nullptr;
        };
        QLabel *validate = tile.figureLabel(OverviewModel::ValidateColumn);
        QCOMPARE(validate->contextMenuPolicy(), Qt::ActionsContextMenu);
        QVERIFY(validate->actions().contains(tile.copyAsTextAction()));
        QAction *copy = copyOf(validate);
        QVERIFY(copy);
        QCOMPARE(copy->text(), QStringLiteral("Copy"));
        copy->trigger();
        // The same words as the sentence would use: one latency format.
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("p50 40 ms · p99 1.6 s"));
        QLabel *reason = tile.findChild<QLabel *>(QStringLiteral("reason"));
        copyOf(reason)->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(),
                 QStringLiteral("3,900 of 4,812 revocation events are obsolete."));
    }

    // A figure's name reads as words and its tooltip says what it means.
    void figureNamesAreHumanWithTooltips()
    {
        OverviewModel model;
        model.setProfiles({QStringLiteral("alpha")});
        model.setResult(result(QStringLiteral("alpha")));
        ProfileTile tile(QPersistentModelIndex(model.index(0, 0)));
        const QList<QLabel *> names = tile.findChildren<QLabel *>(QStringLiteral("figureName"));
        QVERIFY(names.size() >= 9);
        QStringList texts;
        for (const QLabel *n : names) {
            texts << n->text();
            QVERIFY2(!n->text().contains(u'_'), qPrintable(n->text()));
            QVERIFY2(n->text().at(0).isUpper(), qPrintable(n->text()));
        }
        QVERIFY2(texts.contains(QStringLiteral("Revocation events")), qPrintable(texts.join(u',')));
        const auto validate = std::find_if(names.cbegin(), names.cend(), [](const QLabel *n) {
            return n->text() == u"Validate a token";
        });
        QVERIFY(validate != names.cend());
        QCOMPARE((*validate)->toolTip(), metricDescription(QStringLiteral("validate.p99.ms")));
        QVERIFY(!(*validate)->toolTip().isEmpty());
    }

    // The window follows a link: the Keys page, the Compliance page's locked
    // list, the Actions page for a prune (its button opens the preview).
    void windowRoutesEachFixTarget()
    {
        ProfileStore profiles(m_dir.profilesFile());
        Profile p;
        p.name = QStringLiteral("alpha");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
        p.timeoutMs = 2000;
        QVERIFY(profiles.save(p));
        SecretStore secrets;
        MainWindow w(&profiles, &secrets);
        w.show();
        const auto follow = [&w](FixTarget::Kind kind) {
            w.showPage(QStringLiteral("overview"));
            emit w.overviewPage()->fixRequested(QStringLiteral("alpha"), FixTarget{kind, {}, {}});
            return w.currentPageName();
        };
        QCOMPARE(follow(FixTarget::Kind::KeysPage), QStringLiteral("keys"));
        QCOMPARE(follow(FixTarget::Kind::LockedUsers), QStringLiteral("compliance"));
        // No database in this profile: the page, saying why nothing is offered.
        QCOMPARE(follow(FixTarget::Kind::RevocationPrune), QStringLiteral("actions"));
        QCOMPARE(w.profileChooser()->currentData().toString(), QStringLiteral("alpha"));
    }
};

QTEST_MAIN(TestProfileTile)
#include "tst_profiletile.moc"
