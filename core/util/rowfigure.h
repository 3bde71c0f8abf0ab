#pragma once

#include <QString>

namespace turnstile {

// A row count as people read it: "1,908,024", or "about 1,908,024" when it is
// the server's estimate. Every human-readable figure that may be an estimate
// goes through here, so an estimate is never shown as a count.
QString formatRows(qint64 rows, bool estimated);

} // namespace turnstile
