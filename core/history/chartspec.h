#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace turnstile {

// What one chart shows. The pages and `turnstilectl report` draw from the
// same specs, so a report looks like the window.
struct ChartSpec
{
    enum class Kind
    {
        // One curve per metric and profile over time (min/max band + mean).
        Time,
        // metrics[0] on x against metrics[1] on y, one point per time bucket.
        Scatter
    };

    // What the values measure, for the value axis' labels: counts get whole
    // ticks (no "0.25 trusts"), milliseconds read "1.5 s" from a second on.
    enum class Unit
    {
        None,
        Count,
        Milliseconds
    };

    QString title;
    QStringList metrics;
    Unit unit = Unit::None;
    Kind kind = Kind::Time;
    QString xTitle; // Scatter only
    QString yTitle; // the value axis' title: what it counts, in which unit
    // Values are multiplied by this on loading (bytes to MiB: a 1.4 GB
    // schema reads 1335, not 1.4e+09); the title names the unit.
    double scale = 1.0;
    // Scatter only: further clouds read sample by sample rather than per
    // time bucket, for sparse series such as benchmark results (one sample
    // per measurement): decimation would average a whole experiment into
    // one point. A point needs a sample of both metrics at the same second.
    struct RawCloud
    {
        QString name;
        QString xMetric;
        QString yMetric;
        bool operator==(const RawCloud &) const = default;
    };
    QList<RawCloud> rawClouds;

    static ChartSpec time(const QString &title, const QStringList &metrics)
    {
        ChartSpec s;
        s.title = title;
        s.metrics = metrics;
        return s;
    }
    ChartSpec withValueTitle(const QString &title) const
    {
        ChartSpec s = *this;
        s.yTitle = title;
        return s;
    }
    ChartSpec withUnit(Unit u) const
    {
        ChartSpec s = *this;
        s.unit = u;
        return s;
    }
    ChartSpec scaled(double factor) const
    {
        ChartSpec s = *this;
        s.scale = factor;
        return s;
    }
    static ChartSpec scatter(const QString &title, const QString &xMetric, const QString &xTitle,
                             const QString &yMetric, const QString &yTitle)
    {
        ChartSpec s;
        s.title = title;
        s.metrics = {xMetric, yMetric};
        s.kind = Kind::Scatter;
        s.xTitle = xTitle;
        s.yTitle = yTitle;
        return s;
    }
};

} // namespace turnstile
