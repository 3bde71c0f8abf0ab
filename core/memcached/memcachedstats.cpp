#include "memcached/memcachedstats.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QList>
#include <QTcpSocket>

#include <algorithm>

namespace turnstile {

namespace {

// lupdate resolves Tr::tr() through this declaration to the "MemcachedStats" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(MemcachedStats)
};

// memcached's longest STAT line is well under 200 bytes and the whole answer
// a few KiB; anything far beyond is not a memcached talking.
constexpr qsizetype kMaxLine = 1024;
constexpr qsizetype kMaxReply = 256 * 1024;
constexpr quint16 kDefaultPort = 11211;

QString unavailable(const QString &reason)
{
    return Tr::tr("unavailable: %1").arg(reason);
}

std::optional<qint64> counter(const QHash<QString, QString> &all, const QString &name)
{
    const auto it = all.constFind(name);
    if (it == all.constEnd())
        return std::nullopt;
    bool ok = false;
    const qint64 v = it->toLongLong(&ok);
    if (!ok || v < 0)
        return std::nullopt;
    return v;
}

// The whole answer is in once it ends with END or an error line.
bool complete(const QByteArray &buf)
{
    if (buf.startsWith("END\r\n") || buf.endsWith("\r\nEND\r\n"))
        return true;
    const qsizetype lastLine = buf.lastIndexOf("\r\n", buf.size() - 3);
    const QByteArray tail = buf.mid(lastLine < 0 ? 0 : lastLine + 2);
    return buf.endsWith("\r\n") && (tail.startsWith("ERROR") || tail.startsWith("CLIENT_ERROR") ||
                                    tail.startsWith("SERVER_ERROR"));
}

} // namespace

std::optional<double> MemcachedStats::hitRatio() const
{
    if (!getHits || !getMisses || *getHits + *getMisses <= 0)
        return std::nullopt;
    return double(*getHits) / double(*getHits + *getMisses);
}

MemcachedStats parseMemcachedStats(const QByteArray &reply)
{
    MemcachedStats s;
    if (reply.size() > kMaxReply) {
        s.error =
            unavailable(Tr::tr("the answer to \"stats\" is larger than %1 bytes").arg(kMaxReply));
        return s;
    }
    qsizetype pos = 0;
    int lineNo = 0;
    bool ended = false;
    while (pos < reply.size()) {
        const qsizetype eol = reply.indexOf("\r\n", pos);
        const qsizetype end = eol < 0 ? reply.size() : eol;
        ++lineNo;
        if (end - pos > kMaxLine) {
            s.error =
                unavailable(Tr::tr("line %1 of the answer to \"stats\" is longer than %2 bytes")
                                .arg(lineNo)
                                .arg(kMaxLine));
            return s;
        }
        if (eol < 0)
            break; // no line end: truncated, reported below
        const QByteArray line = reply.mid(pos, end - pos);
        pos = eol + 2;
        if (line == "END") {
            ended = true;
            break;
        }
        if (line.startsWith("ERROR") || line.startsWith("CLIENT_ERROR") ||
            line.startsWith("SERVER_ERROR")) {
            s.error = unavailable(
                Tr::tr("memcached answered \"%1\"").arg(QString::fromLatin1(line.left(80))));
            return s;
        }
        const QList<QByteArray> parts = line.split(' ');
        if (parts.size() < 3 || parts.at(0) != "STAT" || parts.at(1).isEmpty()) {
            s.error = unavailable(
                Tr::tr("line %1 of the answer to \"stats\" is not a STAT line").arg(lineNo));
            return s;
        }
        // Values may contain spaces (e.g. "rusage_user 0.1 …" on some builds);
        // the name never does.
        const QString name = QString::fromLatin1(parts.at(1));
        const QString value =
            QString::fromLatin1(line.mid(parts.at(0).size() + parts.at(1).size() + 2));
        s.all.insert(name, value);
    }
    if (!ended) {
        s.error = unavailable(Tr::tr("the answer to \"stats\" ended before END"));
        return s;
    }
    s.getHits = counter(s.all, QStringLiteral("get_hits"));
    s.getMisses = counter(s.all, QStringLiteral("get_misses"));
    s.evictions = counter(s.all, QStringLiteral("evictions"));
    s.currItems = counter(s.all, QStringLiteral("curr_items"));
    s.currConnections = counter(s.all, QStringLiteral("curr_connections"));
    s.version = s.all.value(QStringLiteral("version"));
    return s;
}

MemcachedStats fetchMemcachedStats(const QString &hostPort, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    MemcachedStats fail;
    fail.server = hostPort;
    auto failed = [&](const QString &reason) {
        fail.error = unavailable(reason);
        fail.queryMs = clock.nsecsElapsed() / 1e6;
        return fail;
    };

    QString host = hostPort.trimmed();
    quint16 port = kDefaultPort;
    if (host.startsWith(u'[')) {
        const qsizetype close = host.indexOf(u']');
        if (close < 0)
            return failed(Tr::tr("\"%1\" is not host:port").arg(hostPort));
        const QString rest = host.mid(close + 1);
        host = host.mid(1, close - 1);
        if (!rest.isEmpty()) {
            bool ok = false;
            port = rest.startsWith(u':') ? rest.mid(1).toUShort(&ok) : 0;
            if (!ok || port == 0)
                return failed(Tr::tr("\"%1\" is not host:port").arg(hostPort));
        }
    } else if (host.count(u':') == 1) {
        bool ok = false;
        port = host.section(u':', 1).toUShort(&ok);
        host = host.section(u':', 0, 0);
        if (!ok || port == 0)
            return failed(Tr::tr("\"%1\" is not host:port").arg(hostPort));
    }
    if (host.isEmpty())
        return failed(Tr::tr("\"%1\" is not host:port").arg(hostPort));

    const QDeadlineTimer deadline(std::max(1, timeoutMs));
    QTcpSocket socket;
    socket.connectToHost(host, port);
    if (!socket.waitForConnected(int(std::max<qint64>(1, deadline.remainingTime()))))
        return failed(
            Tr::tr("cannot connect to memcached at %1: %2").arg(hostPort, socket.errorString()));
    socket.write("stats\r\n");
    if (!socket.waitForBytesWritten(int(std::max<qint64>(1, deadline.remainingTime()))))
        return failed(
            Tr::tr("cannot send to memcached at %1: %2").arg(hostPort, socket.errorString()));
    QByteArray reply;
    while (!complete(reply) && reply.size() <= kMaxReply) {
        if (socket.bytesAvailable() == 0) {
            const bool ready =
                !deadline.hasExpired() &&
                socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
            if (!ready) {
                if (deadline.hasExpired())
                    return failed(Tr::tr("memcached at %1 did not finish its answer within %2 ms")
                                      .arg(hostPort)
                                      .arg(timeoutMs));
                if (socket.state() != QAbstractSocket::ConnectedState &&
                    socket.bytesAvailable() == 0)
                    break; // closed early: the parser reports the truncation
                continue;
            }
        }
        // Oversized answers stop one byte past the cap; the parser names them.
        reply += socket.read(kMaxReply + 1 - reply.size());
    }
    socket.write("quit\r\n");
    socket.waitForBytesWritten(100);
    socket.abort();

    MemcachedStats s = parseMemcachedStats(reply);
    s.server = hostPort;
    s.queryMs = clock.nsecsElapsed() / 1e6;
    return s;
}

} // namespace turnstile
