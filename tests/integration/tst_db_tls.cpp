// Issue 14.4: TLS to the database. The lab's MariaDB and PostgreSQL serve the
// lab CA's certificate (IP:127.0.0.1, DNS:localhost) and also listen on
// 127.0.0.2, which the certificate does not name. Trusted CA connects (and the
// session is encrypted); an unknown CA, a host-name mismatch and a server that
// offers no TLS are refused. The "no TLS" servers are a few bytes of fake on a
// local port: the lab's real servers always offer TLS now.
#include "db/dbconnection.h"
#include "testsupport.h"

#include <QSqlQuery>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace turnstile;
using testsupport::lab;

namespace {

// Listens on 127.0.0.1, answers every connection with `greeting` (or, when
// `answerAfterRead`, after reading the client's first bytes), then waits for
// the client to hang up.
class FakeServer
{
public:
    FakeServer(QByteArray greeting, bool answerAfterRead)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
        ::listen(m_fd, 8);
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this, greeting, answerAfterRead] {
            for (;;) {
                const int c = ::accept(m_fd, nullptr, nullptr);
                if (c < 0)
                    return;
                char buf[512];
                if (answerAfterRead && ::read(c, buf, sizeof buf) <= 0) {
                    ::close(c);
                    continue;
                }
                [[maybe_unused]] const auto n = ::write(c, greeting.constData(), greeting.size());
                while (::read(c, buf, sizeof buf) > 0) {
                }
                ::close(c);
            }
        });
    }
    ~FakeServer()
    {
        ::shutdown(m_fd, SHUT_RDWR);
        ::close(m_fd);
        m_thread.join();
    }
    int port() const { return m_port; }

private:
    int m_fd = -1;
    int m_port = 0;
    std::thread m_thread;
};

// A MySQL 5.5-style greeting whose capabilities lack CLIENT_SSL.
QByteArray mysqlGreetingWithoutTls()
{
    QByteArray p;
    p.append(char(10));
    p.append("5.5.5-10.11.0-fake");
    p.append('\0');
    p.append("\x01\x00\x00\x00", 4); // thread id
    p.append("abcdefgh", 8);         // auth data part 1
    p.append('\0');                  // filler
    p.append("\x00\x82", 2);         // PROTOCOL_41 | SECURE_CONNECTION, no SSL (0x0800)
    p.append(char(33));              // charset
    p.append("\x02\x00", 2);         // status
    p.append("\x00\x00", 2);         // capabilities, upper half
    p.append(char(21));              // auth data length
    p.append(QByteArray(10, '\0'));  // reserved
    p.append("ijklmnopqrst\0", 13);  // auth data part 2
    p.append("mysql_native_password");
    p.append('\0');
    QByteArray packet(4, '\0');
    packet[0] = char(p.size() & 0xff);
    packet[1] = char((p.size() >> 8) & 0xff);
    packet[2] = char((p.size() >> 16) & 0xff);
    packet[3] = 0;
    return packet + p;
}

} // namespace

class TestDbTls : public QObject
{
    Q_OBJECT

    static QString ca() { return lab(QStringLiteral("TURNSTILE_LAB_TLS_CA")); }
    static QString alt() { return lab(QStringLiteral("TURNSTILE_LAB_DB_ALT_HOST")); }

    static DatabaseUrl mysql(const QString &host, const QString &query, int port = 0)
    {
        QString err;
        const DatabaseUrl u = DatabaseUrl::parse(
            QStringLiteral("mysql+pymysql://%1@%2:%3/keystone?%4")
                .arg(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_USER")), host)
                .arg(port ? port : lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")).toInt())
                .arg(query),
            &err);
        if (!u.isValid())
            qWarning("%s", qPrintable(err));
        return u;
    }
    static DatabaseUrl pg(const QString &host, const QString &query, int port = 0)
    {
        QString err;
        const DatabaseUrl u = DatabaseUrl::parse(
            QStringLiteral("postgresql://%1@%2:%3/%4?%5")
                .arg(lab(QStringLiteral("TURNSTILE_LAB_PG_USER")), host)
                .arg(port ? port : lab(QStringLiteral("TURNSTILE_LAB_PG_PORT")).toInt())
                .arg(lab(QStringLiteral("TURNSTILE_LAB_PG_DB")), query),
            &err);
        if (!u.isValid())
            qWarning("%s", qPrintable(err));
        return u;
    }
    static QString mysqlPw() { return lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")); }
    static QString pgPw() { return lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD")); }
    static QString unknownCa() { return DatabaseUrl::systemCaBundle(); }

private slots:
    void initTestCase()
    {
        QVERIFY2(!ca().isEmpty(), "lab env missing: start tests/lab/lab.sh");
        QVERIFY2(!alt().isEmpty(), "lab.env has no TURNSTILE_LAB_DB_ALT_HOST: restart the lab");
    }

    void mysqlTrustedCaConnectsEncrypted()
    {
        DbConnection db(mysql(QStringLiteral("127.0.0.1"), QStringLiteral("ssl_ca=") + ca()),
                        mysqlPw());
        QVERIFY2(db.open(), qPrintable(db.error()));
        QSqlQuery q(db.database());
        QVERIFY(q.exec(QStringLiteral("SHOW SESSION STATUS LIKE 'Ssl_cipher'")));
        QVERIFY(q.next());
        QVERIFY2(!q.value(1).toString().isEmpty(), "the session is not encrypted");
    }
    void mysqlUnknownCaRefused()
    {
        DbConnection db(mysql(QStringLiteral("127.0.0.1"), QStringLiteral("ssl_ca=") + unknownCa()),
                        mysqlPw());
        QVERIFY(!db.open());
        QVERIFY2(!db.error().contains(mysqlPw()), qPrintable(db.error()));
        qInfo("%s", qPrintable(db.error()));
    }
    void mysqlHostMismatchRefused()
    {
        DbConnection db(mysql(alt(), QStringLiteral("ssl_ca=") + ca()), mysqlPw());
        QVERIFY(!db.open());
        QVERIFY2(db.error().contains(alt()), qPrintable(db.error()));
        qInfo("%s", qPrintable(db.error()));
        // verify-ca: the chain is enough.
        DbConnection ca(mysql(alt(), QStringLiteral("ssl_ca=") + TestDbTls::ca() +
                                         QStringLiteral("&ssl_check_hostname=false")),
                        mysqlPw());
        QVERIFY2(ca.open(), qPrintable(ca.error()));
    }
    void mysqlServerWithoutTlsRefused()
    {
        FakeServer fake(mysqlGreetingWithoutTls(), false);
        DbConnection db(
            mysql(QStringLiteral("127.0.0.1"), QStringLiteral("ssl_ca=") + ca(), fake.port()),
            mysqlPw(), 3);
        QVERIFY(!db.open());
        QVERIFY2(db.error().contains(QStringLiteral("does not offer TLS")), qPrintable(db.error()));
    }
    // "Encrypted, certificate not checked" must still be encrypted: Qt 6.4's
    // QMYSQL ignores the CLIENT_SSL flag and would connect in plain text.
    void requireModeEncrypts()
    {
        DbConnection my(mysql(QStringLiteral("127.0.0.1"), QStringLiteral("ssl_mode=REQUIRED")),
                        mysqlPw());
        QVERIFY2(my.open(), qPrintable(my.error()));
        QSqlQuery q(my.database());
        QVERIFY(q.exec(QStringLiteral("SHOW SESSION STATUS LIKE 'Ssl_cipher'")));
        QVERIFY(q.next());
        QVERIFY2(!q.value(1).toString().isEmpty(), "ssl_mode=REQUIRED connected in plain text");
        DbConnection pgc(pg(QStringLiteral("127.0.0.1"), QStringLiteral("sslmode=require")),
                         pgPw());
        QVERIFY2(pgc.open(), qPrintable(pgc.error()));
        QSqlQuery p(pgc.database());
        QVERIFY(p.exec(QStringLiteral("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")));
        QVERIFY(p.next());
        QVERIFY2(p.value(0).toBool(), "sslmode=require connected in plain text");
    }

    void pgTrustedCaConnectsEncrypted()
    {
        DbConnection db(pg(QStringLiteral("127.0.0.1"),
                           QStringLiteral("sslmode=verify-full&sslrootcert=") + ca()),
                        pgPw());
        QVERIFY2(db.open(), qPrintable(db.error()));
        QSqlQuery q(db.database());
        QVERIFY(q.exec(QStringLiteral("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")));
        QVERIFY(q.next());
        QVERIFY2(q.value(0).toBool(), "the session is not encrypted");
    }
    void pgUnknownCaRefused()
    {
        DbConnection db(pg(QStringLiteral("127.0.0.1"),
                           QStringLiteral("sslmode=verify-full&sslrootcert=") + unknownCa()),
                        pgPw());
        QVERIFY(!db.open());
        qInfo("%s", qPrintable(db.error()));
    }
    void pgHostMismatchRefused()
    {
        DbConnection db(pg(alt(), QStringLiteral("sslmode=verify-full&sslrootcert=") + ca()),
                        pgPw());
        QVERIFY(!db.open());
        qInfo("%s", qPrintable(db.error()));
        DbConnection chainOnly(pg(alt(), QStringLiteral("sslmode=verify-ca&sslrootcert=") + ca()),
                               pgPw());
        QVERIFY2(chainOnly.open(), qPrintable(chainOnly.error()));
    }
    void pgServerWithoutTlsRefused()
    {
        // PostgreSQL's answer to an SSLRequest when ssl = off: 'N'.
        FakeServer fake(QByteArray("N"), true);
        DbConnection db(pg(QStringLiteral("127.0.0.1"),
                           QStringLiteral("sslmode=verify-full&sslrootcert=") + ca(), fake.port()),
                        pgPw(), 3);
        QVERIFY(!db.open());
        QVERIFY2(db.error().contains(QStringLiteral("SSL")), qPrintable(db.error()));
    }
};

QTEST_GUILESS_MAIN(TestDbTls)
#include "tst_db_tls.moc"
