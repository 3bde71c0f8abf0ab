#include "colorscheme.h"

#include <QApplication>
#include <QProcess>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>

namespace turnstile {

std::optional<ColorScheme::Mode> ColorScheme::parse(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == u"system")
        return Mode::System;
    if (t == u"light")
        return Mode::Light;
    if (t == u"dark")
        return Mode::Dark;
    return std::nullopt;
}

bool ColorScheme::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QPalette ColorScheme::darkPalette()
{
    // Contrast kept at what the status colours (red, amber, green tiles)
    // need to stay readable on it.
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31), base(0x1f, 0x21, 0x24), text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0xa0, 0xa0, 0xa0));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x60, 0x60));
    p.setColor(QPalette::Light, QColor(0x3c, 0x3f, 0x44));
    p.setColor(QPalette::Midlight, QColor(0x34, 0x37, 0x3b));
    p.setColor(QPalette::Mid, QColor(0x24, 0x26, 0x29));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7a, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6a, 0xa8, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb0, 0x8c, 0xff));
    for (const QPalette::ColorRole r :
         {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::PlaceholderText})
        p.setColor(QPalette::Disabled, r, disabled);
    return p;
}

std::optional<ColorScheme::Mode> ColorScheme::fromGtkTheme(const QString &gtkTheme)
{
    // GTK_THEME=Adwaita:dark names the variant after a colon.
    if (gtkTheme.isEmpty())
        return std::nullopt;
    return gtkTheme.endsWith(QStringLiteral(":dark"), Qt::CaseInsensitive) ||
                   gtkTheme.contains(QStringLiteral("-dark"), Qt::CaseInsensitive)
               ? Mode::Dark
               : Mode::Light;
}

std::optional<ColorScheme::Mode> ColorScheme::fromGnomeColorScheme(const QString &output)
{
    // gsettings prints a quoted enum nick: 'default', 'prefer-dark' or
    // 'prefer-light'.
    const QString v = output.trimmed().remove(u'\'');
    if (v == u"prefer-dark")
        return Mode::Dark;
    if (v == u"prefer-light" || v == u"default")
        return Mode::Light;
    return std::nullopt;
}

void ColorScheme::setDark(bool dark)
{
    if (dark) {
        // Fusion draws every control from the palette; the platform styles
        // keep light parts (frames, scroll bars) under a dark palette.
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
    } else if (isDark(QApplication::palette())) {
        QApplication::setPalette(QApplication::style()->standardPalette());
    }
    emit applied(dark);
}

void ColorScheme::apply(Mode mode)
{
    if (mode != Mode::System) {
        setDark(mode == Mode::Dark);
        return;
    }
    // A platform theme that already made the palette dark knows best.
    if (isDark(QApplication::palette())) {
        emit applied(true);
        return;
    }
    if (const auto gtk = fromGtkTheme(qEnvironmentVariable("GTK_THEME"))) {
        setDark(*gtk == Mode::Dark);
        return;
    }
    const QString gsettings = QStandardPaths::findExecutable(QStringLiteral("gsettings"));
    if (gsettings.isEmpty()) {
        emit applied(false);
        return;
    }
    // Asynchronous: the window does not wait for dconf to answer.
    auto *proc = new QProcess(this);
    connect(proc, &QProcess::finished, this, [this, proc](int code, QProcess::ExitStatus status) {
        proc->deleteLater();
        const auto mode =
            code == 0 && status == QProcess::NormalExit
                ? fromGnomeColorScheme(QString::fromUtf8(proc->readAllStandardOutput()))
                : std::nullopt;
        setDark(mode == Mode::Dark);
    });
    connect(proc, &QProcess::errorOccurred, this, [this, proc](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            proc->deleteLater();
            emit applied(false);
        }
    });
    proc->start(gsettings, {QStringLiteral("get"), QStringLiteral("org.gnome.desktop.interface"),
                            QStringLiteral("color-scheme")});
}

} // namespace turnstile
