#pragma once

#include <QStringList>
#include <QTextStream>

namespace turnstile {

class CliContext;

// turnstilectl events: Keystone's audit events from the history store, and
// with --follow a consumer of the profile's RabbitMQ (core/events) that
// stores and prints them as they come.
class EventCommands
{
public:
    explicit EventCommands(CliContext &ctx);
    int events(const QStringList &args);

private:
    CliContext &m_ctx;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
