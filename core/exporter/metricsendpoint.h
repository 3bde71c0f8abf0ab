#pragma once

#include "exporter/metricssnapshot.h"

#include <QHostAddress>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>

namespace turnstile {

class MetricsHttpServer;

// `turnstilectl collect --listen`: serves /metrics from a thread of its own
// while the collector's cycles block on Keystone and the databases. The
// collector publishes each cycle's snapshot; a scrape renders the last one
// published (an atomic pointer swap, no lock shared with the cycle), so a
// hung database makes the figures older (turnstile_sample_age_seconds),
// never the scrape slower. Owns its thread: destroying it stops serving.
class MetricsEndpoint
{
public:
    MetricsEndpoint();
    ~MetricsEndpoint();
    MetricsEndpoint(const MetricsEndpoint &) = delete;
    MetricsEndpoint &operator=(const MetricsEndpoint &) = delete;

    // Starts the thread and listens; port 0 picks a free one (see port()).
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const { return m_port; }

    void publish(std::shared_ptr<const MetricsSnapshot> snapshot);
    std::shared_ptr<const MetricsSnapshot> snapshot() const { return m_snapshot.load(); }

private:
    QThread m_thread;
    MetricsHttpServer *m_server = nullptr; // lives on m_thread
    quint16 m_port = 0;
    std::atomic<std::shared_ptr<const MetricsSnapshot>> m_snapshot;
};

// "127.0.0.1:9109", "[::1]:9109", "0.0.0.0:9109", "localhost:9109". An
// address is required: listening on every interface is a choice to write
// down, not a default. Pure.
bool parseListenAddress(const QString &text, QHostAddress *address, quint16 *port, QString *error);

} // namespace turnstile
