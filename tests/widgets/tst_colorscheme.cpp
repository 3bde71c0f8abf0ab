#include "chartview.h"
#include "colorscheme.h"

#include <QApplication>
#include <QSignalSpy>
#include <QTest>

using namespace turnstile;

class TestColorScheme : public QObject
{
    Q_OBJECT
private slots:
    void parsesTheOption()
    {
        QCOMPARE(ColorScheme::parse(QStringLiteral("Dark")), ColorScheme::Mode::Dark);
        QCOMPARE(ColorScheme::parse(QStringLiteral(" light ")), ColorScheme::Mode::Light);
        QCOMPARE(ColorScheme::parse(QStringLiteral("system")), ColorScheme::Mode::System);
        QVERIFY(!ColorScheme::parse(QStringLiteral("purple")));
        QVERIFY(!ColorScheme::parse(QString()));
    }
    void readsWhatTheDesktopSays()
    {
        QCOMPARE(ColorScheme::fromGtkTheme(QStringLiteral("Adwaita:dark")),
                 ColorScheme::Mode::Dark);
        QCOMPARE(ColorScheme::fromGtkTheme(QStringLiteral("Arc-Dark")), ColorScheme::Mode::Dark);
        QCOMPARE(ColorScheme::fromGtkTheme(QStringLiteral("Adwaita")), ColorScheme::Mode::Light);
        QVERIFY(!ColorScheme::fromGtkTheme(QString()));
        QCOMPARE(ColorScheme::fromGnomeColorScheme(QStringLiteral("'prefer-dark'\n")),
                 ColorScheme::Mode::Dark);
        QCOMPARE(ColorScheme::fromGnomeColorScheme(QStringLiteral("'default'\n")),
                 ColorScheme::Mode::Light);
        QCOMPARE(ColorScheme::fromGnomeColorScheme(QStringLiteral("'prefer-light'")),
                 ColorScheme::Mode::Light);
        QVERIFY(!ColorScheme::fromGnomeColorScheme(QStringLiteral("No such key")));
    }
    void darkAndBackToLight()
    {
        ChartView chart;
        chart.resize(300, 200);
        ColorScheme scheme;
        QSignalSpy applied(&scheme, &ColorScheme::applied);
        scheme.apply(ColorScheme::Mode::Dark);
        QCOMPARE(applied.count(), 1);
        QCOMPARE(applied.last().at(0).toBool(), true);
        QVERIFY(ColorScheme::isDark(QApplication::palette()));
        // Widgets get the application palette: the chart turned dark too.
        QTRY_VERIFY(ColorScheme::isDark(chart.palette()));
        scheme.apply(ColorScheme::Mode::Light);
        QCOMPARE(applied.last().at(0).toBool(), false);
        QVERIFY(!ColorScheme::isDark(QApplication::palette()));
        // Text stays readable on the dark palette: strong contrast.
        const QPalette dark = ColorScheme::darkPalette();
        QVERIFY(dark.color(QPalette::Text).lightness() - dark.color(QPalette::Base).lightness() >
                150);
    }
    void systemFollowsGtkTheme()
    {
        qputenv("GTK_THEME", "Adwaita:dark");
        ColorScheme scheme;
        QSignalSpy applied(&scheme, &ColorScheme::applied);
        scheme.apply(ColorScheme::Mode::System);
        QTRY_COMPARE(applied.count(), 1);
        QCOMPARE(applied.last().at(0).toBool(), true);
        QVERIFY(ColorScheme::isDark(QApplication::palette()));
        scheme.apply(ColorScheme::Mode::Light);
        qunsetenv("GTK_THEME");
    }
};

QTEST_MAIN(TestColorScheme)
#include "tst_colorscheme.moc"
