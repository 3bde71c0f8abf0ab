#include "util/numbertext.h"

namespace turnstile {

QString exactNumber(double value, const QLocale &locale)
{
    return locale.toString(value, 'f', QLocale::FloatingPointShortest);
}

} // namespace turnstile
