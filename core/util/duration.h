#pragma once

#include <QString>

#include <optional>

namespace turnstile {

// "60s", "5m", "2h", "7d", "2w" -> seconds. The unit is required: a bare
// number ("90") is refused, as are trailing words, zero, negative, fractional
// and absurd (> 10 years) values, each with a sentence in *error.
std::optional<qint64> parseDuration(const QString &text, QString *error = nullptr);

// Seconds -> "2d", "1d 6h", "90m" → "1h 30m", "45s": the largest two units,
// the way the CLI accepts them.
QString formatDuration(qint64 seconds);

} // namespace turnstile
