#include "bench/benchconfig.h"

#include <QCoreApplication>

#include <cmath>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(BenchConfig)
};
} // namespace

QString BenchConfig::validationError() const
{
    if (concurrency < 1 || concurrency > kMaxConcurrency)
        return Tr::tr("The concurrency must be between 1 and %1 (got %2).")
            .arg(kMaxConcurrency)
            .arg(concurrency);
    if (mode == Mode::Open) {
        if (!std::isfinite(rate) || rate <= 0)
            return Tr::tr("The rate must be a positive number of requests per second (got %1).")
                .arg(rate);
        if (rate > kMaxRate)
            return Tr::tr("The rate must be at most %1 requests per second (got %2).")
                .arg(kMaxRate)
                .arg(rate);
    }
    if (durationMs < 0 || count < 0 || (durationMs == 0) == (count == 0))
        return Tr::tr("Give either a duration or a request count, not both and not neither.");
    if (durationMs > kMaxDurationMs)
        return Tr::tr("The duration must be at most one hour.");
    if (durationMs > 0 && durationMs < 1000)
        return Tr::tr("The duration must be at least one second.");
    if (count > kMaxCount)
        return Tr::tr("The request count must be at most %1.").arg(kMaxCount);
    if (poolSize < 1 || poolSize > kMaxPool)
        return Tr::tr("The token pool must hold between 1 and %1 tokens (got %2).")
            .arg(kMaxPool)
            .arg(poolSize);
    if (issueConcurrency < 1 || issueConcurrency > 64)
        return Tr::tr("The issue concurrency must be between 1 and 64 (got %1).")
            .arg(issueConcurrency);
    if (timeoutMs < 100 || timeoutMs > 600000)
        return Tr::tr("The request timeout must be between 0.1 s and 600 s.");
    if (maxConsecutiveErrors < 1)
        return Tr::tr("The error limit must be at least 1.");
    return {};
}

int BenchConfig::workerCount() const
{
    return std::max(1, (concurrency + kPerWorker - 1) / kPerWorker);
}

QString BenchConfig::modeName(Mode m)
{
    return m == Mode::Open ? QStringLiteral("open") : QStringLiteral("closed");
}

QJsonObject BenchConfig::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("mode"), modeName(mode));
    o.insert(QStringLiteral("concurrency"), concurrency);
    if (mode == Mode::Open)
        o.insert(QStringLiteral("rate"), rate);
    o.insert(QStringLiteral("duration_ms"), durationMs);
    o.insert(QStringLiteral("count"), count);
    o.insert(QStringLiteral("pool"), poolSize);
    o.insert(QStringLiteral("timeout_ms"), timeoutMs);
    return o;
}

BenchConfig BenchConfig::fromJson(const QJsonObject &o)
{
    BenchConfig c;
    c.mode = o.value(u"mode").toString() == u"open" ? Mode::Open : Mode::Closed;
    c.concurrency = o.value(u"concurrency").toInt(c.concurrency);
    c.rate = o.value(u"rate").toDouble(0);
    c.durationMs = o.value(u"duration_ms").toInteger(c.durationMs);
    c.count = o.value(u"count").toInteger(0);
    c.poolSize = o.value(u"pool").toInt(c.poolSize);
    c.timeoutMs = o.value(u"timeout_ms").toInt(c.timeoutMs);
    return c;
}

} // namespace turnstile
