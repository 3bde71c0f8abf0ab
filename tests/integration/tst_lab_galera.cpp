// The Galera inspector against the lab's real 3-node cluster (fixture lab_galera):
// all Synced/Primary is green; a node that left makes it "cluster size 2 of 3" with the
// node named; it is green again after the node rejoins; a desynchronised node is named.
#include "databasepage.h"
#include "db/dbconnection.h"
#include "db/galerainspector.h"
#include "db/sqlsession.h"
#include "galeralab.h"
#include "health/galeraverdict.h"
#include "health/thresholds.h"
#include "isolatedenvironment.h"
#include "probe/prober.h"
#include "profiles/secretstore.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace turnstile;
using namespace testsupport;

class TestLabGalera : public QObject
{
    Q_OBJECT

    testsupport::IsolatedEnvironment m_tmp;

    GaleraStatus inspect() const
    {
        const GaleraInspector in(galeraUrl(1, galera(QStringLiteral("GALERA_MONITOR_USER"))),
                                 galera(QStringLiteral("GALERA_MONITOR_PASSWORD")));
        GaleraStatus s = in.inspect(galeraAddresses());
        evaluateGalera(s, defaultThresholds());
        return s;
    }

    bool admin(int node, const QString &sql) const
    {
        DbConnection db(galeraAdminUrl(node), QString());
        SqlSession s(db);
        QString why;
        if (!s.begin(&why)) {
            qWarning().noquote() << why;
            return false;
        }
        const SqlResult r = s.run(sql);
        if (!r.ok())
            qWarning().noquote() << sql << r.error;
        return r.ok();
    }

    // Waits until the cluster looks as wanted (a leave or a desync shows within a second).
    GaleraStatus waitFor(const std::function<bool(const GaleraStatus &)> &wanted) const
    {
        GaleraStatus s;
        for (int i = 0; i < 100; ++i) {
            s = inspect();
            if (wanted(s))
                break;
            QTest::qWait(200);
        }
        return s;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_DIR")).isEmpty(), "the lab is not up");
        QVERIFY2(galera(QStringLiteral("GALERA_NODES")) == u"3",
                 "the Galera cluster is not up: tests/lab/lab.sh galera-on");
        GaleraInspector::forgetSamples();
        QVERIFY(m_tmp.isValid());
        m_tmp.set(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                  lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")));
    }

    void allSyncedAndPrimaryIsGreen()
    {
        const GaleraStatus s = inspect();
        QCOMPARE(s.nodes.size(), 3);
        for (const GaleraNodeStatus &n : s.nodes) {
            QVERIFY2(n.reachable, qPrintable(n.error));
            QCOMPARE(n.clusterStatus, QStringLiteral("Primary"));
            QCOMPARE(n.localState, QStringLiteral("Synced"));
            QCOMPARE(n.clusterSize, 3);
            QVERIFY(n.ready);
            QCOMPARE(n.confId, s.nodes.first().confId);
        }
        QCOMPARE(s.level, int(HealthLevel::Ok));
        QVERIFY2(s.reason.isEmpty(), qPrintable(s.reason));
        // The second sample has a flow-control share: the change since the first, 0 here.
        const GaleraStatus again = inspect();
        QVERIFY(again.nodes.first().flowControlPausedShare);
        QCOMPARE(*again.nodes.first().flowControlPausedShare, 0.0);
        qInfo("3 nodes inspected in parallel in %.0f ms", again.durationMs);
        QVERIFY2(again.durationMs < 1000, "three nodes in parallel should take well under 1 s");
    }

    void theProbeDiscoversTheNodesAndReportsThem()
    {
        Profile p = labAdminProfile();
        p.databaseUrl = galeraUrl(1, galera(QStringLiteral("GALERA_MONITOR_USER"))).toString();
        Secrets sec = labAdminSecrets();
        sec.databasePassword = galera(QStringLiteral("GALERA_MONITOR_PASSWORD"));
        QElapsedTimer t;
        t.start();
        const ProbeResult r = runProbe(p, sec, 1);
        QVERIFY(r.galera);
        QVERIFY(r.galera->discovered);
        QCOMPARE(r.galera->nodes.size(), 3);
        QCOMPARE(r.galera->expectedSize, 3);
        QCOMPARE(r.galera->level, int(HealthLevel::Ok));
        const QJsonObject j = r.toJson();
        QCOMPARE(j[u"galera"][u"nodes"].toArray().size(), 3);
        QCOMPARE(j[u"galera"][u"nodes"][1][u"local_state"].toString(), QStringLiteral("Synced"));
        qInfo("probe with the Galera inspection: %.0f ms in all, Galera part %.0f ms", r.durationMs,
              r.galera->durationMs);
        QVERIFY(r.galera->durationMs < 1000);

        // Listed in the profile instead: the listed count is the expected size.
        p.galeraNodes = galeraAddresses();
        const ProbeResult listed = runProbe(p, sec, 1);
        QVERIFY(listed.galera);
        QVERIFY(!listed.galera->discovered);
        QCOMPARE(listed.galera->nodes.size(), 3);
    }

    void theDatabasePageListsTheNodes()
    {
        Profile p;
        p.name = QStringLiteral("galera-db-%1").arg(QCoreApplication::applicationPid());
        p.databaseUrl = galeraUrl(2, galera(QStringLiteral("GALERA_MONITOR_USER"))).toString();
        SecretStore secrets;
        QVERIFY(secrets
                    .writeBlocking(p.name, SecretKind::DatabasePassword,
                                   galera(QStringLiteral("GALERA_MONITOR_PASSWORD")))
                    .ok);
        DatabasePage page(&secrets);
        page.resize(1100, 650);
        QSignalSpy loaded(&page, &DatabasePage::loaded);
        page.setProfile(p);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        secrets.removeBlocking(p.name, SecretKind::DatabasePassword);
        QVERIFY(page.galeraView()->isVisible());
        const QAbstractItemModel *m = page.galeraView()->model();
        QCOMPARE(m->rowCount(), 3);
        QStringList names;
        for (int row = 0; row < 3; ++row) {
            names.append(m->index(row, 0).data().toString());
            QCOMPARE(m->index(row, 3).data().toString(), QStringLiteral("Synced"));
            QCOMPARE(m->index(row, 4).data().toString(), QStringLiteral("3 of 3"));
        }
        QCOMPARE(names,
                 (QStringList{QStringLiteral("n1"), QStringLiteral("n2"), QStringLiteral("n3")}));
        QVERIFY2(page.galeraStatus()->text().contains(
                     QStringLiteral("all Synced and in the Primary component")),
                 qPrintable(page.galeraStatus()->text()));
        if (const QString shot = qEnvironmentVariable("TURNSTILE_SCREENSHOT"); !shot.isEmpty())
            page.grab().save(shot);
    }

    void aNodeThatLeftIsNamedAndTheSizeSaid()
    {
        QVERIFY(galeraScript({QStringLiteral("stop-node"), QStringLiteral("3")}));
        const GaleraStatus s =
            waitFor([](const GaleraStatus &g) { return g.level >= int(HealthLevel::Warning); });
        QCOMPARE(s.level, int(HealthLevel::Warning));
        QVERIFY2(s.reason.contains(QStringLiteral("cluster size 2 of 3 (warning from 1 missing)")),
                 qPrintable(s.reason));
        QVERIFY2(s.reason.contains(QStringLiteral("n3 does not answer")) ||
                     s.reason.contains(galeraAddress(3) + QStringLiteral(" does not answer")),
                 qPrintable(s.reason));
        const auto metrics = galeraMetrics(s);
        QVERIFY(metrics.contains(qMakePair(QStringLiteral("galera.nodes_missing"), 1.0)));

        QVERIFY(galeraScript({QStringLiteral("start-node"), QStringLiteral("3")}));
        const GaleraStatus back =
            waitFor([](const GaleraStatus &g) { return g.level == int(HealthLevel::Ok); });
        QCOMPARE(back.level, int(HealthLevel::Ok));
        QVERIFY2(back.reason.isEmpty(), qPrintable(back.reason));
    }

    // Discovery lists only the members of the moment: a node that left must still count as
    // expected, and a profile whose own node is the one that left still hears from the others
    // (on old main the first read "2 of 2", all green, and the second had no Galera part).
    void aDiscoveredNodeThatLeftIsStillExpected()
    {
        GaleraInspector::forgetSamples();
        Secrets sec = labAdminSecrets();
        sec.databasePassword = galera(QStringLiteral("GALERA_MONITOR_PASSWORD"));
        const QString user = galera(QStringLiteral("GALERA_MONITOR_USER"));
        Profile viaOne = labAdminProfile();
        viaOne.databaseUrl = galeraUrl(1, user).toString();
        Profile viaThree = labAdminProfile();
        viaThree.databaseUrl = galeraUrl(3, user).toString();
        for (const Profile *p : {&viaOne, &viaThree}) {
            const ProbeResult r = runProbe(*p, sec, 1);
            QVERIFY(r.galera);
            QCOMPARE(r.galera->expectedSize, 3);
        }

        QVERIFY(galeraScript({QStringLiteral("stop-node"), QStringLiteral("3")}));
        ProbeResult one;
        for (int i = 0; i < 50; ++i) {
            one = runProbe(viaOne, sec, 1);
            if (one.galera && one.galera->level >= int(HealthLevel::Warning))
                break;
            QTest::qWait(200);
        }
        const ProbeResult three = runProbe(viaThree, sec, 1);
        QVERIFY(galeraScript({QStringLiteral("start-node"), QStringLiteral("3")}));

        QVERIFY(one.galera);
        QCOMPARE(one.galera->expectedSize, 3);
        QVERIFY2(one.galera->reason.contains(QStringLiteral("cluster size 2 of 3")),
                 qPrintable(one.galera->reason));
        QVERIFY(!three.databaseError.isEmpty());
        QVERIFY2(three.galera, "the profile whose node left has no Galera part");
        QVERIFY2(three.galera->reason.contains(QStringLiteral("cluster size 2 of 3")),
                 qPrintable(three.galera->reason));
        QVERIFY(three.thresholdLevel >= int(HealthLevel::Warning));
        waitFor([](const GaleraStatus &g) { return g.level == int(HealthLevel::Ok); });
    }

    // A stalled node (SIGSTOP: the kernel still accepts the connection, nothing answers) costs
    // its connect timeout once, in parallel with the others, and is named.
    void aStalledNodeCostsOneTimeoutNotOnePerNode()
    {
        QVERIFY(galeraScript({QStringLiteral("pause-node"), QStringLiteral("3")}));
        const GaleraInspector in(galeraUrl(1, galera(QStringLiteral("GALERA_MONITOR_USER"))),
                                 galera(QStringLiteral("GALERA_MONITOR_PASSWORD")), 2);
        GaleraStatus s = in.inspect(galeraAddresses());
        QVERIFY(galeraScript({QStringLiteral("resume-node"), QStringLiteral("3")}));
        evaluateGalera(s, defaultThresholds());
        qInfo("with node 3 stopped: %.0f ms; %s", s.durationMs, qPrintable(s.reason));
        QVERIFY(s.nodes.at(0).reachable && s.nodes.at(1).reachable);
        QVERIFY(!s.nodes.at(2).reachable);
        QVERIFY2(s.reason.contains(galeraAddress(3) + QStringLiteral(" does not answer")),
                 qPrintable(s.reason));
        QVERIFY2(s.durationMs < 2 * 2000 + 1000, "the nodes are not inspected in parallel");
        waitFor([](const GaleraStatus &g) { return g.level == int(HealthLevel::Ok); });
    }

    void aDesynchronisedNodeIsNamed()
    {
        QVERIFY(admin(2, QStringLiteral("SET GLOBAL wsrep_desync = ON")));
        const GaleraStatus s =
            waitFor([](const GaleraStatus &g) { return g.level >= int(HealthLevel::Warning); });
        QVERIFY(admin(2, QStringLiteral("SET GLOBAL wsrep_desync = OFF")));
        QCOMPARE(s.level, int(HealthLevel::Warning));
        QVERIFY2(s.reason.contains(QStringLiteral("n2 is Donor/Desynced")), qPrintable(s.reason));
        const GaleraStatus back =
            waitFor([](const GaleraStatus &g) { return g.level == int(HealthLevel::Ok); });
        QCOMPARE(back.level, int(HealthLevel::Ok));
    }
};

QTEST_MAIN(TestLabGalera)
#include "tst_lab_galera.moc"
