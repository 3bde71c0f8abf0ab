// Without any keychain: nothing is stored in plain text unless the profile
// opted in, and then only in an owner-only file. (The real keychain round trip
// runs against the lab's gnome-keyring in tst_lab_probe.)
#include "profiles/secretstore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

class TestSecretStoreFallback : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/turnstile-no-bus");
        qunsetenv("DISPLAY");
    }
    void noKeychainNoOptInStoresNothing()
    {
        QTemporaryDir dir;
        SecretStore store;
        store.setPlaintextFile(dir.filePath(QStringLiteral("plain.json")));
        const SecretResult w = store.writeBlocking(QStringLiteral("p1"), SecretKind::Password,
                                                   QStringLiteral("pw-123"));
        QVERIFY(!w.ok);
        QVERIFY2(w.error.contains(QStringLiteral("keychain")), qPrintable(w.error));
        QVERIFY(!w.error.contains(QStringLiteral("pw-123")));
        QVERIFY(!QFile::exists(store.plaintextFile()));
        const SecretResult r = store.readBlocking(QStringLiteral("p1"), SecretKind::Password);
        QVERIFY(!r.ok);
        QVERIFY(!r.notFound); // the keychain is broken, which is not the same as "no entry"
    }
    void optInWritesOwnerOnlyFile()
    {
        QTemporaryDir dir;
        SecretStore store;
        store.setPlaintextFile(dir.filePath(QStringLiteral("plain.json")));
        store.setPlaintextProfiles({QStringLiteral("p2")});
        const SecretResult w = store.writeBlocking(
            QStringLiteral("p2"), SecretKind::DatabasePassword, QStringLiteral("db-pw"));
        QVERIFY2(w.ok, qPrintable(w.error));
        QVERIFY(w.plaintext);
        const QFileDevice::Permissions perms = QFile::permissions(store.plaintextFile());
        QVERIFY(perms.testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                QFileDevice::WriteOther | QFileDevice::ExeOther;
        QVERIFY2(!(perms & others), "the plain-text file must be owner-only (0600)");
        SecretResult r = store.readBlocking(QStringLiteral("p2"), SecretKind::DatabasePassword);
        QVERIFY(r.ok);
        QVERIFY(r.plaintext);
        QCOMPARE(r.value, QStringLiteral("db-pw"));
        // Another profile without the opt-in cannot read or write through the file.
        QVERIFY(
            !store.writeBlocking(QStringLiteral("p3"), SecretKind::Password, QStringLiteral("x"))
                 .ok);
        store.removeBlocking(QStringLiteral("p2"), SecretKind::DatabasePassword);
        r = store.readBlocking(QStringLiteral("p2"), SecretKind::DatabasePassword);
        QVERIFY(!r.ok);
        QVERIFY(r.notFound);
    }
};

QTEST_GUILESS_MAIN(TestSecretStoreFallback)
#include "tst_secretstore_fallback.moc"
