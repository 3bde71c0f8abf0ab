// Which grants the copy-and-swap purge reads as enough, from SHOW GRANTS'
// own lines (MariaDB 10.x and MySQL 8 spellings).
#include "guarded/tableswap.h"

#include <QTest>

using namespace turnstile;

class TestTableSwap : public QObject
{
    Q_OBJECT

private slots:
    // Issue 17: a Galera node falls back unless the profile says every write
    // goes through it, and even then only when DDL replicates in total order.
    void galeraNeedsTheSingleWriterFlagAndToi()
    {
        QVERIFY(TableSwap::galeraRefusal(false, QString(), false).isEmpty());
        const QString multi = TableSwap::galeraRefusal(true, QStringLiteral("TOI"), false);
        QVERIFY(multi.contains(QStringLiteral("Galera node")));
        QVERIFY(multi.contains(QStringLiteral("through this node only")));
        QVERIFY(TableSwap::galeraRefusal(true, QStringLiteral("TOI"), true).isEmpty());
        QVERIFY(TableSwap::galeraRefusal(true, QStringLiteral("toi"), true).isEmpty());
        QVERIFY(TableSwap::galeraRefusal(true, QStringLiteral("RSU"), true)
                    .contains(QStringLiteral("wsrep_OSU_method = RSU")));
        QVERIFY(TableSwap::galeraRefusal(true, QString(), true).contains(QStringLiteral("TOI")));
    }

    void allOnTheSchemaOrGlobalIsEnough()
    {
        QVERIFY(TableSwap::missingGrants(
                    {QStringLiteral("GRANT USAGE ON *.* TO `ks`@`%` IDENTIFIED BY PASSWORD "
                                    "'*ABC'"),
                     QStringLiteral("GRANT ALL PRIVILEGES ON `keystone`.* TO `ks`@`%`")},
                    QStringLiteral("keystone"))
                    .isEmpty());
        QVERIFY(TableSwap::missingGrants(
                    {QStringLiteral("GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH "
                                    "GRANT OPTION")},
                    QStringLiteral("keystone"))
                    .isEmpty());
        // An escaped underscore names the schema itself.
        QVERIFY(TableSwap::missingGrants(
                    {QStringLiteral("GRANT ALL PRIVILEGES ON `key\\_stone`.* TO `ks`@`%`")},
                    QStringLiteral("key_stone"))
                    .isEmpty());
    }

    void keystonesUsualGrantsLackWhatTheSwapNeeds()
    {
        // DML only: what many deployments give Keystone after the migrations.
        QCOMPARE(TableSwap::missingGrants({QStringLiteral("GRANT SELECT, INSERT, UPDATE, DELETE "
                                                          "ON `keystone`.* TO `ks`@`%`")},
                                          QStringLiteral("keystone")),
                 (QStringList{QStringLiteral("CREATE"), QStringLiteral("DROP"),
                              QStringLiteral("ALTER"), QStringLiteral("TRIGGER")}));
        // Grants on the table alone do not cover the two new tables.
        QCOMPARE(TableSwap::missingGrants({QStringLiteral("GRANT ALL PRIVILEGES ON "
                                                          "`keystone`.`token` TO `ks`@`%`")},
                                          QStringLiteral("keystone"))
                     .size(),
                 7);
        // Another schema, a wildcard pattern and a role are not read as grants here.
        QCOMPARE(TableSwap::missingGrants(
                     {QStringLiteral("GRANT ALL PRIVILEGES ON `other`.* TO `ks`@`%`"),
                      QStringLiteral("GRANT ALL PRIVILEGES ON `key%`.* TO `ks`@`%`"),
                      QStringLiteral("GRANT `admin` TO `ks`@`%`")},
                     QStringLiteral("keystone"))
                     .size(),
                 7);
        // A column grant is no grant on a new table's columns.
        QVERIFY(TableSwap::missingGrants({QStringLiteral("GRANT SELECT (id, expires), CREATE, "
                                                         "DROP, ALTER, TRIGGER, INSERT, DELETE "
                                                         "ON `keystone`.* TO `ks`@`%`")},
                                         QStringLiteral("keystone"))
                    .contains(QStringLiteral("SELECT")));
    }
};

QTEST_GUILESS_MAIN(TestTableSwap)
#include "tst_tableswap.moc"
