#include "db/databaseurl.h"

#include <QTest>

using turnstile::DatabaseUrl;

class TestDatabaseUrl : public QObject
{
    Q_OBJECT
private slots:
    void parsesKeystoneStyleMysql()
    {
        QString err;
        const DatabaseUrl u = DatabaseUrl::parse(
            QStringLiteral(
                "mysql+pymysql://keystone:p%40ss%3Aw%2Frd@db1.example:3307/keystone?charset=utf8"),
            &err);
        QVERIFY2(u.isValid(), qPrintable(err));
        QCOMPARE(u.backend, DatabaseUrl::Backend::MySql);
        QCOMPARE(u.dialect, QStringLiteral("mysql+pymysql"));
        QCOMPARE(u.user, QStringLiteral("keystone"));
        QCOMPARE(u.password, QStringLiteral("p@ss:w/rd"));
        QCOMPARE(u.host, QStringLiteral("db1.example"));
        QCOMPARE(u.port, 3307);
        QCOMPARE(u.database, QStringLiteral("keystone"));
        QCOMPARE(u.qtDriver(), QStringLiteral("QMYSQL"));
        QCOMPARE(u.query.size(), 1);
        QCOMPARE(u.displayHost(), QStringLiteral("db1.example:3307"));
    }
    void toStringDropsPasswordUnlessAsked()
    {
        const DatabaseUrl u = DatabaseUrl::parse(
            QStringLiteral("mysql+pymysql://keystone:p%40ss@db1/keystone?charset=utf8"));
        QCOMPARE(u.toString(),
                 QStringLiteral("mysql+pymysql://keystone@db1/keystone?charset=utf8"));
        QVERIFY(!u.toString().contains(QStringLiteral("p%40ss")));
        const DatabaseUrl again = DatabaseUrl::parse(u.toString(true));
        QCOMPARE(again, u);
    }
    void postgresDefaultsAndSocket()
    {
        const DatabaseUrl u = DatabaseUrl::parse(
            QStringLiteral("postgresql://keystone@/keystone?host=/var/run/postgresql"));
        QVERIFY(u.isValid());
        QCOMPARE(u.qtDriver(), QStringLiteral("QPSQL"));
        QCOMPARE(u.effectivePort(), 5432);
        QCOMPARE(u.unixSocket, QStringLiteral("/var/run/postgresql"));
    }
    void ipv6Host()
    {
        const DatabaseUrl u =
            DatabaseUrl::parse(QStringLiteral("mysql://k:pw@[fd00::5]:3306/keystone"));
        QVERIFY(u.isValid());
        QCOMPARE(u.host, QStringLiteral("fd00::5"));
        QCOMPARE(u.port, 3306);
        QCOMPARE(u.toString(), QStringLiteral("mysql://k@[fd00::5]:3306/keystone"));
    }
    void rejectsBadInput_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("no scheme") << QStringLiteral("keystone:pw@db/keystone");
        QTest::newRow("oracle") << QStringLiteral("oracle://k:pw@db/keystone");
        QTest::newRow("bad port") << QStringLiteral("mysql://k:pw@db:99999/keystone");
        QTest::newRow("port not a number") << QStringLiteral("mysql://k:pw@db:abc/keystone");
        QTest::newRow("no database") << QStringLiteral("mysql://k:pw@db:3306/");
        QTest::newRow("empty") << QString();
    }
    void rejectsBadInput()
    {
        QFETCH(QString, url);
        QString err;
        const DatabaseUrl u = DatabaseUrl::parse(url, &err);
        QVERIFY(!u.isValid());
        QVERIFY(!err.isEmpty());
        QVERIFY2(!err.contains(QStringLiteral("pw")),
                 "an error message must not echo the password");
    }
};

QTEST_GUILESS_MAIN(TestDatabaseUrl)
#include "tst_databaseurl.moc"
