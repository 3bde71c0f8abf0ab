#include "pagecharts.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
// The titles are the pages' text: they keep the pages' translation contexts.
struct GrowthTr
{
    Q_DECLARE_TR_FUNCTIONS(GrowthPage)
};
struct LatencyTr
{
    Q_DECLARE_TR_FUNCTIONS(LatencyPage)
};
} // namespace

QList<ChartSpec> PageCharts::growth()
{
    return {
        ChartSpec::time(GrowthTr::tr("Token rows"),
                        {QStringLiteral("token.live"), QStringLiteral("token.expired")})
            .withValueTitle(GrowthTr::tr("tokens"))
            .withUnit(ChartSpec::Unit::Count),
        // Obsolete beside all: the gap is what a prune would remove.
        ChartSpec::time(
            GrowthTr::tr("Revocation events"),
            {QStringLiteral("revocation_event.rows"), QStringLiteral("revocation_event.obsolete")})
            .withValueTitle(GrowthTr::tr("events"))
            .withUnit(ChartSpec::Unit::Count),
        ChartSpec::time(GrowthTr::tr("Trusts"), {QStringLiteral("table.trust.rows")})
            .withValueTitle(GrowthTr::tr("trusts"))
            .withUnit(ChartSpec::Unit::Count),
        // Every schema on the server (data + indexes), as the exact cycle
        // measures it.
        ChartSpec::time(GrowthTr::tr("Schema sizes (MiB)"), {QStringLiteral("schema.*.bytes")})
            .scaled(1.0 / (1024 * 1024))
            .withValueTitle(GrowthTr::tr("MiB")),
    };
}

QList<ChartSpec> PageCharts::latency()
{
    ChartSpec scatter = ChartSpec::scatter(LatencyTr::tr("Validation against revocation events"),
                                           QStringLiteral("revocation_event.rows"),
                                           LatencyTr::tr("revocation events (rows)"),
                                           QStringLiteral("validate.ms"), LatencyTr::tr("ms"));
    // Benchmarks (turnstilectl bench, the Benchmark dialog) store their
    // median and p99 with the event count they measured at; each is a point.
    scatter.rawClouds = {
        {LatencyTr::tr("benchmark p50"), QStringLiteral("bench.revocation_events"),
         QStringLiteral("bench.p50_ms")},
        {LatencyTr::tr("benchmark p99"), QStringLiteral("bench.revocation_events"),
         QStringLiteral("bench.p99_ms")},
    };
    // The time charts' tick labels carry their unit ("250 ms", "1.5 s"), so
    // their value axes need no title.
    return {
        ChartSpec::time(LatencyTr::tr("Token validation p50/p95/p99 (ms)"),
                        {QStringLiteral("validate.p50.ms"), QStringLiteral("validate.p95.ms"),
                         QStringLiteral("validate.p99.ms")})
            .withUnit(ChartSpec::Unit::Milliseconds),
        ChartSpec::time(LatencyTr::tr("Token issue p50/p95/p99 (ms)"),
                        {QStringLiteral("issue.p50.ms"), QStringLiteral("issue.p95.ms"),
                         QStringLiteral("issue.p99.ms")})
            .withUnit(ChartSpec::Unit::Milliseconds),
        scatter,
    };
}

} // namespace turnstile
