#include "util/rowfigure.h"

#include <QCoreApplication>
#include <QLocale>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(RowFigure)
};
} // namespace

QString formatRows(qint64 rows, bool estimated)
{
    const QString n = QLocale().toString(rows);
    return estimated ? Tr::tr("about %1").arg(n) : n;
}

} // namespace turnstile
