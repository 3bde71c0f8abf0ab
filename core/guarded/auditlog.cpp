#include "guarded/auditlog.h"
#include "guarded/auditnotifier.h"
#include "util/apppaths.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLockFile>
#include <QSaveFile>
#include <QScopeGuard>
#include <QSet>

#include <fcntl.h>
#include <unistd.h>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(AuditLog)
};

const QByteArray kGenesis(64, '0');

// The last complete line of the file (without its newline), read from the
// tail so a long log costs nothing.
QByteArray lastLine(QFile &f)
{
    const qint64 size = f.size();
    if (size == 0)
        return {};
    qint64 chunk = 64 * 1024;
    for (;;) {
        const qint64 from = qMax<qint64>(0, size - chunk);
        f.seek(from);
        QByteArray tail = f.read(size - from);
        while (tail.endsWith('\n'))
            tail.chop(1);
        const qsizetype nl = tail.lastIndexOf('\n');
        if (nl >= 0)
            return tail.mid(nl + 1);
        if (from == 0)
            return tail;
        chunk *= 4;
    }
}
} // namespace

AuditLog::AuditLog(QString path) : m_path(std::move(path)) {}

QString AuditLog::defaultPath()
{
    return AppPaths::auditLogFile();
}

QString AuditLog::hashLine(const QByteArray &line)
{
    return QString::fromLatin1(QCryptographicHash::hash(line, QCryptographicHash::Sha256).toHex());
}

bool AuditLog::append(QJsonObject record, QString *error, qint64 *seqOut)
{
    // Told once the line is on disk and, as this guard is destroyed after
    // the lock and the file below, the lock is released: a reader it wakes
    // sees the whole line.
    qint64 written = 0;
    const auto notify = qScopeGuard([&] {
        if (written > 0)
            AuditNotifier::instance()->notifyAppended(
                m_path, record.value(QStringLiteral("profile")).toString(), written);
    });
    auto fail = [&](const QString &why) {
        if (error)
            *error = Tr::tr("Cannot write the audit log %1: %2").arg(m_path, why);
        return false;
    };
    QString created;
    if (!AppPaths::makePrivateFile(m_path, &created))
        return fail(created);
    QLockFile lock(m_path + QStringLiteral(".lock"));
    lock.setStaleLockTime(30000);
    if (!lock.tryLock(10000))
        return fail(Tr::tr("another process holds %1.lock").arg(m_path));

    QFile f(m_path);
    if (!f.open(QIODevice::ReadWrite))
        return fail(f.errorString());
    if (const qint64 size = f.size(); size > 0) {
        f.seek(size - 1);
        if (f.read(1) != "\n") {
            // A line without its newline is one a writer never finished.
            // Appending to it would glue two records into one broken line;
            // it is kept aside, byte for byte, and cut off.
            const qint64 cut = [&] {
                const qint64 from = qMax<qint64>(0, size - (1 << 20));
                f.seek(from);
                const QByteArray tail = f.read(size - from);
                const qsizetype nl = tail.lastIndexOf('\n');
                return nl < 0 ? from : from + nl + 1;
            }();
            f.seek(cut);
            const QByteArray partial = f.read(size - cut);
            QFile aside(
                m_path + QStringLiteral(".partial-") +
                QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddTHHmmsszzz")));
            if (!aside.open(QIODevice::WriteOnly | QIODevice::NewOnly) ||
                aside.write(partial) != partial.size() || !aside.flush())
                return fail(Tr::tr("cannot keep its unfinished last line aside: %1")
                                .arg(aside.errorString()));
            aside.close();
            if (!f.resize(cut))
                return fail(f.errorString());
            record.insert(QStringLiteral("repaired_partial_line"), aside.fileName());
        }
    }
    const QByteArray previous = lastLine(f);
    qint64 seq = 1;
    if (!previous.isEmpty()) {
        const QJsonObject prev = QJsonDocument::fromJson(previous).object();
        seq = prev.value(QStringLiteral("seq")).toInteger() + 1;
    }
    record.insert(QStringLiteral("seq"), seq);
    if (seqOut)
        *seqOut = seq;
    record.insert(QStringLiteral("prev"),
                  previous.isEmpty() ? QString::fromLatin1(kGenesis) : hashLine(previous));
    record.insert(QStringLiteral("logged_at"),
                  QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    QByteArray line = QJsonDocument(record).toJson(QJsonDocument::Compact);
    line.append('\n');
    f.seek(f.size());
    if (f.write(line) != line.size())
        return fail(f.errorString());
    if (!f.flush())
        return fail(f.errorString());
    // The record must survive a power cut right after the action it describes.
    if (::fsync(f.handle()) != 0)
        return fail(QString::fromLocal8Bit(strerror(errno)));
    written = seq;
    return true;
}

AuditLog::Verification AuditLog::verify() const
{
    Verification v;
    QFile f(m_path);
    if (!f.exists())
        return v;
    if (!f.open(QIODevice::ReadOnly)) {
        v.ok = false;
        v.reason = f.errorString();
        return v;
    }
    QByteArray previous;
    qint64 expectedSeq = 1;
    int lineNo = 0; // in the file, blank lines included, so an editor finds it
    int previousLineNo = 0;
    while (!f.atEnd()) {
        QByteArray line = f.readLine();
        ++lineNo;
        if (line.endsWith('\n'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        ++v.lines;
        QJsonParseError pe;
        const QJsonObject o = QJsonDocument::fromJson(line, &pe).object();
        QString why;
        if (pe.error != QJsonParseError::NoError)
            why = Tr::tr("line %1 is not JSON").arg(lineNo);
        else if (o.value(QStringLiteral("prev")).toString() !=
                 (previous.isEmpty() ? QString::fromLatin1(kGenesis) : hashLine(previous)))
            why = previous.isEmpty()
                      ? Tr::tr("line %1 does not start the chain: lines before it were removed")
                            .arg(lineNo)
                      : Tr::tr("line %1 does not follow line %2: the log was edited, or lines "
                               "were removed or reordered")
                            .arg(lineNo)
                            .arg(previousLineNo);
        else if (o.value(QStringLiteral("seq")).toInteger() != expectedSeq)
            why = Tr::tr("line %1 has sequence number %2, expected %3")
                      .arg(lineNo)
                      .arg(o.value(QStringLiteral("seq")).toInteger())
                      .arg(expectedSeq);
        if (!why.isEmpty() && v.ok) {
            v.ok = false;
            v.firstBadLine = lineNo;
            v.reason = why;
        }
        previous = line;
        previousLineNo = lineNo;
        ++expectedSeq;
    }
    return v;
}

bool AuditLog::readBackwards(const std::function<bool(const QJsonObject &)> &visit,
                             QString *error) const
{
    QFile f(m_path);
    if (!f.exists())
        return true;
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = Tr::tr("Cannot read the audit log %1: %2").arg(m_path, f.errorString());
        return false;
    }
    constexpr qint64 kChunk = 64 * 1024;
    qint64 end = f.size();
    QByteArray carry; // the start of a line whose beginning is in the next chunk back
    while (end > 0) {
        const qint64 from = qMax<qint64>(0, end - kChunk);
        f.seek(from);
        QByteArray block = f.read(end - from) + carry;
        end = from;
        qsizetype stop = block.size();
        for (;;) {
            // lastIndexOf(c, -1) would search from the end again.
            const qsizetype nl = stop > 0 ? block.lastIndexOf('\n', stop - 1) : -1;
            if (nl < 0 && from > 0) {
                carry = block.left(stop);
                break;
            }
            const QByteArray line = block.mid(nl + 1, stop - nl - 1).trimmed();
            stop = nl;
            if (!line.isEmpty()) {
                QJsonParseError pe;
                const QJsonDocument d = QJsonDocument::fromJson(line, &pe);
                if (pe.error == QJsonParseError::NoError && d.isObject() && !visit(d.object()))
                    return true;
            }
            if (nl < 0) {
                carry.clear();
                break;
            }
        }
    }
    return true;
}

QList<QJsonObject> AuditLog::runs(const QList<QJsonObject> &records)
{
    QSet<qint64> answered;
    for (const QJsonObject &o : records)
        if (o.contains(u"started_seq"))
            answered.insert(o.value(u"started_seq").toInteger());
    QList<QJsonObject> out;
    for (QJsonObject o : records) {
        if (o.value(u"phase").toString() == u"started") {
            if (answered.contains(o.value(u"seq").toInteger()))
                continue;
            QJsonObject r;
            r.insert(QStringLiteral("outcome"), QStringLiteral("started"));
            r.insert(QStringLiteral("message"),
                     Tr::tr("No result was recorded: the run was interrupted, or still runs."));
            o.insert(QStringLiteral("result"), r);
        }
        out.append(o);
    }
    return out;
}

std::optional<QList<QJsonObject>> AuditLog::read(const QString &profile, QString *error,
                                                 int *unreadable) const
{
    QList<QJsonObject> out;
    int bad = 0;
    QFile f(m_path);
    if (!f.exists()) {
        if (unreadable)
            *unreadable = 0;
        return out;
    }
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = Tr::tr("Cannot read the audit log %1: %2").arg(m_path, f.errorString());
        return std::nullopt;
    }
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (line.isEmpty())
            continue;
        QJsonParseError pe;
        const QJsonDocument d = QJsonDocument::fromJson(line, &pe);
        if (pe.error != QJsonParseError::NoError || !d.isObject()) {
            ++bad;
            continue;
        }
        const QJsonObject o = d.object();
        if (profile.isEmpty() || o.value(QStringLiteral("profile")).toString() == profile)
            out.append(o);
    }
    if (unreadable)
        *unreadable = bad;
    return out;
}

} // namespace turnstile
