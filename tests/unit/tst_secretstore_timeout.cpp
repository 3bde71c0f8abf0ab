// Issue 14 (low): a locked Secret Service collection waits for an unlock
// prompt nobody answers, and turnstilectl in cron hung forever. A session bus
// that accepts the connection and never answers stands in for it (the real
// gnome-keyring cannot be made to hang on demand): every call must end with a
// sentence within the timeout.
#include "profiles/secretstore.h"

#include <QElapsedTimer>
#include <QLocalServer>
#include <QLocalSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

class TestSecretStoreTimeout : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QLocalServer m_bus;
    QList<QLocalSocket *> m_clients;

private slots:
    void initTestCase()
    {
        const QString path = m_dir.filePath(QStringLiteral("bus"));
        QVERIFY(m_bus.listen(path));
        // Accept and read, never answer: the SASL handshake never completes.
        connect(&m_bus, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket *c = m_bus.nextPendingConnection()) {
                connect(c, &QLocalSocket::readyRead, c, [c] { c->readAll(); });
                m_clients.append(c);
            }
        });
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + QFile::encodeName(path));
        qunsetenv("DISPLAY");
        qputenv("TURNSTILE_KEYCHAIN_TIMEOUT", "2");
    }
    void silentKeychainTimesOut()
    {
        SecretStore store;
        store.setPlaintextFile(m_dir.filePath(QStringLiteral("plain.json")));
        QElapsedTimer t;
        t.start();
        const SecretResult r = store.readBlocking(QStringLiteral("p1"), SecretKind::Password);
        const qint64 ms = t.elapsed();
        QVERIFY(!r.ok);
        QVERIFY(!r.notFound);
        QVERIFY2(r.error.contains(QStringLiteral("did not answer")), qPrintable(r.error));
        QVERIFY2(ms < 15000, qPrintable(QStringLiteral("took %1 ms").arg(ms)));
    }
};

QTEST_GUILESS_MAIN(TestSecretStoreTimeout)
#include "tst_secretstore_timeout.moc"
