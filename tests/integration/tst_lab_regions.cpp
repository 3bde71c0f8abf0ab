// Three real regions (lab.sh regions-on, CTest fixture lab_regions): one
// Keystone per region on one Galera cluster, each region with its own
// memcached and the Fernet keys copied to its node. The Overview shows one
// tile per region, the "all profiles" charts three curves; a region whose
// memcached stops is the only one that slows down, and its tile says why; a
// node whose keys drift turns its region red with the key sentence.
#include "charts/pagecharts.h"
#include "collector/collector.h"
#include "history/chartdata.h"
#include "history/historyconfig.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "keys/keystatus.h"
#include "overviewmodel.h"
#include "overviewpage.h"
#include "probe/keysalert.h"
#include "probe/prober.h"
#include "profileselection.h"
#include "profiletile.h"
#include "regionsupport.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTcpSocket>
#include <QTest>
#include <QToolButton>

#include <algorithm>
#include <csignal>

using namespace turnstile;
using namespace Qt::StringLiterals;
using testsupport::labRegionProfile;
using testsupport::labRegionSecrets;
using testsupport::region;

namespace {

QString nth(const char *key, int n)
{
    return region(QLatin1String(key) + u'_' + QString::number(n));
}

// The pid in a pid file lab.sh wrote, if that process is ours: its command
// line names the pid file (lab.sh's own check), so the test never signals a
// process it did not start.
qint64 ownPid(const QString &pidFile)
{
    QFile f(pidFile);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const qint64 pid = QString::fromLatin1(f.readLine()).trimmed().toLongLong();
    QFile cmd(u"/proc/%1/cmdline"_s.arg(pid));
    if (pid <= 0 || !cmd.open(QIODevice::ReadOnly) || !cmd.readAll().contains(pidFile.toUtf8()))
        return -1;
    return pid;
}

bool answers(const QString &hostPort)
{
    QTcpSocket s;
    const int colon = int(hostPort.lastIndexOf(u':'));
    s.connectToHost(hostPort.left(colon), quint16(hostPort.mid(colon + 1).toUInt()));
    return s.waitForConnected(1000);
}

bool sh(const QString &script)
{
    QProcess p;
    p.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
    if (!p.waitForFinished(60000) || p.exitCode() != 0) {
        qWarning("%s: %s", qPrintable(script), p.readAllStandardError().constData());
        return false;
    }
    return true;
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v.at(v.size() / 2);
}

} // namespace

class TestLabRegions : public QObject
{
    Q_OBJECT
    // The history store and audit log of this test alone.
    testsupport::IsolatedEnvironment m_state;
    HistoryConfig m_config;
    QList<Profile> m_profiles;

    // Puts back whatever a test stopped or changed: regions-on starts what
    // is missing and copies the key set to every node again.
    struct Restore
    {
        ~Restore()
        {
            QString out;
            if (!testsupport::runLabScript({QStringLiteral("regions-on")}, &out))
                qWarning("lab.sh regions-on failed: %s", qPrintable(out));
        }
    };

    // One collector cycle of a region, with the key check the window's
    // scheduler adds (ProbeScheduler: readKeyStatus + applyKeysAlert).
    ProbeResult cycle(const Profile &p)
    {
        HistoryStore store;
        if (!store.open(m_config)) {
            qWarning("history store: %s", qPrintable(store.error()));
            return {};
        }
        CollectOptions o;
        o.intervalSec = 1;
        ProbeResult r = collectOnce(p, labRegionSecrets(), store, o).probe;
        QString error;
        if (const auto setup = KeySetup::fromProfile(p, &error))
            applyKeysAlert(r, readKeyStatus(*setup));
        else
            qWarning("keys: %s", qPrintable(error));
        return r;
    }

    // Median of `n` validations of fresh tokens, region by region, rounds
    // interleaved so a busy moment of the machine hits every region alike.
    QList<double> validationMedians(int rounds = 3)
    {
        QList<QList<double>> samples(m_profiles.size());
        for (int round = 0; round < rounds; ++round)
            for (int i = 0; i < m_profiles.size(); ++i) {
                const ProbeResult r = runProbe(m_profiles.at(i), labRegionSecrets(), 7);
                if (r.validateMs)
                    samples[i].append(*r.validateMs);
            }
        QList<double> out;
        for (const QList<double> &s : std::as_const(samples))
            out.append(median(s));
        return out;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_state.isValid());
        QVERIFY2(testsupport::regionCount() == 3,
                 "regions.env is missing: the lab_regions fixture (lab.sh regions-on) did not run");
        for (int n = 1; n <= 3; ++n)
            m_profiles.append(labRegionProfile(n));
        m_config.sqlitePath = m_state.historyFile();
        qputenv("TURNSTILE_SSH_CONFIG",
                testsupport::lab(QStringLiteral("TURNSTILE_LAB_SSH_CONFIG")).toUtf8());
    }

    // (a) One tile per region, three regions that are really there: each
    // tile's Keystone answers, sits on its own Galera node and memcached,
    // and its catalogue lists all three regions.
    void overviewShowsOneTilePerRegion()
    {
        OverviewModel model;
        OverviewPage page(&model);
        page.resize(1280, 800);
        page.selectionChanged(ProfileSelection{m_profiles, {}});
        for (const Profile &p : std::as_const(m_profiles))
            model.setResult(cycle(p));
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));

        QCOMPARE(page.tiles().size(), 3);
        // Three Keystones: three groups (cloud = endpoint, region).
        QCOMPARE(page.groupHeaders().size(), 3);
        QSet<QString> headers;
        for (const QToolButton *h : page.groupHeaders())
            headers.insert(h->text());
        for (int n = 1; n <= 3; ++n) {
            const Profile &p = m_profiles.at(n - 1);
            const auto r = model.result(p.name);
            QVERIFY(r);
            QVERIFY2(r->reachable && r->tokenError.isEmpty(),
                     qPrintable(OverviewModel::reasonOf(*r)));
            // Green, or amber for a figure of its own: a fresh memcached's hit
            // ratio may still be below 80 % (warning), which is the truth.
            QVERIFY2(OverviewModel::statusOf(*r) != OverviewModel::Status::Critical,
                     qPrintable(OverviewModel::reasonOf(*r)));
            QCOMPARE(QSet<QString>(r->catalogRegions.begin(), r->catalogRegions.end()),
                     (QSet<QString>{u"RegionOne"_s, u"RegionTwo"_s, u"RegionThree"_s}));
            QVERIFY2(r->databaseTarget.contains(u':' + nth("REGION_DB_PORT", n)),
                     qPrintable(r->databaseTarget));
            QVERIFY(r->tokenRows.has_value());
            QCOMPARE(r->keysLevel, 1);
            bool headerNamesRegion = false;
            for (const QString &h : std::as_const(headers))
                headerNamesRegion = headerNamesRegion || h.contains(p.regionName);
            QVERIFY2(headerNamesRegion, qPrintable(QStringList(headers.values()).join(u" | ")));
        }
        for (ProfileTile *t : page.tiles())
            QVERIFY2(t->statusName() != OverviewModel::statusText(OverviewModel::Status::Critical),
                     qPrintable(t->reasonText()));
    }

    // The per-region memcached really serves Keystone's token cache: its
    // get_hits rise with repeated validations (the lab's Keystone caches).
    void eachRegionCachesInItsOwnMemcached()
    {
        for (int n = 1; n <= 3; ++n) {
            const MemcachedStats before = fetchMemcachedStats(nth("MEMCACHED", n));
            QVERIFY2(before.ok(), qPrintable(before.error));
            runProbe(m_profiles.at(n - 1), labRegionSecrets(), 5);
            const MemcachedStats after = fetchMemcachedStats(nth("MEMCACHED", n));
            QVERIFY2(after.getHits.value_or(0) > before.getHits.value_or(0),
                     qPrintable(u"memcached of region %1: get_hits %2 -> %3"_s.arg(n)
                                    .arg(before.getHits.value_or(-1))
                                    .arg(after.getHits.value_or(-1))));
        }
    }

    // (b) The Growth and Latency pages' "all profiles" data: a curve per
    // region for every metric the three regions have.
    void allProfilesChartsHaveThreeRegions()
    {
        const qint64 from = QDateTime::currentSecsSinceEpoch() - 60;
        for (int i = 0; i < 2; ++i) {
            for (const Profile &p : std::as_const(m_profiles))
                QVERIFY(cycle(p).reachable);
            QTest::qWait(1100); // the next slot (intervalSec 1)
        }
        QStringList names;
        for (const Profile &p : std::as_const(m_profiles))
            names.append(p.name);
        const qint64 to = QDateTime::currentSecsSinceEpoch() + 1;
        const auto check = [&](const QList<ChartSpec> &specs, const QString &metric) {
            const ChartData d =
                ChartData::load(m_config, names, from, to, specs, QList<int>(specs.size(), 200));
            QVERIFY2(d.error.isEmpty(), qPrintable(d.error));
            QVERIFY(d.unknownProfiles.isEmpty());
            QSet<QString> withData;
            for (const QList<NamedSeries> &chart : d.series)
                for (const NamedSeries &s : chart)
                    if (s.metric == metric && !s.buckets.isEmpty())
                        withData.insert(s.profile);
            QCOMPARE(withData, QSet<QString>(names.begin(), names.end()));
        };
        check(PageCharts::latency(), QStringLiteral("validate.p99.ms"));
        check(PageCharts::growth(), QStringLiteral("token.live"));
    }

    // (c) The Platform9 claim: per-region memcached shields the shared
    // database. RegionTwo's memcached stops: RegionTwo's validations go to
    // the database and slow down, the other regions' do not, and RegionTwo's
    // tile names the memcached that is gone.
    void stoppedMemcachedSlowsOnlyItsRegion()
    {
        Restore restore;
        const QList<double> before = validationMedians();
        const qint64 pid = ownPid(nth("MEMCACHED_PID_FILE", 2));
        QVERIFY(pid > 0);
        QVERIFY(::kill(pid_t(pid), SIGTERM) == 0);
        QTRY_VERIFY_WITH_TIMEOUT(!answers(nth("MEMCACHED", 2)), 10000);
        const QList<double> after = validationMedians();
        const QString figures =
            u"validation medians before %1 / %2 / %3 ms, after %4 / %5 / %6 ms"_s
                .arg(before[0], 0, 'f', 1)
                .arg(before[1], 0, 'f', 1)
                .arg(before[2], 0, 'f', 1)
                .arg(after[0], 0, 'f', 1)
                .arg(after[1], 0, 'f', 1)
                .arg(after[2], 0, 'f', 1);
        qInfo("%s", qPrintable(figures));
        QVERIFY2(after[1] > 2 * before[1], qPrintable(figures));
        QVERIFY2(after[1] > 2 * std::max(after[0], after[2]), qPrintable(figures));

        const ProbeResult r = cycle(m_profiles.at(1));
        const QString reason = OverviewModel::reasonOf(r);
        QVERIFY2(OverviewModel::statusOf(r) != OverviewModel::Status::Ok, qPrintable(reason));
        QVERIFY2(reason.contains(u"memcached "_s + nth("MEMCACHED", 2)) &&
                     reason.contains(u"unavailable"_s),
                 qPrintable(reason));
        for (const int other : {0, 2}) {
            const ProbeResult o = cycle(m_profiles.at(other));
            QVERIFY2(!OverviewModel::reasonOf(o).contains(u"memcached"_s),
                     qPrintable(OverviewModel::reasonOf(o)));
        }
    }

    // (d) RegionTwo's node rotates its keys alone (a stray cron job): its
    // region turns red with the key sentence, the others stay green.
    void driftedNodeKeysTurnOnlyItsRegionRed()
    {
        Restore restore;
        const QString repo = nth("REGION_KEY_REPO", 2);
        // What keystone-manage fernet_rotate does: the staged key 0 becomes
        // the new primary, a new staged key 0 appears.
        QVERIFY(sh(
            u"set -e; cd '%1'; n=$(ls | grep -E '^[0-9]+$' | sort -n | tail -1); "
            "mv 0 $((n + 1)); umask 077; head -c 32 /dev/urandom | base64 | tr '+/' '-_' > 0"_s.arg(
                repo)));
        const ProbeResult r = cycle(m_profiles.at(1));
        QCOMPARE(r.keysLevel, 3);
        QCOMPARE(OverviewModel::statusOf(r), OverviewModel::Status::Critical);
        const QString reason = OverviewModel::reasonOf(r);
        QVERIFY2(reason.contains(u"Fernet keys"_s) && reason.contains(nth("REGION_NODE", 2)),
                 qPrintable(reason));
        for (const int other : {0, 2}) {
            const ProbeResult o = cycle(m_profiles.at(other));
            QCOMPARE(o.keysLevel, 1);
            QVERIFY2(OverviewModel::statusOf(o) == OverviewModel::Status::Ok,
                     qPrintable(OverviewModel::reasonOf(o)));
        }
    }

    // After the restores above, no region is red and none names its keys or
    // its memcached any more.
    void restoredRegionsAreGreen()
    {
        for (const Profile &p : std::as_const(m_profiles)) {
            const ProbeResult r = cycle(p);
            const QString why = p.name + u": "_s + OverviewModel::reasonOf(r);
            QVERIFY2(OverviewModel::statusOf(r) != OverviewModel::Status::Critical,
                     qPrintable(why));
            QCOMPARE(r.keysLevel, 1);
            QVERIFY2(!OverviewModel::reasonOf(r).contains(u"memcached "_s), qPrintable(why));
        }
    }
};

QTEST_MAIN(TestLabRegions)
#include "tst_lab_regions.moc"
