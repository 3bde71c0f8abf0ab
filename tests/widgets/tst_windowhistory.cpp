// Issue 16.5: the window resolves its history store with the resolver
// turnstilectl uses (HistoryConfig::resolveWithPassword), so a shared
// PostgreSQL store gets its password in the window too. Before, the window
// read [history] without any password and its pages could not log in.
// (The keychain source against a real Secret Service: tst_lab_historyconfig.)
#include "databasepage.h"
#include "growthpage.h"
#include "isolatedenvironment.h"
#include "latencypage.h"
#include "mainwindow.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"

#include <QSettings>
#include <QTest>

using namespace turnstile;

class TestWindowHistory : public QObject
{
    Q_OBJECT
    // Before any QSettings: Qt reads XDG_CONFIG_HOME once per process.
    testsupport::IsolatedEnvironment m_env;

private slots:
    void initTestCase()
    {
        QVERIFY(m_env.isValid());
        m_env.withoutKeychain();
        m_env.unset(QStringLiteral("TURNSTILE_HISTORY"));
        m_env.set(QStringLiteral("TURNSTILE_NO_HISTORY"), QStringLiteral("1"));
    }

    void sharedStorePasswordReachesThePages()
    {
        {
            QSettings s(QStringLiteral("turnstile"), QStringLiteral("turnstile"));
            s.setValue(QStringLiteral("history/backend"), QStringLiteral("postgresql"));
            // Nothing listens on port 9: the pages' loads fail at once.
            s.setValue(QStringLiteral("history/url"),
                       QStringLiteral("postgresql://turnstile@127.0.0.1:9/turnstile_history"));
        }
        m_env.set(QStringLiteral("TURNSTILE_HISTORY_PASSWORD"), QStringLiteral("s3cret"));
        ProfileStore profiles(m_env.profilesFile());
        SecretStore secrets;
        MainWindow w(&profiles, &secrets);
        QCOMPARE(w.historyConfig().backend, HistoryConfig::Backend::PostgreSql);
        QTRY_COMPARE(w.historyConfig().password, QStringLiteral("s3cret"));
        QCOMPARE(w.growthPage()->historyConfig(), w.historyConfig());
        QCOMPARE(w.latencyPage()->historyConfig(), w.historyConfig());
        QCOMPARE(w.historyConfig().url.port, 9);
    }

    void environmentFileWinsInTheWindowToo()
    {
        const QString file = m_env.filePath(QStringLiteral("mine.sqlite"));
        m_env.set(QStringLiteral("TURNSTILE_HISTORY"), file);
        ProfileStore profiles(m_env.profilesFile());
        SecretStore secrets;
        MainWindow w(&profiles, &secrets);
        QCOMPARE(w.historyConfig().backend, HistoryConfig::Backend::Sqlite);
        QCOMPARE(w.historyConfig().effectiveSqlitePath(), file);
        QCOMPARE(w.growthPage()->historyConfig().effectiveSqlitePath(), file);
        QVERIFY(w.historyConfig().password.isEmpty());
    }
};

QTEST_MAIN(TestWindowHistory)
#include "tst_windowhistory.moc"
