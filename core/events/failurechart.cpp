#include "events/failurechart.h"

#include "history/decimate.h"

#include <QCoreApplication>
#include <QHash>
#include <QMap>

#include <algorithm>

namespace turnstile {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(EventsPage)
};

} // namespace

QList<NamedSeries> authFailureSeries(const QList<AuthFailureCount> &counts, const QString &profile,
                                     qint64 fromSec, qint64 toSec, int topN, int buckets)
{
    QList<NamedSeries> out;
    if (toSec <= fromSec || buckets <= 0)
        return out;
    const qint64 firstMinute = fromSec - fromSec % 60;
    QHash<QString, qint64> totals;
    for (const AuthFailureCount &c : counts)
        if (c.minute >= firstMinute && c.minute < toSec)
            totals[c.user] += c.count;
    if (totals.isEmpty())
        return out;
    QStringList users = totals.keys();
    std::sort(users.begin(), users.end(), [&](const QString &a, const QString &b) {
        const qint64 ta = totals.value(a), tb = totals.value(b);
        return ta != tb ? ta > tb : a < b;
    });
    const QStringList top = users.mid(0, std::max(0, topN));
    const bool others = users.size() > top.size();
    // per curve: minute -> failures
    QList<QMap<qint64, double>> perMinute(top.size() + (others ? 1 : 0));
    for (const AuthFailureCount &c : counts) {
        if (c.minute < firstMinute || c.minute >= toSec)
            continue;
        const qsizetype i = top.indexOf(c.user);
        perMinute[i >= 0 ? i : top.size()][c.minute] += c.count;
    }
    for (qsizetype i = 0; i < perMinute.size(); ++i) {
        // Every minute of the range: no failure is a zero, not a gap.
        QList<Sample> samples;
        samples.reserve(int((toSec - firstMinute) / 60 + 1));
        for (qint64 m = firstMinute; m < toSec; m += 60)
            samples.append(Sample{std::max(m, fromSec), perMinute.at(i).value(m, 0.0)});
        const QString name = i < top.size() ? top.at(i) : Tr::tr("other users");
        out.append(NamedSeries(name, decimateMinMax(samples, fromSec, toSec, buckets),
                               QStringLiteral("auth.failures"), profile));
    }
    return out;
}

} // namespace turnstile
