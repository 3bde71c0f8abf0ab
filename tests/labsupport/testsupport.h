#pragma once

#include "db/databaseurl.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QHash>
#include <QString>

class QSqlDatabase;

namespace turnstile {
class KeystoneClient;
}

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
// MariaDB's root: the OS user over the lab's socket (unix_socket auth), so
// no password exists to leak.
turnstile::DatabaseUrl labMysqlRootUrl(const QString &database = QStringLiteral("mysql"));
// The lab's PostgreSQL over TCP as `user`.
turnstile::DatabaseUrl labPgUrl(const QString &user, const QString &database);
// SQL as the PostgreSQL cluster's superuser: the postgres OS user when we are
// root (peer authentication), else our own user (lab.sh initdb -U $USER).
// The SQL goes in on stdin, never on a command line. `out` gets the
// unaligned, tuples-only output.
bool labPgSuperuser(const QString &sql, QString *out = nullptr);
// Runs one statement; on failure warns with the statement and the error.
bool execOrWarn(const QSqlDatabase &db, const QString &sql);

// A user in the lab's domain Default, created through `admin` (a client of the lab's admin);
// its id, or empty when Keystone refused.
QString createLabUser(turnstile::KeystoneClient &admin, const QString &name,
                      const QString &password);
// One password login of a lab user (unscoped, domain Default): Keystone's HTTP status. Blocking;
// any thread (KeystoneClient runs its own local event loop).
int labUserLogin(const QString &user, const QString &password);

// Path of a built program (turnstilectl, ...) in the build tree.
QString builtProgram(const QString &name);

} // namespace testsupport
