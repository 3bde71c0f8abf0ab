#pragma once

#include <QString>

namespace turnstile {

// Where Turnstile keeps its durable files, and how they are created. Every
// location is "the TURNSTILE_* variable if set, else the XDG path", in one
// place, and everything created here is owner-only: directories 0700, files
// 0600. Profiles name hosts, users and key repositories; the audit log and the
// pending journals name what was done to which database; the history names
// every profile. None of it is for other users of the workstation.
class AppPaths
{
public:
    // $TURNSTILE_PROFILES, else $XDG_CONFIG_HOME/turnstile/profiles.ini
    static QString profilesFile();
    // $XDG_CONFIG_HOME/turnstile/turnstile.conf: QSettings of the organisation
    // and application "turnstile" (the window's state, and [history], which
    // names the history server and its user: HistoryConfig::resolve). QSettings
    // picks it; the window makes it private before writing (makePrivateFile).
    static QString settingsFile();
    // $XDG_CONFIG_HOME/turnstile/plaintext-secrets.json (the opt-in fallback)
    static QString plaintextSecretsFile();
    // $TURNSTILE_AUDIT_LOG, else $XDG_DATA_HOME/turnstile/audit.jsonl
    static QString auditLogFile();
    // $TURNSTILE_PENDING_DIR, else $XDG_DATA_HOME/turnstile/pending
    static QString pendingDir();
    // $TURNSTILE_HISTORY, else $XDG_DATA_HOME/turnstile/history.sqlite
    static QString historyFile();
    // $TURNSTILE_AUTH_STATE, else $XDG_DATA_HOME/turnstile/auth-state.json
    // (credentials Keystone rejected, as salted fingerprints: AuthBackoff)
    static QString authStateFile();

    // Not durable, but chosen here too: the directory of ssh's control
    // sockets for the key repositories, $XDG_RUNTIME_DIR/turnstile-ssh, else
    // /tmp/turnstile-ssh-UID (SshOptions checks that it is ours and 0700: a
    // socket there lets anyone who can connect run commands on the nodes).
    static QString sshControlDir();

    // Creates `dir` and any missing parents, each new one 0700. Directories
    // that already exist are left as they are: a parent may be shared.
    static bool makePrivateDir(const QString &dir, QString *error = nullptr);
    // Makes the parent directory (makePrivateDir) and the file: created empty
    // with 0600 when missing, tightened to 0600 when it exists with group or
    // other bits. Call before QFile/QSaveFile/QSettings/SQLite write to it:
    // QSaveFile and SQLite keep the mode of the file they replace or extend.
    static bool makePrivateFile(const QString &path, QString *error = nullptr);

private:
    static QString fromEnvironment(const char *variable, const QString &fallback);
};

} // namespace turnstile
