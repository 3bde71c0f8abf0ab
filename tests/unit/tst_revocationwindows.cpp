// The cuts of the revocation figures: age buckets and Keystone's prune limit
// (keystone/revoke/backends/base.py revoked_before_cutoff_time), plus the
// small value helpers the inspectors share.
#include "db/keystonetables.h"
#include "db/metric.h"
#include "db/revocationstats.h"

#include <QTest>

using namespace turnstile;

class TestRevocationWindows : public QObject
{
    Q_OBJECT
private slots:
    void windowsFollowKeystoneDefaults()
    {
        const QDateTime now(QDate(2026, 3, 29), QTime(1, 30, 0), Qt::UTC);
        const RevocationWindows w = revocationWindows(now, 3600, 1800);
        QCOMPARE(w.hourAgo, QDateTime(QDate(2026, 3, 29), QTime(0, 30, 0), Qt::UTC));
        QCOMPARE(w.dayAgo, QDateTime(QDate(2026, 3, 28), QTime(1, 30, 0), Qt::UTC));
        QCOMPARE(w.weekAgo, QDateTime(QDate(2026, 3, 22), QTime(1, 30, 0), Qt::UTC));
        QCOMPARE(w.obsoleteBefore, QDateTime(QDate(2026, 3, 29), QTime(0, 0, 0), Qt::UTC));
        QCOMPARE(w.obsoleteBefore.timeSpec(), Qt::UTC);
    }

    void windowsAreUtcWhateverTheInput()
    {
        // 2026-03-29 01:30 UTC is right at the EU DST change; an offset input
        // must land on the same UTC instants.
        const QDateTime utc(QDate(2026, 3, 29), QTime(1, 30, 0), Qt::UTC);
        const QDateTime offset = utc.toOffsetFromUtc(5 * 3600 + 1800);
        const RevocationWindows a = revocationWindows(utc, 3600, 1800);
        const RevocationWindows b = revocationWindows(offset, 3600, 1800);
        QCOMPARE(b.dayAgo, a.dayAgo);
        QCOMPARE(b.dayAgo.timeSpec(), Qt::UTC);
        QCOMPARE(b.obsoleteBefore, a.obsoleteBefore);
    }

    void largeSettingsAndNegativesAreSafe()
    {
        const QDateTime now(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
        // allow_expired_window-sized values must not overflow an int.
        QCOMPARE(revocationWindows(now, 2000000000, 2000000000).obsoleteBefore,
                 now.addSecs(-4000000000LL));
        QCOMPARE(revocationWindows(now, -5, -5).obsoleteBefore, now);
    }

    void histogramFromCumulativeCounts()
    {
        const RevocationAgeHistogram h = histogramFromCumulative(17, 6, 12, 15);
        QCOMPARE(h.underHour, 6);
        QCOMPARE(h.hourToDay, 6);
        QCOMPARE(h.dayToWeek, 3);
        QCOMPARE(h.overWeek, 2);
        QCOMPARE(h.total(), 17);
        const RevocationAgeHistogram torn = histogramFromCumulative(5, 7, 6, 6);
        QCOMPARE(torn.hourToDay, 0);
        QCOMPARE(torn.overWeek, 0);
        QCOMPARE(histogramFromCumulative(0, 0, 0, 0).total(), 0);
    }

    void metricHelpers()
    {
        const Metric<qint64> a = Metric<qint64>::of(3, 1.5);
        QVERIFY(a.available());
        QCOMPARE(*a.value, 3);
        QCOMPARE(a.queryMs, 1.5);
        const Metric<qint64> b = Metric<qint64>::unavailable(QStringLiteral("unavailable: x"), 2);
        QVERIFY(!b.available());
        QCOMPARE(b.error, QStringLiteral("unavailable: x"));
    }

    void tableNamesAreClosed()
    {
        QStringList names;
        for (const KeystoneTable t : allKeystoneTables()) {
            const QString n = tableName(t);
            QVERIFY(!n.isEmpty());
            for (const QChar c : n)
                QVERIFY2(c.isLower() || c == u'_', qPrintable(n));
            names.append(n);
        }
        QCOMPARE(names.size(), 16);
        QCOMPARE(QSet<QString>(names.begin(), names.end()).size(), 16);
    }
};

QTEST_GUILESS_MAIN(TestRevocationWindows)
#include "tst_revocationwindows.moc"
