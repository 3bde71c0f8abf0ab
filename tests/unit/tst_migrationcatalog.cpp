// Keystone's migration stamps to releases: known heads, rolling upgrades,
// unknown (newer) revisions and the sqlalchemy-migrate era.
#include "db/migrationcatalog.h"

#include <QTest>

using namespace turnstile;

class TestMigrationCatalog : public QObject
{
    Q_OBJECT
private slots:
    void knownHeads_data()
    {
        QTest::addColumn<QStringList>("revisions");
        QTest::addColumn<QString>("releases");
        QTest::newRow("yoga..2023.1")
            << QStringList{QStringLiteral("29e87d24a316"), QStringLiteral("e25ffa003242")}
            << QStringLiteral("Yoga – 2023.1");
        QTest::newRow("order and blanks do not matter")
            << QStringList{QStringLiteral(" e25ffa003242\n"), QStringLiteral("29e87d24a316")}
            << QStringLiteral("Yoga – 2023.1");
        QTest::newRow("2023.2") << QStringList{QStringLiteral("11c3b243b4cb"),
                                               QStringLiteral("c88cdce8f248")}
                                << QStringLiteral("2023.2");
        QTest::newRow("2024.1..2025.1")
            << QStringList{QStringLiteral("47147121"), QStringLiteral("c88cdce8f248")}
            << QStringLiteral("2024.1 – 2025.1");
        QTest::newRow("newest") << QStringList{QStringLiteral("742c857f1dfb"),
                                               QStringLiteral("c88cdce8f248")}
                                << QStringLiteral("2026.1 or later");
    }
    void knownHeads()
    {
        QFETCH(QStringList, revisions);
        QFETCH(QString, releases);
        const MigrationVersion v = classifyAlembic(revisions);
        QCOMPARE(v.scheme, MigrationVersion::Scheme::Alembic);
        QVERIFY(v.known);
        QCOMPARE(v.releases, releases);
        QVERIFY2(v.note.isEmpty(), qPrintable(v.note));
        QCOMPARE(v.revisions.size(), revisions.size());
    }

    void expandAheadOfContractIsAnUpgradeInProgress()
    {
        const MigrationVersion v =
            classifyAlembic({QStringLiteral("47147121"), QStringLiteral("e25ffa003242")});
        QVERIFY(v.known);
        QCOMPARE(v.releases, QStringLiteral("Yoga – 2025.1"));
        QVERIFY(v.note.contains(QStringLiteral("contract")));
    }

    void unknownRevisionIsFlagged()
    {
        const MigrationVersion v =
            classifyAlembic({QStringLiteral("29e87d24a316"), QStringLiteral("0123abcd9999")});
        QVERIFY(!v.known);
        QVERIFY(v.releases.isEmpty());
        QVERIFY(v.note.contains(QStringLiteral("0123abcd9999")));
        QVERIFY(!v.note.contains(QStringLiteral("29e87d24a316")));
    }

    void emptyAlembicTable()
    {
        const MigrationVersion v = classifyAlembic({});
        QVERIFY(!v.known);
        QVERIFY(!v.note.isEmpty());
    }

    void legacyMigrate()
    {
        const MigrationVersion v = classifyMigrate(
            {{QStringLiteral("keystone_expand"), 79}, {QStringLiteral("keystone"), 67}});
        QCOMPARE(v.scheme, MigrationVersion::Scheme::SqlalchemyMigrate);
        QVERIFY(!v.known);
        QCOMPARE(v.revisions, (QStringList{QStringLiteral("keystone=67"),
                                           QStringLiteral("keystone_expand=79")}));
        QCOMPARE(v.releases, QStringLiteral("before Yoga"));
        QVERIFY(v.note.contains(QStringLiteral("Yoga")));
    }

    void releaseOfOneRevision()
    {
        QCOMPARE(releaseOfRevision(QStringLiteral("b4f8b3f584e0")), QStringLiteral("2023.2"));
        QCOMPARE(releaseOfRevision(QStringLiteral("27e647c0fad4")), QStringLiteral("Yoga"));
        QVERIFY(releaseOfRevision(QStringLiteral("nope")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMigrationCatalog)
#include "tst_migrationcatalog.moc"
