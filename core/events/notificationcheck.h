#pragma once

#include <QStringList>

namespace turnstile {

struct KeystoneConf;

// What in keystone.conf keeps Turnstile from seeing Keystone's events, one
// sentence per problem naming the line to change: no messaging driver (noop,
// or log only), a non-CADF format, an opt-out list that hides logins, no
// transport_url. Empty when the events Turnstile needs are sent. Pure.
QStringList checkNotificationConfig(const KeystoneConf &conf);

} // namespace turnstile
