#pragma once

#include <QString>

#include <optional>

namespace turnstile {

// "90", "60s", "5m", "2h", "7d", "2w" -> seconds. Rejects zero, negative,
// fractional and absurd (> 10 years) values with a sentence in *error.
std::optional<qint64> parseDuration(const QString &text, QString *error = nullptr);

} // namespace turnstile
