// The lab's real Secret Service (gnome-keyring): editing a profile's secrets
// leaves nothing behind. Renaming a profile moved its secrets to the new name
// but left the old entries; clearing a field left the old secret stored.
#include "profiles/secretstore.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QTest>

using namespace turnstile;
using testsupport::lab;

class TestLabSecrets : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        qputenv("DBUS_SESSION_BUS_ADDRESS",
                lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")).toUtf8());
    }
    void renameAndClearInTheKeychain()
    {
        SecretStore store;
        const QString pid = QString::number(QCoreApplication::applicationPid());
        const QString before = QStringLiteral("rename-from-") + pid;
        const QString after = QStringLiteral("rename-to-") + pid;
        Secrets s;
        s.password = QStringLiteral("pw-") + pid;
        s.databasePassword = QStringLiteral("db-") + pid;
        for (const SecretResult &r : store.replaceBlocking(QString(), before, s, true))
            QVERIFY2(r.ok && !r.plaintext, qPrintable(r.error));

        s.databasePassword.clear(); // the field was emptied, and the profile renamed
        for (const SecretResult &r : store.replaceBlocking(before, after, s, true))
            QVERIFY2(r.ok, qPrintable(r.error));

        const SecretResult pw = store.readBlocking(after, SecretKind::Password);
        QVERIFY2(pw.ok, qPrintable(pw.error));
        QCOMPARE(pw.value, s.password);
        QVERIFY(store.readBlocking(after, SecretKind::DatabasePassword).notFound);
        for (SecretKind k : kAllSecretKinds)
            QVERIFY(store.readBlocking(before, k).notFound);
        for (SecretKind k : kAllSecretKinds)
            store.removeBlocking(after, k);
    }

    // A store destroyed while its keychain reads are still in flight (a page
    // or dialog closed before gnome-keyring answered): libsecret answered into
    // the deleted jobs and the program crashed, about 3 runs in 8. The reads
    // now finish on their own and nobody is called back.
    void storeDestroyedWhileReadsAreInFlight()
    {
        for (int round = 0; round < 25; ++round) {
            auto *store = new SecretStore;
            for (SecretKind k : kAllSecretKinds)
                store->read(QStringLiteral("inflight"), k, [](const SecretResult &) {});
            QTest::qWait(round % 5); // somewhere inside the D-Bus round trip
            delete store;
        }
        QTest::qWait(1500); // every late answer arrives
        // The store still works after all that.
        SecretStore store;
        QVERIFY(store.readBlocking(QStringLiteral("inflight"), SecretKind::Password).notFound);
    }
};

QTEST_GUILESS_MAIN(TestLabSecrets)
#include "tst_lab_secrets.moc"
