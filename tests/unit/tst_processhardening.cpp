// Issue 14 (low): secrets must not reach the disk through a core file, and a
// Ctrl-C at turnstilectl's password prompt must not leave the terminal
// without echo. Both programs run for real, turnstilectl on a pseudo
// terminal so its prompt appears as it does for a person.
#include "isolatedenvironment.h"
#include "profiles/profilestore.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <csignal>
#include <cstdlib>
#include <pty.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

using namespace turnstile;

namespace {

// "Max core file size  0  0  bytes" in /proc/PID/limits.
bool coreLimitIsZero(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/limits").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("Max core file size")) {
            const QList<QByteArray> parts = line.mid(18).simplified().split(' ');
            return parts.size() >= 2 && parts.at(0) == "0" && parts.at(1) == "0";
        }
    return false;
}

// Shells often start with a soft core limit of 0; raise it to the hard limit
// so that only the program itself can bring it back to 0.
void allowCores()
{
    rlimit l{};
    if (getrlimit(RLIMIT_CORE, &l) == 0) {
        l.rlim_cur = l.rlim_max;
        setrlimit(RLIMIT_CORE, &l);
    }
}

bool coresAllowedHere()
{
    rlimit l{};
    return getrlimit(RLIMIT_CORE, &l) == 0 && l.rlim_max != 0;
}

// turnstilectl on a pseudo terminal of its own, as a person would run it.
class PromptSession
{
public:
    PromptSession(const testsupport::IsolatedEnvironment &dir, const QStringList &args)
    {
        const QByteArray program =
            testsupport::builtProgram(QStringLiteral("turnstilectl")).toLocal8Bit();
        QList<QByteArray> argv8{program};
        for (const QString &a : args)
            argv8.append(a.toLocal8Bit());
        QProcessEnvironment env = dir.environment();
        env.insert(QStringLiteral("TURNSTILE_NO_HISTORY"), QStringLiteral("1"));
        env.remove(QStringLiteral("OS_PASSWORD"));
        env.remove(QStringLiteral("OS_APPLICATION_CREDENTIAL_SECRET"));
        QList<QByteArray> env8;
        for (const QString &kv : env.toStringList())
            env8.append(kv.toLocal8Bit());
        // Built before the fork: the child only execs.
        std::vector<char *> argv;
        for (QByteArray &a : argv8)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<char *> envp;
        for (QByteArray &kv : env8)
            envp.push_back(kv.data());
        envp.push_back(nullptr);
        m_pid = forkpty(&m_master, nullptr, nullptr, nullptr);
        if (m_pid == 0) {
            allowCores();
            execve(program.constData(), argv.data(), envp.data());
            _exit(127);
        }
    }
    ~PromptSession()
    {
        if (m_pid > 0 && !m_reaped) {
            ::kill(m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
        }
        if (m_master >= 0)
            ::close(m_master);
    }
    pid_t pid() const { return m_pid; }
    int master() const { return m_master; }

    // Reads the terminal until `text` appeared or the time is up.
    bool waitFor(const QByteArray &text, int ms)
    {
        QElapsedTimer t;
        t.start();
        while (!m_screen.contains(text) && t.elapsed() < ms) {
            fd_set fds;
            FD_ZERO(&fds);
            FD_SET(m_master, &fds);
            timeval tv{0, 100000};
            if (select(m_master + 1, &fds, nullptr, nullptr, &tv) > 0) {
                char buf[512];
                const ssize_t n = ::read(m_master, buf, sizeof buf);
                if (n <= 0)
                    break;
                m_screen.append(buf, n);
            }
        }
        return m_screen.contains(text);
    }
    // waitpid's status, or -1.
    int wait(int ms)
    {
        QElapsedTimer t;
        t.start();
        int status = 0;
        while (t.elapsed() < ms) {
            waitFor(QByteArray("\x01never"), 100); // keep draining the terminal
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_reaped = true;
                return status;
            }
        }
        return -1;
    }
    bool echoOn() const
    {
        termios t{};
        return tcgetattr(m_master, &t) == 0 && (t.c_lflag & ECHO);
    }
    QByteArray screen() const { return m_screen; }

private:
    pid_t m_pid = -1;
    int m_master = -1;
    bool m_reaped = false;
    QByteArray m_screen;
};

} // namespace

class TestProcessHardening : public QObject
{
    Q_OBJECT

    // No keychain, nothing of the developer's profiles or settings.
    testsupport::IsolatedEnvironment m_dir{testsupport::IsolatedEnvironment::Scope::Children};

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_dir.withoutKeychain();
        ProfileStore store(m_dir.profilesFile());
        Profile p;
        p.name = QStringLiteral("prompt");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3")); // refused at once
        p.username = QStringLiteral("operator");
        p.timeoutMs = 1000;
        QVERIFY(store.save(p));
    }

    void ctrlCAtThePromptRestoresEcho()
    {
        PromptSession s(m_dir, {QStringLiteral("probe"), QStringLiteral("--profile"),
                                QStringLiteral("prompt")});
        QVERIFY(s.pid() > 0);
        QVERIFY2(s.waitFor("Password for operator", 30000), s.screen().constData());
        QTest::qWait(200);
        QVERIFY(!s.echoOn()); // the prompt is reading, echo off
        // While it holds the terminal: no core file can be written (it started
        // with cores allowed).
        if (coresAllowedHere())
            QVERIFY(coreLimitIsZero(s.pid()));
        QCOMPARE(::write(s.master(), "\x03", 1), ssize_t(1)); // Ctrl-C
        const int status = s.wait(10000);
        QVERIFY(status != -1);
        QVERIFY(WIFSIGNALED(status));
        QCOMPARE(WTERMSIG(status), SIGINT);
        QVERIFY2(s.echoOn(), "the terminal was left without echo");
    }

    void typedPasswordIsNotEchoed()
    {
        PromptSession s(m_dir, {QStringLiteral("probe"), QStringLiteral("--profile"),
                                QStringLiteral("prompt")});
        QVERIFY2(s.waitFor("Password for operator", 30000), s.screen().constData());
        QTest::qWait(200);
        const QByteArray secret = "Sekr1t-typed-at-the-prompt\n";
        QCOMPARE(::write(s.master(), secret.constData(), secret.size()), ssize_t(secret.size()));
        const int status = s.wait(30000);
        QVERIFY(status != -1 && WIFEXITED(status));
        QVERIFY2(!s.screen().contains("Sekr1t"), s.screen().constData());
        QVERIFY(s.echoOn());
    }

    void windowCannotDumpCore()
    {
        QProcess gui;
        QProcessEnvironment env = m_dir.environment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("TURNSTILE_PROFILES"),
                   m_dir.filePath(QStringLiteral("none.ini")));
        env.insert(QStringLiteral("TURNSTILE_NO_HISTORY"), QStringLiteral("1"));
        gui.setProcessEnvironment(env);
        gui.setChildProcessModifier([] { allowCores(); });
        gui.start(testsupport::builtProgram(QStringLiteral("turnstile")), {});
        QVERIFY(gui.waitForStarted());
        if (!coresAllowedHere())
            QSKIP("the hard core limit is 0 here: nothing to show");
        QTRY_VERIFY_WITH_TIMEOUT(coreLimitIsZero(gui.processId()), 10000);
        gui.kill();
        gui.waitForFinished();
    }
};

QTEST_GUILESS_MAIN(TestProcessHardening)
#include "tst_processhardening.moc"
