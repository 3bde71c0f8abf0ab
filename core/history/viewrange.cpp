#include "viewrange.h"

#include <algorithm>
#include <cmath>

namespace turnstile {

ViewRange zoomRange(const ViewRange &range, double factor, double anchor)
{
    if (range.to <= range.from || !std::isfinite(factor) || factor <= 0 || !std::isfinite(anchor))
        return range;
    anchor = std::clamp(anchor, 0.0, 1.0);
    const double span = double(range.span());
    const double wanted = std::clamp(span * factor, double(kMinViewSpan),
                                     double(std::max(kMaxViewSpan, range.span())));
    // The anchor's time stays at the same fraction of the width.
    const double pivot = double(range.from) + anchor * span;
    const qint64 from = qint64(std::llround(pivot - anchor * wanted));
    return ViewRange{from, from + qint64(std::llround(wanted))};
}

ViewRange panRange(const ViewRange &range, double fraction, qint64 latest)
{
    if (range.to <= range.from || !std::isfinite(fraction))
        return range;
    // Clamp the shift first: a fraction of 1e300 must not overflow qint64.
    const double shift = std::clamp(fraction, -1e6, 1e6) * double(range.span());
    qint64 from = range.from + qint64(std::llround(shift));
    qint64 to = from + range.span();
    if (to > latest && shift > 0) {
        // Stop at "now", but never move a range that already ended later back.
        const qint64 end = std::max(latest, range.to);
        from = end - range.span();
        to = end;
    }
    return ViewRange{from, to};
}

} // namespace turnstile
