#include "auditlogmodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace turnstile;

class TestAuditLogModel : public QObject
{
    Q_OBJECT

    static QJsonObject rec(const QString &profile, const QString &outcome, qint64 affected)
    {
        QJsonObject result;
        result.insert(QStringLiteral("outcome"), outcome);
        result.insert(QStringLiteral("affected"), affected);
        result.insert(QStringLiteral("message"), QStringLiteral("msg ") + profile);
        QJsonObject o;
        o.insert(QStringLiteral("profile"), profile);
        o.insert(QStringLiteral("action"), QStringLiteral("purge.tokens"));
        o.insert(QStringLiteral("target"), QStringLiteral("keystone.token@db1"));
        o.insert(QStringLiteral("start"), QStringLiteral("2026-11-20T10:00:00.000Z"));
        o.insert(QStringLiteral("os_user"), QStringLiteral("ops"));
        o.insert(QStringLiteral("host"), QStringLiteral("ws1"));
        o.insert(QStringLiteral("result"), result);
        return o;
    }

private slots:
    void passesModelTester()
    {
        AuditLogModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setRecords({rec(QStringLiteral("a"), QStringLiteral("completed"), 5)});
        m.setRecords({rec(QStringLiteral("a"), QStringLiteral("completed"), 5),
                      rec(QStringLiteral("b"), QStringLiteral("failed"), 0)});
        m.setRecords({});
    }

    void newestFirstWithReadableColumns()
    {
        AuditLogModel m;
        m.setRecords({rec(QStringLiteral("old"), QStringLiteral("completed"), 1900000),
                      rec(QStringLiteral("new"), QStringLiteral("failed"), 12)});
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.index(0, AuditLogModel::ProfileColumn).data().toString(), QStringLiteral("new"));
        QCOMPARE(m.index(1, AuditLogModel::RowsColumn).data().toString(),
                 QLocale().toString(1900000));
        QCOMPARE(m.index(0, AuditLogModel::ByColumn).data().toString(), QStringLiteral("ops@ws1"));
        QCOMPARE(m.index(0, AuditLogModel::OutcomeColumn).data().toString(),
                 QStringLiteral("failed"));
        QVERIFY(m.index(0, AuditLogModel::OutcomeColumn).data(Qt::ForegroundRole).isValid());
        QVERIFY(!m.index(1, AuditLogModel::OutcomeColumn).data(Qt::ForegroundRole).isValid());
        QCOMPARE(m.index(0, 0).data(Qt::ToolTipRole).toString(), QStringLiteral("msg new"));
        QCOMPARE(m.record(1).value(u"profile").toString(), QStringLiteral("old"));
    }
};

QTEST_GUILESS_MAIN(TestAuditLogModel)
#include "tst_auditlogmodel.moc"
