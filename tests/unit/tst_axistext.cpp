// Chart axes a capacity reviewer can put on a slide: "1.5 M", not "1500000";
// the reader's decimal point; dates that say which year.
#include "util/numbertext.h"
#include "util/timetext.h"

#include <QLocale>
#include <QTest>

using namespace turnstile;

namespace {
const QLocale kEnglish(QLocale::English, QLocale::UnitedStates);
const QLocale kGerman(QLocale::German, QLocale::Germany);

qint64 at(int y, int m, int d, int h = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, 0)).toSecsSinceEpoch();
}
} // namespace

class TestAxisText : public QObject
{
    Q_OBJECT
private slots:
    void siPrefixes_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<double>("step");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << 0.0 << 250000.0 << QStringLiteral("0");
        QTest::newRow("250 k") << 250000.0 << 250000.0 << QStringLiteral("250 k");
        QTest::newRow("1.5 M") << 1500000.0 << 500000.0 << QStringLiteral("1.5 M");
        QTest::newRow("1.25 M") << 1250000.0 << 250000.0 << QStringLiteral("1.25 M");
        QTest::newRow("2 M") << 2000000.0 << 500000.0 << QStringLiteral("2 M");
        QTest::newRow("2.5 M was 2500000") << 2500000.0 << 500000.0 << QStringLiteral("2.5 M");
        QTest::newRow("giga") << 3e9 << 1e9 << QStringLiteral("3 G");
        QTest::newRow("below a thousand") << 800.0 << 200.0 << QStringLiteral("800");
        QTest::newRow("fraction") << 0.25 << 0.25 << QStringLiteral("0.25");
        QTest::newRow("half ms") << 1.5 << 0.5 << QStringLiteral("1.5");
        QTest::newRow("negative") << -2000.0 << 1000.0 << QStringLiteral("-2 k");
        // Floating-point tick arithmetic (0.1 * 3) never shows its noise.
        QTest::newRow("noise") << 0.30000000000000004 << 0.1 << QStringLiteral("0.3");
    }
    void siPrefixes()
    {
        QFETCH(double, value);
        QFETCH(double, step);
        QFETCH(QString, text);
        QCOMPARE(axisNumber(value, step, kEnglish), text);
    }

    void germanDecimalComma()
    {
        const QLocale german(QLocale::German);
        QCOMPARE(axisNumber(1500000, 500000, german), QStringLiteral("1,5 M"));
        QCOMPARE(axisNumber(250000, 250000, german), QStringLiteral("250 k"));
        QCOMPARE(axisNumber(0.25, 0.25, german), QStringLiteral("0,25"));
    }

    // Neighbouring ticks never read the same.
    void ticksStayDistinct()
    {
        QStringList labels;
        for (int i = 0; i <= 5; ++i)
            labels.append(axisNumber(1000000 + i * 250000.0, 250000, kEnglish));
        QCOMPARE(labels, (QStringList{QStringLiteral("1 M"), QStringLiteral("1.25 M"),
                                      QStringLiteral("1.5 M"), QStringLiteral("1.75 M"),
                                      QStringLiteral("2 M"), QStringLiteral("2.25 M")}));
    }

    void timeFormatsOfThisYear()
    {
        const QDateTime now = QDateTime::fromSecsSinceEpoch(at(2026, 12, 7, 12));
        // An hour: the clock.
        QCOMPARE(axisTimeFormat(at(2026, 12, 7, 10), at(2026, 12, 7, 11), 7, now, kGerman),
                 QStringLiteral("HH:mm"));
        // A week in whole days: dates without the year.
        QCOMPARE(axisTimeFormat(at(2026, 11, 30), at(2026, 12, 7), 8, now, kGerman),
                 QStringLiteral("dd.MM."));
        // The last 24 hours cross midnight: each tick says its day, or two
        // read "13:17".
        QCOMPARE(axisTimeFormat(at(2026, 12, 6, 13), at(2026, 12, 7, 13), 7, now, kGerman),
                 QStringLiteral("dd.MM. HH:mm"));
        // Seconds apart: the benchmark's live chart.
        QCOMPARE(axisTimeFormat(at(2026, 12, 7, 10), at(2026, 12, 7, 10) + 120, 7, now, kGerman),
                 QStringLiteral("HH:mm:ss"));
    }

    // The reader's date order, not a German one everywhere.
    void millisecondsReadAsSecondsFromASecondOn()
    {
        QCOMPARE(millisecondsText(250, 50, 300, kEnglish), QStringLiteral("250 ms"));
        QCOMPARE(millisecondsText(1500, 500, 2000, kEnglish), QStringLiteral("1.5 s"));
        QCOMPARE(millisecondsText(500, 500, 2000, kEnglish), QStringLiteral("0.5 s"));
        QCOMPARE(millisecondsText(1500, 500, 2000, kGerman), QStringLiteral("1,5 s"));
        QCOMPARE(roundedCount(1938245, kEnglish), QStringLiteral("1.9 M"));
        QCOMPARE(roundedCount(40, kEnglish), QStringLiteral("40"));
        QCOMPARE(roundedCount(12345, kEnglish), QStringLiteral("12 k"));
    }

    void datesFollowTheLocale()
    {
        const QDateTime now = QDateTime::fromSecsSinceEpoch(at(2026, 12, 7, 12));
        const QLocale us(QLocale::English, QLocale::UnitedStates);
        QCOMPARE(axisTimeFormat(at(2026, 11, 30), at(2026, 12, 7), 8, now, us),
                 QStringLiteral("M/d"));
        QCOMPARE(axisTimeFormat(at(2025, 11, 1), at(2025, 11, 8), 8, now, us),
                 QStringLiteral("M/d/yyyy"));
        const QLocale uk(QLocale::English, QLocale::UnitedKingdom);
        QCOMPARE(axisTimeFormat(at(2026, 11, 30), at(2026, 12, 7), 8, now, uk),
                 QStringLiteral("dd/MM"));
        QCOMPARE(axisTimeFormat(at(2026, 12, 6, 13), at(2026, 12, 7, 13), 7, now, uk),
                 QStringLiteral("dd/MM HH:mm"));
    }

    void yearWhenTheRangeSpansOne()
    {
        const QDateTime now = QDateTime::fromSecsSinceEpoch(at(2027, 1, 10, 12));
        QCOMPARE(axisTimeFormat(at(2026, 12, 10), at(2027, 1, 9), 7, now, kGerman),
                 QStringLiteral("dd.MM.yyyy"));
    }

    void yearWhenNotTheCurrentOne()
    {
        const QDateTime now = QDateTime::fromSecsSinceEpoch(at(2026, 12, 7, 12));
        QCOMPARE(axisTimeFormat(at(2025, 11, 1), at(2025, 11, 8), 8, now, kGerman),
                 QStringLiteral("dd.MM.yyyy"));
        // An hour of last year names its day and year too.
        QCOMPARE(axisTimeFormat(at(2025, 11, 7, 10), at(2025, 11, 7, 11), 7, now, kGerman),
                 QStringLiteral("dd.MM.yyyy HH:mm"));
    }
};

QTEST_APPLESS_MAIN(TestAxisText)
#include "tst_axistext.moc"
