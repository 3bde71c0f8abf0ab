#pragma once

#include "events/keystoneevent.h"

#include <QString>

namespace turnstile {

// What the Events page narrows its feed to. Empty fields match everything;
// text fields match case-insensitively anywhere in the names and ids the
// event carries (resolved at event time), so "svc" finds svc-backup after
// its deletion. Pure.
struct EventFilter
{
    QString action;  // exact CADF action ("authenticate", "deleted.user")
    QString outcome; // exact ("success", "failure")
    QString user;    // the initiator, or a user the event is about
    QString project; // the initiator's project, or a project the event is about
    qint64 fromMs = 0;
    qint64 toMs = 0; // 0: no upper bound

    bool matches(const KeystoneEvent &event) const;
    bool isEmpty() const;
    bool operator==(const EventFilter &) const = default;
};

} // namespace turnstile
