#include "util/atomicfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QSaveFile>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(AtomicFile)
};
} // namespace

QString writeFileAtomically(const QString &path, const QByteArray &data)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
        return Tr::tr("Could not write %1: %2.")
            .arg(QDir::toNativeSeparators(path), file.errorString());
    return {};
}

} // namespace turnstile
