#include "keys/keyconsistency.h"
#include "keys/rotationpreflight.h"

#include <QTest>

using namespace turnstile;
using namespace Qt::StringLiterals;

namespace {
const QDateTime kT0 = QDateTime::fromSecsSinceEpoch(1800000000, Qt::UTC);

// A node with keys index -> (fingerprint, mtime offset in seconds).
RepositoryState node(const QString &host, const QList<std::pair<int, QString>> &keys)
{
    RepositoryState s;
    s.location = *KeyLocation::parse(u"ssh://"_s + host + u"/etc/keystone/fernet-keys"_s);
    s.dirOwner = s.dirGroup = u"keystone"_s;
    s.dirMode = 0700;
    for (const auto &[idx, fp] : keys) {
        KeyFile k;
        k.index = idx;
        k.fingerprint = fp;
        k.mode = 0600;
        k.owner = k.group = u"keystone"_s;
        k.size = 44;
        k.modified = kT0;
        s.keys.insert(idx, k);
    }
    return s;
}

QList<KeyDifference::Kind> kinds(const KeyConsistency &c)
{
    QList<KeyDifference::Kind> k;
    for (const KeyDifference &d : c.differences)
        k << d.kind;
    return k;
}
} // namespace

class TestKeyConsistency : public QObject
{
    Q_OBJECT
private slots:
    void identicalNodesAreGreen()
    {
        const QList<std::pair<int, QString>> keys = {{0, u"f0"_s}, {2, u"f2"_s}, {3, u"f3"_s}};
        const auto c = compareRepositories(
            {node(u"node1"_s, keys), node(u"node2"_s, keys), node(u"node3"_s, keys)});
        QCOMPARE(c.level, KeyConsistency::Level::Ok);
        QVERIFY(c.consistent());
        QVERIFY(c.differences.isEmpty());
        QVERIFY(c.summary.contains(u"3 node"_s));
    }

    void nodeBehindIsNamedWithTheConsequence()
    {
        // node3 missed the last rotation: it lacks primary 4 and has old 2.
        const QList<std::pair<int, QString>> fresh = {{0, u"f0b"_s}, {3, u"f3"_s}, {4, u"f0"_s}};
        const QList<std::pair<int, QString>> stale = {{0, u"f0"_s}, {2, u"f2"_s}, {3, u"f3"_s}};
        const auto c = compareRepositories(
            {node(u"node1"_s, fresh), node(u"node2"_s, fresh), node(u"node3"_s, stale)});
        QCOMPARE(c.level, KeyConsistency::Level::Critical);
        QCOMPARE(c.reference, u"node1"_s);
        QVERIFY(c.reasonsFor(u"node2"_s).isEmpty());
        const QStringList r = c.reasonsFor(u"node3"_s);
        QCOMPARE(kinds(c), (QList<KeyDifference::Kind>{KeyDifference::Kind::DifferentPrimary,
                                                       KeyDifference::Kind::DifferentFingerprint,
                                                       KeyDifference::Kind::MissingKey,
                                                       KeyDifference::Kind::ExtraKey}));
        const QString all = r.join(u'\n');
        QVERIFY2(all.contains(u"tokens issued on node1 will fail validation on node3"_s),
                 qPrintable(all));
        QVERIFY2(all.contains(u"node3 lacks key 4"_s), qPrintable(all));
        QVERIFY2(all.contains(u"node3 has key 2"_s), qPrintable(all));
        QCOMPARE(c.summary, r.first());
    }

    void newestPrimaryIsTheReference()
    {
        const QList<std::pair<int, QString>> older = {{0, u"a"_s}, {1, u"b"_s}};
        const QList<std::pair<int, QString>> newer = {{0, u"c"_s}, {1, u"b"_s}, {2, u"a"_s}};
        const QList<RepositoryState> nodes = {node(u"node1"_s, older), node(u"node2"_s, newer)};
        QCOMPARE(newestPrimaryNode(nodes), 1);
        const auto c = compareRepositories(nodes);
        QCOMPARE(c.reference, u"node2"_s);
        QVERIFY(c.reasonsFor(u"node1"_s)
                    .join(u' ')
                    .contains(u"tokens issued on node2 will fail validation on node1"_s));
    }

    void sameIndexDifferentKey()
    {
        const auto c = compareRepositories(
            {node(u"a"_s, {{0, u"x"_s}, {1, u"p"_s}}), node(u"b"_s, {{0, u"x"_s}, {1, u"q"_s}})});
        QCOMPARE(kinds(c), QList<KeyDifference::Kind>{KeyDifference::Kind::DifferentFingerprint});
        QVERIFY(c.summary.contains(u"tokens issued on a will fail validation on b"_s));
        QVERIFY(c.summary.contains(u"tokens issued on b will fail validation on a"_s));
    }

    void unreadableAndEmptyNodesAreCritical()
    {
        RepositoryState down = node(u"node2"_s, {});
        down.error = NodeError::Unreachable;
        down.errorMessage = u"node2: unreachable (Connection refused)."_s;
        const auto c1 = compareRepositories({node(u"node1"_s, {{0, u"a"_s}, {1, u"b"_s}}), down});
        QCOMPARE(c1.level, KeyConsistency::Level::Critical);
        QCOMPARE(kinds(c1), QList<KeyDifference::Kind>{KeyDifference::Kind::Unreadable});
        QVERIFY(c1.summary.contains(u"Connection refused"_s));

        RepositoryState empty = node(u"node1"_s, {});
        empty.problems << u"The repository is empty"_s;
        const auto c2 = compareRepositories({empty});
        QCOMPARE(c2.level, KeyConsistency::Level::Critical);
        QCOMPARE(c2.summary, u"The repository is empty"_s);

        QCOMPARE(compareRepositories({}).level, KeyConsistency::Level::Unknown);
    }

    void modeProblemIsAWarningOnly()
    {
        RepositoryState a = node(u"a"_s, {{0, u"x"_s}, {1, u"p"_s}});
        RepositoryState b = a;
        b.location = *KeyLocation::parse(u"ssh://b/k"_s);
        b.problems << u"Key 1 on b has mode 0644"_s;
        const auto c = compareRepositories({a, b});
        QCOMPARE(c.level, KeyConsistency::Level::Warning);
        QVERIFY(c.consistent());
        QVERIFY(c.summary.contains(u"0644"_s));
    }

    // --- pre-flight arithmetic

    void requiredKeysFormula()
    {
        // (3600 + 172800) / 86400 = 2.04 -> 3 intervals + 2 = 5
        QCOMPARE(requiredActiveKeys(3600, 172800, 86400), 5);
        // exactly divisible: 24h expiration, no window, hourly rotation: 24 + 2
        QCOMPARE(requiredActiveKeys(86400, 0, 3600), 26);
        QCOMPARE(requiredActiveKeys(3600, 0, 3600), 3);
    }

    void rotationLayoutMatchesKeystoneManage()
    {
        // fernet_setup: 0 1; rotations with max 3: 0 1 2, 0 2 3, 0 3 4
        RepositoryState r = node(u"n"_s, {{0, u"a"_s}, {1, u"b"_s}});
        RotationSettings s;
        s.maxActiveKeys = 3;
        RotationPreflight p = preflightRotation(r, s, kT0);
        QCOMPARE(p.newPrimary, 2);
        QCOMPARE(p.keysAfter, (QList<int>{0, 1, 2}));
        QVERIFY(p.dropped.isEmpty());
        r = node(u"n"_s, {{0, u"a"_s}, {1, u"b"_s}, {2, u"c"_s}});
        p = preflightRotation(r, s, kT0);
        QCOMPARE(p.keysAfter, (QList<int>{0, 2, 3}));
        QCOMPARE(p.dropped.size(), 1);
        QCOMPARE(p.dropped.first().index, 1);
        // max 2 after a lowered setting drops two at once
        r = node(u"n"_s, {{0, u"a"_s}, {3, u"b"_s}, {4, u"c"_s}, {5, u"d"_s}});
        s.maxActiveKeys = 2;
        p = preflightRotation(r, s, kT0);
        QCOMPARE(p.keysAfter, (QList<int>{0, 6}));
        QCOMPARE(p.dropped.size(), 3);
    }

    void droppedKeyStillNeededByLiveTokens()
    {
        // Daily rotations: 0 made at T0, 3 at T0-1d, 2 at T0-2d. Key 2 was
        // primary from mtime(3) to mtime(0): until T0. With expiration 1h and
        // allow_expired_window 2d, its tokens live until T0+1h+2d.
        RepositoryState r = node(u"n"_s, {{0, u"a"_s}, {2, u"b"_s}, {3, u"c"_s}});
        r.keys[0].modified = kT0;
        r.keys[3].modified = kT0.addDays(-1);
        r.keys[2].modified = kT0.addDays(-2);
        RotationSettings s; // 3600 / 172800 / 3
        const QDateTime now = kT0.addSecs(3600);
        RotationPreflight p = preflightRotation(r, s, now);
        QCOMPARE(p.dropped.size(), 1);
        QCOMPARE(p.dropped.first().index, 2);
        QCOMPARE(p.dropped.first().primaryUntil, kT0);
        QCOMPARE(p.dropped.first().neededUntil, kT0.addSecs(3600 + 172800));
        QVERIFY(p.dropped.first().stillNeeded);
        QCOMPARE(p.stillNeededCount(), 1);
        QCOMPARE(p.interval.value_or(-1), 86400);
        QCOMPARE(p.requiredKeys.value_or(-1), 5);
        QVERIFY(!p.enoughKeys);
        QVERIFY(!p.warnings.isEmpty());

        // Without allow_expired_window and a day later, the key is dead.
        s.allowExpiredWindow = 0;
        p = preflightRotation(r, s, kT0.addDays(1));
        QVERIFY(!p.dropped.first().stillNeeded);
        QCOMPARE(p.stillNeededCount(), 0);
        QCOMPARE(p.requiredKeys.value_or(-1), 3);
        QVERIFY(p.enoughKeys);
    }

    void intervalUnknownOrConfigured()
    {
        RepositoryState r = node(u"n"_s, {{0, u"a"_s}, {1, u"b"_s}}); // same mtime: fresh setup
        RotationSettings s;
        RotationPreflight p = preflightRotation(r, s, kT0);
        QVERIFY(!p.interval);
        QVERIFY(p.warnings.join(u' ').contains(u"unknown"_s));
        s.rotationInterval = 7 * 86400;
        p = preflightRotation(r, s, kT0);
        QCOMPARE(p.interval.value_or(-1), 7 * 86400);
        QCOMPARE(p.requiredKeys.value_or(-1), 3);
        QVERIFY(p.enoughKeys);
    }
};

QTEST_GUILESS_MAIN(TestKeyConsistency)
#include "tst_keyconsistency.moc"
