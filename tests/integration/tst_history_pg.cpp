// The shared history on the lab's real PostgreSQL 15: same schema and
// behaviour as SQLite, and two "workstations" see each other's writes.
#include "history/historyschema.h"
#include "history/historystore.h"
#include "testsupport.h"

#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace turnstile;
using testsupport::lab;

namespace {

constexpr qint64 kDay = 86400;
constexpr qint64 T0 = 1699920000; // 2023-11-14T00:00:00Z

qint64 totalCount(const DecimatedSeries &d)
{
    qint64 n = 0;
    for (const Bucket &b : d.buckets)
        n += b.count;
    return n;
}

} // namespace

class TestHistoryPg : public QObject
{
    Q_OBJECT

    // Unique per run, so parallel or aborted runs never see each other's
    // rows; removed again in cleanupTestCase().
    QString m_profile;

    HistoryConfig config() const
    {
        HistoryConfig c;
        c.backend = HistoryConfig::Backend::PostgreSql;
        c.url = DatabaseUrl::parse(QStringLiteral("postgresql://%1@%2:%3/%4")
                                       .arg(lab(QStringLiteral("TURNSTILE_LAB_PG_USER")),
                                            lab(QStringLiteral("TURNSTILE_LAB_PG_HOST")),
                                            lab(QStringLiteral("TURNSTILE_LAB_PG_PORT")),
                                            lab(QStringLiteral("TURNSTILE_LAB_PG_DB"))));
        c.password = lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD"));
        return c;
    }
    SeriesKey key(const char *metric) const { return SeriesKey{m_profile, QLatin1String(metric)}; }

    // A look at the server behind the stores' backs.
    qint64 scalar(const QString &sql) const
    {
        const QString name = QStringLiteral("tst-pg-inspect");
        qint64 v = -1;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
            db.setHostName(lab(QStringLiteral("TURNSTILE_LAB_PG_HOST")));
            db.setPort(lab(QStringLiteral("TURNSTILE_LAB_PG_PORT")).toInt());
            db.setUserName(lab(QStringLiteral("TURNSTILE_LAB_PG_USER")));
            db.setPassword(lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD")));
            db.setDatabaseName(lab(QStringLiteral("TURNSTILE_LAB_PG_DB")));
            if (db.open()) {
                QSqlQuery q(db);
                if (q.exec(sql) && q.next())
                    v = q.value(0).toLongLong();
            }
        }
        QSqlDatabase::removeDatabase(name);
        return v;
    }
    qint64 rowsOf(const char *table, const char *metric) const
    {
        return scalar(
            QStringLiteral("SELECT count(*) FROM %1 t JOIN history_series s ON s.id = t.series "
                           "WHERE s.profile = '%2' AND s.metric = '%3'")
                .arg(QLatin1String(table), m_profile, QLatin1String(metric)));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_PG_HOST")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        m_profile = QStringLiteral("tst-pg-%1-%2")
                        .arg(QCoreApplication::applicationPid())
                        .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
    }

    void cleanupTestCase()
    {
        if (m_profile.isEmpty())
            return;
        HistoryStore store;
        QVERIFY2(store.open(config()), qPrintable(store.error()));
        QVERIFY2(store.removeProfile(m_profile), qPrintable(store.error()));
        QVERIFY(store.seriesKeys(m_profile)->isEmpty());
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM history_series WHERE profile = '%1'")
                            .arg(m_profile)),
                 0);
        QCOMPARE(
            scalar(QStringLiteral("SELECT count(*) FROM history_annotations WHERE profile = '%1'")
                       .arg(m_profile)),
            0);
    }

    void schemaIsCreatedOnFirstOpen()
    {
        HistoryStore store;
        QVERIFY2(store.open(config()), qPrintable(store.error()));
        QCOMPARE(scalar(QStringLiteral(
                     "SELECT count(*) FROM information_schema.tables WHERE table_name IN "
                     "('history_meta', 'history_series', 'history_samples', "
                     "'history_rollup_1m', 'history_rollup_1h', 'history_annotations')")),
                 6);
        QCOMPARE(scalar(QStringLiteral(
                     "SELECT value::int FROM history_meta WHERE key = 'schema_version'")),
                 historyschema::kVersion);
        // Same columns as SQLite: the primary key is (series, ts).
        QCOMPARE(scalar(QStringLiteral(
                     "SELECT count(*) FROM information_schema.key_column_usage "
                     "WHERE table_name = 'history_samples' AND constraint_name LIKE '%pkey'")),
                 2);
        QVERIFY(!store.location().contains(lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD"))));
        // Opening again (a second workstation) leaves the schema as it is.
        HistoryStore second;
        QVERIFY2(second.open(config()), qPrintable(second.error()));
    }

    void roundTripAndIdempotentWrites()
    {
        HistoryStore store;
        QVERIFY2(store.open(config()), qPrintable(store.error()));
        QList<Sample> in;
        for (int i = 0; i < 700; ++i)
            in.append({T0 + i, (10000 + i) / 1000.0}); // three places: stored as integers
        in.append({T0 + 700, std::numeric_limits<double>::quiet_NaN()});
        QCOMPARE(store.append(key("validate.p50_ms"), in), 701);
        QCOMPARE(store.append(key("validate.p50_ms"), in), 0);
        const auto back = store.samples(key("validate.p50_ms"), T0, T0 + 1000);
        QVERIFY2(back, qPrintable(store.error()));
        QCOMPARE(back->size(), 701);
        for (int i = 0; i < 700; ++i)
            QCOMPARE(back->at(i), in[i]);
        QVERIFY(std::isnan(back->at(700).value));
        QCOMPARE(*store.latest(key("validate.p50_ms")), in[699]);
        QCOMPARE(store.append(key("token.rows"), {{T0, 123456789012.0}, {T0 + 1, 0}}), 2);
        QCOMPARE(store.samples(key("token.rows"), T0, T0 + 2)->at(0).value, 123456789012.0);

        const auto q = store.query(key("validate.p50_ms"), T0, T0 + 700, 7);
        QVERIFY2(q, qPrintable(store.error()));
        QCOMPARE(q->resolution, Resolution::Minute);
        QCOMPARE(totalCount(*q), qint64(700));
        QCOMPARE(q->buckets.first().min, 10.0);
        QCOMPARE(q->buckets.last().max, 10.699);

        const auto stats = store.stats();
        QVERIFY2(stats, qPrintable(store.error()));
        QVERIFY(stats->samples >= 703);
        QVERIFY(stats->sampleBytes > 0);
    }

    void twoWorkstationsShareOneHistory()
    {
        HistoryStore collector, dashboard;
        QVERIFY2(collector.open(config()), qPrintable(collector.error()));
        QVERIFY2(dashboard.open(config()), qPrintable(dashboard.error()));
        QList<Sample> in;
        for (qint64 t = T0; t < T0 + 3600; t += 60)
            in.append({t, double(t - T0)});
        QCOMPARE(collector.append(key("token.expired"), in), 60);
        // The dashboard reads what the collector wrote...
        const auto seen = dashboard.query(key("token.expired"), T0, T0 + 3600, 60);
        QVERIFY2(seen, qPrintable(dashboard.error()));
        QCOMPARE(seen->buckets.size(), 60);
        QCOMPARE(seen->buckets.last().max, 3540.0);
        // ... a GUI sampler writing the same seconds adds nothing ...
        QCOMPARE(dashboard.append(key("token.expired"), in.mid(50)), 0);
        QCOMPARE(dashboard.append(key("token.expired"), {{T0 + 3600, 1}}), 1);
        QCOMPARE(collector.latest(key("token.expired"))->ts, T0 + 3600);
        // ... and annotations and series lists are shared too.
        QVERIFY(dashboard.addAnnotation({T0 + 120, m_profile, QStringLiteral("purge.tokens"),
                                         QStringLiteral("Purged 42 expired tokens")}));
        const auto notes = collector.annotations(T0, T0 + 3600, m_profile);
        QVERIFY2(notes, qPrintable(collector.error()));
        QCOMPARE(notes->size(), 1);
        QCOMPARE(notes->first().text, QStringLiteral("Purged 42 expired tokens"));
        QVERIFY(collector.seriesKeys(m_profile)->contains(key("token.expired")));
        // The dashboard's rollup is visible to the collector's query.
        QVERIFY2(dashboard.rollup(T0 + 2 * 3600), qPrintable(dashboard.error()));
        const auto hour = collector.query(key("token.expired"), T0, T0 + 2 * 3600, 2);
        QCOMPARE(hour->resolution, Resolution::Hour);
        QCOMPARE(hour->buckets.size(), 2);
        QCOMPARE(hour->buckets[0].count, 60);
        QCOMPARE(rowsOf("history_rollup_1h", "token.expired"), 2);

        // A workstation removing the profile while another still caches the
        // series id: the next append recreates it instead of orphaning rows.
        const SeriesKey gone = key("orphan.check");
        QCOMPARE(collector.append(gone, {{T0, 1}}), 1);
        QVERIFY(dashboard.removeProfile(m_profile));
        QCOMPARE(collector.append(gone, {{T0 + 1, 2}}), 1);
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM history_samples WHERE series NOT IN "
                                       "(SELECT id FROM history_series)")),
                 0);
        QCOMPARE(dashboard.samples(gone, T0, T0 + 10)->size(), 1);
    }

    void rollupAndRetentionKeepLongRanges()
    {
        HistoryConfig c = config();
        c.rawRetentionDays = 2;
        c.minuteRetentionDays = 5;
        HistoryStore store;
        QVERIFY2(store.open(c), qPrintable(store.error()));
        QList<Sample> in;
        for (qint64 t = T0; t < T0 + 10 * kDay; t += 300)
            in.append({t, double((t / 300) % 50)});
        in[500].value = 99999;
        QCOMPARE(store.append(key("revocation_event.rows"), in), int(in.size()));
        QVERIFY2(store.maintain(T0 + 10 * kDay), qPrintable(store.error()));
        // Raw rows past the cut are gone for every read; on PostgreSQL they
        // leave the disk with their month's partition (tst_history_partitions).
        QCOMPARE(store.samples(key("revocation_event.rows"), T0, T0 + 10 * kDay)->size(), 2 * 288);
        QCOMPARE(rowsOf("history_rollup_1m", "revocation_event.rows"), 5 * 288);
        QCOMPARE(rowsOf("history_rollup_1h", "revocation_event.rows"), 10 * 24);
        for (int points : {1600, 10, 200000}) {
            const auto all = store.query(key("revocation_event.rows"), T0, T0 + 10 * kDay, points);
            QVERIFY2(all, qPrintable(store.error()));
            QCOMPARE(totalCount(*all), qint64(in.size()));
            QVERIFY(all->buckets.size() <= points);
            double peak = 0;
            for (const Bucket &b : all->buckets)
                peak = std::max(peak, b.max);
            QCOMPARE(peak, 99999.0);
        }
        // Late sample older than the raw cut: skipped.
        QCOMPARE(store.append(key("revocation_event.rows"), {{T0 + kDay + 1, 1}}), 0);
    }

    void concurrentWritersNeverDuplicate()
    {
        // Two processes' worth of writers, each store on its own thread as
        // the threading rule demands, writing the same seconds at once.
        QList<Sample> in;
        for (int i = 0; i < 3000; ++i)
            in.append({T0 + 20 * kDay + i, double(i)});
        std::atomic<int> inserted{0};
        std::atomic<int> failures{0};
        QList<QThread *> threads;
        for (int w = 0; w < 2; ++w) {
            threads.append(QThread::create([&, w] {
                HistoryStore store;
                if (!store.open(config())) {
                    ++failures;
                    return;
                }
                for (qsizetype start = w * 100; start < in.size(); start += 500) {
                    const int n = store.append(key("token.rows"), in.mid(start, 700));
                    if (n < 0)
                        ++failures;
                    else
                        inserted += n;
                    if (!store.rollup(T0 + 21 * kDay))
                        ++failures;
                }
            }));
        }
        for (QThread *t : threads)
            t->start();
        for (QThread *t : threads) {
            QVERIFY(t->wait(120000));
            delete t;
        }
        QCOMPARE(failures.load(), 0);
        QCOMPARE(inserted.load(), 3000);
        HistoryStore store;
        QVERIFY(store.open(config()));
        QCOMPARE(store.samples(key("token.rows"), T0 + 20 * kDay, T0 + 21 * kDay)->size(), 3000);
        QVERIFY(store.rollup(T0 + 21 * kDay));
        const auto q = store.query(key("token.rows"), T0 + 20 * kDay, T0 + 21 * kDay, 24);
        QCOMPARE(totalCount(*q), qint64(3000));
    }

    // Keystone's events in the shared store: stored once per message id even
    // when two collectors consume the same redelivered message, counted per
    // user and minute, named after deletion, removed with the profile.
    void keystoneEventsInPostgres()
    {
        KeystoneEvent e;
        e.eventType = QStringLiteral("identity.authenticate");
        e.action = QStringLiteral("authenticate");
        e.outcome = QStringLiteral("failure");
        e.initiatorName = QStringLiteral("nova");
        e.initiatorId = QStringLiteral("nova-id");
        e.eventTimeMs = qint64(1699920000) * 1000 + 1234;
        QList<KeystoneEvent> batch;
        for (int i = 0; i < 3; ++i) {
            e.messageId = QStringLiteral("%1-m%2").arg(m_profile).arg(i);
            batch << e;
        }
        KeystoneEvent created;
        created.messageId = m_profile + QStringLiteral("-created");
        created.eventType = QStringLiteral("identity.user.created");
        created.action = QStringLiteral("created.user");
        created.outcome = QStringLiteral("success");
        created.targetType = QStringLiteral("data/security/account/user");
        created.targetId = m_profile + QStringLiteral("-uid");
        created.targetName = QStringLiteral("svc-backup");
        created.eventTimeMs = e.eventTimeMs;
        batch << created;
        HistoryStore a;
        HistoryStore b;
        QVERIFY2(a.open(config()), qPrintable(a.error()));
        QVERIFY2(b.open(config()), qPrintable(b.error()));
        QCOMPARE(a.appendEvents(m_profile, batch), 4);
        QCOMPARE(b.appendEvents(m_profile, batch), 0);
        const auto counts = a.authFailures(m_profile, 1699920000, 1699920060);
        QVERIFY2(counts, qPrintable(a.error()));
        QCOMPARE(counts->size(), 1);
        QCOMPARE(counts->first().count, 3);
        QCOMPARE(*b.eventTargetName(m_profile, created.targetId), QStringLiteral("svc-backup"));
        // Who mints the tokens: the same GROUP BY in PostgreSQL.
        KeystoneEvent ok = e;
        ok.outcome = QStringLiteral("success");
        QList<KeystoneEvent> logins;
        for (int i = 0; i < 2; ++i) {
            ok.messageId = QStringLiteral("%1-ok%2").arg(m_profile).arg(i);
            logins << ok;
        }
        ok.initiatorName.clear(); // no name in the payload: the id counts
        ok.messageId = m_profile + QStringLiteral("-ok-id");
        logins << ok;
        QCOMPARE(a.appendEvents(m_profile, logins), 3);
        const auto successes =
            b.authSuccesses(m_profile, e.eventTimeMs - 1000, e.eventTimeMs + 1000);
        QVERIFY2(successes, qPrintable(b.error()));
        QCOMPARE(*successes, (QList<AuthSuccessCount>{{QStringLiteral("nova"), 2},
                                                      {QStringLiteral("nova-id"), 1}}));
        EventQuery q;
        q.profile = m_profile;
        q.actions = {QStringLiteral("created.user")};
        const auto back = b.events(q);
        QVERIFY2(back, qPrintable(b.error()));
        QCOMPARE(back->size(), 1);
        QCOMPARE(back->first().targetName, QStringLiteral("svc-backup"));
        QVERIFY(back->first().initiatorName.isEmpty()); // NULL reads back empty
        QVERIFY(a.removeProfile(m_profile));
        q.actions.clear();
        QCOMPARE(b.events(q)->size(), 0);
    }

    void wrongPasswordIsAClearError()
    {
        HistoryConfig c = config();
        c.password = QStringLiteral("definitely-wrong");
        HistoryStore store;
        QVERIFY(!store.open(c));
        QVERIFY(!store.isOpen());
        QVERIFY2(store.error().contains(lab(QStringLiteral("TURNSTILE_LAB_PG_HOST"))),
                 qPrintable(store.error()));
        QVERIFY(!store.error().contains(QStringLiteral("definitely-wrong")));
        HistoryConfig notPg = config();
        notPg.url = DatabaseUrl::parse(QStringLiteral("mysql://x@h/db"));
        QVERIFY(!store.open(notPg));
        QVERIFY(store.error().contains(QStringLiteral("PostgreSQL")));
    }
};

QTEST_GUILESS_MAIN(TestHistoryPg)
#include "tst_history_pg.moc"
