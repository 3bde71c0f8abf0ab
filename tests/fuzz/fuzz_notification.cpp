// libFuzzer target: an AMQP message body through parseNotification, as the
// event consumer hands it over (anyone who may publish to the keystone
// exchange controls it).
#include "events/notificationparser.h"

#include <QByteArray>

#include <cstdint>
#include <cstdlib>

using namespace turnstile;

namespace {

void check(bool condition)
{
    if (!condition)
        abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const ParsedNotification p = parseNotification(input);
    // Either an event or a reason, never both, never neither.
    check(p.event.has_value() == (p.reason == RejectReason::None));
    if (p.event) {
        check(!p.event->messageId.isEmpty());
        check(!p.event->eventType.isEmpty());
        check(!p.event->action.isEmpty());
        (void)p.event->authUser();
        (void)p.event->isLockedOut();
    } else {
        check(!rejectReasonText(p.reason).isEmpty());
    }
    return 0;
}
