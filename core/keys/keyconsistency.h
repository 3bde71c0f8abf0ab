#pragma once

#include "keys/keyrepository.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace turnstile {

// How one node differs from the reference node.
struct KeyDifference
{
    enum class Kind
    {
        Unreadable,          // the node could not be read at all
        MissingKey,          // the reference has the key, the node does not
        ExtraKey,            // the node has a key the reference does not
        DifferentPrimary,    // the nodes sign new tokens with different keys
        DifferentFingerprint // same index, different key
    };
    Kind kind = Kind::MissingKey;
    QString node;
    QString reference;
    int index = -1;
    QString sentence; // what differs and what breaks because of it

    static QString kindName(Kind k);
};

// The verdict over all nodes that must share keys.
struct KeyConsistency
{
    enum class Level
    {
        Unknown, // nothing configured
        Ok,      // identical sets, no file problems
        Warning, // identical sets, but a mode/owner problem on some node
        Critical // nodes differ, or one cannot be read, or a repository is empty
    };
    Level level = Level::Unknown;
    QString reference; // node whose keys the others are compared with
    QList<KeyDifference> differences;
    QStringList problems; // per-node file problems (mode, owner, empty)
    QString summary;      // one sentence for the Overview tile

    bool consistent() const { return level == Level::Ok || level == Level::Warning; }
    // Differences (and problems) of one node.
    QStringList reasonsFor(const QString &node) const;
    QJsonObject toJson() const;
    static QString levelName(Level l);
};

// Compares the repositories of several nodes. The reference is the readable
// node with the newest primary (the one a repair distributes from); the
// first listed wins a tie. Pure; unit-tested.
KeyConsistency compareRepositories(const QList<RepositoryState> &nodes);

// Index of that reference node in nodes, -1 when none is readable.
int newestPrimaryNode(const QList<RepositoryState> &nodes);

} // namespace turnstile
