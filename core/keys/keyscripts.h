#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>

namespace turnstile {

// The POSIX sh scripts that change a repository on its node. Each is one
// brace group (parsed whole before it runs), takes a lock on
// <repo>/.turnstile.lock, and prints no key material. Names that Keystone
// ignores (not an integer) hold temporary files, the lock and the backups.

// keystone-manage fernet_rotate, done safely: the new primary (a copy of 0,
// mtime kept) and the new staged key (32 bytes from the node's
// /dev/urandom, urlsafe base64) are written as temporary files, chmod 0600,
// chown'ed to the repository directory's owner and group (what fernet_setup
// sets, and what the status check expects) and synced; the current keys are copied
// to .turnstile-backup/<UTC>/ (the last three kept); then rename to the new
// primary, rename over 0, and remove the oldest non-staged keys down to
// max_active_keys - 1. At every step the repository has a primary and a
// staged key. Prints "ROTATED <new primary>".
QByteArray rotateScript(const QString &path, int maxActiveKeys);

// Writes the repository's key files as a tar stream to stdout.
QByteArray sendScript(const QString &path);

// Reads a tar stream of key files from stdin into a staging directory in the
// repository, checks every file against the expected fingerprints, fixes
// mode and owner, backs up the current keys, renames the new keys into place
// (highest first, 0 last, so a primary is always there) and removes keys the
// source does not have. Prints "RECEIVED".
QString receiveScript(const QString &path, const QMap<int, QString> &fingerprints);

// What the *source node* runs to push its keys to another node: sendScript
// piped into peerCommand, which runs receiveScript there.
QByteArray pushScript(const QString &sourcePath, const QString &peerCommand);

// A command line that runs `script` with sh on a remote login shell without
// any quoting hazard: the script travels base64-encoded.
QString encodedShellCommand(const QString &script);

} // namespace turnstile
