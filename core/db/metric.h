#pragma once

#include <QString>

#include <optional>

namespace turnstile {

// One figure from the database: a value, or "unavailable: reason" - one
// failing query never hides the others. queryMs is the database time of the
// statement that produced it, so the cost of sampling stays visible; figures
// that come from one shared statement all show that statement's time.
template <typename T> struct Metric
{
    std::optional<T> value;
    QString error; // translated, starts with "unavailable: "; empty when value is set
    double queryMs = 0;

    bool available() const { return value.has_value(); }

    static Metric of(T v, double ms = 0)
    {
        Metric m;
        m.value = std::move(v);
        m.queryMs = ms;
        return m;
    }
    static Metric unavailable(const QString &error, double ms = 0)
    {
        Metric m;
        m.error = error;
        m.queryMs = ms;
        return m;
    }
};

} // namespace turnstile
