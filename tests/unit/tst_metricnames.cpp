// Legends, exports and `turnstilectl report` name series in words
// ("Live tokens"), never by key ("token.live"); one function does it, and it
// is translated.
#include "history/metricnames.h"

#include <QCoreApplication>
#include <QTest>
#include <QTranslator>

using namespace turnstile;

namespace {
// Stands in for a .qm file: marks every MetricNames text it is asked for, so
// the test sees that the names go through tr() in their own context.
class MarkingTranslator : public QTranslator
{
public:
    QString translate(const char *context, const char *source, const char *, int) const override
    {
        if (QByteArray(context) != "MetricNames")
            return {};
        return QStringLiteral("«") + QString::fromUtf8(source) + QStringLiteral("»");
    }
    bool isEmpty() const override { return false; }
};
} // namespace

class TestMetricNames : public QObject
{
    Q_OBJECT
private slots:
    void knownMetricsHaveHumanNames_data()
    {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<QString>("name");
        QTest::newRow("live") << QStringLiteral("token.live") << QStringLiteral("Live tokens");
        QTest::newRow("expired") << QStringLiteral("token.expired")
                                 << QStringLiteral("Expired tokens");
        QTest::newRow("p99") << QStringLiteral("validate.p99.ms")
                             << QStringLiteral("Validation p99");
        QTest::newRow("issue") << QStringLiteral("issue.p50.ms")
                               << QStringLiteral("Token issue p50");
        QTest::newRow("obsolete") << QStringLiteral("revocation_event.obsolete")
                                  << QStringLiteral("Obsolete revocation events");
        QTest::newRow("up") << QStringLiteral("keystone.up") << QStringLiteral("Keystone up");
    }
    void knownMetricsHaveHumanNames()
    {
        QFETCH(QString, metric);
        QFETCH(QString, name);
        QCOMPARE(metricDisplayName(metric), name);
    }

    // Per-object families name the object the collector found.
    void wildcardFamiliesFillInTheObject()
    {
        QCOMPARE(metricDisplayName(QStringLiteral("schema.keystone.bytes")),
                 QStringLiteral("Size of schema keystone"));
        QCOMPARE(metricDisplayName(QStringLiteral("table.trust.rows")),
                 QStringLiteral("Rows of table trust"));
        QCOMPARE(metricDisplayName(QStringLiteral("table.local_user.bytes")),
                 QStringLiteral("Size of table local_user"));
    }

    // A metric added later is shown by its key rather than hidden or blank.
    void unknownMetricsKeepTheirKey()
    {
        QCOMPARE(metricDisplayName(QStringLiteral("brand.new")), QStringLiteral("brand.new"));
        QCOMPARE(metricDisplayName(QStringLiteral("schema..bytes")),
                 QStringLiteral("schema..bytes"));
    }

    void severalProfilesPutTheProfileAfterTheName()
    {
        QCOMPARE(seriesDisplayName(QStringLiteral("token.live"), QStringLiteral("RegionTwo")),
                 QStringLiteral("Live tokens — RegionTwo"));
    }

    // Installed after start-up, a language applies to the next call.
    void namesAreTranslated()
    {
        MarkingTranslator marking;
        QVERIFY(QCoreApplication::installTranslator(&marking));
        const QString live = metricDisplayName(QStringLiteral("token.live"));
        const QString schema = metricDisplayName(QStringLiteral("schema.keystone.bytes"));
        QCoreApplication::removeTranslator(&marking);
        QCOMPARE(live, QStringLiteral("«Live tokens»"));
        QCOMPARE(schema, QStringLiteral("«Size of schema keystone»"));
        QCOMPARE(metricDisplayName(QStringLiteral("token.live")), QStringLiteral("Live tokens"));
    }

    // Issue 21: tooltips say what a figure means and why it matters, from
    // the same table as the name: every metric with a name has a description.
    void everyNamedMetricIsDescribed_data()
    {
        QTest::addColumn<QString>("metric");
        for (const char *m :
             {"token.live", "token.expired", "token.bytes", "revocation_event.rows",
              "revocation_event.obsolete", "revocation_event.wide", "catalog.bytes", "keystone.up",
              "users.locked", "validate.ms", "validate.p99.ms", "issue.ms", "issue.p95.ms",
              "memcached.hit_ratio", "memcached.evictions", "bench.rps", "db.cycle_ms"})
            QTest::newRow(m) << QString::fromLatin1(m);
    }
    void everyNamedMetricIsDescribed()
    {
        QFETCH(QString, metric);
        QVERIFY(metricDisplayName(metric) != metric);
        const QString d = metricDescription(metric);
        QVERIFY2(d.size() > 20 && d.endsWith(u'.'), qPrintable(d));
        QVERIFY2(!d.contains(metric), qPrintable(d)); // words, not the key
    }
    void descriptionsSayWhyItMatters()
    {
        QVERIFY(
            metricDescription(QStringLiteral("validate.p99.ms")).contains(QStringLiteral("99 %")));
        QVERIFY(metricDescription(QStringLiteral("revocation_event.rows"))
                    .contains(QStringLiteral("every token validation")));
        QVERIFY(metricDescription(QStringLiteral("table.trust.rows")).contains(u"trust"));
        QVERIFY(metricDescription(QStringLiteral("schema.keystone.bytes")).contains(u"keystone"));
        QVERIFY(metricDescription(QStringLiteral("brand.new")).isEmpty());
        MarkingTranslator marking;
        QVERIFY(QCoreApplication::installTranslator(&marking));
        const QString live = metricDescription(QStringLiteral("token.live"));
        QCoreApplication::removeTranslator(&marking);
        QVERIFY2(live.startsWith(u"«"), qPrintable(live));
    }
};

QTEST_GUILESS_MAIN(TestMetricNames)
#include "tst_metricnames.moc"
