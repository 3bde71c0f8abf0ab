#include "keys/rotationpreflight.h"

#include "profiles/keystoneconf.h"
#include "util/duration.h"
#include "util/timetext.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <algorithm>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(RotationPreflight)
};

} // namespace

RotationSettings RotationSettings::fromKeystoneConf(const KeystoneConf &conf)
{
    RotationSettings s;
    s.tokenExpiration = conf.tokenExpiration;
    s.allowExpiredWindow = conf.allowExpiredWindow;
    s.maxActiveKeys = conf.fernetMaxActiveKeys;
    s.source = Tr::tr("keystone.conf %1").arg(conf.sourcePath);
    return s;
}

int RotationPreflight::stillNeededCount() const
{
    return int(std::count_if(dropped.cbegin(), dropped.cend(),
                             [](const DroppedKey &d) { return d.stillNeeded; }));
}

QJsonObject RotationPreflight::toJson() const
{
    QJsonObject o;
    o[u"new_primary"] = newPrimary;
    QJsonArray after;
    for (int k : keysAfter)
        after.append(k);
    o[u"keys_after"] = after;
    QJsonArray drop;
    for (const DroppedKey &d : dropped) {
        QJsonObject x;
        x[u"index"] = d.index;
        x[u"primary_until"] = d.primaryUntil.toString(Qt::ISODate);
        x[u"needed_until"] = d.neededUntil.toString(Qt::ISODate);
        x[u"still_needed"] = d.stillNeeded;
        drop.append(x);
    }
    o[u"dropped"] = drop;
    o[u"interval_seconds"] = interval ? QJsonValue(double(*interval)) : QJsonValue();
    o[u"interval_basis"] = intervalBasis;
    o[u"required_keys"] = requiredKeys ? QJsonValue(*requiredKeys) : QJsonValue();
    o[u"enough_keys"] = enoughKeys;
    return o;
}

std::optional<qint64> intervalFromMtimes(const RepositoryState &repo)
{
    QList<qint64> stamps;
    for (const KeyFile &k : repo.keys)
        stamps.append(k.modified.toSecsSinceEpoch());
    std::sort(stamps.begin(), stamps.end());
    QList<qint64> gaps;
    for (int i = 1; i < stamps.size(); ++i)
        if (stamps[i] > stamps[i - 1])
            gaps.append(stamps[i] - stamps[i - 1]);
    if (gaps.isEmpty())
        return std::nullopt;
    std::sort(gaps.begin(), gaps.end());
    return gaps[gaps.size() / 2];
}

int requiredActiveKeys(qint64 expiration, qint64 allowExpiredWindow, qint64 interval)
{
    if (interval <= 0)
        return std::numeric_limits<int>::max();
    const qint64 span = expiration + allowExpiredWindow;
    // ceil(span / interval): a partly covered interval still needs its key.
    return int((span + interval - 1) / interval + 2);
}

RotationPreflight preflightRotation(const RepositoryState &repo, const RotationSettings &s,
                                    const QDateTime &now)
{
    RotationPreflight p;
    const int primary = std::max(0, repo.keys.isEmpty() ? 0 : repo.keys.lastKey());
    p.newPrimary = primary + 1;

    // keystone-manage fernet_rotate: 0 becomes newPrimary, a new 0 is made,
    // and of the non-staged keys only the max_active_keys - 1 newest stay.
    QList<int> nonStaged;
    for (auto it = repo.keys.cbegin(); it != repo.keys.cend(); ++it)
        if (it.key() != 0)
            nonStaged.append(it.key());
    nonStaged.append(p.newPrimary);
    std::sort(nonStaged.begin(), nonStaged.end(), std::greater<int>());
    const int keep = std::max(1, s.maxActiveKeys - 1);
    QList<int> dropIdx = nonStaged.mid(keep);
    nonStaged = nonStaged.mid(0, keep);
    std::sort(nonStaged.begin(), nonStaged.end());
    p.keysAfter = {0};
    p.keysAfter += nonStaged;

    // When did each key stop being primary? Key k was primary from the mtime
    // of the next key until the mtime of the one after (the staged key 0
    // counts as the key after the primary; renaming keeps mtimes).
    QList<int> order;
    for (auto it = repo.keys.cbegin(); it != repo.keys.cend(); ++it)
        if (it.key() != 0)
            order.append(it.key());
    std::sort(order.begin(), order.end());
    auto stamp = [&](int pos) -> QDateTime {
        if (pos < order.size())
            return repo.keys.value(order[pos]).modified;
        if (pos == order.size() && repo.keys.contains(0))
            return repo.keys.value(0).modified;
        return now; // still primary
    };
    const qint64 life = qint64(s.tokenExpiration) + s.allowExpiredWindow;
    std::sort(dropIdx.begin(), dropIdx.end());
    for (int idx : dropIdx) {
        DroppedKey d;
        d.index = idx;
        const int pos = int(order.indexOf(idx));
        d.primaryUntil = pos < 0 ? now : stamp(pos + 2);
        if (d.primaryUntil > now)
            d.primaryUntil = now;
        d.neededUntil = d.primaryUntil.addSecs(life);
        d.stillNeeded = d.neededUntil > now;
        p.dropped.append(d);
        if (d.stillNeeded)
            p.sentences << Tr::tr("This rotation removes key %1, which signed tokens until %2; "
                                  "they stay usable (expiration %3 + allow_expired_window %4) "
                                  "until %5 and will be rejected from now on.")
                               .arg(idx)
                               .arg(formatUtcTime(d.primaryUntil),
                                    formatDuration(s.tokenExpiration),
                                    formatDuration(s.allowExpiredWindow),
                                    formatUtcTime(d.neededUntil));
        else
            p.sentences << Tr::tr("This rotation removes key %1; the last token it signed "
                                  "(before %2) is past its expiration and allow_expired_window.")
                               .arg(idx)
                               .arg(formatUtcTime(d.primaryUntil));
    }
    if (dropIdx.isEmpty())
        p.sentences << Tr::tr("This rotation removes no key (%1 of max_active_keys %2 in use).")
                           .arg(repo.keys.size())
                           .arg(s.maxActiveKeys);

    if (s.rotationInterval) {
        p.interval = s.rotationInterval;
        p.intervalBasis = Tr::tr("configured");
    } else if (auto i = intervalFromMtimes(repo)) {
        p.interval = i;
        p.intervalBasis = Tr::tr("derived from the key files' mtimes");
    }
    if (p.interval && *p.interval > 0) {
        p.requiredKeys = requiredActiveKeys(s.tokenExpiration, s.allowExpiredWindow, *p.interval);
        p.enoughKeys = s.maxActiveKeys >= *p.requiredKeys;
        const QString check =
            Tr::tr("max_active_keys %1 %2 (expiration %3 + allow_expired_window %4) / interval "
                   "%5 (%6) + 2 = %7.")
                .arg(s.maxActiveKeys)
                .arg(p.enoughKeys ? QStringLiteral("≥") : QStringLiteral("<"))
                .arg(formatDuration(s.tokenExpiration), formatDuration(s.allowExpiredWindow),
                     formatDuration(*p.interval), p.intervalBasis)
                .arg(*p.requiredKeys);
        if (p.enoughKeys)
            p.sentences.prepend(check);
        else
            p.warnings << check + u' ' +
                              Tr::tr(
                                  "Rotating this often removes keys that still signed live tokens; "
                                  "raise max_active_keys to %1 or rotate less often.")
                                  .arg(*p.requiredKeys);
    } else {
        p.warnings << Tr::tr("The rotation interval is unknown (fewer than two rotations in the "
                             "key mtimes); the max_active_keys check needs it configured.");
    }
    return p;
}

} // namespace turnstile
