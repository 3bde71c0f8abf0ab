// The profile editor's "Test connection": one sentence per part, also when
// nothing answers. (Against the lab: tst_lab_connectiontest.)
#include "probe/connectiontest.h"

#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

class TestConnectionTest : public QObject
{
    Q_OBJECT
private slots:
    void unreachablePartsEachGetASentence()
    {
        QTemporaryDir dir;
        Profile p;
        p.name = QStringLiteral("nowhere");
        // Port 1 on loopback: refused at once.
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
        p.timeoutMs = 3000;
        p.databaseUrl = QStringLiteral("mysql+pymysql://keystone@127.0.0.1:1/keystone");
        p.keyRepositories = {dir.filePath(QStringLiteral("missing"))};
        Secrets s;
        s.password = QStringLiteral("x");
        const ConnectionTest t = testConnection(p, s);
        QVERIFY(!t.ok());
        QCOMPARE(t.lines.size(), 3);
        using Part = ConnectionTest::Part;
        using State = ConnectionTest::State;
        QCOMPARE(t.lines[0].part, Part::Keystone);
        QCOMPARE(t.lines[0].state, State::Failed);
        QVERIFY2(t.lines[0].sentence.contains(QStringLiteral("127.0.0.1:1")),
                 qPrintable(t.lines[0].sentence));
        QCOMPARE(t.lines[1].part, Part::Database);
        QCOMPARE(t.lines[1].state, State::Failed);
        QVERIFY2(t.lines[1].sentence.contains(QStringLiteral("127.0.0.1")),
                 qPrintable(t.lines[1].sentence));
        QCOMPARE(t.lines[2].part, Part::Node);
        QCOMPARE(t.lines[2].state, State::Failed);
        QVERIFY2(t.lines[2].sentence.contains(QStringLiteral("does not exist")),
                 qPrintable(t.lines[2].sentence));
        for (const ConnectionTest::Line &l : t.lines)
            QVERIFY2(!l.sentence.contains(u'\n'), qPrintable(l.sentence));
    }

    void unconfiguredPartsSaySo()
    {
        Profile p;
        p.name = QStringLiteral("bare");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
        const ConnectionTest t = testConnection(p, {});
        QCOMPARE(t.lines.size(), 3);
        QCOMPARE(t.lines[1].state, ConnectionTest::State::NotConfigured);
        QCOMPARE(t.lines[2].state, ConnectionTest::State::NotConfigured);
        QVERIFY(!t.lines[1].sentence.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestConnectionTest)
#include "tst_connectiontest.moc"
