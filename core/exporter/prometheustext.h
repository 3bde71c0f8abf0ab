#pragma once

#include "exporter/metricssnapshot.h"

#include <QByteArray>
#include <QString>

namespace turnstile {

// The content type of what renderPrometheusText() returns.
inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// A label value as the text exposition format 0.0.4 writes it: backslash,
// double quote and line feed escaped, everything else verbatim (UTF-8).
QString prometheusLabelValue(const QString &value);

// A sample value: the shortest text that reads back as the same double,
// "NaN", "+Inf" or "-Inf".
QByteArray prometheusNumber(double value);

// The snapshot as the Prometheus text exposition format (version 0.0.4):
// every family with HELP and TYPE, in a fixed order, base units (seconds,
// bytes), labels profile and region on every series. Ages are measured
// against nowMs. Pure: the same snapshot and time give the same bytes.
QByteArray renderPrometheusText(const MetricsSnapshot &snapshot, qint64 nowMs);

} // namespace turnstile
