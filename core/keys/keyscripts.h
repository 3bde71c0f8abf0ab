#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>

namespace turnstile {

// The POSIX sh scripts that change a repository on its node. Each is one
// brace group (parsed whole before it runs) and prints no key material.
//
// The ssh user is usually root while the repository belongs to the keystone
// account, which can rename, replace and symlink anything in it. So every
// script that touches a repository first refuses a repository that is (or
// resolves through) a symbolic link, and any key file or .turnstile* entry
// that is a symbolic link or not a regular file/directory. It locks the
// repository directory itself (flock on the directory: nothing is created
// in it), and keeps its temporary files and backups outside the repository,
// in a private 0700 directory of the running user on the node
// ($HOME/.local/state/turnstile, else /tmp/turnstile-state-UID), where the
// repository's owner cannot reach them and config management never syncs
// them. Files are copied without following symbolic links (cp -P) and
// checked after the copy, owners set with chown -h, renames done with mv -T.
// Backups of the keys older versions left in the repository
// (.turnstile-backup, .turnstile-incoming, .turnstile-tmp.*) are removed.

// Exit codes the scripts use for "refused before anything changed".
enum KeyScriptExit
{
    KeyScriptLocked = 4,       // another run holds the repository lock
    KeyScriptNoStaged = 5,     // no staged key 0
    KeyScriptNoNewKey = 6,     // could not make a new key
    KeyScriptPrimaryMoved = 9, // the primary is not the one the caller expects
    KeyScriptUnsafe = 10       // a symbolic link, a special file, a bad key stream
};

// keystone-manage fernet_rotate, done safely, provided the repository's
// highest key is still expectedPrimary (0 when only the staged key exists;
// otherwise exit KeyScriptPrimaryMoved and change nothing: a second run can
// never rotate twice). The new primary (a copy of 0, mtime kept, checked to
// be a Fernet key) and the new staged key (32 bytes from the node's
// /dev/urandom, urlsafe base64) are made in the private directory, chmod
// 0600, chown'ed to the repository directory's owner and group (what
// fernet_setup sets, and what the status check expects) and synced; then
// renamed to the new primary, renamed over 0, and the oldest non-staged keys
// removed down to max_active_keys - 1. At every step the repository has a
// primary and a staged key. No backup: the old 0 lives on as the new
// primary and the removed keys are removed on purpose. Prints "ROTATED <new
// primary>".
QByteArray rotateScript(const QString &path, int maxActiveKeys, int expectedPrimary);

// Writes the repository's key files as a tar stream to stdout.
QByteArray sendScript(const QString &path);

// Reads a tar stream of key files from stdin into the private directory,
// refuses it unless every member is a regular file named by a number,
// checks every file against the expected fingerprints, fixes mode and
// owner, backs up the node's keys it replaces or removes (except those
// older than every incoming key: those are pruned, not kept), renames the
// new keys into place (highest first, 0 last, so a primary is always
// there) and removes keys the source does not have. Prints "RECEIVED".
// Returns an empty script (and *error) when an index or a fingerprint is
// not what a node may print: ^[0-9]+$ and ^[0-9a-f]{16}$.
QString receiveScript(const QString &path, const QMap<int, QString> &fingerprints,
                      QString *error = nullptr);

// What the *source node* runs to push its keys to another node: sendScript
// piped into peerCommand, which runs receiveScript there.
QByteArray pushScript(const QString &sourcePath, const QString &peerCommand);

// A command line that runs `script` with sh on a remote login shell without
// any quoting hazard: the script travels base64-encoded.
QString encodedShellCommand(const QString &script);

// `command` (a shell command line) run as `user` instead of the login user:
// runuser when the login user is root, else sudo -n. Empty when user is not
// a plain account name.
QString asUserCommand(const QString &user, const QString &command);

// What a node may print, checked before it goes near a script.
bool isKeyFingerprint(const QString &text); // ^[0-9a-f]{16}$
bool isKeyIndexText(const QString &text);   // ^[0-9]+$ (and fits an int)
bool isAccountName(const QString &text);    // ^[A-Za-z_][A-Za-z0-9._-]*$, at most 32

} // namespace turnstile
