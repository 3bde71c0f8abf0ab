// 15.8: database driver errors become one sentence naming the database, its
// address and what the server did; the driver's words stay as the detail.
// The texts are the ones MariaDB Connector/C and libpq print.
#include "db/drivererror.h"

#include <QTest>

using namespace turnstile;
using K = DatabaseFailure::Kind;

class TestDriverError : public QObject
{
    Q_OBJECT
private slots:
    void sentences_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");
        const QString at = QStringLiteral("Cannot connect to the database keystone at db1:3306: ");
        QTest::newRow("frozen server (SIGSTOP)")
            << at + QStringLiteral("Lost connection to server at 'handshake: reading initial "
                                   "communication packet', system error: 110 QMYSQL: Unable to "
                                   "connect")
            << int(K::Silent) << QStringLiteral("accepted the connection and sent nothing for 5 s");
        QTest::newRow("connect timeout")
            << at + QStringLiteral(
                        "Can't connect to server on 'db1' (110) QMYSQL: Unable to connect")
            << int(K::NoAnswer) << QStringLiteral("did not answer for 5 s");
        QTest::newRow("refused") << at + QStringLiteral(
                                             "Can't connect to server on '127.0.0.1' (111)")
                                 << int(K::Refused) << QStringLiteral("refused the connection");
        QTest::newRow("login")
            << at + QStringLiteral(
                        "Access denied for user 'keystone'@'localhost' (using password: YES)")
            << int(K::Login) << QStringLiteral("refused the login");
        QTest::newRow("pg timeout")
            << QStringLiteral(
                   "Cannot connect to the database keystone at db1:5432: timeout expired")
            << int(K::NoAnswer) << QStringLiteral("did not answer");
        QTest::newRow("pg no database")
            << QStringLiteral("Cannot connect: FATAL:  database \"keystone\" does not exist")
            << int(K::NoDatabase) << QStringLiteral("has no such database");
        QTest::newRow("something else")
            << QStringLiteral("The Qt SQL driver QMYSQL is not installed.") << int(K::Other)
            << QStringLiteral("The Qt SQL driver QMYSQL is not installed.");
    }
    void sentences()
    {
        QFETCH(QString, driver);
        QFETCH(int, kind);
        QFETCH(QString, expected);
        const DatabaseFailure f =
            describeDatabaseFailure(driver, QStringLiteral("keystone@db1:3306"), 5012);
        QCOMPARE(int(f.kind), kind);
        QVERIFY2(f.sentence.contains(expected), qPrintable(f.sentence));
        QCOMPARE(f.detail, driver);
        if (f.kind != K::Other) {
            QVERIFY2(f.sentence.startsWith(QStringLiteral("The database keystone@db1:3306 ")),
                     qPrintable(f.sentence));
            // One sentence for people: the driver's codes stay in the detail.
            QVERIFY(!f.sentence.contains(QStringLiteral("system error")));
            QVERIFY(!f.sentence.contains(QStringLiteral("QMYSQL")));
        }
    }
};

QTEST_GUILESS_MAIN(TestDriverError)
#include "tst_drivererror.moc"
