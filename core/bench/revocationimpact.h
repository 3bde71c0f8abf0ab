#pragma once

#include "bench/benchconfig.h"
#include "bench/benchhistory.h"
#include "bench/benchprogress.h"
#include "bench/benchresult.h"
#include "guarded/guardedaction.h"
#include "history/historyconfig.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QList>

#include <atomic>
#include <functional>
#include <optional>

namespace turnstile {

class BenchEngine;
class KeystoneClient;

// The revocation-impact experiment: measure token validation, add
// revocation events through Keystone's API up to the next step K, measure
// again, and so on. It changes the deployment (it adds events and creates
// and deletes throw-away users or projects), so it is a guarded action:
// dry run, typed confirmation, audit record; and it refuses profiles marked
// production.
//
// Events per kind, as Keystone 22 writes them:
//   audit   - issue a token (token method) and DELETE /v3/auth/tokens it:
//             one row with audit_id set;
//   user    - POST /v3/users and DELETE /v3/users/{id}: one row with only
//             user_id set (revoke/core.py: a deleted user);
//   project - POST /v3/projects and DELETE /v3/projects/{id}: one row with
//             only project_id set.
// The token pool is issued before the first event, so every event's
// issued_before is later than the pool's issued_at and Keystone's
// validation query has to consider it.
class RevocationImpact : public GuardedAction
{
public:
    using StepFn = std::function<void(const BenchResult &)>;
    using ProgressFn = std::function<void(const BenchProgress &)>;

    RevocationImpact(Profile profile, Secrets secrets, BenchHistory::Kind kind, QList<qint64> steps,
                     BenchConfig measure);
    ~RevocationImpact() override;

    // Where the measurements are stored; without it they are only returned.
    void setHistory(const HistoryConfig &config) { m_history = config; }
    // Called on the action's thread after each measurement.
    void setStepCallback(StepFn fn) { m_onStep = std::move(fn); }
    void setBenchProgress(ProgressFn fn) { m_onProgress = std::move(fn); }
    // Threads that add events in parallel.
    void setGenerateConcurrency(int n) { m_generateConcurrency = std::max(1, n); }

    QString kind() const override { return QStringLiteral("bench.revocation_impact"); }
    ActionPreview preview() override;
    ActionResult execute(const ActionPreview &confirmed, ActionControl &control) override;

    QList<BenchResult> results() const { return m_results; }
    qint64 runId() const { return m_runId; }

    // "0,100,500" -> ascending steps; nullopt and a sentence for anything else.
    static std::optional<QList<qint64>> parseSteps(const QString &text, QString *error);
    static constexpr qint64 kMaxStep = 100000;

private:
    // Adds `n` events; empty on success, else one sentence.
    QString generate(BenchEngine &engine, qint64 n, const QString &domainId, ActionControl &control,
                     qint64 *added);

    Profile m_profile;
    Secrets m_secrets;
    BenchHistory::Kind m_eventKind;
    QList<qint64> m_steps;
    BenchConfig m_measure;
    std::optional<HistoryConfig> m_history;
    StepFn m_onStep;
    ProgressFn m_onProgress;
    int m_generateConcurrency = 4;
    QList<BenchResult> m_results;
    qint64 m_runId = 0;
};

} // namespace turnstile
