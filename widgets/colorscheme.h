#pragma once

#include <QObject>
#include <QPalette>
#include <QString>

#include <optional>

namespace turnstile {

// Light or dark, as the desktop prefers. Qt 6.4 follows a dark desktop only
// through a platform theme (KDE, qt6ct); under GNOME and most tiling setups
// the window would stay light. So "system" asks the desktop itself
// (GTK_THEME, then the GNOME `color-scheme` setting, without blocking: the
// window is up before gsettings answers) and applies a dark Fusion palette
// when it says dark. `--color-scheme light|dark` (or
// TURNSTILE_COLOR_SCHEME) overrides it.
class ColorScheme : public QObject
{
    Q_OBJECT
public:
    enum class Mode
    {
        System,
        Light,
        Dark
    };

    // "system", "light" or "dark" (any case); nullopt otherwise.
    static std::optional<Mode> parse(const QString &text);
    // Whether a palette reads as dark: its window colour is.
    static bool isDark(const QPalette &palette);
    static QPalette darkPalette();
    // What GTK_THEME or the output of `gsettings get org.gnome.desktop.interface
    // color-scheme` say; nullopt when they say nothing either way.
    static std::optional<Mode> fromGtkTheme(const QString &gtkTheme);
    static std::optional<Mode> fromGnomeColorScheme(const QString &gsettingsOutput);

    // Applies the mode to the application; System may apply later, when the
    // desktop answers. The object must outlive that answer (parent it to the
    // application).
    void apply(Mode mode);

signals:
    void applied(bool dark);

private:
    void setDark(bool dark);
};

} // namespace turnstile
