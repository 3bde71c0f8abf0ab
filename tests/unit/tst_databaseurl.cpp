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
    // Issue 14.3: SQLAlchemy accepts "user:pa?ss@host" as it is; we used to
    // cut the URL at that '?' and print the password's first half back as an
    // invalid port.
    void passwordWithUnencodedQuestionMark()
    {
        QString err;
        const QString text =
            QStringLiteral("mysql+pymysql://keystone:Secr3t?x/y@db1:3306/keystone?charset=utf8");
        const DatabaseUrl u = DatabaseUrl::parse(text, &err);
        QVERIFY2(!err.contains(QStringLiteral("Secr3t")), qPrintable(err));
        QVERIFY2(u.isValid(), qPrintable(err));
        QCOMPARE(u.password, QStringLiteral("Secr3t?x/y"));
        QCOMPARE(u.host, QStringLiteral("db1"));
        QCOMPARE(u.port, 3306);
        QCOMPARE(u.database, QStringLiteral("keystone"));
        // A URL we refuse still never quotes the password.
        DatabaseUrl::parse(QStringLiteral("mysql://keystone:Secr3t/keystone"), &err);
        QVERIFY(!err.isEmpty());
        QVERIFY2(!err.contains(QStringLiteral("Secr3t")), qPrintable(err));
    }
    void stripPassword_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("stripped");
        QTest::addColumn<QString>("password");
        QTest::newRow("encoded")
            << QStringLiteral("mysql+pymysql://keystone:p%40ss@db1/keystone?charset=utf8")
            << QStringLiteral("mysql+pymysql://keystone@db1/keystone?charset=utf8")
            << QStringLiteral("p@ss");
        QTest::newRow("question mark")
            << QStringLiteral("mysql+pymysql://u:pa?ss@db1/keystone")
            << QStringLiteral("mysql+pymysql://u@db1/keystone") << QStringLiteral("pa?ss");
        QTest::newRow("no password") << QStringLiteral("postgresql://u@db1/keystone")
                                     << QStringLiteral("postgresql://u@db1/keystone") << QString();
        QTest::newRow("no user") << QStringLiteral("postgresql://db1/keystone?sslmode=require")
                                 << QStringLiteral("postgresql://db1/keystone?sslmode=require")
                                 << QString();
        QTest::newRow("unparsable still stripped")
            << QStringLiteral("oracle://u:hunter2@db1") << QStringLiteral("oracle://u@db1")
            << QStringLiteral("hunter2");
    }
    void stripPassword()
    {
        QFETCH(QString, url);
        QFETCH(QString, stripped);
        QFETCH(QString, password);
        QString found;
        QCOMPARE(DatabaseUrl::stripPassword(url, &found), stripped);
        QCOMPARE(found, password);
    }
    // Issue 14.4: TLS parameters were parsed and dropped.
    void tlsParameters()
    {
        using Mode = DatabaseUrl::TlsMode;
        QString err;
        DatabaseUrl u = DatabaseUrl::parse(
            QStringLiteral("mysql+pymysql://k@db1/keystone?ssl_ca=/etc/ca.pem&ssl_cert=/c.pem&"
                           "ssl_key=/c.key"),
            &err);
        QVERIFY2(u.isValid(), qPrintable(err));
        QCOMPARE(u.tlsCaFile, QStringLiteral("/etc/ca.pem"));
        QCOMPARE(u.tlsCertFile, QStringLiteral("/c.pem"));
        QCOMPARE(u.tlsKeyFile, QStringLiteral("/c.key"));
        QCOMPARE(u.effectiveTlsMode(), Mode::VerifyFull);
        u = DatabaseUrl::parse(
            QStringLiteral("mysql://k@db1/keystone?ssl_ca=/ca.pem&ssl_verify_cert=false"), &err);
        QCOMPARE(u.effectiveTlsMode(), Mode::Require);
        u = DatabaseUrl::parse(
            QStringLiteral("postgresql://k@db1/keystone?sslmode=verify-ca&sslrootcert=/r.pem"
                           "&sslcert=/c.pem&sslkey=/c.key"),
            &err);
        QVERIFY2(u.isValid(), qPrintable(err));
        QCOMPARE(u.effectiveTlsMode(), Mode::VerifyCa);
        QCOMPARE(u.tlsCaFile, QStringLiteral("/r.pem"));
        QCOMPARE(u.tlsKeyFile, QStringLiteral("/c.key"));
        // Verified by default, except on this machine.
        QCOMPARE(
            DatabaseUrl::parse(QStringLiteral("mysql://k@db1.example/keystone")).effectiveTlsMode(),
            Mode::VerifyFull);
        QCOMPARE(DatabaseUrl::parse(QStringLiteral("postgresql://k@10.0.0.5/keystone"))
                     .effectiveTlsMode(),
                 Mode::VerifyFull);
        QCOMPARE(DatabaseUrl::parse(QStringLiteral("mysql://k@127.0.0.1:3306/keystone"))
                     .effectiveTlsMode(),
                 Mode::Disable);
        QCOMPARE(DatabaseUrl::parse(QStringLiteral("postgresql://k@localhost/keystone"))
                     .effectiveTlsMode(),
                 Mode::Disable);
        QCOMPARE(DatabaseUrl::parse(QStringLiteral("postgresql://k@db1/keystone?sslmode=disable"))
                     .effectiveTlsMode(),
                 Mode::Disable);
        // devstack's keystone.conf parameters are understood.
        QVERIFY(DatabaseUrl::parse(
                    QStringLiteral("mysql+pymysql://k@db1/keystone?charset=utf8&plugin=dbcounter"))
                    .isValid());
    }
    void refusesUnknownParameters_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("parameter");
        QTest::newRow("typo") << QStringLiteral("mysql://k@db1/keystone?ssl_cca=/ca.pem")
                              << QStringLiteral("ssl_cca");
        QTest::newRow("libpq name on mysql")
            << QStringLiteral("mysql://k@db1/keystone?sslmode=verify-full")
            << QStringLiteral("sslmode");
        QTest::newRow("mysql name on postgres")
            << QStringLiteral("postgresql://k@db1/keystone?ssl_ca=/ca.pem")
            << QStringLiteral("ssl_ca");
        QTest::newRow("bad sslmode")
            << QStringLiteral("postgresql://k@db1/keystone?sslmode=sometimes")
            << QStringLiteral("sslmode");
        QTest::newRow("bad bool") << QStringLiteral("mysql://k@db1/keystone?ssl_verify_cert=maybe")
                                  << QStringLiteral("ssl_verify_cert");
    }
    void refusesUnknownParameters()
    {
        QFETCH(QString, url);
        QFETCH(QString, parameter);
        QString err;
        QVERIFY(!DatabaseUrl::parse(url, &err).isValid());
        QVERIFY2(err.contains(parameter), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestDatabaseUrl)
#include "tst_databaseurl.moc"
