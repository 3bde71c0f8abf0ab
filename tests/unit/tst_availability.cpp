// The Overview's availability strip and its sentence, from keystone.up
// samples: outages, gaps that are unknown (never down), and the times written
// in the reader's zone and locale.
#include "health/availability.h"

#include <QTest>

using namespace turnstile;
using State = Availability::State;

namespace {
constexpr qint64 T0 = 1699920000; // 2023-11-14T00:00:00Z
constexpr qint64 kDay = 24 * 3600;

// A probe every 30 s over [from, to), down in [downFrom, downTo).
QList<Sample> every30s(qint64 from, qint64 to, qint64 downFrom = 0, qint64 downTo = 0)
{
    QList<Sample> out;
    for (qint64 t = from; t < to; t += 30)
        out.append({t, t >= downFrom && t < downTo ? 0.0 : 1.0});
    return out;
}
} // namespace

class TestAvailability : public QObject
{
    Q_OBJECT
private slots:
    void oneOutageSaysHowLongAndWhen()
    {
        // Down from 02:13 to 02:17 UTC: eight failed probes, four minutes.
        const qint64 down = T0 + 2 * 3600 + 13 * 60;
        const Availability a =
            Availability::fromSamples(every30s(T0, T0 + kDay, down, down + 240), T0, T0 + kDay);
        QCOMPARE(a.outages().size(), 1);
        QCOMPARE(a.outages().first().from, down);
        QCOMPARE(a.outages().first().seconds(), 240);
        QCOMPARE(a.secondsIn(State::Unknown), 0);
        QCOMPARE(a.text(QLocale::c(), QTimeZone::utc()), QStringLiteral("Down 4m at 02:13."));
        // Local time, the locale's way: Berlin is an hour ahead in November,
        // and an American reader gets a 12-hour clock.
        const QTimeZone berlin("Europe/Berlin");
        QVERIFY(berlin.isValid());
        QCOMPARE(a.text(QLocale::c(), berlin), QStringLiteral("Down 4m at 03:13."));
        const QLocale us(QLocale::English, QLocale::UnitedStates);
        const QString clock = us.toString(QTime(2, 13), QLocale::ShortFormat);
        QVERIFY2(clock.startsWith(QStringLiteral("2:13")) && clock.endsWith(QStringLiteral("AM")),
                 qPrintable(clock));
        QCOMPARE(a.text(us, QTimeZone::utc()), QStringLiteral("Down 4m at %1.").arg(clock));
    }

    // The collector stopped for three hours: those hours are unknown, not an
    // outage, and not "up" either.
    void aGapIsUnknownNotDown()
    {
        QList<Sample> s = every30s(T0, T0 + 10 * 3600);
        s += every30s(T0 + 13 * 3600, T0 + kDay);
        const Availability a = Availability::fromSamples(s, T0, T0 + kDay);
        QVERIFY(a.outages().isEmpty());
        // The last sample before the gap (at 09:59:30) speaks for one more
        // minute, twice the 30 s cadence.
        QCOMPARE(a.secondsIn(State::Unknown), 3 * 3600 - 30);
        QCOMPARE(a.text(QLocale::c(), QTimeZone::utc()),
                 QStringLiteral("No outage in the last 24 h (2h 59m not measured)."));
        QCOMPARE(Availability::fromSamples(every30s(T0, T0 + kDay), T0, T0 + kDay)
                     .text(QLocale::c(), QTimeZone::utc()),
                 QStringLiteral("No outage in the last 24 h."));
        // A NaN sample is a gap too.
        QList<Sample> withNan = every30s(T0, T0 + 3600);
        withNan[10].value = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(Availability::fromSamples(withNan, T0, T0 + 3600).outages().isEmpty());
    }

    void spansCoverTheRangeWithoutRepeats()
    {
        const qint64 down = T0 + 3600;
        const Availability a = Availability::fromSamples(
            every30s(T0 + 600, T0 + 7200, down, down + 90), T0, T0 + 7200);
        QCOMPARE(a.spans.first().from, T0);
        QCOMPARE(a.spans.last().to, T0 + 7200);
        for (qsizetype i = 1; i < a.spans.size(); ++i) {
            QCOMPARE(a.spans[i].from, a.spans[i - 1].to);
            QVERIFY(a.spans[i].state != a.spans[i - 1].state);
        }
        QCOMPARE(a.spans, (QList<Availability::Span>{{T0, T0 + 600, State::Unknown},
                                                     {T0 + 600, down, State::Up},
                                                     {down, down + 90, State::Down},
                                                     {down + 90, T0 + 7200, State::Up}}));
    }

    void severalOutagesAndAnOngoingOne()
    {
        QList<Sample> s = every30s(T0, T0 + kDay);
        for (Sample &x : s)
            if ((x.ts >= T0 + 3600 && x.ts < T0 + 3600 + 120) ||
                (x.ts >= T0 + 5 * 3600 && x.ts < T0 + 5 * 3600 + 480))
                x.value = 0;
        const Availability a = Availability::fromSamples(s, T0, T0 + kDay);
        QCOMPARE(a.outages().size(), 2);
        QCOMPARE(a.text(QLocale::c(), QTimeZone::utc()),
                 QStringLiteral("Down 2 times, 10m in all; the longest 8m at 05:00."));
        // Still down at the end of the range.
        const Availability now =
            Availability::fromSamples(every30s(T0, T0 + 3600, T0 + 3000, T0 + 3600), T0, T0 + 3600);
        QCOMPARE(now.text(QLocale::c(), QTimeZone::utc()),
                 QStringLiteral("Down since 00:50 (10m)."));
    }

    // Down, a stretch nobody measured, down again: nobody saw Keystone come
    // back, so it is one outage since the first failure. The strip still
    // shows the unmeasured stretch.
    void downOnBothSidesOfAGapIsOneOutage()
    {
        QList<Sample> s = every30s(T0, T0 + 3600);
        for (Sample &x : s)
            x.value = x.ts >= T0 + 1800 ? 0 : 1;
        s += every30s(T0 + 3600 + 600, T0 + 7200, T0, T0 + 7200); // down after the gap
        const Availability a = Availability::fromSamples(s, T0, T0 + 7200);
        QCOMPARE(a.outages().size(), 1);
        QCOMPARE(a.outages().first().from, T0 + 1800);
        QCOMPARE(a.outages().first().to, T0 + 7200);
        QVERIFY(a.secondsIn(State::Unknown) > 0);
        QCOMPARE(a.text(QLocale::c(), QTimeZone::utc()),
                 QStringLiteral("Down since 00:30 (1h 30m)."));
        // Up in between: two outages.
        s = every30s(T0, T0 + 7200, T0 + 600, T0 + 720);
        for (Sample &x : s)
            if (x.ts >= T0 + 3000 && x.ts < T0 + 3060)
                x.value = 0;
        QCOMPARE(Availability::fromSamples(s, T0, T0 + 7200).outages().size(), 2);
    }

    void noSamplesAtAll()
    {
        const Availability a = Availability::fromSamples({}, T0, T0 + kDay);
        QVERIFY(!a.hasSamples());
        QCOMPARE(a.spans, (QList<Availability::Span>{{T0, T0 + kDay, State::Unknown}}));
        QCOMPARE(a.text(QLocale::c(), QTimeZone::utc()),
                 QStringLiteral("No availability samples yet."));
        // Samples outside the range do not count.
        QVERIFY(
            !Availability::fromSamples({{T0 - 10, 0}, {T0 + kDay, 0}}, T0, T0 + kDay).hasSamples());
    }
};

QTEST_GUILESS_MAIN(TestAvailability)
#include "tst_availability.moc"
