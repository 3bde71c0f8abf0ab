// The Keys page's table: QAbstractItemModelTester over status changes, one
// row per node and key index (union), red rows for what differs.
#include "keys/keyconsistency.h"
#include "keysmodel.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QTest>

using namespace turnstile;
using namespace Qt::StringLiterals;

namespace {
RepositoryState node(const QString &host, const QList<std::pair<int, QString>> &keys)
{
    RepositoryState s;
    s.location = *KeyLocation::parse(u"ssh://"_s + host + u"/k"_s);
    s.dirOwner = s.dirGroup = u"keystone"_s;
    s.dirMode = 0700;
    for (const auto &[idx, fp] : keys) {
        KeyFile k;
        k.index = idx;
        k.fingerprint = fp;
        k.mode = 0600;
        k.owner = k.group = u"keystone"_s;
        k.size = 44;
        k.modified = QDateTime::fromSecsSinceEpoch(1800000000, Qt::UTC);
        s.keys.insert(idx, k);
    }
    return s;
}

KeyStatus status(const QList<RepositoryState> &nodes)
{
    KeyStatus st;
    st.fernet = nodes;
    st.fernetConsistency = compareRepositories(nodes);
    return st;
}
} // namespace

class TestKeysModel : public QObject
{
    Q_OBJECT
private slots:
    void rowsPerNodeAndIndex()
    {
        KeysModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(m.rowCount(), 0);
        const QList<std::pair<int, QString>> fresh = {{0, u"n0"_s}, {2, u"b"_s}, {3, u"a"_s}};
        const QList<std::pair<int, QString>> stale = {{0, u"a"_s}, {1, u"c"_s}, {2, u"b"_s}};
        m.setStatus(
            status({node(u"node1"_s, fresh), node(u"node2"_s, fresh), node(u"node3"_s, stale)}));
        // indices 0 1 2 3 on three nodes
        QCOMPARE(m.rowCount(), 12);
        QCOMPARE(m.columnCount(), int(KeysModel::ColumnCount));
        auto row = [&](const QString &n, int idx) {
            for (int r = 0; r < m.rowCount(); ++r)
                if (m.index(r, KeysModel::NodeColumn).data().toString() == n &&
                    m.index(r, KeysModel::KeyColumn).data().toInt() == idx)
                    return r;
            return -1;
        };
        // node1 key 3: the reference's primary
        const int n1k3 = row(u"node1"_s, 3);
        QVERIFY(n1k3 >= 0);
        QCOMPARE(m.index(n1k3, KeysModel::RoleColumn).data().toString(), u"primary"_s);
        QCOMPARE(m.index(n1k3, KeysModel::FingerprintColumn).data().toString(), u"a"_s);
        // node3 key 3: missing, red, with the consequence
        const int n3k3 = row(u"node3"_s, 3);
        QCOMPARE(m.index(n3k3, KeysModel::RoleColumn).data().toString(), u"missing"_s);
        QCOMPARE(m.index(n3k3, 0).data(KeysModel::LevelRole).toInt(), 3);
        QVERIFY(m.index(n3k3, KeysModel::StatusColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(u"will fail validation on node3"_s));
        // node2 key 2: agreed everywhere -> green
        const int n2k2 = row(u"node2"_s, 2);
        QCOMPARE(m.index(n2k2, 0).data(KeysModel::LevelRole).toInt(), 1);
        QCOMPARE(
            m.index(n2k2, KeysModel::StatusColumn).data(Qt::ForegroundRole).value<QBrush>().color(),
            QColor(0x2e, 0x7d, 0x32));
        // key 1 is only node3's (extra): absent on node1 and node2 as it should be
        QCOMPARE(m.index(row(u"node1"_s, 1), KeysModel::RoleColumn).data().toString(), u"absent"_s);
        QCOMPARE(m.index(row(u"node2"_s, 1), 0).data(KeysModel::LevelRole).toInt(), 1);
        QCOMPARE(m.index(row(u"node3"_s, 1), 0).data(KeysModel::LevelRole).toInt(), 3);
        // the reference's rows stay green; node2 agrees with it
        QCOMPARE(m.index(n1k3, 0).data(KeysModel::LevelRole).toInt(), 1);
        QCOMPARE(m.index(row(u"node2"_s, 3), 0).data(KeysModel::LevelRole).toInt(), 1);

        // all agree: every row green
        m.setStatus(status({node(u"node1"_s, fresh), node(u"node2"_s, fresh)}));
        QCOMPARE(m.rowCount(), 6);
        for (int r = 0; r < m.rowCount(); ++r)
            QCOMPARE(m.index(r, 0).data(KeysModel::LevelRole).toInt(), 1);
        m.clear();
        QCOMPARE(m.rowCount(), 0);
    }

    void unreadableNodeIsOneRedRow()
    {
        KeysModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RepositoryState down = node(u"node2"_s, {});
        down.error = NodeError::PermissionDenied;
        down.errorMessage = u"node2: permission denied (ssh authentication failed)."_s;
        m.setStatus(status({node(u"node1"_s, {{0, u"a"_s}, {1, u"b"_s}}), down}));
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.index(2, KeysModel::NodeColumn).data().toString(), u"node2"_s);
        QCOMPARE(m.index(2, KeysModel::KeyColumn).data().toString(), u"–"_s);
        QVERIFY(m.index(2, KeysModel::StatusColumn).data().toString().contains(u"permission"_s));
        QCOMPARE(m.index(2, 0).data(KeysModel::LevelRole).toInt(), 3);
    }

    void modeProblemIsAmber()
    {
        KeysModel m;
        RepositoryState a = node(u"a"_s, {{0, u"x"_s}, {1, u"y"_s}});
        a.keys[1].mode = 0644;
        a.keyProblems.insert(1, {u"Key 1 on a has mode 0644"_s});
        a.problems << u"Key 1 on a has mode 0644"_s;
        m.setStatus(status({a}));
        QCOMPARE(m.index(1, 0).data(KeysModel::LevelRole).toInt(), 2);
        QCOMPARE(m.index(1, KeysModel::ModeColumn).data().toString(), u"0644"_s);
        QCOMPARE(m.index(0, 0).data(KeysModel::LevelRole).toInt(), 1);
    }
};

QTEST_MAIN(TestKeysModel)
#include "tst_keysmodel.moc"
