// Issue 15.16: profiles.ini, the audit log, the pending journals and the
// history file are created owner-only (0600) in owner-only (0700) directories,
// through AppPaths, whatever the umask.
#include "guarded/auditlog.h"
#include "guarded/pendingjournal.h"
#include "history/historyconfig.h"
#include "history/historystore.h"
#include "profiles/profilestore.h"
#include "util/apppaths.h"

#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace turnstile;

namespace {
mode_t modeOf(const QString &path)
{
    struct stat st
    {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return 07777;
    return st.st_mode & 0777;
}
} // namespace

class TestAppPaths : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    mode_t m_oldUmask = 0;

    QString path(const QString &rel) const { return m_dir.filePath(rel); }

private slots:
    void initTestCase()
    {
        // The usual desktop umask: without AppPaths every file would be 0644.
        m_oldUmask = ::umask(022);
        QVERIFY(m_dir.isValid());
    }
    void cleanupTestCase() { ::umask(m_oldUmask); }

    void environmentOverridesXdg()
    {
        qputenv("TURNSTILE_PROFILES", "/elsewhere/p.ini");
        QCOMPARE(AppPaths::profilesFile(), QStringLiteral("/elsewhere/p.ini"));
        QCOMPARE(ProfileStore().fileName(), QStringLiteral("/elsewhere/p.ini"));
        qunsetenv("TURNSTILE_PROFILES");
        QVERIFY(AppPaths::profilesFile().endsWith(QStringLiteral("/turnstile/profiles.ini")));
        qputenv("TURNSTILE_AUDIT_LOG", "/elsewhere/a.jsonl");
        QCOMPARE(AuditLog::defaultPath(), QStringLiteral("/elsewhere/a.jsonl"));
        qunsetenv("TURNSTILE_AUDIT_LOG");
        qputenv("TURNSTILE_PENDING_DIR", "/elsewhere/pending");
        QCOMPARE(PendingJournal::directory(), QStringLiteral("/elsewhere/pending"));
        qunsetenv("TURNSTILE_PENDING_DIR");
        qputenv("TURNSTILE_HISTORY", "/elsewhere/h.sqlite");
        QCOMPARE(HistoryConfig::defaultSqlitePath(), QStringLiteral("/elsewhere/h.sqlite"));
        qunsetenv("TURNSTILE_HISTORY");
    }
    void makePrivateFileAndDir()
    {
        const QString file = path(QStringLiteral("a/b/c/file"));
        QString err;
        QVERIFY2(AppPaths::makePrivateFile(file, &err), qPrintable(err));
        QCOMPARE(modeOf(file), mode_t(0600));
        QCOMPARE(modeOf(path(QStringLiteral("a"))), mode_t(0700));
        QCOMPARE(modeOf(path(QStringLiteral("a/b/c"))), mode_t(0700));
        // Our own file from an older version is tightened.
        QVERIFY(::chmod(QFile::encodeName(file).constData(), 0644) == 0);
        QVERIFY(AppPaths::makePrivateFile(file));
        QCOMPARE(modeOf(file), mode_t(0600));
    }
    void profilesFileIsPrivate()
    {
        const QString file = path(QStringLiteral("config/turnstile/profiles.ini"));
        ProfileStore store(file);
        Profile p;
        p.name = QStringLiteral("one");
        QString err;
        QVERIFY2(store.save(p, &err), qPrintable(err));
        QCOMPARE(modeOf(file), mode_t(0600));
        QCOMPARE(modeOf(QFileInfo(file).absolutePath()), mode_t(0700));
        QCOMPARE(modeOf(path(QStringLiteral("config"))), mode_t(0700));
        p.name = QStringLiteral("two"); // QSettings rewrites through a new file
        QVERIFY(store.save(p));
        QCOMPARE(modeOf(file), mode_t(0600));
    }
    void auditLogIsPrivate()
    {
        const QString file = path(QStringLiteral("data/turnstile/audit.jsonl"));
        AuditLog log(file);
        QString err;
        QVERIFY2(log.append(QJsonObject{{QStringLiteral("action"), QStringLiteral("test")}}, &err),
                 qPrintable(err));
        QCOMPARE(modeOf(file), mode_t(0600));
        QCOMPARE(modeOf(QFileInfo(file).absolutePath()), mode_t(0700));
    }
    void pendingJournalIsPrivate()
    {
        const QString dir = path(QStringLiteral("data2/turnstile/pending"));
        qputenv("TURNSTILE_PENDING_DIR", QFile::encodeName(dir));
        PendingRun run;
        run.action = QStringLiteral("purge");
        run.target = QStringLiteral("keystone@db1");
        run.startedAt = run.cutoff = QDateTime::currentDateTimeUtc();
        QString err;
        QVERIFY2(PendingJournal::save(run, &err), qPrintable(err));
        QCOMPARE(modeOf(dir), mode_t(0700));
        const QFileInfoList files = QDir(dir).entryInfoList(QDir::Files);
        QCOMPARE(files.size(), 1);
        QCOMPARE(modeOf(files.first().filePath()), mode_t(0600));
        QVERIFY(PendingJournal::load(run.action, run.target).has_value());
        qunsetenv("TURNSTILE_PENDING_DIR");
    }
    void historyFileIsPrivate()
    {
        const QString file = path(QStringLiteral("data3/turnstile/history.sqlite"));
        HistoryConfig config;
        config.sqlitePath = file;
        HistoryStore store;
        QVERIFY2(store.open(config), qPrintable(store.error()));
        QCOMPARE(modeOf(file), mode_t(0600));
        QCOMPARE(modeOf(QFileInfo(file).absolutePath()), mode_t(0700));
    }
};

QTEST_GUILESS_MAIN(TestAppPaths)
#include "tst_apppaths.moc"
