#pragma once

#include <QString>

#include <optional>

namespace turnstile {

// Where one node's key repository lives: a local path, or
// ssh://[user@]host[:port]/absolute/path. Host and user are restricted to
// characters that need no quoting, because they end up on an ssh command
// line (also on the nodes, when one node pushes keys to another).
struct KeyLocation
{
    QString text; // as given, trailing slashes removed from the path
    bool remote = false;
    QString user;
    QString host;
    int port = -1;
    QString path; // absolute

    // A short name for tables and sentences: the host, or a local
    // repository's path.
    QString node() const;
    // "root@node1:2222" / "node1" / a local path: who is asked to run a command.
    QString sshDestination() const;

    // Whether both name the same repository: same host (whatever user or
    // port reaches it) and path, or the same local directory.
    bool sameRepository(const KeyLocation &o) const;

    static std::optional<KeyLocation> parse(const QString &text, QString *error = nullptr);
    bool operator==(const KeyLocation &o) const = default;
};

// 'text' with every ' escaped, for a POSIX shell.
QString shellQuote(const QString &text);

} // namespace turnstile
