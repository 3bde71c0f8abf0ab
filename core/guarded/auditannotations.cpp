#include "guarded/auditannotations.h"

#include "util/numbertext.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(AuditAnnotations)
};
} // namespace

QList<Annotation> annotationsFromAudit(const QList<QJsonObject> &records, qint64 from, qint64 to)
{
    QList<Annotation> out;
    const QLocale locale;
    for (const QJsonObject &o : records) {
        const QJsonObject result = o.value(u"result").toObject();
        const QString outcome = result.value(u"outcome").toString();
        const qint64 affected = result.value(u"affected").toInteger();
        if (outcome != u"completed" && affected <= 0)
            continue;
        const QDateTime end = QDateTime::fromString(o.value(u"end").toString(), Qt::ISODateWithMs);
        if (!end.isValid())
            continue;
        const qint64 ts = end.toSecsSinceEpoch();
        if (ts < from || ts > to)
            continue;
        Annotation a;
        a.ts = ts;
        a.profile = o.value(u"profile").toString();
        a.kind = o.value(u"action").toString();
        const QString count = roundedCount(double(affected), locale);
        const QString target = o.value(u"target").toString();
        QString text;
        if (a.kind == u"purge.tokens")
            text = Tr::tr("Purged %1 expired tokens").arg(count);
        else if (a.kind == u"revocations.prune")
            text = Tr::tr("Pruned %1 revocation events").arg(count);
        else if (a.kind == u"revocations.truncate")
            text = Tr::tr("Truncated %1 revocation events").arg(count);
        else if (a.kind == u"users.unlock" || a.kind == u"users.unlock.database")
            text = Tr::tr("Unlocked user %1").arg(target);
        else if (a.kind == u"flush.trusts")
            text = Tr::tr("Flushed %1 expired trusts").arg(count);
        else if (a.kind == u"prune.password_history")
            text = Tr::tr("Pruned %1 old passwords").arg(count);
        else if (a.kind == u"rebuild.table")
            text = Tr::tr("Rebuilt the %1 table")
                       .arg(o.value(u"parameters").toObject().value(u"table").toString());
        else if (a.kind == u"keys.rotate")
            text = Tr::tr("Rotated the Fernet keys");
        else if (a.kind == u"bench.revocation_impact")
            text = Tr::tr("Benchmarked revocation impact");
        else
            // A kind added later: its target says what it touched, never
            // the machine name alone.
            text = target.isEmpty()
                       ? Tr::tr("Guarded action (%1 changed)").arg(count)
                       : Tr::tr("Guarded action on %1 (%2 changed)").arg(target, count);
        if (outcome != u"completed")
            text = Tr::tr("%1 (%2)", "action, outcome").arg(text, outcome);
        a.text = text;
        out.append(a);
    }
    return out;
}

bool annotationConcerns(const QString &kind, const QString &metric)
{
    struct Concern
    {
        const char16_t *kindPrefix;
        const char16_t *metricPattern;
    };
    static const Concern kConcerns[] = {
        {u"purge.tokens", u"^token\\."},
        {u"revocations.", u"^revocation_event\\."},
        {u"bench.revocation_impact", u"^(revocation_event\\.|validate\\.)"},
        {u"keys.rotate", u"^(validate|issue)\\."},
        {u"users.unlock", u"^users\\."},
        {u"flush.trusts", u"^table\\.trust\\."},
        {u"prune.password_history", u"^table\\.password\\."},
        // A rebuild gives the table's space back: the size charts show it.
        {u"rebuild.table", u"^(table\\.|schema\\.)"},
    };
    for (const Concern &c : kConcerns)
        if (kind.startsWith(QString::fromUtf16(c.kindPrefix)))
            return QRegularExpression(QString::fromUtf16(c.metricPattern)).match(metric).hasMatch();
    return true;
}

} // namespace turnstile
