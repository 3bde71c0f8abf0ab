#include "bench/revocationimpact.h"

#include "bench/benchengine.h"
#include "bench/splitwork.h"
#include "guarded/actioncontrol.h"
#include "history/historystore.h"
#include "keystone/authbackoff.h"
#include "keystone/identityapi.h"
#include "keystone/keystoneclient.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QUrl>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(RevocationImpact)
};

QString targetFor(const Profile &p)
{
    const QUrl u = p.authUrl;
    return QStringLiteral("revocation_event@%1:%2")
        .arg(u.host())
        .arg(u.port(u.scheme() == u"https" ? 443 : 80));
}

// Rough cost of one event on the lab (docs/benchmark.md): two API calls.
constexpr double kSecondsPerEvent = 0.15;
} // namespace

RevocationImpact::RevocationImpact(Profile profile, Secrets secrets, BenchHistory::Kind kind,
                                   QList<qint64> steps, BenchConfig measure)
    : m_profile(std::move(profile)), m_secrets(std::move(secrets)), m_eventKind(kind),
      m_steps(std::move(steps)), m_measure(measure)
{}

RevocationImpact::~RevocationImpact() = default;

std::optional<QList<qint64>> RevocationImpact::parseSteps(const QString &text, QString *error)
{
    QList<qint64> out;
    const QStringList parts = text.split(u',', Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        bool ok = false;
        const qint64 v = part.trimmed().toLongLong(&ok);
        if (!ok || v < 0 || v > kMaxStep) {
            if (error)
                *error = Tr::tr("A step is a whole number of events from 0 to %1 (got \"%2\").")
                             .arg(kMaxStep)
                             .arg(part.trimmed());
            return std::nullopt;
        }
        if (!out.isEmpty() && v <= out.last()) {
            if (error)
                *error = Tr::tr("Steps must increase: %1 after %2.").arg(v).arg(out.last());
            return std::nullopt;
        }
        out.append(v);
    }
    if (out.isEmpty()) {
        if (error)
            *error = Tr::tr("Give at least one step, e.g. 0,100,500,1000.");
        return std::nullopt;
    }
    return out;
}

ActionPreview RevocationImpact::preview()
{
    ActionPreview pv;
    pv.action = kind();
    pv.title =
        Tr::tr("Revocation-impact experiment (%1)").arg(BenchHistory::kindTitle(m_eventKind));
    pv.at = QDateTime::currentDateTimeUtc();
    pv.target.text = targetFor(m_profile);
    pv.target.description =
        Tr::tr("the revocation events of Keystone at %1 (profile %2)")
            .arg(m_profile.authUrl.adjusted(QUrl::RemoveUserInfo).toString(), m_profile.name);
    QJsonArray steps;
    for (qint64 s : m_steps)
        steps.append(s);
    pv.parameters = QJsonObject{{QStringLiteral("kind"), BenchHistory::kindName(m_eventKind)},
                                {QStringLiteral("steps"), steps},
                                {QStringLiteral("measure"), m_measure.toJson()}};
    if (m_profile.production) {
        pv.refusal = Tr::tr("Profile %1 is marked production; the revocation-impact experiment "
                            "adds revocation events and runs against lab and staging only.")
                         .arg(m_profile.name);
        return pv;
    }
    if (m_eventKind == BenchHistory::Kind::Validate) {
        pv.refusal = Tr::tr("Choose the kind of event: audit, user or project.");
        return pv;
    }
    if (m_steps.isEmpty()) {
        pv.refusal = Tr::tr("Give at least one step, e.g. 0,100,500,1000.");
        return pv;
    }
    if (const QString why = m_measure.validationError(); !why.isEmpty()) {
        pv.refusal = why;
        return pv;
    }
    KeystoneClient c(m_profile, m_secrets);
    const TokenInfo t = AuthBackoff::issueToken(c, m_profile, m_secrets);
    if (!t.ok()) {
        pv.refusal = t.error;
        return pv;
    }
    const RevocationEventsResult ev = listRevocationEvents(c);
    if (!ev.ok()) {
        pv.refusal = ev.error;
        return pv;
    }
    const qint64 adding = m_steps.last();
    pv.rowsToGo = adding;
    pv.rowsToStay = ev.events.size();
    switch (m_eventKind) {
    case BenchHistory::Kind::Audit:
        pv.statements << Tr::tr("%1 × (POST /v3/auth/tokens with the token method, then DELETE "
                                "/v3/auth/tokens of that token)")
                             .arg(adding);
        break;
    case BenchHistory::Kind::User:
        pv.statements << Tr::tr("%1 × (POST /v3/users of a throw-away user "
                                "turnstile-bench-…, then DELETE /v3/users/{id})")
                             .arg(adding);
        break;
    case BenchHistory::Kind::Project:
        pv.statements << Tr::tr("%1 × (POST /v3/projects of a throw-away project "
                                "turnstile-bench-…, then DELETE /v3/projects/{id})")
                             .arg(adding);
        break;
    case BenchHistory::Kind::Validate:
        break;
    }
    QStringList stepText;
    for (qint64 s : m_steps)
        stepText << QString::number(s);
    pv.statements << Tr::tr("GET /v3/auth/tokens for %1 s at each step %2")
                         .arg(m_measure.durationMs / 1000.0)
                         .arg(stepText.join(QStringLiteral(", ")));
    pv.consequences << Tr::tr("Adds %1 revocation event(s) to the %2 Keystone already has; "
                              "Keystone keeps each until it expires ([token] expiration plus "
                              "expiration_buffer) and checks every token validation against them.")
                           .arg(adding)
                           .arg(ev.events.size());
    pv.consequences << Tr::tr("Validation load on the server for each step; other clients of "
                              "this Keystone will see slower answers meanwhile.");
    pv.estimatedSeconds =
        double(adding) * kSecondsPerEvent / std::max(1, std::min(m_generateConcurrency, 2)) +
        double(m_steps.size()) * (m_measure.durationMs / 1000.0 + 2);
    pv.estimateBasis =
        Tr::tr("about %1 s per event on the lab, plus each measurement").arg(kSecondsPerEvent);
    return pv;
}

QString RevocationImpact::generate(BenchEngine &engine, qint64 n, const QString &domainId,
                                   ActionControl &control, qint64 *added)
{
    if (n <= 0)
        return {};
    Profile direct = m_profile;
    direct.authUrl = engine.client().v3Base();
    const QByteArray admin = engine.client().authToken();
    std::atomic<qint64> done{0};
    std::atomic_bool failed{false};
    QMutex mutex;
    QString firstError;
    const QString prefix = QStringLiteral("turnstile-bench-%1-").arg(m_runId);
    std::atomic<qint64> serial{qint64(*added)};
    const BenchHistory::Kind kind = m_eventKind;
    auto fail = [&](const QString &e) {
        QMutexLocker lock(&mutex);
        if (firstError.isEmpty())
            firstError = e;
        failed.store(true);
    };
    auto work = [&](qint64 howMany) {
        KeystoneClient c(direct, m_secrets);
        c.setAuthToken(admin);
        for (qint64 i = 0; i < howMany && !failed.load() && !control.isCancelled(); ++i) {
            const QString name = prefix + QString::number(serial.fetch_add(1));
            if (kind == BenchHistory::Kind::Audit) {
                const QByteArray body =
                    QJsonDocument(
                        QJsonObject{
                            {QStringLiteral("auth"),
                             QJsonObject{
                                 {QStringLiteral("identity"),
                                  QJsonObject{{QStringLiteral("methods"),
                                               QJsonArray{QStringLiteral("token")}},
                                              {QStringLiteral("token"),
                                               QJsonObject{{QStringLiteral("id"),
                                                            QString::fromLatin1(admin)}}}}}}}})
                        .toJson(QJsonDocument::Compact);
                const TokenInfo t =
                    parseTokenResponse(c.post(QStringLiteral("/auth/tokens?nocatalog"), body));
                if (!t.ok())
                    return fail(t.error);
                const HttpResult del = c.revokeToken(t.token);
                if (!del.ok())
                    return fail(del.error);
            } else {
                const bool user = kind == BenchHistory::Kind::User;
                const QString coll = user ? QStringLiteral("users") : QStringLiteral("projects");
                const QString member = user ? QStringLiteral("user") : QStringLiteral("project");
                QJsonObject obj{{QStringLiteral("name"), name},
                                {QStringLiteral("description"),
                                 QStringLiteral("Turnstile revocation-impact experiment; safe to "
                                                "delete")}};
                if (!domainId.isEmpty())
                    obj.insert(QStringLiteral("domain_id"), domainId);
                const HttpResult created = c.post(
                    u'/' + coll,
                    QJsonDocument(QJsonObject{{member, obj}}).toJson(QJsonDocument::Compact));
                if (!created.ok())
                    return fail(created.error);
                const QString id = QJsonDocument::fromJson(created.body)
                                       .object()
                                       .value(member)
                                       .toObject()
                                       .value(u"id")
                                       .toString();
                if (id.isEmpty())
                    return fail(Tr::tr("Keystone created %1 but returned no id.").arg(name));
                // The id comes from Keystone's answer: encoded, it stays one path
                // segment whatever it holds.
                const HttpResult del = c.remove(u'/' + coll + u'/' + apiPathSegment(id));
                if (!del.ok())
                    return fail(del.error);
            }
            done.fetch_add(1);
        }
    };
    const int threads = int(std::clamp<qint64>(m_generateConcurrency, 1, n));
    const qint64 before = *added;
    splitWork(n, threads, 100, work, [&](double elapsedS) {
        ActionProgress ap;
        ap.done = before + done.load();
        ap.total = m_steps.last();
        ap.elapsedSeconds = elapsedS;
        ap.rowsPerSecond = ap.elapsedSeconds > 0 ? done.load() / ap.elapsedSeconds : 0;
        control.report(ap);
        if (m_onProgress) {
            BenchProgress p;
            p.phase = BenchProgress::Phase::Revoke;
            p.done = ap.done;
            p.total = ap.total;
            p.elapsedS = ap.elapsedSeconds;
            p.message = Tr::tr("Adding revocation events: %1 of %2").arg(p.done).arg(p.total);
            m_onProgress(p);
        }
    });
    *added = before + done.load();
    return firstError;
}

ActionResult RevocationImpact::execute(const ActionPreview &, ActionControl &control)
{
    ActionResult r;
    r.startedAt = QDateTime::currentDateTimeUtc();
    m_runId = r.startedAt.toSecsSinceEpoch();
    m_results.clear();
    BenchEngine engine(m_profile, m_secrets);
    engine.setProgress([&](const BenchProgress &p) {
        if (control.isCancelled())
            engine.cancel();
        if (m_onProgress)
            m_onProgress(p);
    });
    std::unique_ptr<HistoryStore> store;
    QString storeError;
    if (m_history) {
        store = std::make_unique<HistoryStore>();
        if (!store->open(*m_history)) {
            storeError = store->error();
            store.reset();
        }
    }
    auto finish = [&](ActionResult::Outcome o, const QString &message) {
        r.outcome = o;
        r.message = message;
        if (!storeError.isEmpty())
            r.message += u' ' + Tr::tr("The results were not stored: %1").arg(storeError);
        r.finishedAt = QDateTime::currentDateTimeUtc();
        r.durationSeconds = r.startedAt.msecsTo(r.finishedAt) / 1000.0;
        QJsonArray steps;
        for (const BenchResult &b : m_results)
            steps.append(b.toJson());
        r.details.insert(QStringLiteral("run_id"), m_runId);
        r.details.insert(QStringLiteral("kind"), BenchHistory::kindName(m_eventKind));
        r.details.insert(QStringLiteral("steps"), steps);
        if (store && !m_results.isEmpty()) {
            const BenchResult &last = m_results.last();
            BenchHistory::annotate(*store, m_profile.name, m_runId, m_eventKind,
                                   Tr::tr("revocation impact (%1): %2 events, %3 validations/s")
                                       .arg(BenchHistory::kindTitle(m_eventKind))
                                       .arg(last.revocationEvents)
                                       .arg(last.achievedRate, 0, 'f', 1));
        }
        return r;
    };

    // The pool first, so every event added below is newer than its tokens.
    if (const QString err = engine.prepare(m_measure); !err.isEmpty())
        return finish(control.isCancelled() ? ActionResult::Outcome::Cancelled
                                            : ActionResult::Outcome::Failed,
                      err);
    QString domainId = m_profile.userDomainId;
    // Throw-away users and projects go into the admin's own domain; a
    // profile may name it by name only.
    if (domainId.isEmpty() && m_eventKind != BenchHistory::Kind::Audit) {
        const HttpResult doms = engine.client().get(QStringLiteral("/domains?name=%1")
                                                        .arg(m_profile.userDomainName.isEmpty()
                                                                 ? QStringLiteral("Default")
                                                                 : m_profile.userDomainName));
        const QJsonArray list =
            QJsonDocument::fromJson(doms.body).object().value(u"domains").toArray();
        domainId = list.isEmpty() ? QStringLiteral("default")
                                  : list.first().toObject().value(u"id").toString();
    }
    const RevocationEventsResult first = listRevocationEvents(engine.client());
    r.before = first.ok() ? first.events.size() : -1;
    qint64 added = 0;
    for (qint64 step : m_steps) {
        if (control.isCancelled())
            return finish(ActionResult::Outcome::Cancelled,
                          Tr::tr("Cancelled before step %1.").arg(step));
        const QString err = generate(engine, step - added, domainId, control, &added);
        r.affected = added;
        if (control.isCancelled())
            return finish(ActionResult::Outcome::Cancelled,
                          Tr::tr("Cancelled while adding events (%1 added).").arg(added));
        if (!err.isEmpty())
            return finish(ActionResult::Outcome::Failed,
                          Tr::tr("Adding events failed after %1: %2").arg(added).arg(err));
        const RevocationEventsResult ev = listRevocationEvents(engine.client());
        BenchResult b = engine.measure(m_measure);
        b.revocationStep = step;
        b.revocationEvents = ev.ok() ? ev.events.size() : -1;
        b.eventKind = BenchHistory::kindName(m_eventKind);
        m_results.append(b);
        ++r.batches;
        if (store && !b.failed())
            if (BenchHistory::save(*store, b, m_runId, m_eventKind) < 0 && storeError.isEmpty())
                storeError = store->error();
        if (m_onStep)
            m_onStep(b);
        if (b.failed())
            return finish(ActionResult::Outcome::Failed,
                          Tr::tr("The measurement at step %1 failed: %2").arg(step).arg(b.error));
        if (b.incomplete && control.isCancelled())
            return finish(ActionResult::Outcome::Cancelled,
                          Tr::tr("Cancelled during the measurement at step %1.").arg(step));
    }
    const RevocationEventsResult last = listRevocationEvents(engine.client());
    r.after = last.ok() ? last.events.size() : -1;
    return finish(ActionResult::Outcome::Completed,
                  Tr::tr("Measured %1 step(s); added %2 revocation event(s).")
                      .arg(m_results.size())
                      .arg(added));
}

} // namespace turnstile
