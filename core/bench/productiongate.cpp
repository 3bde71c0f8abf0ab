#include "bench/productiongate.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ProductionGate)
};
} // namespace

QString benchmarkLoadRefusal(const Profile &profile, const QString &typedName)
{
    if (!profile.production || typedName.trimmed() == profile.name)
        return {};
    return Tr::tr("Profile %1 is marked production: a benchmark puts load on it.")
        .arg(profile.name);
}

} // namespace turnstile
