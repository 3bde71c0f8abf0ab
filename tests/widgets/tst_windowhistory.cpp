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
#include "util/apppaths.h"

#include <QFile>
#include <QSettings>
#include <QTest>

#include <sys/stat.h>

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

    // turnstile.conf names the shared history's server and user; the window
    // rewrites it on every close, and left it 0644 under the usual umask.
    void settingsFileIsPrivate()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("turnstile"));
        QCoreApplication::setApplicationName(QStringLiteral("turnstile"));
        QCOMPARE(QSettings().fileName(), AppPaths::settingsFile());
        QVERIFY(QFile::exists(AppPaths::settingsFile())); // the first case wrote it
        QVERIFY(QFile::setPermissions(AppPaths::settingsFile(),
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                          QFile::ReadOther));
        const mode_t oldMask = ::umask(022);
        {
            ProfileStore profiles(m_env.profilesFile());
            SecretStore secrets;
            MainWindow w(&profiles, &secrets);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.close();
        }
        ::umask(oldMask);
        struct stat st
        {};
        QCOMPARE(::stat(QFile::encodeName(AppPaths::settingsFile()).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        QVERIFY(QSettings().contains(QStringLiteral("window/geometry")));
    }
};

QTEST_MAIN(TestWindowHistory)
#include "tst_windowhistory.moc"
