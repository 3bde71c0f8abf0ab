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
    // Issue 14 (low): renaming a profile or clearing a field left the old
    // secret behind in the plain-text file (and the keychain).
    void renameAndClearLeaveNothingBehind()
    {
        QTemporaryDir dir;
        SecretStore store;
        store.setPlaintextFile(dir.filePath(QStringLiteral("plain.json")));
        store.setPlaintextProfiles({QStringLiteral("old"), QStringLiteral("new")});
        Secrets s;
        s.password = QStringLiteral("pw-old");
        s.databasePassword = QStringLiteral("db-old");
        for (const SecretResult &r :
             store.replaceBlocking(QString(), QStringLiteral("old"), s, true))
            QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(store.readBlocking(QStringLiteral("old"), SecretKind::Password).value,
                 QStringLiteral("pw-old"));

        // Renamed to "new", and the database password field emptied.
        s.databasePassword.clear();
        for (const SecretResult &r :
             store.replaceBlocking(QStringLiteral("old"), QStringLiteral("new"), s, true))
            QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(store.readBlocking(QStringLiteral("new"), SecretKind::Password).value,
                 QStringLiteral("pw-old"));
        QVERIFY(store.readBlocking(QStringLiteral("new"), SecretKind::DatabasePassword).notFound);
        for (SecretKind k : kAllSecretKinds)
            QVERIFY(store.readBlocking(QStringLiteral("old"), k).notFound);
        QFile f(store.plaintextFile());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY2(!text.contains("db-old") && !text.contains("profile/old/"), text.constData());

        // Secrets the form never showed (keychain slow or failing) are not
        // taken as cleared.
        Secrets partial;
        store.replaceBlocking(QString(), QStringLiteral("new"), partial, false);
        QCOMPARE(store.readBlocking(QStringLiteral("new"), SecretKind::Password).value,
                 QStringLiteral("pw-old"));
    }
};

QTEST_GUILESS_MAIN(TestSecretStoreFallback)
#include "tst_secretstore_fallback.moc"
