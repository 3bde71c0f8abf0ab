#pragma once

#include <QString>

namespace turnstile {

// The one place a metric key becomes words a person reads: legends in the
// window, exports and `turnstilectl report` say "Live tokens", never
// "token.live". Keys stay the machine identity (stores, CSV/JSON "metric"
// columns); this is only their label, translated.
//
// Per-object keys name their object as the server spells it:
// "schema.keystone.bytes" is "Size of schema keystone", "table.trust.rows"
// "Rows of table trust". A key this table does
// not know comes back unchanged, so a new metric is shown, not hidden.
QString metricDisplayName(const QString &metric);

// What the figure means and why it matters, one or two sentences for a
// tooltip: "Validation time that 99 % of recent validations stay under: the
// slow calls users notice first." From the same table as the name; empty for
// a key it does not know.
QString metricDescription(const QString &metric);

// A curve of several profiles on one chart: "Live tokens — RegionTwo".
QString seriesDisplayName(const QString &metric, const QString &profile);

} // namespace turnstile
