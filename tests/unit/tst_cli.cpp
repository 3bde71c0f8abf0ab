// What scripts rely on in turnstilectl (docs/cli.md is the contract): every
// command and sub-command answers --help, figures are printed with every
// digit, and the exit codes of the documented cases are what docs/cli.md says.
// Runs the built binary in a configuration of its own; needs no lab.
#include "../../app/turnstilectl/exitcode.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "profiles/profilestore.h"
#include "testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace turnstile;

using namespace Qt::StringLiterals;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// A configuration, history and audit log of its own for each run
// (IsolatedEnvironment), no keychain (no session bus), no terminal to prompt on.
struct Isolated : testsupport::IsolatedEnvironment
{
    Isolated() : IsolatedEnvironment(Scope::Children)
    {
        withoutKeychain();
        set(QStringLiteral("OS_PASSWORD"), QStringLiteral("not-used"));
        set(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
        set(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
        for (const char *v : {"OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "TURNSTILE_SSH_CONFIG"})
            unset(QLatin1String(v));
    }
};

Run ctl(const Isolated &dir, const QStringList &args)
{
    QProcess p;
    p.setProcessEnvironment(dir.environment());
    p.setWorkingDirectory(dir.path());
    p.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), args);
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// The one profile the documented cases run against: its Keystone is a port
// nothing listens on, so it never answers.
bool writeDownProfile(const Isolated &dir)
{
    Profile p;
    p.name = QStringLiteral("down");
    p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:9/v3"));
    p.username = QStringLiteral("admin");
    p.projectName = QStringLiteral("admin");
    ProfileStore store(dir.profilesFile());
    return store.save(p);
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    // Every command and sub-command the top-level usage lists answers
    // --help on stdout with exit 0, named as scripts call it.
    void helpEverywhere()
    {
        Isolated dir;
        const Run top = ctl(dir, {QStringLiteral("--help")});
        QCOMPARE(top.exitCode, 0);
        QVERIFY2(top.out.startsWith(u"Usage: turnstilectl"), qPrintable(top.out));
        // "  keys status --profile …", "  users locked|inactive|expiring …":
        // the command, then its sub-commands when the next word is one.
        static const QRegularExpression line(
            QStringLiteral("^  ([a-z][a-z-]*)(?: ([a-z][a-z-]*(?:\\|[a-z][a-z-]*)*)(?= |$))?"),
            QRegularExpression::MultilineOption);
        QList<QStringList> calls;
        for (auto it = line.globalMatch(top.out); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            if (!calls.contains(QStringList{m.captured(1)}))
                calls.append({m.captured(1)});
            for (const QString &sub : m.captured(2).split(u'|', Qt::SkipEmptyParts))
                calls.append({m.captured(1), sub});
        }
        for (const char *expected :
             {"probe", "collect", "history", "thresholds", "report", "purge-tokens", "audit"})
            QVERIFY2(calls.contains(QStringList{QLatin1String(expected)}), expected);
        for (const QStringList &expected :
             {QStringList{QStringLiteral("profiles"), QStringLiteral("import")},
              QStringList{QStringLiteral("keys"), QStringLiteral("rotate")},
              QStringList{QStringLiteral("users"), QStringLiteral("unlock")},
              QStringList{QStringLiteral("bench"), QStringLiteral("validate")},
              QStringList{QStringLiteral("revocations"), QStringLiteral("truncate")}})
            QVERIFY2(calls.contains(expected), qPrintable(expected.join(u' ')));

        const QString program = testsupport::builtProgram(QStringLiteral("turnstilectl"));
        for (const QStringList &call : std::as_const(calls)) {
            for (const QString &flag : {QStringLiteral("--help"), QStringLiteral("-h")}) {
                const QString what = call.join(u' ') + u' ' + flag;
                const Run r = ctl(dir, call + QStringList{flag});
                QVERIFY2(r.exitCode == 0, qPrintable(what + QStringLiteral(": ") + r.err));
                QVERIFY2(r.out.startsWith(QStringLiteral("Usage: turnstilectl ") + call.first()),
                         qPrintable(what + QStringLiteral(": ") + r.out));
                QVERIFY2(!r.out.contains(u"--help-all"),
                         qPrintable(what + QStringLiteral(": ") + r.out));
                QVERIFY2(!r.out.contains(program), qPrintable(what + QStringLiteral(": ") + r.out));
                QVERIFY2(r.err.isEmpty(), qPrintable(what + QStringLiteral(": ") + r.err));
            }
        }
    }

    // A command with sub-commands lists them in its own usage (on stdout
    // when asked, on stderr with exit 2 without a sub-command or with an
    // unknown one), and every sub-command it lists is one it runs.
    void subcommandUsageMatchesDispatch()
    {
        Isolated dir;
        for (const QString &command :
             {QStringLiteral("keys"), QStringLiteral("users"), QStringLiteral("bench")}) {
            const Run asked = ctl(dir, {command, QStringLiteral("--help")});
            QCOMPARE(asked.exitCode, 0);
            QVERIFY2(asked.out.startsWith(QStringLiteral("Usage: turnstilectl ") + command),
                     qPrintable(command + QStringLiteral(": ") + asked.out));
            for (const QStringList &wrong :
                 {QStringList{command}, QStringList{command, QStringLiteral("no-such")}}) {
                const Run r = ctl(dir, wrong);
                QCOMPARE(r.exitCode, 2);
                QVERIFY2(r.err.contains(asked.out),
                         qPrintable(wrong.join(u' ') + QStringLiteral(": ") + r.err));
                QVERIFY(r.out.isEmpty());
            }
            const QRegularExpression line(
                QStringLiteral("^(?:Usage:)? +turnstilectl %1 ([a-z|-]+) ").arg(command),
                QRegularExpression::MultilineOption);
            QStringList subs;
            for (auto it = line.globalMatch(asked.out); it.hasNext();)
                subs += it.next().captured(1).split(u'|');
            QVERIFY2(subs.size() >= 2, qPrintable(command + QStringLiteral(": ") + asked.out));
            for (const QString &sub : std::as_const(subs)) {
                const Run r = ctl(dir, {command, sub, QStringLiteral("--help")});
                QVERIFY2(r.exitCode == 0,
                         qPrintable(command + u' ' + sub + QStringLiteral(": ") + r.err));
                QVERIFY2(
                    r.out.startsWith(QStringLiteral("Usage: turnstilectl %1 %2").arg(command, sub)),
                    qPrintable(command + u' ' + sub + QStringLiteral(": ") + r.out));
            }
        }
    }

    // Counts keep every digit in CSV and text (not "1.93825e+06"), and a
    // fractional figure is not padded or put in exponent notation.
    void historyNumbersExact()
    {
        Isolated dir;
        QVERIFY(writeDownProfile(dir));
        const qint64 ts = QDateTime::currentSecsSinceEpoch() - 120;
        {
            HistoryConfig config;
            config.sqlitePath = dir.historyFile();
            HistoryStore store;
            QVERIFY2(store.open(config), qPrintable(store.error()));
            const QString p = QStringLiteral("down");
            QCOMPARE(
                store.append(
                    {{SeriesKey{p, QStringLiteral("revocation_event.rows")}, Sample{ts, 1938245}},
                     {SeriesKey{p, QStringLiteral("token.bytes")}, Sample{ts, 794329123}},
                     {SeriesKey{p, QStringLiteral("validate.ms")}, Sample{ts, 12.5}}}),
                3);
        }
        auto history = [&](const char *metric, const char *format) {
            QStringList args{QStringLiteral("history"), QStringLiteral("--profile"),
                             QStringLiteral("down"),    QStringLiteral("--metric"),
                             QLatin1String(metric),     QStringLiteral("--range"),
                             QStringLiteral("1h")};
            if (*format)
                args.append(QLatin1String(format));
            const Run r = ctl(dir, args);
            if (r.exitCode != 0)
                qWarning("%s", qPrintable(r.err));
            return r.out;
        };
        QString csv = history("revocation_event.rows", "--csv");
        QVERIFY2(csv.contains(u",1938245,1938245,1938245,1\n"), qPrintable(csv));
        csv = history("token.bytes", "--csv");
        QVERIFY2(csv.contains(u",794329123,794329123,794329123,1\n"), qPrintable(csv));
        csv = history("validate.ms", "--csv");
        QVERIFY2(csv.contains(u",12.5,12.5,12.5,1\n"), qPrintable(csv));
        // The text is for a person: digits grouped as the locale does.
        const QLocale loc = QLocale::system();
        auto both = [&](const QString &figure) { return QStringLiteral("\t%1\t%1\n").arg(figure); };
        QString text = history("revocation_event.rows", "");
        QVERIFY2(text.contains(both(loc.toString(qint64(1938245)))), qPrintable(text));
        text = history("token.bytes", "");
        QVERIFY2(text.contains(both(loc.toString(qint64(794329123)))), qPrintable(text));
        text = history("validate.ms", "");
        QVERIFY2(text.contains(both(loc.toString(12.5))), qPrintable(text));
    }

    // `producers` on a profile whose consumer stored authenticate events
    // reads them (auto), says so, and puts the top producer first with its
    // share of every successful login, failures left out.
    void producersFromStoredEvents()
    {
        Isolated dir;
        QVERIFY(writeDownProfile(dir));
        const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
        {
            HistoryConfig config;
            config.sqlitePath = dir.historyFile();
            HistoryStore store;
            QVERIFY2(store.open(config), qPrintable(store.error()));
            QList<KeystoneEvent> events;
            auto add = [&](const QString &user, int n, const char *outcome) {
                for (int i = 0; i < n; ++i) {
                    KeystoneEvent e;
                    e.messageId =
                        QStringLiteral("%1-%2-%3").arg(user).arg(i).arg(QLatin1String(outcome));
                    e.eventType = QStringLiteral("identity.authenticate");
                    e.action = QStringLiteral("authenticate");
                    e.outcome = QLatin1String(outcome);
                    e.initiatorName = user;
                    e.eventTimeMs = nowMs - 60000 - i;
                    events << e;
                }
            };
            add(QStringLiteral("ceilometer"), 7, "success");
            add(QStringLiteral("nova"), 3, "success");
            add(QStringLiteral("nova"), 9, "failure");
            QCOMPARE(store.appendEvents(QStringLiteral("down"), events), 19);
        }
        const Run json = ctl(dir, {QStringLiteral("producers"), QStringLiteral("--profile"),
                                   QStringLiteral("down"), QStringLiteral("--json")});
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const QJsonObject o = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(o.value(u"source").toString(), QStringLiteral("events"));
        QCOMPARE(o.value(u"total").toInt(), 10);
        const QJsonArray rows = o.value(u"producers").toArray();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(0)[u"who"].toString(), QStringLiteral("ceilometer"));
        QCOMPARE(rows.at(0)[u"tokens"].toInt(), 7);
        QCOMPARE(rows.at(0)[u"share"].toDouble(), 0.7);
        QCOMPARE(rows.at(0)[u"per_hour"].toDouble(), 7.0);

        const Run csv = ctl(dir, {QStringLiteral("producers"), QStringLiteral("--profile"),
                                  QStringLiteral("down"), QStringLiteral("--csv"),
                                  QStringLiteral("--since"), QStringLiteral("1d")});
        QVERIFY2(csv.exitCode == 0, qPrintable(csv.err));
        QCOMPARE(csv.out.split(u'\n').value(1),
                 QStringLiteral("events,user,ceilometer,7,0.3,0.7000"));

        const Run text = ctl(dir, {QStringLiteral("producers"), QStringLiteral("--profile"),
                                   QStringLiteral("down")});
        QVERIFY2(text.exitCode == 0, qPrintable(text.err));
        QVERIFY2(text.out.startsWith(QStringLiteral(
                     "down: 10 tokens in the last 1h, from the authenticate events in the history "
                     "store.\nuser\tceilometer\t7\t7 an hour\t70.0 %\n")),
                 qPrintable(text.out));
    }

    // The codes docs/cli.md lists are exactly those of exitcode.h, the one
    // list every command returns from.
    // Every duration option is read one way: a bare number is refused with exit
    // 2 and one sentence that names the command and the option.
    void durationsAreReadOneWay_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("said");
        const QString d = QStringLiteral("down");
        QTest::newRow("history") << QStringList{u"history"_s, u"--profile"_s, d, u"--range"_s,
                                                u"7"_s}
                                 << u"turnstilectl history: --range:"_s;
        QTest::newRow("collect") << QStringList{u"collect"_s, u"--profile"_s, d, u"--interval"_s,
                                                u"7"_s}
                                 << u"turnstilectl collect: --interval:"_s;
        QTest::newRow("report") << QStringList{u"report"_s, u"--profile"_s, d,         u"--range"_s,
                                               u"7"_s,      u"--out"_s,     u"x.pdf"_s}
                                << u"turnstilectl report: --range:"_s;
        QTest::newRow("users") << QStringList{u"users"_s, u"locked"_s,   u"--profile"_s,
                                              d,          u"--within"_s, u"7"_s}
                               << u"turnstilectl users: --within:"_s;
        QTest::newRow("purge-tokens")
            << QStringList{u"purge-tokens"_s, u"--profile"_s, d, u"--older-than"_s, u"7"_s}
            << u"turnstilectl purge-tokens: --older-than:"_s;
        QTest::newRow("revocations")
            << QStringList{u"revocations"_s,        u"prune"_s, u"--profile"_s, d,
                           u"--token-expiration"_s, u"7"_s}
            << u"turnstilectl revocations: --token-expiration:"_s;
        QTest::newRow("keys") << QStringList{u"keys"_s,
                                             u"rotate"_s,
                                             u"--repository"_s,
                                             u"/nonexistent"_s,
                                             u"--token-expiration"_s,
                                             u"7"_s}
                              << u"turnstilectl keys: --token-expiration:"_s;
        QTest::newRow("bench") << QStringList{u"bench"_s, u"validate"_s,   u"--profile"_s,
                                              d,          u"--duration"_s, u"7"_s}
                               << u"turnstilectl bench: --duration:"_s;
    }
    void durationsAreReadOneWay()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, said);
        Isolated dir;
        QVERIFY(writeDownProfile(dir));
        const Run r = ctl(dir, args);
        QVERIFY2(r.exitCode == 2 && r.err.contains(said) && r.err.contains(u"no unit"_s),
                 qPrintable(QString::number(r.exitCode) + u' ' + r.err));
    }

    void exitCodeTableMatchesTheEnum()
    {
        QFile doc(QStringLiteral(TURNSTILE_SOURCE_DIR "/docs/cli.md"));
        QVERIFY(doc.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(doc.readAll());
        const qsizetype start = text.indexOf(u"| Code | Meaning |");
        QVERIFY(start >= 0);
        static const QRegularExpression row(QStringLiteral("^\\| (\\d+) \\| "),
                                            QRegularExpression::MultilineOption);
        QList<int> documented;
        for (auto it = row.globalMatch(text.mid(start, text.indexOf(u"\n\n", start) - start));
             it.hasNext();)
            documented.append(it.next().captured(1).toInt());
        using namespace exitcode;
        const QList<int> codes{Ok,      Problem, Usage,     Config,    Keychain,
                               Refused, Failed,  Cancelled, NoHistory, NotWritten};
        QCOMPARE(documented, codes);
    }

    // Runs every case of the table under "Cases the tests run" in
    // docs/cli.md, so the documentation and the program cannot drift apart.
    void documentedExitCodes()
    {
        QFile doc(QStringLiteral(TURNSTILE_SOURCE_DIR "/docs/cli.md"));
        QVERIFY(doc.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(doc.readAll());
        const qsizetype start = text.indexOf(QStringLiteral("### Cases the tests run"));
        QVERIFY2(start >= 0, "docs/cli.md lost its table of cases");
        const qsizetype end =
            text.indexOf(QStringLiteral("\n\n"), text.indexOf(QStringLiteral("\n|"), start) + 1);
        static const QRegularExpression row(
            QStringLiteral("^\\| `turnstilectl([^`]*)` \\| (.*?) *\\| (\\d+) \\|$"),
            QRegularExpression::MultilineOption);
        int cases = 0;
        for (auto it = row.globalMatch(text.mid(start, end - start)); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            const QStringList args = m.captured(1).split(u' ', Qt::SkipEmptyParts);
            const QString situation = m.captured(2);
            const int expected = m.captured(3).toInt();
            const QString what =
                QStringLiteral("turnstilectl ") + args.join(u' ') +
                (situation.isEmpty() ? QString() : QStringLiteral(" (") + situation + u')');

            Isolated dir;
            QVERIFY(writeDownProfile(dir));
            if (situation == u"`profiles.ini` is not a valid INI file") {
                QVERIFY(writeFile(dir.filePath(QStringLiteral("profiles.ini")),
                                  "[profiles\ndown=@Variant(garbage\n"));
            } else if (situation == u"`keystone.conf` has an unreadable `[database] connection`") {
                QVERIFY(writeFile(dir.filePath(QStringLiteral("keystone.conf")),
                                  "[database]\nconnection = oracle://keystone@db.example/ks\n"));
            } else if (!situation.isEmpty()) {
                QFAIL(qPrintable(QStringLiteral("tst_cli does not know how to set up: ") +
                                 situation));
            }

            const Run r = ctl(dir, args);
            QVERIFY2(r.exitCode == expected,
                     qPrintable(QStringLiteral("%1: exit %2, docs/cli.md says %3; stderr: %4")
                                    .arg(what)
                                    .arg(r.exitCode)
                                    .arg(expected)
                                    .arg(r.err)));
            // Every failure says why on stderr; a collect without Keystone
            // names what it could not sample, as docs/collector.md promises.
            if (expected != 0)
                QVERIFY2(!r.err.trimmed().isEmpty(),
                         qPrintable(what + QStringLiteral(": nothing on stderr")));
            if (args.value(0) == u"collect" && expected == 1)
                QVERIFY2(r.err.contains(u"unavailable: keystone: "), qPrintable(what + r.err));
            ++cases;
        }
        QVERIFY2(cases >= 10, "the table of cases in docs/cli.md was not found or not read");
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
