#include "keystone/identityapi.h"

#include <QTest>

using namespace turnstile;

class TestIdentityParsers : public QObject
{
    Q_OBJECT
    static HttpResult ok(const QByteArray &body)
    {
        HttpResult h;
        h.status = 200;
        h.body = body;
        return h;
    }
private slots:
    void revocationKinds()
    {
        const RevocationEventsResult r = parseRevocationEvents(ok(R"({"events":[
            {"audit_id":"tKOb-2OqRvODv7kf00vHiw","issued_before":"2026-11-23T12:30:10.000000Z","revoked_at":"2026-11-23T12:30:10.000000Z"},
            {"user_id":"u1","issued_before":"2026-11-23T12:31:00.000000Z","revoked_at":"2026-11-23T12:31:00.000000Z"},
            {"project_id":"p1","issued_before":"2026-11-23T12:32:00.000000Z","revoked_at":"2026-11-23T12:32:00.000000Z"},
            {"domain_id":"d1","issued_before":"2026-11-23T12:33:00.000000Z","revoked_at":"2026-11-23T12:33:00.000000Z"}],
            "links":{"next":null}})"));
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.events.size(), 4);
        QCOMPARE(r.events.at(0).kind(), RevocationEvent::Kind::AuditId);
        QCOMPARE(r.events.at(1).kind(), RevocationEvent::Kind::User);
        QCOMPARE(r.events.at(2).kind(), RevocationEvent::Kind::Project);
        QCOMPARE(r.events.at(3).kind(), RevocationEvent::Kind::Domain);
        QCOMPARE(r.events.at(0).revokedAt,
                 QDateTime(QDate(2026, 11, 23), QTime(12, 30, 10), Qt::UTC));
    }
    void garbageIsAnError()
    {
        QVERIFY(!parseRevocationEvents(ok("not json")).ok());
        QVERIFY(!parseRevocationEvents(ok(R"({"events": 5})")).ok());
        QVERIFY(!parseCatalog(ok("[]")).ok());
    }
    void catalogRegions()
    {
        const CatalogResult c = parseCatalog(ok(R"({"catalog":[
            {"type":"identity","endpoints":[{"region_id":"RegionOne","interface":"public"},{"region":"RegionTwo"}]},
            {"type":"compute","endpoints":[{"region_id":"RegionOne"}]}]})"));
        QVERIFY(c.ok());
        QCOMPARE(c.services, 2);
        QCOMPARE(c.regions,
                 (QStringList{QStringLiteral("RegionOne"), QStringLiteral("RegionTwo")}));
        QVERIFY(c.catalogBytes > 50);
    }
};

QTEST_APPLESS_MAIN(TestIdentityParsers)
#include "tst_identityparsers.moc"
