#include "util/numbertext.h"

#include <cmath>

namespace turnstile {

QString exactNumber(double value, const QLocale &locale)
{
    return locale.toString(value, 'f', QLocale::FloatingPointShortest);
}

QString axisNumber(double value, double step, const QLocale &locale)
{
    if (!std::isfinite(value))
        return locale.toString(value);
    struct Prefix
    {
        double factor;
        const char16_t *symbol;
    };
    // Prefixes are SI symbols, the same in every language.
    static constexpr Prefix kPrefixes[] = {
        {1e12, u" T"}, {1e9, u" G"}, {1e6, u" M"}, {1e3, u" k"}, {1, u""}};
    const double magnitude = std::abs(value);
    Prefix prefix = kPrefixes[4];
    for (const Prefix &p : kPrefixes)
        if (magnitude >= p.factor) {
            prefix = p;
            break;
        }
    const double scaled = value / prefix.factor;
    // The fewest decimals that show this tick exactly to a hundredth of the
    // step: 1.25 M needs two, 1.5 M one, 2 M none.
    const double tolerance = std::abs(step) > 0 ? std::abs(step) / prefix.factor / 100 : 1e-9;
    int decimals = 0;
    while (decimals < 6) {
        const double shift = std::pow(10.0, decimals);
        if (std::abs(std::round(scaled * shift) / shift - scaled) <= tolerance)
            break;
        ++decimals;
    }
    // -0 would read "-0".
    const double shown = std::abs(scaled) < tolerance ? 0.0 : scaled;
    return locale.toString(shown, 'f', decimals) + QString::fromUtf16(prefix.symbol);
}

QString millisecondsText(double ms, double step, double largest, const QLocale &locale)
{
    if (std::abs(largest) >= 1000)
        return axisNumber(ms / 1000, step / 1000, locale) + QStringLiteral(" s");
    return axisNumber(ms, step, locale) + QStringLiteral(" ms");
}

QString roundedCount(double value, const QLocale &locale)
{
    const double magnitude = std::abs(value);
    if (magnitude < 100 || !std::isfinite(value))
        return axisNumber(std::round(value), 1, locale);
    // Two significant figures: 1,938,245 reads "1.9 M".
    const double unit = std::pow(10.0, std::floor(std::log10(magnitude)) - 1);
    return axisNumber(std::round(value / unit) * unit, unit, locale);
}

} // namespace turnstile
