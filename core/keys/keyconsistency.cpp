#include "keys/keyconsistency.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(KeyConsistency)
};
} // namespace

QString KeyDifference::kindName(Kind k)
{
    switch (k) {
    case Kind::Unreadable:
        return QStringLiteral("unreadable");
    case Kind::MissingKey:
        return QStringLiteral("missing_key");
    case Kind::ExtraKey:
        return QStringLiteral("extra_key");
    case Kind::DifferentPrimary:
        return QStringLiteral("different_primary");
    case Kind::DifferentFingerprint:
        return QStringLiteral("different_fingerprint");
    }
    return {};
}

QString KeyConsistency::levelName(Level l)
{
    switch (l) {
    case Level::Unknown:
        return QStringLiteral("unknown");
    case Level::Ok:
        return QStringLiteral("ok");
    case Level::Warning:
        return QStringLiteral("warning");
    case Level::Critical:
        return QStringLiteral("critical");
    }
    return {};
}

QStringList KeyConsistency::reasonsFor(const QString &node) const
{
    QStringList r;
    for (const KeyDifference &d : differences)
        if (d.node == node)
            r << d.sentence;
    return r;
}

QJsonObject KeyConsistency::toJson() const
{
    QJsonObject o;
    o[u"level"] = levelName(level);
    o[u"consistent"] = consistent();
    o[u"reference"] = reference;
    o[u"summary"] = summary;
    QJsonArray diffs;
    for (const KeyDifference &d : differences) {
        QJsonObject x;
        x[u"kind"] = KeyDifference::kindName(d.kind);
        x[u"node"] = d.node;
        x[u"reference"] = d.reference;
        if (d.index >= 0)
            x[u"index"] = d.index;
        x[u"sentence"] = d.sentence;
        diffs.append(x);
    }
    o[u"differences"] = diffs;
    o[u"problems"] = QJsonArray::fromStringList(problems);
    return o;
}

int newestPrimaryNode(const QList<RepositoryState> &nodes)
{
    int best = -1;
    for (int i = 0; i < nodes.size(); ++i) {
        if (!nodes[i].readable() || nodes[i].keys.isEmpty())
            continue;
        if (best < 0 || nodes[i].primary() > nodes[best].primary())
            best = i;
    }
    return best;
}

KeyConsistency compareRepositories(const QList<RepositoryState> &nodes)
{
    KeyConsistency c;
    if (nodes.isEmpty()) {
        c.summary = Tr::tr("No key repository is configured.");
        return c;
    }
    for (const RepositoryState &n : nodes)
        c.problems += n.problems;

    const int refIndex = newestPrimaryNode(nodes);
    if (refIndex < 0) {
        c.level = KeyConsistency::Level::Critical;
        for (const RepositoryState &n : nodes) {
            if (!n.readable()) {
                KeyDifference d;
                d.kind = KeyDifference::Kind::Unreadable;
                d.node = n.location.node();
                d.sentence = n.errorMessage;
                c.differences << d;
            }
        }
        c.summary = c.differences.isEmpty() ? c.problems.value(0) : c.differences.first().sentence;
        if (c.summary.isEmpty())
            c.summary = Tr::tr("No node holds any key.");
        return c;
    }
    const RepositoryState &ref = nodes[refIndex];
    const QString R = ref.location.node();
    c.reference = R;

    for (int i = 0; i < nodes.size(); ++i) {
        if (i == refIndex)
            continue;
        const RepositoryState &n = nodes[i];
        const QString N = n.location.node();
        auto add = [&](KeyDifference::Kind kind, int index, const QString &sentence) {
            KeyDifference d;
            d.kind = kind;
            d.node = N;
            d.reference = R;
            d.index = index;
            d.sentence = sentence;
            c.differences << d;
        };
        if (!n.readable()) {
            add(KeyDifference::Kind::Unreadable, -1,
                Tr::tr("%1 cannot be compared: %2").arg(N, n.errorMessage));
            continue;
        }
        const int rp = ref.primary();
        const int np = n.primary();
        if (rp != np) {
            // Lead with what breaks: the sentence an operator acts on.
            QStringList breaks;
            if (!n.keys.contains(rp))
                breaks << Tr::tr("tokens issued on %1 will fail validation on %2").arg(R, N);
            if (np > 0 && !ref.keys.contains(np))
                breaks << Tr::tr("tokens issued on %1 will fail validation on %2").arg(N, R);
            const QString what =
                np < 0 ? Tr::tr("%1 has no primary key, %2 signs with key %3").arg(N, R).arg(rp)
                       : Tr::tr("%1 signs new tokens with key %2, %3 with key %4")
                             .arg(N)
                             .arg(np)
                             .arg(R)
                             .arg(rp);
            add(KeyDifference::Kind::DifferentPrimary, np,
                breaks.isEmpty() ? what + u'.'
                                 : Tr::tr("%1: %2.").arg(what, breaks.join(QStringLiteral("; "))));
        }
        for (const KeyFile &k : ref.keys) {
            const QString role = ref.roleOf(k.index);
            if (!n.keys.contains(k.index)) {
                QString what;
                if (role == u"primary")
                    what = Tr::tr("tokens issued on %1 will fail validation on %2.").arg(R, N);
                else if (role == u"staged")
                    what = Tr::tr("after the next rotation on %1, its tokens will fail validation "
                                  "on %2.")
                               .arg(R, N);
                else
                    what = Tr::tr("tokens issued on %1 while key %2 was primary will fail "
                                  "validation on %3.")
                               .arg(R)
                               .arg(k.index)
                               .arg(N);
                add(KeyDifference::Kind::MissingKey, k.index,
                    Tr::tr("%1 lacks key %2 (%3 on %4): %5")
                        .arg(N)
                        .arg(k.index)
                        .arg(role, R, what));
            } else if (n.keys.value(k.index).fingerprint != k.fingerprint) {
                QStringList what;
                if (role == u"primary" || role == u"secondary")
                    what << Tr::tr("tokens issued on %1 will fail validation on %2").arg(R, N);
                if (n.roleOf(k.index) == u"primary" || n.roleOf(k.index) == u"secondary")
                    what << Tr::tr("tokens issued on %1 will fail validation on %2").arg(N, R);
                if (what.isEmpty())
                    what << Tr::tr("after the next rotation, tokens issued on one will fail "
                                   "validation on the other");
                add(KeyDifference::Kind::DifferentFingerprint, k.index,
                    Tr::tr("Key %1 differs between %2 and %3 (fingerprint %4 vs %5): %6.")
                        .arg(k.index)
                        .arg(N, R, n.keys.value(k.index).fingerprint, k.fingerprint,
                             what.join(QStringLiteral("; "))));
            }
        }
        for (const KeyFile &k : n.keys) {
            if (ref.keys.contains(k.index))
                continue;
            const QString role = n.roleOf(k.index);
            const QString what =
                role == u"primary"
                    ? Tr::tr("tokens issued on %1 will fail validation on %2.").arg(N, R)
                    : Tr::tr("tokens signed with it on %1 will fail validation on %2.").arg(N, R);
            add(KeyDifference::Kind::ExtraKey, k.index,
                Tr::tr("%1 has key %2 (%3) that %4 lacks: %5")
                    .arg(N)
                    .arg(k.index)
                    .arg(role, R, what));
        }
    }

    bool anyEmpty = false;
    for (const RepositoryState &n : nodes)
        anyEmpty = anyEmpty || n.empty();
    if (!c.differences.isEmpty() || anyEmpty) {
        c.level = KeyConsistency::Level::Critical;
        c.summary = c.differences.isEmpty() ? c.problems.value(0) : c.differences.first().sentence;
    } else if (!c.problems.isEmpty()) {
        c.level = KeyConsistency::Level::Warning;
        c.summary = Tr::tr("All %n node(s) hold the same keys, but: %1", nullptr, int(nodes.size()))
                        .arg(c.problems.first());
    } else {
        c.level = KeyConsistency::Level::Ok;
        c.summary =
            Tr::tr("All %n node(s) hold the same %1 keys (primary %2).", nullptr, int(nodes.size()))
                .arg(ref.keys.size())
                .arg(ref.primary());
    }
    return c;
}

} // namespace turnstile
