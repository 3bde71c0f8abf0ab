#include "history/decimate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace turnstile {

namespace {

struct Grid
{
    quint64 from = 0; // as unsigned, so ts - from never overflows
    quint64 span = 0;
    quint64 width = 0;
    bool valid = false;
};

Grid makeGrid(qint64 from, qint64 to, int buckets)
{
    Grid g;
    if (to <= from || buckets <= 0)
        return g;
    g.from = quint64(from);
    g.span = quint64(to) - quint64(from); // exact: to > from
    const quint64 n = std::min<quint64>(quint64(buckets), g.span);
    g.width = g.span / n + (g.span % n != 0 ? 1 : 0);
    g.valid = true;
    return g;
}

// Accumulates rows that arrive in time order; one open column at a time, so
// memory does not depend on the number of columns.
class Accumulator
{
public:
    explicit Accumulator(const Grid &g) : m_grid(g) {}

    void add(qint64 ts, double min, double max, double sum, qint64 count)
    {
        if (count <= 0 || !std::isfinite(min) || !std::isfinite(max))
            return;
        const quint64 offset = quint64(ts) - m_grid.from;
        if (offset >= m_grid.span) // before from (wraps around) or at/after to
            return;
        const quint64 index = offset / m_grid.width;
        if (!m_open || index != m_index) {
            flush();
            m_open = true;
            m_index = index;
            m_current = Bucket{qint64(m_grid.from + index * m_grid.width), min, max, 0, 0};
        }
        m_current.min = std::min(m_current.min, min);
        m_current.max = std::max(m_current.max, max);
        m_current.sum += sum;
        m_current.count += count;
    }

    QList<Bucket> take()
    {
        flush();
        return std::move(m_out);
    }

private:
    void flush()
    {
        if (m_open)
            m_out.append(m_current);
        m_open = false;
    }

    Grid m_grid;
    bool m_open = false;
    quint64 m_index = 0;
    Bucket m_current;
    QList<Bucket> m_out;
};

// The accumulator needs time order. Sorted input is the normal case (every
// store query is ORDER BY ts) and costs one pass; anything else is visited
// through a stably sorted index instead of being rejected.
template <typename T> std::vector<qsizetype> timeOrder(const QList<T> &in, bool *sorted)
{
    *sorted =
        std::is_sorted(in.cbegin(), in.cend(), [](const T &a, const T &b) { return a.ts < b.ts; });
    if (*sorted)
        return {};
    std::vector<qsizetype> order(size_t(in.size()));
    std::iota(order.begin(), order.end(), qsizetype(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](qsizetype a, qsizetype b) { return in[a].ts < in[b].ts; });
    return order;
}

template <typename T, typename Add>
QList<Bucket> reduce(const QList<T> &in, qint64 from, qint64 to, int buckets, Add add)
{
    const Grid g = makeGrid(from, to, buckets);
    if (!g.valid || in.isEmpty())
        return {};
    Accumulator acc(g);
    bool sorted = false;
    const std::vector<qsizetype> order = timeOrder(in, &sorted);
    if (sorted) {
        // Only the rows inside [from, to) matter: a zoomed-in chart of a long
        // series visits its window, not the whole series.
        auto it = std::lower_bound(in.cbegin(), in.cend(), from,
                                   [](const T &row, qint64 ts) { return row.ts < ts; });
        for (; it != in.cend() && it->ts < to; ++it)
            add(acc, *it);
    } else {
        for (qsizetype i : order)
            add(acc, in[i]);
    }
    return acc.take();
}

// Min/max/sum/count of the finite values in [first, last); an empty block
// has count 0, which the accumulator skips.
Bucket blockOf(const Sample *first, const Sample *last)
{
    Bucket b{0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
             0, 0};
    for (const Sample *s = first; s != last; ++s)
        if (std::isfinite(s->value)) {
            b.min = std::min(b.min, s->value);
            b.max = std::max(b.max, s->value);
            b.sum += s->value;
            ++b.count;
        }
    return b;
}

Bucket merged(const Bucket &a, const Bucket &b)
{
    return Bucket{0, std::min(a.min, b.min), std::max(a.max, b.max), a.sum + b.sum,
                  a.count + b.count};
}

} // namespace

qint64 decimationWidth(qint64 from, qint64 to, int buckets)
{
    const Grid g = makeGrid(from, to, buckets);
    if (!g.valid)
        return 0;
    // Only a single column over nearly the whole qint64 range is this wide.
    return g.width > quint64(std::numeric_limits<qint64>::max())
               ? std::numeric_limits<qint64>::max()
               : qint64(g.width);
}

QList<Bucket> decimateMinMax(const QList<Sample> &samples, qint64 from, qint64 to, int buckets)
{
    return reduce(samples, from, to, buckets, [](Accumulator &acc, const Sample &s) {
        acc.add(s.ts, s.value, s.value, s.value, 1);
    });
}

QList<Bucket> decimateMinMax(const QList<Bucket> &rows, qint64 from, qint64 to, int buckets)
{
    return reduce(rows, from, to, buckets, [](Accumulator &acc, const Bucket &b) {
        acc.add(b.ts, b.min, b.max, b.sum, b.count);
    });
}

MinMaxPyramid::MinMaxPyramid(QList<Sample> samples) : m_samples(std::move(samples))
{
    std::stable_sort(m_samples.begin(), m_samples.end(),
                     [](const Sample &a, const Sample &b) { return a.ts < b.ts; });
    const Sample *data = m_samples.constData();
    std::vector<Bucket> level;
    level.reserve(size_t(m_samples.size() / kLeaf));
    for (qsizetype i = 0; i + kLeaf <= m_samples.size(); i += kLeaf)
        level.push_back(blockOf(data + i, data + i + kLeaf));
    while (!level.empty()) {
        std::vector<Bucket> up;
        up.reserve(level.size() / 2);
        for (size_t j = 0; j + 1 < level.size(); j += 2)
            up.push_back(merged(level[j], level[j + 1]));
        m_levels.push_back(std::move(level));
        level = std::move(up);
    }
}

QList<Bucket> MinMaxPyramid::decimate(qint64 from, qint64 to, int buckets) const
{
    const Grid g = makeGrid(from, to, buckets);
    if (!g.valid || m_samples.isEmpty())
        return {};
    const Sample *data = m_samples.constData();
    const auto byTs = [](const Sample &s, qint64 ts) { return s.ts < ts; };
    const Sample *const begin = std::lower_bound(data, data + m_samples.size(), from, byTs);
    const Sample *const end = std::lower_bound(begin, data + m_samples.size(), to, byTs);
    Accumulator acc(g);
    const auto addRaw = [&acc](const Sample *first, const Sample *last) {
        for (const Sample *s = first; s != last; ++s)
            acc.add(s->ts, s->value, s->value, s->value, 1);
    };
    // Column by column, visiting only the columns that hold samples: a huge
    // budget over a sparse range costs its samples, not its columns.
    for (const Sample *first = begin; first != end;) {
        const quint64 column = (quint64(first->ts) - g.from) / g.width;
        const quint64 start = column * g.width; // <= offset of first < span
        // The column's end as an offset; the last column ends at span (no
        // overflow of (column + 1) * width near the end of qint64).
        const quint64 stop = g.span - start <= g.width ? g.span : start + g.width;
        const Sample *last =
            stop == g.span ? end
                           : std::lower_bound(first, end, stop, [&g](const Sample &s, quint64 o) {
                                 return quint64(s.ts) - g.from < o;
                             });
        const qsizetype a = first - data, b = last - data;
        // Whole level-0 blocks inside [a, b); the rest sample by sample.
        qsizetype lo = (a + kLeaf - 1) / kLeaf, hi = b / kLeaf;
        if (hi - lo < 2) {
            addRaw(first, last);
        } else {
            addRaw(first, data + lo * kLeaf);
            // The fewest blocks that cover [lo, hi) exactly: at each level
            // an odd end takes one block and the rest moves up.
            const qint64 ts = first->ts; // any ts of the column places a block in it
            for (size_t level = 0; lo < hi; ++level, lo /= 2, hi /= 2) {
                const std::vector<Bucket> &blocks = m_levels[level];
                if (lo & 1) {
                    const Bucket &x = blocks[size_t(lo++)];
                    acc.add(ts, x.min, x.max, x.sum, x.count);
                }
                if (hi & 1) {
                    const Bucket &x = blocks[size_t(--hi)];
                    acc.add(ts, x.min, x.max, x.sum, x.count);
                }
            }
            addRaw(data + (b / kLeaf) * kLeaf, last);
        }
        first = last;
    }
    return acc.take();
}

} // namespace turnstile
