// Figures that may be estimates: every human-readable count goes through
// formatRows(), and an estimate never reads like a count.
#include "util/rowfigure.h"

#include <QLocale>
#include <QTest>

using namespace turnstile;

class TestRowFigure : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }
    void exactIsPlain() { QCOMPARE(formatRows(1908024, false), QStringLiteral("1,908,024")); }
    void estimateSaysSo()
    {
        QCOMPARE(formatRows(1908024, true), QStringLiteral("about 1,908,024"));
    }
};

QTEST_APPLESS_MAIN(TestRowFigure)
#include "tst_rowfigure.moc"
