#include "guarded/pendingjournal.h"
#include "util/apppaths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace turnstile {

namespace {
QString fileFor(const QString &action, const QString &target)
{
    const QByteArray h =
        QCryptographicHash::hash((action + u'\n' + target).toUtf8(), QCryptographicHash::Sha1)
            .toHex()
            .left(16);
    return PendingJournal::directory() + u'/' + action + u'-' + QString::fromLatin1(h) +
           QStringLiteral(".json");
}
} // namespace

QString PendingJournal::directory()
{
    return AppPaths::pendingDir();
}

std::optional<PendingRun> PendingJournal::load(const QString &action, const QString &target)
{
    QFile f(fileFor(action, target));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(f.read(1 << 20)).object();
    PendingRun r;
    r.action = o.value(QStringLiteral("action")).toString();
    r.target = o.value(QStringLiteral("target")).toString();
    r.startedAt =
        QDateTime::fromString(o.value(QStringLiteral("started_at")).toString(), Qt::ISODateWithMs);
    r.cutoff =
        QDateTime::fromString(o.value(QStringLiteral("cutoff")).toString(), Qt::ISODateWithMs);
    r.parametersKey = o.value(QStringLiteral("parameters_key")).toString();
    r.lastKey = o.value(QStringLiteral("last_key")).toVariant();
    r.regions = o.value(QStringLiteral("regions")).toArray().toVariantList();
    r.cutoffValue = o.value(QStringLiteral("cutoff_value")).toVariant();
    r.done = o.value(QStringLiteral("done")).toInteger();
    r.serverIdentity = o.value(QStringLiteral("server_identity")).toString();
    r.step = o.value(QStringLiteral("step")).toString();
    // A journal that does not describe this very job is ignored, not trusted.
    if (r.action != action || r.target != target || !r.cutoff.isValid())
        return std::nullopt;
    return r;
}

bool PendingJournal::save(const PendingRun &run, QString *error)
{
    // Created 0600 first: QSaveFile keeps the mode of the file it replaces.
    const QString path = fileFor(run.action, run.target);
    if (!AppPaths::makePrivateFile(path, error))
        return false;
    QJsonObject o;
    o.insert(QStringLiteral("action"), run.action);
    o.insert(QStringLiteral("target"), run.target);
    o.insert(QStringLiteral("started_at"), run.startedAt.toUTC().toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("cutoff"), run.cutoff.toUTC().toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("parameters_key"), run.parametersKey);
    o.insert(QStringLiteral("last_key"), QJsonValue::fromVariant(run.lastKey));
    if (!run.regions.isEmpty())
        o.insert(QStringLiteral("regions"), QJsonArray::fromVariantList(run.regions));
    o.insert(QStringLiteral("cutoff_value"),
             run.cutoffValue.typeId() == QMetaType::QDateTime
                 ? QJsonValue(run.cutoffValue.toDateTime().toUTC().toString(Qt::ISODateWithMs))
                 : QJsonValue::fromVariant(run.cutoffValue));
    o.insert(QStringLiteral("done"), run.done);
    o.insert(QStringLiteral("server_identity"), run.serverIdentity);
    if (!run.step.isEmpty())
        o.insert(QStringLiteral("step"), run.step);
    // Written whole and renamed, so a kill mid-write leaves the previous one.
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        if (error)
            *error = f.errorString();
        return false;
    }
    f.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    if (!f.commit()) {
        if (error)
            *error = f.errorString();
        return false;
    }
    return true;
}

QString PendingJournal::path(const QString &action, const QString &target)
{
    return fileFor(action, target);
}

void PendingJournal::remove(const QString &action, const QString &target)
{
    QFile::remove(fileFor(action, target));
}

} // namespace turnstile
