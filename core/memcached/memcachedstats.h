#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <optional>

namespace turnstile {

// The figures of one memcached `stats` answer that matter for Keystone's
// cache ([cache] backend = dogpile.cache.pymemcache / oslo_cache.memcache_pool).
struct MemcachedStats
{
    QString server;                        // "host:port" as asked
    std::optional<qint64> getHits;         // get_hits
    std::optional<qint64> getMisses;       // get_misses
    std::optional<qint64> evictions;       // evictions: items dropped for space before they expired
    std::optional<qint64> currItems;       // curr_items
    std::optional<qint64> currConnections; // curr_connections
    QString version;                       // version
    QHash<QString, QString> all;           // every STAT line, for the detail view
    QString error;                         // translated "unavailable: …"; empty on success
    double queryMs = 0;                    // connect + round trip

    bool ok() const { return error.isEmpty(); }
    // get_hits / (get_hits + get_misses); empty before the first get.
    std::optional<double> hitRatio() const;
};

// Reads a `stats` answer: "STAT <name> <value>\r\n" lines up to "END\r\n".
// Pure, so it is unit-tested on garbage, truncated and oversized input: it
// never reads past the buffer and rejects lines longer than a memcached
// could send.
MemcachedStats parseMemcachedStats(const QByteArray &reply);

// Connects with a QTcpSocket, sends `stats` and parses the answer. Blocking
// (waitFor* against one deadline), so for a worker thread only. hostPort is
// "host:port", "[v6]:port" or "host" (port 11211).
MemcachedStats fetchMemcachedStats(const QString &hostPort, int timeoutMs = 3000);

} // namespace turnstile
