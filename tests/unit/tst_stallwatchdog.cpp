// The watchdog the GUI-responsiveness test and bench/guistall rely on: it
// must see a blocked event loop, and not invent stalls on an idle one.
#include "util/stallwatchdog.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <QThread>
#include <QTimer>

using namespace turnstile;

class TestStallWatchdog : public QObject
{
    Q_OBJECT
private slots:
    void seesABlockedLoop()
    {
        StallWatchdog w(5);
        w.start();
        QTest::qWait(50);
        // The loop is blocked for 300 ms: no tick can run meanwhile.
        bool slept = false;
        QTimer::singleShot(0, this, [&slept] {
            QThread::msleep(300);
            slept = true;
        });
        // Until the block has happened and a few ticks followed it: a fixed
        // wait ended before the block on a loaded machine under ASan.
        QTRY_VERIFY_WITH_TIMEOUT(slept, 10000);
        QTest::qWait(100);
        w.stop();
        QVERIFY2(w.longestGapMs() >= 300, qPrintable(QString::number(w.longestGapMs())));
        QVERIFY(w.gapsLongerThan(250) >= 1);
        QVERIFY(w.gapsLongerThan(250) < w.gapsMs().size());
        QVERIFY(w.longestGapEndedAtMs() >= 300);
        QVERIFY(w.longestGapEndedAtMs() <= w.runMs());
        // Ticks kept coming outside the block.
        QVERIFY(w.gapsMs().size() >= 3);
        // A sleep is not CPU: where the kernel says, the blocked gap shows
        // as neither running nor waiting for a CPU.
        if (!w.gapsCpuMs().isEmpty()) {
            QCOMPARE(w.gapsCpuMs().size(), w.gapsMs().size());
            // The sleep's gap, not necessarily the longest under load.
            bool sleptGapSeen = false;
            for (qsizetype i = 0; i < w.gapsMs().size(); ++i)
                if (w.gapsMs().at(i) >= 300 && w.gapsCpuMs().at(i) + w.gapsRunQueueMs().at(i) < 250)
                    sleptGapSeen = true;
            QVERIFY(sleptGapSeen);
        }
    }
    void busyLoopShowsAsCpu()
    {
        StallWatchdog w(5);
        w.start();
        QTest::qWait(20);
        bool spun = false;
        QTimer::singleShot(0, this, [&spun] {
            QElapsedTimer t;
            t.start();
            volatile double x = 0;
            while (t.elapsed() < 200)
                x = x + 1;
            spun = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(spun, 10000);
        QTest::qWait(50);
        w.stop();
        if (w.gapsCpuMs().isEmpty())
            QSKIP("no /proc/thread-self/schedstat here");
        // The busy loop's gap was running or waiting for a CPU, all of it (the
        // sleep case is above). Not necessarily the longest gap: on a loaded
        // machine another gap can be longer while the thread waits on a page
        // fault or the disk.
        double busiest = 0;
        for (qsizetype i = 0; i < w.gapsMs().size(); ++i)
            busiest = std::max(busiest, w.gapsCpuMs().at(i) + w.gapsRunQueueMs().at(i));
        QVERIFY2(busiest > 150, qPrintable(QString::number(busiest)));
    }
    void stopFreezesTheFigures()
    {
        StallWatchdog w(5);
        w.start();
        QTest::qWait(30);
        w.stop();
        const qsizetype ticks = w.gapsMs().size();
        const double run = w.runMs();
        QTest::qWait(30);
        QCOMPARE(w.gapsMs().size(), ticks);
        QCOMPARE(w.runMs(), run);
        QVERIFY(w.longestGapMs() > 0);
        // A restart forgets the earlier run.
        w.start();
        QVERIFY(w.gapsMs().isEmpty());
        QCOMPARE(w.longestGapMs(), 0.0);
        w.stop();
    }
};

QTEST_GUILESS_MAIN(TestStallWatchdog)
#include "tst_stallwatchdog.moc"
