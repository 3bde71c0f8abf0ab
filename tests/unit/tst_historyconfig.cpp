// Issue 16.5: one resolver of the history configuration for the window and
// turnstilectl (HistoryConfig::resolve / resolveWithPassword): which store,
// in which order the sources win, and where the PostgreSQL password may come
// from (the environment or the keychain, never turnstile.conf, never the
// plain-text file).
#include "history/historyconfig.h"
#include "isolatedenvironment.h"
#include "profiles/secretstore.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTest>

using namespace turnstile;

class TestHistoryConfig : public QObject
{
    Q_OBJECT
    // Before any QSettings: Qt reads XDG_CONFIG_HOME once per process.
    testsupport::IsolatedEnvironment m_env;

    // turnstile.conf, where the window and turnstilectl both look.
    static void writeSettings(const QHash<QString, QString> &history)
    {
        QSettings s(QStringLiteral("turnstile"), QStringLiteral("turnstile"));
        s.remove(QStringLiteral("history"));
        for (auto it = history.cbegin(); it != history.cend(); ++it)
            s.setValue(QStringLiteral("history/") + it.key(), it.value());
        s.sync();
    }
    static void sharedStore()
    {
        writeSettings(
            {{QStringLiteral("backend"), QStringLiteral("postgresql")},
             {QStringLiteral("url"),
              QStringLiteral("postgresql://turnstile:pasted@db1:5433/turnstile_history")}});
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_env.isValid());
        m_env.withoutKeychain();
        m_env.set(QStringLiteral("TURNSTILE_KEYCHAIN_TIMEOUT"), QStringLiteral("5"));
    }
    void init()
    {
        writeSettings({});
        qunsetenv("TURNSTILE_HISTORY");
        qunsetenv("TURNSTILE_HISTORY_PASSWORD");
    }

    void defaultIsSqliteInTheDataDirectory()
    {
        const HistoryConfig c = HistoryConfig::resolve();
        QCOMPARE(c.backend, HistoryConfig::Backend::Sqlite);
        QCOMPARE(c.effectiveSqlitePath(),
                 m_env.dataHome() + QStringLiteral("/turnstile/history.sqlite"));
        QVERIFY(c.password.isEmpty());
    }

    void settingsAreTheSameFileForBothPrograms()
    {
        sharedStore();
        // turnstilectl's application name differs from the window's; both read
        // turnstile.conf (a default QSettings in turnstilectl would not).
        for (const QString &app : {QStringLiteral("turnstilectl"), QStringLiteral("turnstile")}) {
            QCoreApplication::setApplicationName(app);
            const HistoryConfig c = HistoryConfig::resolve();
            QCOMPARE(c.backend, HistoryConfig::Backend::PostgreSql);
            QCOMPARE(c.url.host, QStringLiteral("db1"));
            QCOMPARE(c.url.port, 5433);
            // A password pasted into the file is not honoured.
            QVERIFY(c.url.password.isEmpty());
            QVERIFY(c.password.isEmpty());
        }
    }

    void settingsNameTheSqliteFile()
    {
        writeSettings({{QStringLiteral("sqlitePath"), m_env.filePath(QStringLiteral("s.sqlite"))}});
        QCOMPARE(HistoryConfig::resolve().effectiveSqlitePath(),
                 m_env.filePath(QStringLiteral("s.sqlite")));
    }

    void environmentWinsOverSettings()
    {
        // Over a shared store...
        sharedStore();
        qputenv("TURNSTILE_HISTORY", "/elsewhere/h.sqlite");
        HistoryConfig c = HistoryConfig::resolve();
        QCOMPARE(c.backend, HistoryConfig::Backend::Sqlite);
        QCOMPARE(c.effectiveSqlitePath(), QStringLiteral("/elsewhere/h.sqlite"));
        QVERIFY(c.url.host.isEmpty());
        // ...and over a file named in the settings (turnstilectl used to
        // take the settings' file here while the window took the variable's).
        writeSettings({{QStringLiteral("sqlitePath"), QStringLiteral("/settings/s.sqlite")}});
        c = HistoryConfig::resolve();
        QCOMPARE(c.effectiveSqlitePath(), QStringLiteral("/elsewhere/h.sqlite"));
        // An empty variable is no override.
        qputenv("TURNSTILE_HISTORY", "");
        QCOMPARE(HistoryConfig::resolve().effectiveSqlitePath(),
                 QStringLiteral("/settings/s.sqlite"));
    }

    void passwordFromTheEnvironment()
    {
        sharedStore();
        qputenv("TURNSTILE_HISTORY_PASSWORD", "from-env");
        SecretStore keychain;
        QString error;
        const HistoryConfig blocking = HistoryConfig::resolveWithPasswordBlocking(keychain, &error);
        QCOMPARE(blocking.password, QStringLiteral("from-env"));
        QVERIFY(error.isEmpty());
        // The window's asynchronous path gives the same.
        std::optional<HistoryConfig> async;
        HistoryConfig::resolveWithPassword(
            keychain, [&](const HistoryConfig &c, const QString &) { async = c; });
        QTRY_VERIFY(async.has_value());
        QCOMPARE(*async, blocking);
    }

    void sqliteNeedsNoPassword()
    {
        qputenv("TURNSTILE_HISTORY_PASSWORD", "unused");
        SecretStore keychain;
        bool called = false;
        // Answered at once, without asking the keychain: the window relies on
        // it to sample from its first probe on.
        HistoryConfig::resolveWithPassword(keychain,
                                           [&](const HistoryConfig &c, const QString &error) {
                                               called = true;
                                               QVERIFY(c.password.isEmpty());
                                               QVERIFY(error.isEmpty());
                                           });
        QVERIFY(called);
    }

    void keychainUnusableSaysSo()
    {
        sharedStore();
        SecretStore keychain;
        QString error;
        const HistoryConfig c = HistoryConfig::resolveWithPasswordBlocking(keychain, &error);
        QCOMPARE(c.backend, HistoryConfig::Backend::PostgreSql);
        QVERIFY(c.password.isEmpty());
        QVERIFY2(error.contains(QStringLiteral("keychain")), qPrintable(error));
    }

    void neverFromThePlaintextFile()
    {
        // Should a profile ever be called "_history" and opt in to the
        // plain-text file, its entry there is still not the history password.
        sharedStore();
        const QString file = m_env.filePath(QStringLiteral("plaintext-secrets.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(QJsonObject{{SecretStore::keyFor(
                                               QString::fromLatin1(HistoryConfig::kKeychainProfile),
                                               SecretKind::DatabasePassword),
                                           QStringLiteral("from-plaintext")}})
                    .toJson());
        f.close();
        SecretStore keychain;
        keychain.setPlaintextFile(file);
        keychain.setPlaintextProfiles({QString::fromLatin1(HistoryConfig::kKeychainProfile)});
        // The store itself would serve it (no keychain here)...
        QVERIFY(keychain
                    .readBlocking(QString::fromLatin1(HistoryConfig::kKeychainProfile),
                                  SecretKind::DatabasePassword)
                    .plaintext);
        // ...the resolver does not take it.
        QVERIFY(HistoryConfig::resolveWithPasswordBlocking(keychain).password.isEmpty());
        std::optional<HistoryConfig> async;
        HistoryConfig::resolveWithPassword(
            keychain, [&](const HistoryConfig &c, const QString &) { async = c; });
        QTRY_VERIFY(async.has_value());
        QVERIFY(async->password.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHistoryConfig)
#include "tst_historyconfig.moc"
