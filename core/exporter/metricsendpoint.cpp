#include "exporter/metricsendpoint.h"

#include "exporter/metricshttpserver.h"
#include "exporter/prometheustext.h"

#include <QCoreApplication>
#include <QDateTime>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(MetricsEndpoint)
};
} // namespace

MetricsEndpoint::MetricsEndpoint()
{
    m_snapshot.store(std::make_shared<const MetricsSnapshot>());
    m_thread.setObjectName(QStringLiteral("metrics-http"));
}

MetricsEndpoint::~MetricsEndpoint()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(
        m_server,
        [server = m_server] {
            server->close();
            delete server;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

bool MetricsEndpoint::listen(const QHostAddress &address, quint16 port, QString *error)
{
    if (m_thread.isRunning())
        return false;
    m_server = new MetricsHttpServer([this] {
        const std::shared_ptr<const MetricsSnapshot> s = m_snapshot.load();
        return renderPrometheusText(*s, QDateTime::currentMSecsSinceEpoch());
    });
    m_server->moveToThread(&m_thread);
    m_thread.start();
    bool ok = false;
    QMetaObject::invokeMethod(
        m_server,
        [&] {
            ok = m_server->listen(address, port, error);
            m_port = m_server->port();
        },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        QMetaObject::invokeMethod(
            m_server, [server = m_server] { delete server; }, Qt::BlockingQueuedConnection);
        m_server = nullptr;
        m_thread.quit();
        m_thread.wait();
    }
    return ok;
}

void MetricsEndpoint::publish(std::shared_ptr<const MetricsSnapshot> snapshot)
{
    m_snapshot.store(std::move(snapshot));
}

bool parseListenAddress(const QString &text, QHostAddress *address, quint16 *port, QString *error)
{
    const qsizetype colon = text.lastIndexOf(u':');
    QString host = colon < 0 ? QString() : text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool portOk = false;
    const uint p = colon < 0 ? 0 : text.mid(colon + 1).toUInt(&portOk);
    QHostAddress a;
    if (host == u"localhost")
        a = QHostAddress(QHostAddress::LocalHost);
    else
        a.setAddress(host);
    if (host.isEmpty() || a.isNull() || !portOk || p > 65535) {
        if (error)
            *error = Tr::tr("\"%1\" is not ADDRESS:PORT (for example 127.0.0.1:9109, [::1]:9109 "
                            "or 0.0.0.0:9109 for every interface).")
                         .arg(text);
        return false;
    }
    *address = a;
    *port = quint16(p);
    return true;
}

} // namespace turnstile
