#include "events/amqpsession.h"

#include <QCoreApplication>
#include <QFile>

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>

#include <sys/time.h>

namespace turnstile {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(AmqpSession)
};

// Debian's bundle; rabbitmq-c verifies against nothing unless told a CA.
const char *const kSystemCaBundle = "/etc/ssl/certs/ca-certificates.crt";

amqp_bytes_t bytes(const QByteArray &b)
{
    return amqp_bytes_t{size_t(b.size()), const_cast<char *>(b.constData())};
}

QString fromBytes(amqp_bytes_t b)
{
    return QString::fromUtf8(static_cast<const char *>(b.bytes), qsizetype(b.len));
}

timeval timeoutOf(int ms)
{
    timeval tv;
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    return tv;
}

} // namespace

struct AmqpSession::State
{
    amqp_connection_state_t conn = nullptr;
    amqp_channel_t channel = 1;
    bool open = false;
};

AmqpSession::AmqpSession() : m_state(std::make_unique<State>()) {}

AmqpSession::~AmqpSession()
{
    close();
}

bool AmqpSession::isOpen() const
{
    return m_state->open;
}

bool AmqpSession::fail(const QString &message)
{
    m_error = message;
    close();
    return false;
}

void AmqpSession::close()
{
    if (!m_state->conn)
        return;
    if (m_state->open) {
        // best effort: the broker may already be gone
        amqp_channel_close(m_state->conn, m_state->channel, AMQP_REPLY_SUCCESS);
        amqp_connection_close(m_state->conn, AMQP_REPLY_SUCCESS);
    }
    amqp_destroy_connection(m_state->conn);
    m_state->conn = nullptr;
    m_state->open = false;
}

bool AmqpSession::open(const Options &options)
{
    close();
    m_error.clear();
    m_where = options.url.toString();
    m_state->conn = amqp_new_connection();
    m_state->channel = 1;
    amqp_socket_t *socket = nullptr;
    if (options.url.tls) {
        socket = amqp_ssl_socket_new(m_state->conn);
        if (!socket)
            return fail(Tr::tr("Cannot create a TLS socket for %1.").arg(m_where));
        amqp_ssl_socket_set_verify_peer(socket, options.verifyTls ? 1 : 0);
        amqp_ssl_socket_set_verify_hostname(socket, options.verifyTls ? 1 : 0);
        const QByteArray ca = options.caFile.isEmpty() ? QByteArray(kSystemCaBundle)
                                                       : QFile::encodeName(options.caFile);
        if (options.verifyTls &&
            amqp_ssl_socket_set_cacert(socket, ca.constData()) != AMQP_STATUS_OK)
            return fail(Tr::tr("Cannot read the CA certificates %1 for %2.")
                            .arg(QFile::decodeName(ca), m_where));
    } else {
        socket = amqp_tcp_socket_new(m_state->conn);
        if (!socket)
            return fail(Tr::tr("Cannot create a socket for %1.").arg(m_where));
    }
    timeval tv = timeoutOf(options.connectTimeoutMs);
    const QByteArray host = options.url.host.toUtf8();
    if (const int rc = amqp_socket_open_noblock(socket, host.constData(), options.url.port, &tv);
        rc != AMQP_STATUS_OK)
        return fail(Tr::tr("Cannot connect to RabbitMQ at %1: %2.")
                        .arg(m_where, QString::fromUtf8(amqp_error_string2(rc))));
    const QByteArray vhost = options.url.vhost.toUtf8();
    const QByteArray user = options.url.user.toUtf8();
    const QByteArray password = options.url.password.toUtf8();
    const amqp_rpc_reply_t login =
        amqp_login(m_state->conn, vhost.constData(), 0, 131072, options.heartbeatSeconds,
                   AMQP_SASL_METHOD_PLAIN, user.constData(), password.constData());
    if (login.reply_type != AMQP_RESPONSE_NORMAL) {
        if (login.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
            login.library_error == AMQP_STATUS_CONNECTION_CLOSED)
            return fail(Tr::tr("RabbitMQ at %1 refused the login of %2 (wrong password, or no "
                               "access to the virtual host).")
                            .arg(m_where, options.url.user));
        return handleReply(login, "login");
    }
    m_state->open = true;
    amqp_channel_open(m_state->conn, m_state->channel);
    return checkReply("channel.open");
}

bool AmqpSession::checkReply(const char *what)
{
    return handleReply(amqp_get_rpc_reply(m_state->conn), what);
}

bool AmqpSession::handleReply(const amqp_rpc_reply_t_ &r, const char *what)
{
    switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL:
        return true;
    case AMQP_RESPONSE_NONE:
        return fail(
            Tr::tr("RabbitMQ at %1 sent no answer to %2.").arg(m_where, QLatin1String(what)));
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
        return fail(Tr::tr("The connection to RabbitMQ at %1 failed during %2: %3.")
                        .arg(m_where, QLatin1String(what),
                             QString::fromUtf8(amqp_error_string2(r.library_error))));
    case AMQP_RESPONSE_SERVER_EXCEPTION:
        break;
    }
    if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto *m = static_cast<const amqp_channel_close_t *>(r.reply.decoded);
        m_error = Tr::tr("RabbitMQ at %1 refused %2: %3 %4.")
                      .arg(m_where, QLatin1String(what))
                      .arg(m->reply_code)
                      .arg(fromBytes(m->reply_text));
        // The connection stays usable: confirm the close, carry on with a new channel.
        amqp_channel_close_ok_t ok{};
        amqp_send_method(m_state->conn, m_state->channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        const QString message = m_error;
        if (!reopenChannel())
            return false;
        m_error = message;
        return false;
    }
    if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto *m = static_cast<const amqp_connection_close_t *>(r.reply.decoded);
        const QString message = Tr::tr("RabbitMQ at %1 closed the connection during %2: %3 %4.")
                                    .arg(m_where, QLatin1String(what))
                                    .arg(m->reply_code)
                                    .arg(fromBytes(m->reply_text));
        amqp_connection_close_ok_t ok{};
        amqp_send_method(m_state->conn, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        m_state->open = false;
        return fail(message);
    }
    return fail(Tr::tr("RabbitMQ at %1 answered %2 with an unexpected method.")
                    .arg(m_where, QLatin1String(what)));
}

bool AmqpSession::reopenChannel()
{
    ++m_state->channel;
    amqp_channel_open(m_state->conn, m_state->channel);
    const amqp_rpc_reply_t r = amqp_get_rpc_reply(m_state->conn);
    if (r.reply_type != AMQP_RESPONSE_NORMAL)
        return fail(Tr::tr("Cannot open a new channel to RabbitMQ at %1.").arg(m_where));
    return true;
}

bool AmqpSession::declareExchange(const QString &exchange)
{
    const QByteArray name = exchange.toUtf8();
    amqp_exchange_declare(m_state->conn, m_state->channel, bytes(name), amqp_cstring_bytes("topic"),
                          0, 0, 0, 0, amqp_empty_table);
    if (checkReply("exchange.declare"))
        return true;
    if (!isOpen())
        return false;
    // 403: no configure permission on the exchange; it may still exist.
    amqp_exchange_declare(m_state->conn, m_state->channel, bytes(name), amqp_cstring_bytes("topic"),
                          1, 0, 0, 0, amqp_empty_table);
    if (checkReply("exchange.declare (passive)"))
        return true;
    if (isOpen())
        m_error = Tr::tr("The exchange %1 does not exist on %2 yet, and this user may not create "
                         "it; Keystone creates it with its first notification.")
                      .arg(exchange, m_where);
    return false;
}

bool AmqpSession::declareQueue(const QString &queue, int maxLength)
{
    const QByteArray name = queue.toUtf8();
    amqp_table_entry_t entries[2];
    entries[0].key = amqp_cstring_bytes("x-max-length");
    entries[0].value.kind = AMQP_FIELD_KIND_I64;
    entries[0].value.value.i64 = maxLength;
    entries[1].key = amqp_cstring_bytes("x-overflow");
    entries[1].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[1].value.value.bytes = amqp_cstring_bytes("drop-head");
    const amqp_table_t args{2, entries};
    amqp_queue_declare(m_state->conn, m_state->channel, bytes(name), 0, 1, 0, 0, args);
    return checkReply("queue.declare");
}

bool AmqpSession::deleteQueue(const QString &queue)
{
    const QByteArray name = queue.toUtf8();
    amqp_queue_delete(m_state->conn, m_state->channel, bytes(name), 0, 0);
    return checkReply("queue.delete");
}

bool AmqpSession::bind(const QString &queue, const QString &exchange, const QString &routingKey)
{
    const QByteArray q = queue.toUtf8();
    const QByteArray e = exchange.toUtf8();
    const QByteArray k = routingKey.toUtf8();
    amqp_queue_bind(m_state->conn, m_state->channel, bytes(q), bytes(e), bytes(k),
                    amqp_empty_table);
    return checkReply("queue.bind");
}

bool AmqpSession::consume(const QString &queue, int prefetch)
{
    amqp_basic_qos(m_state->conn, m_state->channel, 0, quint16(qBound(1, prefetch, 65535)), 0);
    if (!checkReply("basic.qos"))
        return false;
    const QByteArray q = queue.toUtf8();
    amqp_basic_consume(m_state->conn, m_state->channel, bytes(q), amqp_empty_bytes, 0, 0, 0,
                       amqp_empty_table);
    return checkReply("basic.consume");
}

AmqpSession::Wait AmqpSession::next(int timeoutMs, Delivery *out)
{
    if (!isOpen()) {
        m_error = Tr::tr("The connection to RabbitMQ at %1 is closed.").arg(m_where);
        return Wait::Failed;
    }
    amqp_maybe_release_buffers(m_state->conn);
    amqp_envelope_t envelope;
    timeval tv = timeoutOf(timeoutMs);
    const amqp_rpc_reply_t r = amqp_consume_message(m_state->conn, &envelope, &tv, 0);
    if (r.reply_type == AMQP_RESPONSE_NORMAL) {
        out->tag = envelope.delivery_tag;
        out->redelivered = envelope.redelivered;
        out->body = QByteArray(static_cast<const char *>(envelope.message.body.bytes),
                               qsizetype(envelope.message.body.len));
        amqp_destroy_envelope(&envelope);
        return Wait::Message;
    }
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT)
        return Wait::Timeout;
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        r.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
        // A method instead of a delivery: the broker closing the channel or
        // the connection (a restart), or cancelling the consumer (queue deleted).
        amqp_frame_t frame;
        if (amqp_simple_wait_frame(m_state->conn, &frame) == AMQP_STATUS_OK &&
            frame.frame_type == AMQP_FRAME_METHOD) {
            if (frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD) {
                const auto *m =
                    static_cast<const amqp_connection_close_t *>(frame.payload.method.decoded);
                const QString message = Tr::tr("RabbitMQ at %1 closed the connection: %2 %3.")
                                            .arg(m_where)
                                            .arg(m->reply_code)
                                            .arg(fromBytes(m->reply_text));
                m_state->open = false;
                fail(message);
                return Wait::Failed;
            }
            if (frame.payload.method.id == AMQP_BASIC_CANCEL_METHOD) {
                m_state->open = true;
                fail(Tr::tr("RabbitMQ at %1 cancelled the consumer (the queue was deleted).")
                         .arg(m_where));
                return Wait::Failed;
            }
            if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD)
                return Wait::Timeout; // publisher confirms: not ours, harmless
        }
        fail(Tr::tr("The connection to RabbitMQ at %1 was interrupted.").arg(m_where));
        return Wait::Failed;
    }
    m_state->open = false;
    fail(Tr::tr("The connection to RabbitMQ at %1 was lost: %2.")
             .arg(m_where, QString::fromUtf8(amqp_error_string2(r.library_error))));
    return Wait::Failed;
}

bool AmqpSession::publish(const QString &exchange, const QString &routingKey,
                          const QByteArray &body)
{
    const QByteArray e = exchange.toUtf8();
    const QByteArray k = routingKey.toUtf8();
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = 2;
    if (amqp_basic_publish(m_state->conn, m_state->channel, bytes(e), bytes(k), 0, 0, &props,
                           bytes(body)) != AMQP_STATUS_OK)
        return fail(Tr::tr("Cannot publish to RabbitMQ at %1.").arg(m_where));
    return true;
}

bool AmqpSession::ackUpTo(quint64 tag)
{
    if (amqp_basic_ack(m_state->conn, m_state->channel, tag, 1) != AMQP_STATUS_OK)
        return fail(Tr::tr("Cannot acknowledge messages to RabbitMQ at %1.").arg(m_where));
    return true;
}

bool AmqpSession::nackUpTo(quint64 tag)
{
    if (amqp_basic_nack(m_state->conn, m_state->channel, tag, 1, 1) != AMQP_STATUS_OK)
        return fail(Tr::tr("Cannot return messages to RabbitMQ at %1.").arg(m_where));
    return true;
}

} // namespace turnstile
