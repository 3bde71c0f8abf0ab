#pragma once

#include "bench/benchconfig.h"
#include "bench/benchprogress.h"
#include "bench/benchresult.h"
#include "keystone/keystoneclient.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QDateTime>
#include <QList>

#include <atomic>
#include <functional>
#include <memory>

namespace turnstile {

// The token-validation benchmark. Phase one issues a pool of distinct
// tokens (so Keystone's token cache, when enabled, is not what gets
// measured); phase two validates them with GET /v3/auth/tokens, closed or
// open loop, from ceil(C / 6) worker threads that each drive up to 6
// BenchConnections (a lean HTTP/1.1 client; the issue phase keeps using
// KeystoneClient).
//
// Blocking: run it on a worker thread (or in turnstilectl). The calling
// thread needs no event loop of its own; the engine spins one while it
// waits. A benchmark never revokes or deletes anything.
class BenchEngine
{
public:
    using ProgressFn = std::function<void(const BenchProgress &)>;

    BenchEngine(Profile profile, Secrets secrets);
    ~BenchEngine();
    BenchEngine(const BenchEngine &) = delete;
    BenchEngine &operator=(const BenchEngine &) = delete;

    void setProgress(ProgressFn fn) { m_progress = std::move(fn); }
    // Thread-safe; the run stops within ~50 ms and keeps what it measured.
    void cancel() { m_cancelled.store(true); }
    bool isCancelled() const { return m_cancelled.load(); }

    // Authenticates and issues the pool. Empty on success, else one sentence
    // (a wrong password is a 401 sentence here, before any load is made).
    QString prepare(const BenchConfig &config);
    // prepare() when needed, then one measurement.
    BenchResult run(const BenchConfig &config);
    // One measurement with the pool prepare() made.
    BenchResult measure(const BenchConfig &config);

    // Skips the issue phase: validate `pool` with `authToken` against the
    // profile's auth URL (which must name the v3 base). For bench/validate,
    // which compares against wrk with the very same token.
    void usePool(const QByteArray &authToken, const QList<QByteArray> &pool,
                 const QDateTime &expires = {});

    // The authenticated client (admin token of the profile); valid after prepare().
    KeystoneClient &client() { return *m_client; }
    const QList<QByteArray> &pool() const { return m_pool; }
    // The earliest expiry in the pool (and of the auth token).
    QDateTime poolExpiresAt() const { return m_expires; }
    // Issues `n` tokens with the token method on `concurrency` threads.
    // Appends to *out; empty on success else one sentence. Used by the
    // revocation-impact experiment too.
    QString issueTokens(int n, int concurrency, QList<TokenInfo> *out);

private:
    void report(const BenchProgress &p) const
    {
        if (m_progress)
            m_progress(p);
    }
    QJsonObject tokenMethodBody() const;

    Profile m_profile;
    Secrets m_secrets;
    std::unique_ptr<KeystoneClient> m_client;
    QList<QByteArray> m_pool;
    QDateTime m_expires;
    bool m_tokenMethod = true; // fall back to the profile's own auth when refused
    ProgressFn m_progress;
    std::atomic_bool m_cancelled{false};
};

} // namespace turnstile
