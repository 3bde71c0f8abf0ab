// The one text of a guarded action: ActionPreview::describe(),
// ActionResult::figures(), ActionProgress::describe() and the shared time
// formats, which turnstilectl and the GUI only lay out; and the follow-up
// step the runner offers after a result (the API unlock's database path).
#include "compliance/userunlock.h"
#include "guarded/actioncontrol.h"
#include "guarded/actionprogress.h"
#include "guarded/actionrunner.h"
#include "guarded/auditlog.h"
#include "guarded/guardedaction.h"
#include "isolatedenvironment.h"
#include "util/timetext.h"

#include <QLocale>
#include <QSignalSpy>
#include <QTest>

using namespace turnstile;

namespace {
using K = ActionPreview::Line::Kind;

ActionPreview purgePreview()
{
    ActionPreview p;
    p.action = QStringLiteral("purge.tokens");
    p.title = QStringLiteral("Purge expired tokens");
    p.target =
        ActionTarget{QStringLiteral("keystone.token@db:3306"), QStringLiteral("the token table")};
    p.cutoff = QDateTime(QDate(2026, 3, 1), QTime(14, 5, 9), Qt::UTC);
    p.rowsToGo = 1908024;
    p.rowsToGoEstimated = true;
    p.rowsToStay = 12;
    p.oldestAffected = QDateTime(QDate(2026, 2, 1), QTime(0, 0), Qt::UTC);
    p.newestAffected = p.cutoff;
    p.estimatedSeconds = 4.25;
    p.estimateBasis = QStringLiteral("an assumed 1,000 rows/s");
    p.statements = {QStringLiteral("DELETE FROM token WHERE expires < ?")};
    p.consequences = {QStringLiteral("Expired tokens go.")};
    p.warnings = {QStringLiteral("Big table.")};
    p.serverIdentity = QStringLiteral("db1:3306");
    return p;
}

QString textOf(const QList<ActionPreview::Line> &lines, const QString &label)
{
    for (const auto &l : lines)
        if (l.label == label)
            return l.text;
    return QStringLiteral("<none>");
}

// A guarded action without a server: a step that "fails" and offers a
// second action, to drive the runner's follow-up path.
class StepAction : public GuardedAction
{
public:
    StepAction(QString kind, bool fail, std::shared_ptr<GuardedAction> next = {})
        : m_kind(std::move(kind)), m_fail(fail), m_next(std::move(next))
    {}
    QString kind() const override { return m_kind; }
    ActionPreview preview() override
    {
        ActionPreview p;
        p.action = m_kind;
        p.title = m_kind;
        p.target = ActionTarget{QStringLiteral("alice"), QStringLiteral("user alice")};
        p.rowsToGo = 1;
        return p;
    }
    ActionResult execute(const ActionPreview &, ActionControl &) override
    {
        ActionResult r;
        r.outcome = m_fail ? ActionResult::Outcome::Failed : ActionResult::Outcome::Completed;
        r.message = m_kind;
        return r;
    }
    std::optional<FollowUp> followUp(const ActionResult &r) const override
    {
        if (r.ok() || !m_next)
            return std::nullopt;
        return FollowUp{QStringLiteral("Try the other way"), QStringLiteral("Instead?"), m_next};
    }

private:
    QString m_kind;
    bool m_fail;
    std::shared_ptr<GuardedAction> m_next;
};
} // namespace

class TestActionPreview : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QVERIFY(m_dir.isValid());
    }
    void cleanup() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void timesAndRunTimesHaveOneFormat()
    {
        QCOMPARE(formatUtcTime(QDateTime(QDate(2026, 3, 1), QTime(14, 5, 9), Qt::UTC)),
                 QStringLiteral("2026-03-01 14:05:09 UTC"));
        // Another zone is shown in UTC, the zone every guarded figure uses.
        QCOMPARE(
            formatUtcTime(QDateTime(QDate(2026, 3, 1), QTime(15, 5, 9), Qt::OffsetFromUTC, 3600)),
            QStringLiteral("2026-03-01 14:05:09 UTC"));
        QCOMPARE(formatUtcTime(QDateTime()), QStringLiteral("–"));
        QCOMPARE(formatRunTime(-1), QStringLiteral("?"));
        QCOMPARE(formatRunTime(4.25), QStringLiteral("4.3 s"));
        QCOMPARE(formatRunTime(5400), QStringLiteral("1h 30m"));
        // The person's decimal point, in turnstilectl as in the GUI.
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        QCOMPARE(formatRunTime(4.25), QStringLiteral("4,3 s"));
    }

    void previewLinesInOrder()
    {
        const QList<ActionPreview::Line> lines = purgePreview().describe();
        QList<K> kinds;
        for (const auto &l : lines)
            kinds.append(l.kind);
        QCOMPARE(kinds, (QList<K>{K::Target, K::Server, K::Figure, K::Figure, K::Figure, K::Figure,
                                  K::Figure, K::Statement, K::Consequence, K::Warning}));
        QCOMPARE(textOf(lines, QStringLiteral("Target")),
                 QStringLiteral("keystone.token@db:3306 — the token table"));
        QCOMPARE(textOf(lines, QStringLiteral("Server")), QStringLiteral("db1:3306"));
        QCOMPARE(textOf(lines, QStringLiteral("Cutoff")),
                 QStringLiteral("2026-03-01 14:05:09 UTC"));
        QCOMPARE(textOf(lines, QStringLiteral("Rows that go")), QStringLiteral("about 1,908,024"));
        QCOMPARE(textOf(lines, QStringLiteral("Rows that stay")), QStringLiteral("12"));
        QCOMPARE(textOf(lines, QStringLiteral("Affected span")),
                 QStringLiteral("2026-02-01 00:00:00 UTC … 2026-03-01 14:05:09 UTC"));
        QCOMPARE(textOf(lines, QStringLiteral("Estimated duration")),
                 QStringLiteral("4.3 s (from an assumed 1,000 rows/s)"));
    }

    void refusalEndsThePreview()
    {
        ActionPreview p = purgePreview();
        p.refusal = QStringLiteral("No DELETE grant.");
        const QList<ActionPreview::Line> lines = p.describe();
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.last().kind, K::Refusal);
        QCOMPARE(lines.last().text, QStringLiteral("No DELETE grant."));
    }

    void actionsWithoutRowsShowNoCounts()
    {
        // A key rotation: no cutoff, no counts, no estimate.
        ActionPreview p;
        p.target = ActionTarget{QStringLiteral("fernet-keys@node1"), QString()};
        p.consequences = {QStringLiteral("A new primary key.")};
        const QList<ActionPreview::Line> lines = p.describe();
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.first().text, QStringLiteral("fernet-keys@node1"));
        QCOMPARE(lines.last().kind, K::Consequence);

        // The revocation-impact experiment adds rows.
        ActionPreview bench;
        bench.target = ActionTarget{QStringLiteral("x"), QString()};
        bench.parameters.insert(QStringLiteral("steps"), 3);
        bench.rowsToStay = 1000;
        bench.rowsToGo = 300;
        const auto b = bench.describe();
        QCOMPARE(textOf(b, QStringLiteral("Events now")), QStringLiteral("1,000"));
        QCOMPARE(textOf(b, QStringLiteral("To add")), QStringLiteral("300"));
        QCOMPARE(textOf(b, QStringLiteral("Rows that go")), QStringLiteral("<none>"));
    }

    void resultFiguresAndProgress()
    {
        ActionResult r;
        r.outcome = ActionResult::Outcome::Completed;
        r.before = 2000000;
        r.beforeEstimated = true;
        r.after = 12;
        r.affected = 1999988;
        r.batches = 2000;
        r.retries = 1;
        r.slowestBatchMs = 12.34;
        r.durationSeconds = 5400;
        QCOMPARE(r.figures(true),
                 (QStringList{QStringLiteral("Rows before about 2,000,000, after 12, deleted "
                                             "1,999,988"),
                              QStringLiteral("2,000 batches, 1 retries, slowest batch 12.3 ms, "
                                             "1h 30m")}));
        QVERIFY(r.figures(false).isEmpty());
        r.outcome = ActionResult::Outcome::Refused;
        QVERIFY(r.figures(true).isEmpty());

        ActionProgress pr;
        pr.done = 1000;
        pr.total = 5000;
        pr.rowsPerSecond = 799.6;
        pr.secondsLeft = 5;
        pr.currentBatchSize = 1000;
        pr.elapsedSeconds = 3.14;
        QCOMPARE(pr.describe(true),
                 QStringLiteral("1,000 of 5,000 rows · 800 rows/s · 5.0 s left · batch of 1,000"));
        pr.done = 2;
        pr.total = 5;
        QCOMPARE(pr.describe(false), QStringLiteral("Step 2 of 5 · 3.1 s"));
    }

    void apiUnlockOffersTheDatabasePathOnlyWhenItWorks()
    {
        Profile p;
        p.name = QStringLiteral("prod");
        UserUnlock api(p, Secrets{}, QStringLiteral("alice"));
        ActionResult r;
        r.outcome = ActionResult::Outcome::Failed;
        QVERIFY(!api.followUp(r)); // no database path possible
        r.details.insert(QStringLiteral("database_fallback_possible"), true);
        const auto next = api.followUp(r);
        QVERIFY(next);
        QCOMPARE(next->action->kind(), QStringLiteral("users.unlock.database"));
        QVERIFY(!next->question.isEmpty());
        QVERIFY(!next->title.isEmpty());
        // Never after a success, never from the database path itself.
        r.outcome = ActionResult::Outcome::Completed;
        QVERIFY(!api.followUp(r));
        r.outcome = ActionResult::Outcome::Failed;
        UserUnlock db(p, Secrets{}, QStringLiteral("alice"), UserUnlock::Method::Database);
        QVERIFY(!db.followUp(r));
    }

    void runnerTakesTheFollowUpThroughItsOwnPreviewAndAudit()
    {
        Profile profile;
        profile.name = QStringLiteral("prod");
        auto second = std::make_shared<StepAction>(QStringLiteral("step.two"), false);
        auto first = std::make_shared<StepAction>(QStringLiteral("step.one"), true, second);
        ActionRunner runner(first, profile);
        QVERIFY(!runner.startFollowUp()); // nothing offered yet
        QSignalSpy previews(&runner, &ActionRunner::previewReady);
        QSignalSpy finished(&runner, &ActionRunner::finished);
        runner.requestPreview();
        QVERIFY(previews.wait(5000));
        const auto p1 = previews.at(0).at(0).value<ActionPreview>();
        runner.requestRun(p1, Confirmation{QStringLiteral("alice"), -1});
        QVERIFY(finished.wait(5000));
        QVERIFY(runner.followUp().has_value());
        QCOMPARE(runner.followUp()->title, QStringLiteral("Try the other way"));

        QVERIFY(runner.startFollowUp());
        QVERIFY(!runner.followUp().has_value());
        QVERIFY(previews.wait(5000));
        const auto p2 = previews.at(1).at(0).value<ActionPreview>();
        QCOMPARE(p2.action, QStringLiteral("step.two"));
        // The follow-up needs its own confirmation.
        runner.requestRun(p2, Confirmation{QStringLiteral("bob"), -1});
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.at(1).at(0).value<ActionResult>().outcome,
                 ActionResult::Outcome::Refused);
        runner.requestPreview();
        QVERIFY(previews.wait(5000));
        runner.requestRun(p2, Confirmation{QStringLiteral("alice"), -1});
        QVERIFY(finished.wait(5000));
        QVERIFY(finished.at(2).at(0).value<ActionResult>().ok());
        QVERIFY(!runner.followUp().has_value());

        // Both runs are in the audit log as runs of their own.
        const AuditLog log(m_dir.auditLogFile());
        const auto records = log.read({});
        QVERIFY(records);
        const QList<QJsonObject> runs = AuditLog::runs(*records);
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs.at(0).value(u"action").toString(), QStringLiteral("step.one"));
        QCOMPARE(runs.at(1).value(u"action").toString(), QStringLiteral("step.two"));
    }

private:
    // Audit log and pending journals of its own.
    testsupport::IsolatedEnvironment m_dir;
};

QTEST_GUILESS_MAIN(TestActionPreview)
#include "tst_actionpreview.moc"
