#include "history/serieskey.h"

#include "profiles/profilestore.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace turnstile {

namespace {
// lupdate resolves Tr::tr() through this declaration to the "SeriesKey" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(SeriesKey)
};
} // namespace

bool SeriesKey::isValidMetric(const QString &metric)
{
    // Metric names end up in CLI arguments, CSV headers and chart legends;
    // a closed alphabet keeps them unambiguous everywhere.
    static const QRegularExpression re(QStringLiteral("^[a-z0-9_.]{1,128}$"));
    return re.match(metric).hasMatch();
}

bool SeriesKey::isValid() const
{
    return ProfileStore::isValidName(profile) && isValidMetric(metric);
}

QString SeriesKey::validationError() const
{
    if (!ProfileStore::isValidName(profile))
        return Tr::tr("\"%1\" is not a valid profile name for the history.").arg(profile);
    if (!isValidMetric(metric))
        return Tr::tr("\"%1\" is not a valid metric name (lower-case letters, digits, '_' and '.', "
                      "at most 128 "
                      "characters).")
            .arg(metric);
    return {};
}

} // namespace turnstile
