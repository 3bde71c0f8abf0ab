// Issue 16.5: the window takes the password of a shared PostgreSQL history
// store from where turnstilectl takes it — the keychain entry
// profile/_history/database_password (HistoryConfig::resolveWithPassword) —
// and its pages log in with it. Before, the window read [history] without any
// password: against the lab's PostgreSQL (scram-sha-256) its pages could not
// open the store. Real Secret Service (the lab's gnome-keyring), real server.
#include "growthpage.h"
#include "history/historyconfig.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "mainwindow.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "testsupport.h"

#include <QSettings>
#include <QTest>

using namespace turnstile;
using testsupport::lab;

class TestLabHistoryConfig : public QObject
{
    Q_OBJECT
    // Before any QSettings: Qt reads XDG_CONFIG_HOME once per process.
    testsupport::IsolatedEnvironment m_env;
    SecretStore m_keychain;

    QString password() const { return lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD")); }
    static QString keychainProfile()
    {
        return QString::fromLatin1(HistoryConfig::kKeychainProfile);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_env.isValid());
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_PG_URL")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        m_env.set(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                  lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")));
        m_env.unset(QStringLiteral("TURNSTILE_HISTORY"));
        m_env.unset(QStringLiteral("PGPASSFILE"));
        m_env.unset(QStringLiteral("PGPASSWORD"));
        m_env.set(QStringLiteral("TURNSTILE_NO_HISTORY"), QStringLiteral("1"));
        // The shared store, as docs/collector.md has it: no password in the file.
        QSettings s(QStringLiteral("turnstile"), QStringLiteral("turnstile"));
        s.setValue(QStringLiteral("history/backend"), QStringLiteral("postgresql"));
        s.setValue(QStringLiteral("history/url"),
                   QStringLiteral("postgresql://%1@%2:%3/%4")
                       .arg(lab(QStringLiteral("TURNSTILE_LAB_PG_USER")),
                            lab(QStringLiteral("TURNSTILE_LAB_PG_HOST")),
                            lab(QStringLiteral("TURNSTILE_LAB_PG_PORT")),
                            lab(QStringLiteral("TURNSTILE_LAB_PG_DB"))));
        s.sync();
        const SecretResult w =
            m_keychain.writeBlocking(keychainProfile(), SecretKind::DatabasePassword, password());
        QVERIFY2(w.ok, qPrintable(w.error));
    }
    void cleanupTestCase()
    {
        m_keychain.removeBlocking(keychainProfile(), SecretKind::DatabasePassword);
    }

    void withoutThePasswordTheStoreIsClosed()
    {
        // What the window had before: the settings alone do not log in.
        HistoryStore store;
        QVERIFY(!store.open(HistoryConfig::resolve()));
    }

    void turnstilectlResolverLogsIn()
    {
        QString error;
        const HistoryConfig c = HistoryConfig::resolveWithPasswordBlocking(m_keychain, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(c.password == password());
        HistoryStore store;
        QVERIFY2(store.open(c), qPrintable(store.error()));
    }

    void windowPagesLogIn()
    {
        ProfileStore profiles(m_env.profilesFile());
        MainWindow w(&profiles, &m_keychain);
        QCOMPARE(w.historyConfig().backend, HistoryConfig::Backend::PostgreSql);
        // Compared without printing: a failure must not put the password in the log.
        QTRY_VERIFY_WITH_TIMEOUT(w.historyConfig().password == password(), 20000);
        QVERIFY(w.growthPage()->historyConfig().password == password());
        HistoryStore store;
        QVERIFY2(store.open(w.growthPage()->historyConfig()), qPrintable(store.error()));
    }
};

QTEST_MAIN(TestLabHistoryConfig)
#include "tst_lab_historyconfig.moc"
