#pragma once

#include "keys/keylocation.h"
#include "keys/nodeshell.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace turnstile {

// One key file as the node describes it. The fingerprint is the first 16 hex
// digits of the SHA-256 of the file, computed by the node's shell: the key
// itself never leaves the node.
struct KeyFile
{
    int index = -1;
    QDateTime modified; // UTC
    int mode = 0;       // permission bits, e.g. 0600
    QString owner;
    QString group;
    qint64 size = -1;
    QString fingerprint; // empty when the file is not readable

    bool operator==(const KeyFile &o) const = default;
};

// What a node's repository looks like right now.
struct RepositoryState
{
    enum class Kind
    {
        Fernet,
        Credential
    };
    KeyLocation location;
    Kind kind = Kind::Fernet;
    NodeError error = NodeError::None;
    QString errorMessage; // one sentence; the repository could not be read
    QString dirOwner;
    QString dirGroup;
    int dirMode = 0;
    QDateTime nodeTime;                 // the node's clock when it answered
    QMap<int, KeyFile> keys;            // by index
    QStringList problems;               // wrong mode/owner, no staged key, empty repository...
    QMap<int, QStringList> keyProblems; // the problems of one key file, by index
    // Why Turnstile refuses to change this repository (a symbolic link where
    // the scripts would act as root); also in problems. Empty when it may.
    QStringList unsafe;

    bool readable() const { return error == NodeError::None && errorMessage.isEmpty(); }
    bool empty() const { return readable() && keys.isEmpty(); }
    int primary() const; // highest index, -1 when there is none besides 0
    QList<int> secondaries() const;
    bool hasStaged() const { return keys.contains(0); }
    QString roleOf(int index) const; // "staged", "primary", "secondary"
    QJsonObject toJson() const;
};

// The POSIX sh script that lists a repository (exposed for tests).
QByteArray repositoryListingScript(const QString &path);
// Parses that script's output into state (location and kind already set),
// then checks modes and owners. Pure; unit-tested.
void parseRepositoryListing(const QByteArray &output, RepositoryState &state);

// Reads every location at the same time (one ssh per node, shared
// connections) and returns the states in the same order. cancelled() stops
// the reads that are still running.
QList<RepositoryState> readRepositories(const QList<KeyLocation> &locations,
                                        RepositoryState::Kind kind, const SshOptions &ssh,
                                        const NodeCancel &cancelled = {});

} // namespace turnstile
