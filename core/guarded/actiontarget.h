#pragma once

#include <QString>

namespace turnstile {

struct DatabaseUrl;

// What a guarded action changes, in the words the operator has to type to
// confirm it: "keystone.token@db1.example:3306" for a table (the port, or the
// socket, is part of it), a repository path or
// "user@profile" for the other actions. The text is shown by the preview and
// compared exactly (after trimming surrounding blanks), so a confirmation
// typed for one server never matches another.
struct ActionTarget
{
    QString text;        // what must be typed
    QString description; // one line for the preview: "table token of schema keystone on …"

    static ActionTarget forTable(const DatabaseUrl &url, const QString &table);
    bool isValid() const { return !text.isEmpty(); }
    bool matches(const QString &typed) const;
};

} // namespace turnstile
