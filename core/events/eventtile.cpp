#include "events/eventtile.h"

#include "util/timetext.h"

#include <QCoreApplication>

#include <algorithm>

namespace turnstile {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(EventTile)
};

// How much slower than calm, or how slow at all without a calm figure.
std::optional<double> jump(std::optional<double> now, std::optional<double> calm)
{
    if (!now)
        return std::nullopt;
    if (calm) {
        if (*now - *calm >= kTransportJumpMs)
            return *now - *calm;
        return std::nullopt;
    }
    if (*now >= kTransportSlowMs)
        return *now;
    return std::nullopt;
}

// Locked accounts first, then service accounts about to lock, then the rest.
QList<LockoutFinding> byUrgency(QList<LockoutFinding> findings)
{
    auto rank = [](const LockoutFinding &f) {
        if (f.level == LockoutFinding::Level::Red)
            return f.serviceAccount ? 0 : 1;
        return f.serviceAccount ? 2 : 3;
    };
    std::stable_sort(
        findings.begin(), findings.end(),
        [&](const LockoutFinding &a, const LockoutFinding &b) { return rank(a) < rank(b); });
    return findings;
}

} // namespace

QString notificationTransportHint(const EventConsumerStatus &status,
                                  const TransportLatency &latency)
{
    // Only a broker Turnstile cannot reach now; a refused queue (406) or a
    // missing password says nothing about Keystone's side of it.
    if (status.state != EventConsumerStatus::State::Retrying)
        return {};
    const std::optional<double> issue = jump(latency.issueMs, latency.calmIssueMs);
    const std::optional<double> validate = jump(latency.validateMs, latency.calmValidateMs);
    if (!issue && !validate)
        return {};
    QStringList slower;
    if (issue)
        slower << (latency.calmIssueMs
                       ? Tr::tr("token issue %1 (was %2)")
                             .arg(formatLatency(*latency.issueMs),
                                  formatLatency(*latency.calmIssueMs))
                       : Tr::tr("token issue %1").arg(formatLatency(*latency.issueMs)));
    if (validate)
        slower << (latency.calmValidateMs
                       ? Tr::tr("validation %1 (was %2)")
                             .arg(formatLatency(*latency.validateMs),
                                  formatLatency(*latency.calmValidateMs))
                       : Tr::tr("validation %1").arg(formatLatency(*latency.validateMs)));
    return Tr::tr("Keystone is slower (%1) while RabbitMQ at %2 is unreachable: the notification "
                  "transport is the likely cause, as Keystone waits for the broker on every call "
                  "that sends an event.")
        .arg(slower.join(QStringLiteral(", ")), status.where);
}

EventTileVerdict eventTileVerdict(const ProfileEvents &events, const QString &transportHint)
{
    EventTileVerdict v;
    // Locked accounts first, then service accounts about to lock, then the rest.
    QList<LockoutFinding> findings = events.lockout;
    auto rank = [](const LockoutFinding &f) {
        if (f.level == LockoutFinding::Level::Red)
            return f.serviceAccount ? 0 : 1;
        return f.serviceAccount ? 2 : 3;
    };
    std::stable_sort(
        findings.begin(), findings.end(),
        [&](const LockoutFinding &a, const LockoutFinding &b) { return rank(a) < rank(b); });
    for (const LockoutFinding &f : std::as_const(findings)) {
        int level = 2;
        if (f.level == LockoutFinding::Level::Red)
            level = 3;
        // A service account one failure from its lockout is as urgent as a
        // locked one: the next wrong password stops a service.
        else if (f.serviceAccount && f.attemptsLeft == 1)
            level = 3;
        v.level = std::max(v.level, level);
        v.reasons << f.text;
    }
    if (!transportHint.isEmpty()) {
        v.level = std::max(v.level, 2);
        v.reasons << transportHint;
    }
    return v;
}

QList<FixTarget> lockoutFixTargets(const QList<LockoutFinding> &findings)
{
    QList<FixTarget> out;
    for (const LockoutFinding &f : byUrgency(findings)) {
        const QString who = f.userId.isEmpty() ? f.user : f.userId;
        if (who.isEmpty())
            continue;
        FixTarget t;
        if (f.level == LockoutFinding::Level::Red && f.serviceAccount && !f.userId.isEmpty())
            t = {FixTarget::Kind::UnlockUser, f.userId, Tr::tr("Unlock %1…").arg(f.user)};
        else
            t = {FixTarget::Kind::ComplianceUser, who,
                 Tr::tr("Show %1 on the Compliance page").arg(f.user)};
        if (!out.contains(t))
            out << t;
    }
    return out;
}

} // namespace turnstile
