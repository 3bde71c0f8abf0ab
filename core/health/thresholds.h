#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace turnstile {

enum class HealthLevel
{
    Unknown,
    Ok,
    Warning,
    Critical
};

// One rule: a metric's latest value (or its growth per day, or its share of
// another metric) against a warn and a critical level.
struct ThresholdRule
{
    enum class Kind
    {
        Above,
        Below,
        GrowthPerDay,
        ShareOf
    };
    QString metric;
    Kind kind = Kind::Above;
    double warn = 0;
    double critical = 0;
    QString denominator;       // ShareOf: the metric the share is taken of
    double minDenominator = 0; // ShareOf: ignore tiny tables (3 of 4 rows obsolete is no fire)
    // Above/Below: when this metric has a value, it is compared instead of
    // `metric`, which stays the rule's name and override key. validate.ms is
    // judged on validate.p99.ms (the probe window's p99); history and callers
    // without percentiles fall back to the per-probe median.
    QString measure;

    bool operator==(const ThresholdRule &) const = default;
};

// The defaults, documented in docs/thresholds.md.
QList<ThresholdRule> defaultThresholds();
// Defaults with a profile's overrides applied: {"metric": {"warn": x, "critical": y}}.
QList<ThresholdRule> effectiveThresholds(const QJsonObject &overrides);

struct HealthVerdict
{
    HealthLevel level = HealthLevel::Unknown;
    QString reason;        // one plain sentence naming every non-green figure
    QStringList triggered; // metric names that are amber or red
    QStringList critical;  // the red ones among them
    // The reason's parts, one per non-green figure, critical first
    // (thresholdFinding's words, not capitalised): a report lists them one
    // to a line.
    QStringList findings;
};

// Pure: latest values and growth per day (metric -> rows/day) in, verdict out.
// `subjects` names whom a figure is about where that is not a number
// (auth.top_user.hour -> "ceilometer"), for the sentence.
HealthVerdict evaluateHealth(const QList<ThresholdRule> &rules,
                             const QHash<QString, double> &latest,
                             const QHash<QString, double> &growthPerDay,
                             const QHash<QString, QString> &subjects = {});

// One non-green figure with the threshold it crossed, in the words every
// surface uses (the verdict's reason, hence the Overview, `thresholds` and
// `probe`): "validation p99 1.3 s (critical above 1.0 s)". `value` is the
// figure judged (a rate for GrowthPerDay, the part for ShareOf); `measured`:
// validate.ms was judged on the window's p99, not a single probe.
// `subject`: whom the figure is about (the top token producer's name).
QString thresholdFinding(const ThresholdRule &r, HealthLevel level, double value,
                         const QHash<QString, double> &latest = {}, bool measured = false,
                         const QString &subject = {});

QString healthLevelName(HealthLevel l);

} // namespace turnstile
