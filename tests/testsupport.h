#pragma once

#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QHash>
#include <QString>

namespace testsupport {

// Reads the lab's env file (lines `export KEY='VALUE'`). Returns an empty hash
// when the file is missing; integration tests then fail with lab().isEmpty().
QHash<QString, QString> labEnv();
// One value from the lab env file, or an empty string.
QString lab(const QString &key);
// The lab's admin (project admin, domain Default) as a profile, with the
// lab's MariaDB when withDatabase; and its secrets.
turnstile::Profile labAdminProfile(bool withDatabase = false);
turnstile::Secrets labAdminSecrets();
// Path of a built program (turnstilectl, ...) in the build tree.
QString builtProgram(const QString &name);

} // namespace testsupport
