#pragma once

#include "profiles/profile.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace turnstile {

// What the window's profile chooser says, as every page receives it: the
// profiles of the store and the one chosen, or none for "All profiles".
struct ProfileSelection
{
    QList<Profile> all;
    // Empty: every profile.
    QString name;

    bool isAll() const { return name.isEmpty(); }
    // The chosen profile; an empty Profile (no name) when all are shown.
    Profile chosen() const
    {
        for (const Profile &p : all)
            if (p.name == name)
                return p;
        return {};
    }
    QStringList allNames() const
    {
        QStringList names;
        for (const Profile &p : all)
            names.append(p.name);
        return names;
    }
    // The names the selection shows: the chosen one, or all.
    QStringList shownNames() const { return isAll() ? allNames() : QStringList{name}; }
};

} // namespace turnstile
