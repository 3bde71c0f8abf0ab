#include "events/eventconsumerstatus.h"

#include <QCoreApplication>
#include <QLocale>

namespace turnstile {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(EventConsumerStatus)
};

} // namespace

QString EventConsumerStatus::line() const
{
    const QLocale locale;
    QString counts = Tr::tr("%1 stored").arg(locale.toString(stored));
    if (rejected > 0)
        counts += Tr::tr(", %1 rejected").arg(locale.toString(rejected));
    switch (state) {
    case State::Stopped:
        return Tr::tr("Events: not consuming.");
    case State::Connecting:
        return Tr::tr("Events: connecting to %1.").arg(where);
    case State::Consuming:
        return Tr::tr("Events: consuming from %1 (queue %2); %3.").arg(where, queue, counts);
    case State::Retrying:
        return Tr::tr("Events: %1 Retrying in %2 s; %3 so far.")
            .arg(error)
            .arg(retryInSeconds)
            .arg(counts);
    case State::Failed:
        return Tr::tr("Events: %1").arg(error);
    }
    return {};
}

} // namespace turnstile
