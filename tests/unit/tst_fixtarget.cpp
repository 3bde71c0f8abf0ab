// Issue 21: each non-green reason on an Overview tile links to where it is
// fixed. The finding -> fix mapping is core's, tested without a window.
#include "health/fixtarget.h"
#include "health/thresholds.h"

#include <QTest>

using namespace turnstile;
using K = FixTarget::Kind;

namespace {
QList<K> kinds(const QList<FixTarget> &targets)
{
    QList<K> out;
    for (const FixTarget &t : targets)
        out.append(t.kind);
    return out;
}
} // namespace

class TestFixTarget : public QObject
{
    Q_OBJECT
private slots:
    void eachFindingHasItsFix()
    {
        QCOMPARE(kinds(fixTargetsFor({QStringLiteral("revocation_event.obsolete")})),
                 QList<K>{K::RevocationPrune});
        QCOMPARE(kinds(fixTargetsFor({QStringLiteral("keys")})), QList<K>{K::KeysPage});
        // A growing table and an overfull one: its purge preview.
        QCOMPARE(kinds(fixTargetsFor({QStringLiteral("token.live")})), QList<K>{K::TokenPurge});
        QCOMPARE(kinds(fixTargetsFor({QStringLiteral("token.expired")})), QList<K>{K::TokenPurge});
        // Latency and memcached: nothing in Turnstile fixes them, no link.
        QVERIFY(fixTargetsFor({QStringLiteral("validate.ms"), QStringLiteral("memcached.hit_ratio"),
                               QStringLiteral("catalog.bytes")})
                    .isEmpty());
    }

    void lockedServiceAccountsGetTheirUnlock()
    {
        ComplianceSummary::LockedServiceAccount nova{
            QStringLiteral("id-nova"), QStringLiteral("nova"), QStringLiteral("Default"), {}};
        const QList<FixTarget> t = fixTargetsFor({QStringLiteral("users.locked")}, {nova});
        QCOMPARE(t.size(), 1);
        QCOMPARE(t.first().kind, K::UnlockUser);
        QCOMPARE(t.first().argument, QStringLiteral("id-nova"));
        QCOMPARE(t.first().label, QStringLiteral("Unlock nova…"));
        // Only people locked out: the list, not an unlock button.
        QCOMPARE(kinds(fixTargetsFor({QStringLiteral("users.locked")})), QList<K>{K::LockedUsers});
    }

    // The order of the verdict, one link per target: two revocation findings
    // are one prune.
    void inTheVerdictsOrderWithoutRepeats()
    {
        const HealthVerdict v =
            evaluateHealth(defaultThresholds(),
                           {{QStringLiteral("revocation_event.rows"), 20000},
                            {QStringLiteral("revocation_event.obsolete"), 19000},
                            {QStringLiteral("token.expired"), 2e7}},
                           {});
        QVERIFY(v.triggered.size() >= 3);
        const QList<FixTarget> t = fixTargetsFor(v.triggered);
        QCOMPARE(kinds(t), (QList<K>{K::RevocationPrune, K::TokenPurge}));
        QCOMPARE(t.first().label,
                 QStringLiteral("Preview the prune of obsolete revocation events"));
    }
};

QTEST_GUILESS_MAIN(TestFixTarget)
#include "tst_fixtarget.moc"
