#include "guarded/auditannotations.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>

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
        QString text;
        if (a.kind == u"purge.tokens")
            text = Tr::tr("purged %L1 expired tokens").arg(affected);
        else if (a.kind == u"revocations.prune")
            text = Tr::tr("pruned %L1 revocation events").arg(affected);
        else if (a.kind == u"revocations.truncate")
            text = Tr::tr("truncated %L1 revocation events").arg(affected);
        else
            text = Tr::tr("%1 (%L2 changed)").arg(a.kind).arg(affected);
        if (outcome != u"completed")
            text += QStringLiteral(" (%1)").arg(outcome);
        a.text = text;
        out.append(a);
    }
    return out;
}

} // namespace turnstile
