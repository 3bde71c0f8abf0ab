// When the event consumer tries the broker again. Right after a working
// connection is lost (a broker restart), every second counts: the restart
// removed Keystone's exchange and Turnstile's binding, and what Keystone
// sends before Turnstile re-binds never reaches Turnstile's queue.
#include "events/eventconsumer.h"

#include <QTest>

using namespace turnstile;

class TestReconnectDelay : public QObject
{
    Q_OBJECT
private slots:
    // Never connected (a wrong address, a refused password): back off.
    void neverConnectedBacksOff()
    {
        QList<int> delays;
        int d = 0;
        for (int i = 0; i < 7; ++i)
            delays << (d = reconnectDelaySeconds(d, -1, 30));
        QCOMPARE(delays, (QList<int>{1, 2, 4, 8, 16, 30, 30}));
    }

    // A broker restart takes seconds to tens of seconds: after a drop the
    // consumer tries every second, not 1, 2, 4, 8, 16 s later.
    void afterADropRetriesEverySecond()
    {
        int d = 0;
        for (qint64 since : {0, 1, 3, 7, 15, 31, 63, 119}) {
            d = reconnectDelaySeconds(d, since, 30);
            QCOMPARE(d, 1);
        }
        // Two minutes on, the broker is down for long: back off again.
        QCOMPARE(reconnectDelaySeconds(d, 120, 30), 2);
        QCOMPARE(reconnectDelaySeconds(16, 600, 30), 30);
        QCOMPARE(reconnectDelaySeconds(0, 600, 0), 1); // a cap of 0 still waits a second
    }
};

QTEST_GUILESS_MAIN(TestReconnectDelay)
#include "tst_reconnectdelay.moc"
