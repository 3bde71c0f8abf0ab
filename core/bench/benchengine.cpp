#include "bench/benchengine.h"

#include "bench/benchworker.h"
#include "bench/splitwork.h"
#include "keystone/authbackoff.h"
#include "keystone/authrequest.h"
#include "keystone/identityapi.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QThread>

#include <memory>
#include <vector>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(BenchEngine)
};

// Slack between the end of a run and the pool's expiry.
constexpr qint64 kExpiryMarginS = 30;
} // namespace

BenchEngine::BenchEngine(Profile profile, Secrets secrets)
    : m_profile(std::move(profile)), m_secrets(std::move(secrets))
{
    // Application-credential tokens cannot be traded for new ones with the
    // token method, so such profiles issue with their own credentials.
    m_tokenMethod = m_profile.authMethod != AuthMethod::ApplicationCredential;
}

BenchEngine::~BenchEngine() = default;

QJsonObject BenchEngine::tokenMethodBody() const
{
    QString err;
    const QJsonObject full = buildAuthRequest(m_profile, m_secrets, &err);
    if (!m_tokenMethod || full.isEmpty())
        return full;
    QJsonObject auth{{QStringLiteral("identity"),
                      QJsonObject{{QStringLiteral("methods"), QJsonArray{QStringLiteral("token")}},
                                  {QStringLiteral("token"),
                                   QJsonObject{{QStringLiteral("id"),
                                                QString::fromLatin1(m_client->authToken())}}}}}};
    const QJsonValue scope = full.value(u"auth").toObject().value(u"scope");
    if (!scope.isUndefined())
        auth.insert(QStringLiteral("scope"), scope);
    return QJsonObject{{QStringLiteral("auth"), auth}};
}

QString BenchEngine::issueTokens(int n, int concurrency, QList<TokenInfo> *out)
{
    if (!m_client)
        return Tr::tr("Not authenticated yet.");
    const QByteArray body = QJsonDocument(tokenMethodBody()).toJson(QJsonDocument::Compact);
    if (body.isEmpty() || body == "{}") {
        QString err;
        buildAuthRequest(m_profile, m_secrets, &err);
        return err;
    }
    // The other threads need a client of their own; this profile names the
    // v3 base directly so they skip discovery.
    Profile direct = m_profile;
    direct.authUrl = m_client->v3Base();
    const QByteArray admin = m_client->authToken();
    std::atomic<qint64> done{0};
    std::atomic_bool failed{false};
    QMutex mutex;
    QString firstError;
    auto work = [&](qint64 howMany) {
        KeystoneClient c(direct, m_secrets);
        c.setAuthToken(admin);
        QList<TokenInfo> mine;
        for (int i = 0; i < howMany && !failed.load() && !m_cancelled.load(); ++i) {
            TokenInfo t =
                parseTokenResponse(c.post(QStringLiteral("/auth/tokens?nocatalog"), body));
            if (!t.ok()) {
                // With the profile's own password every 401 counts towards
                // Keystone's lockout: the failed flag stops the other workers.
                if (!m_tokenMethod && t.http.status == 401)
                    AuthBackoff::recordRejected(m_profile, m_secrets, t.error);
                QMutexLocker lock(&mutex);
                if (firstError.isEmpty())
                    firstError = t.error;
                failed.store(true);
                break;
            }
            t.http.body.clear();
            mine.append(t);
            done.fetch_add(1);
        }
        return mine;
    };
    const int threads = std::clamp(concurrency, 1, std::max(1, n));
    const auto futures = splitWork(n, threads, 50, work, [&](double elapsedS) {
        BenchProgress p;
        p.phase = BenchProgress::Phase::Issue;
        p.done = done.load();
        p.total = n;
        p.elapsedS = elapsedS;
        p.message = Tr::tr("Issuing tokens: %1 of %2").arg(p.done).arg(n);
        report(p);
    });
    for (const auto &f : futures)
        *out += f.result();
    if (!firstError.isEmpty())
        return firstError;
    if (m_cancelled.load())
        return Tr::tr("Cancelled while issuing tokens.");
    return {};
}

QString BenchEngine::prepare(const BenchConfig &config)
{
    m_pool.clear();
    m_client = std::make_unique<KeystoneClient>(m_profile, m_secrets);
    // Through the back-off: a rejected password is tried once per credential
    // change, by the benchmark as by the probes.
    const TokenInfo admin = AuthBackoff::issueToken(*m_client, m_profile, m_secrets);
    if (!admin.ok())
        return admin.error;
    m_expires = admin.expiresAt;
    QList<TokenInfo> tokens;
    // One token first: if the token method is refused, the rest use the
    // profile's own credentials (slower: a password is a bcrypt check).
    QString err = issueTokens(1, 1, &tokens);
    if (!err.isEmpty() && m_tokenMethod && !m_cancelled.load()) {
        m_tokenMethod = false;
        err = issueTokens(1, 1, &tokens);
    }
    if (!err.isEmpty())
        return err;
    if (config.poolSize > 1)
        err = issueTokens(config.poolSize - 1, config.issueConcurrency, &tokens);
    if (!err.isEmpty())
        return err;
    for (const TokenInfo &t : tokens) {
        m_pool.append(t.token);
        if (t.expiresAt.isValid() && (!m_expires.isValid() || t.expiresAt < m_expires))
            m_expires = t.expiresAt;
    }
    return {};
}

void BenchEngine::usePool(const QByteArray &authToken, const QList<QByteArray> &pool,
                          const QDateTime &expires)
{
    m_client = std::make_unique<KeystoneClient>(m_profile, m_secrets);
    m_client->setAuthToken(authToken);
    m_pool = pool;
    m_expires = expires;
}

BenchResult BenchEngine::run(const BenchConfig &config)
{
    if (const QString why = config.validationError(); !why.isEmpty()) {
        BenchResult r;
        r.config = config;
        r.error = why;
        return r;
    }
    if (m_pool.size() < config.poolSize) {
        if (const QString err = prepare(config); !err.isEmpty()) {
            BenchResult r;
            r.config = config;
            r.profile = m_profile.name;
            r.error = err;
            return r;
        }
    }
    // Where on the Latency page's scatter this measurement belongs. Needs an
    // admin token; without one the count is simply unknown (-1).
    const RevocationEventsResult events = listRevocationEvents(*m_client);
    BenchResult r = measure(config);
    if (events.ok())
        r.revocationEvents = events.events.size();
    return r;
}

BenchResult BenchEngine::measure(const BenchConfig &config)
{
    BenchResult failed;
    failed.config = config;
    failed.profile = m_profile.name;
    if (const QString why = config.validationError(); !why.isEmpty()) {
        failed.error = why;
        return failed;
    }
    if (m_pool.isEmpty() || !m_client) {
        failed.error = Tr::tr("No token pool: the issue phase did not run.");
        return failed;
    }
    // A run must end before its tokens do; a fresh login gives a fresh
    // expiry (the token method keeps its parent's).
    const qint64 plannedS =
        config.durationMs > 0
            ? config.durationMs / 1000 + 1
            : (config.mode == BenchConfig::Mode::Open ? qint64(config.count / config.rate) + 1 : 0);
    auto tooShort = [&] {
        return m_expires.isValid() &&
               QDateTime::currentDateTimeUtc().secsTo(m_expires) < plannedS + kExpiryMarginS;
    };
    if (tooShort()) {
        if (const QString err = prepare(config); !err.isEmpty()) {
            failed.error = err;
            return failed;
        }
        if (tooShort()) {
            failed.error =
                Tr::tr("Keystone's tokens expire at %1, before this run would end; shorten the "
                       "run or raise [token] expiration.")
                    .arg(m_expires.toString(Qt::ISODate));
            return failed;
        }
    }

    QUrl url = m_client->v3Base();
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + QStringLiteral("/auth/tokens"));
    BenchConnection::Endpoint endpoint;
    if (QString why; !BenchConnection::endpointFor(url, &endpoint, &why)) {
        failed.error = Tr::tr("Cannot benchmark %1: only http and https URLs are supported.")
                           .arg(url.toDisplayString());
        return failed;
    }
    if (endpoint.tls) {
        if (const QString err = m_client->sslSetupError(); !err.isEmpty()) {
            failed.error = err;
            return failed;
        }
        endpoint.ssl = m_client->sslConfiguration();
    }
    // The tokens go into header lines verbatim.
    bool safe = BenchConnection::isHeaderSafe(m_client->authToken());
    for (const QByteArray &t : std::as_const(m_pool))
        safe = safe && BenchConnection::isHeaderSafe(t);
    if (!safe) {
        failed.error = Tr::tr("A token contains characters that cannot go into an HTTP header.");
        return failed;
    }

    const int workers = config.workerCount();
    BenchShared shared;
    shared.maxConsecutiveErrors = config.maxConsecutiveErrors;
    shared.tickets.store(config.count > 0 ? config.count : 0);
    std::vector<QList<BenchSample>> outputs(static_cast<size_t>(workers));
    std::vector<std::unique_ptr<QThread>> threads;
    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    // Workers start their clocks 20 ms from now so the first scheduled
    // requests do not count thread start-up as client queue time.
    shared.startNs = BenchShared::nowNs() + 20000000;
    for (int w = 0; w < workers; ++w) {
        BenchWorker::Plan plan;
        plan.config = config;
        plan.index = w;
        plan.workers = workers;
        plan.maxInFlight =
            config.concurrency / workers + (w < config.concurrency % workers ? 1 : 0);
        plan.url = url;
        plan.endpoint = endpoint;
        plan.authToken = m_client->authToken();
        plan.tokens = m_pool;
        plan.output = &outputs[size_t(w)];
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(QStringLiteral("bench-%1").arg(w));
        auto *worker = new BenchWorker(plan, &shared);
        worker->moveToThread(thread.get());
        QObject::connect(thread.get(), &QThread::started, worker, &BenchWorker::start);
        thread->start();
        threads.push_back(std::move(thread));
    }

    bool cancelled = false;
    bool hung = false;
    QList<qint64> perSecond;
    qint64 lastAnswered = 0;
    QElapsedTimer reportTimer;
    reportTimer.start();
    // However the server behaves, the run ends: the window plus the request
    // timeout plus slack, or for a count a generous bound.
    const qint64 hardLimitNs =
        (plannedS > 0 ? plannedS * 1000000000LL : qint64(3600) * 1000000000LL) +
        qint64(config.timeoutMs) * 2000000LL + 10000000000LL;
    while (shared.finished.load() < workers) {
        QThread::msleep(20);
        const qint64 el = shared.elapsedNs();
        if (m_cancelled.load() && !shared.stop.load()) {
            cancelled = true;
            shared.stop.store(true);
        }
        if (el > hardLimitNs && !shared.stop.load()) {
            hung = true;
            shared.stop.store(true);
        }
        while (el >= (perSecond.size() + 1) * 1000000000LL) {
            const qint64 a = shared.answered.load();
            perSecond.append(a - lastAnswered);
            lastAnswered = a;
        }
        if (reportTimer.elapsed() >= 250) {
            reportTimer.restart();
            BenchProgress p;
            p.phase = BenchProgress::Phase::Validate;
            p.done = shared.answered.load();
            p.total = config.count > 0 ? config.count : -1;
            p.errors = shared.errors.load();
            p.elapsedS = std::max<qint64>(0, el) / 1e9;
            p.plannedS = double(plannedS);
            p.perSecond = perSecond;
            p.message = Tr::tr("Validating: %1 answers, %2 errors, %3 s")
                            .arg(p.done)
                            .arg(p.errors)
                            .arg(p.elapsedS, 0, 'f', 0);
            report(p);
        }
    }
    for (auto &t : threads) {
        t->quit();
        t->wait();
    }
    QList<BenchSample> all;
    for (auto &o : outputs)
        all += o;
    qint64 lastDone = 0;
    for (const BenchSample &s : all)
        lastDone = std::max(lastDone, s.doneNs);
    qint64 window = 0;
    if (config.mode == BenchConfig::Mode::Closed && config.count == 0)
        window = std::min<qint64>(config.durationMs * 1000000, std::max<qint64>(lastDone, 1));
    else
        window = std::max<qint64>(lastDone, config.durationMs * 1000000);
    if (shared.stop.load())
        window = std::max<qint64>(lastDone, 1); // measured until it stopped

    BenchResult r = BenchResult::summarize(config, all, window);
    r.profile = m_profile.name;
    r.startedAt = startedAt;
    r.finishedAt = QDateTime::currentDateTimeUtc();
    r.workers = workers;
    r.tokens = int(m_pool.size());
    if (shared.unauthorized.load() > 0) {
        r.incomplete = true;
        r.error = Tr::tr("Keystone answered 401 to a validation: it does not accept the "
                         "benchmark's own token (X-Auth-Token) any more. Stopped at once.");
        r.stopReason = r.error;
    } else if (cancelled) {
        r.incomplete = true;
        r.stopReason = Tr::tr("cancelled");
    } else if (hung) {
        r.incomplete = true;
        r.stopReason = Tr::tr("the run did not end in time and was stopped");
    } else if (shared.stop.load()) {
        r.incomplete = true;
        const bool expired =
            m_expires.isValid() && QDateTime::currentDateTimeUtc() >= m_expires.addSecs(-1);
        QString commonest;
        qint64 most = 0;
        for (auto it = r.errorsByStatus.cbegin(); it != r.errorsByStatus.cend(); ++it)
            if (it.value() > most) {
                most = it.value();
                commonest = it.key();
            }
        if (expired)
            r.stopReason =
                Tr::tr("the token pool expired mid-run (at %1); the results up to then are kept")
                    .arg(m_expires.toString(Qt::ISODate));
        else
            r.stopReason = Tr::tr("stopped after %1 errors in a row (mostly %2): the endpoint is "
                                  "failing, and a benchmark does not hammer it")
                               .arg(config.maxConsecutiveErrors)
                               .arg(commonest);
    }
    return r;
}

} // namespace turnstile
