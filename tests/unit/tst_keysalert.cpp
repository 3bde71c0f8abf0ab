// The Overview verdict with key repositories: disagreeing nodes are critical
// and lead the sentence, a mode problem is a warning, agreement adds nothing.
#include "keys/keystatus.h"
#include "probe/keysalert.h"
#include "probe/proberesult.h"

#include <QJsonObject>
#include <QTest>

using namespace turnstile;
using namespace Qt::StringLiterals;

namespace {
KeyStatus status(KeyConsistency::Level level, const QString &summary)
{
    KeyStatus st;
    st.fernet.append(RepositoryState{});
    st.fernetConsistency.level = level;
    st.fernetConsistency.summary = summary;
    return st;
}
} // namespace

class TestKeysAlert : public QObject
{
    Q_OBJECT
private slots:
    void agreementLeavesTheVerdictAlone()
    {
        ProbeResult r;
        r.thresholdLevel = 1;
        applyKeysAlert(r, status(KeyConsistency::Level::Ok, u"All 3 node(s) agree"_s));
        QCOMPARE(r.thresholdLevel, 1);
        QVERIFY(r.thresholdReason.isEmpty());
        QCOMPARE(r.keysLevel, 1);
        QCOMPARE(r.keysSummary, u"All 3 node(s) agree"_s);
    }

    void disagreementIsCriticalAndLeads()
    {
        ProbeResult r;
        r.thresholdLevel = 2;
        r.thresholdReason = u"revocation_event grows fast."_s;
        applyKeysAlert(r, status(KeyConsistency::Level::Critical,
                                 u"node3 lacks key 5: tokens issued on node1 will fail validation "
                                 "on node3."_s));
        QCOMPARE(r.thresholdLevel, 3);
        QVERIFY(r.thresholdReason.startsWith(u"Fernet keys: node3 lacks key 5"_s));
        QVERIFY(r.thresholdReason.endsWith(u"revocation_event grows fast."_s));
        // Issue 21: the tile highlights the Fernet keys row in red.
        QVERIFY(r.thresholdTriggered.contains(u"keys"_s));
        QVERIFY(r.thresholdCritical.contains(u"keys"_s));
        // and it survives the JSON round trip the collector uses
        const ProbeResult back = ProbeResult::fromJson(r.toJson());
        QCOMPARE(back.keysLevel, 3);
        QCOMPARE(back.keysSummary, r.keysSummary);
    }

    void warningDoesNotHideACriticalFigure()
    {
        ProbeResult r;
        r.thresholdLevel = 3;
        r.thresholdReason = u"Token validation failed."_s;
        applyKeysAlert(r, status(KeyConsistency::Level::Warning, u"mode 0644"_s));
        QCOMPARE(r.thresholdLevel, 3);
        QVERIFY(r.thresholdReason.startsWith(u"Token validation failed."_s));
        QVERIFY(r.thresholdReason.contains(u"mode 0644"_s));
    }
};

QTEST_GUILESS_MAIN(TestKeysAlert)
#include "tst_keysalert.moc"
