#pragma once

#include "history/chartspec.h"

#include <QList>

namespace turnstile {

// The charts of the Growth and Latency pages. `turnstilectl report` draws
// the same, so they live beside the report rather than in the pages: the
// report links the chart library, not every page.
struct PageCharts
{
    // Token rows (live and expired), revocation events, trusts and schema
    // sizes.
    static QList<ChartSpec> growth();
    // Validation and issue p50/p95/p99 over time, and validation against
    // the revocation_event row count as a scatter.
    static QList<ChartSpec> latency();
};

} // namespace turnstile
