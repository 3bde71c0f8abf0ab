#pragma once

#include "profiles/importedcloud.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace turnstile {

// The variables an openrc shell file sets, read WITHOUT running it: plain and
// exported assignments, quoted values, $VAR expansion of variables the file
// (or `inherited`) defines, unset. Anything else (prompts, if-blocks, command
// substitution) is skipped and listed in `warnings`, which never quote values.
struct OpenrcFile
{
    QProcessEnvironment environment; // every variable the file leaves set
    QStringList warnings;            // "openrc line 12: ...; ignored."
};

OpenrcFile parseOpenrc(const QByteArray &text, const QString &sourceName,
                       const QProcessEnvironment &inherited = QProcessEnvironment());
// Empty result and *error set when the file cannot be read.
OpenrcFile parseOpenrcFile(const QString &path, QString *error = nullptr,
                           const QProcessEnvironment &inherited = QProcessEnvironment());

// A cloud named "envvars" (openstacksdk's name for it) from the OS_*
// variables, interpreted by the same rules as clouds.yaml. Sets *error and
// returns an empty profile when OS_AUTH_URL is missing or a value is unusable.
ImportedCloud fromEnvironment(const QProcessEnvironment &env, QString *error = nullptr);

} // namespace turnstile
