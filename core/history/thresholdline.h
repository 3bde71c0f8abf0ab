#pragma once

#include <QString>

namespace turnstile {

// A horizontal line on a time chart: a profile's effective warning or
// critical level of a metric the chart shows (core/health/thresholds), in the
// chart's unit (ChartSpec::scale applied). The view labels it "warning
// 300 ms".
struct ThresholdLine
{
    double value = 0;
    bool critical = false;
    // Whose level it is when the profiles of a chart have different ones;
    // empty when it is every shown profile's.
    QString profile;

    bool operator==(const ThresholdLine &) const = default;
};

} // namespace turnstile
