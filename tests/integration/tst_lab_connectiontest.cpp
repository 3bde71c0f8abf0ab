// The profile editor's "Test connection" against the lab: every part that
// answers says so in one sentence (unreachable parts: tst_connectiontest).
#include "isolatedenvironment.h"
#include "probe/connectiontest.h"
#include "testsupport.h"

#include <QTest>

using namespace turnstile;
using testsupport::lab;

class TestLabConnectionTest : public QObject
{
    Q_OBJECT
    testsupport::IsolatedEnvironment m_dir;

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_KS_URL")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        QVERIFY(m_dir.isValid());
    }

    void labAnswersOnEveryPart()
    {
        Profile p = testsupport::labAdminProfile(true);
        p.keyRepositories = {lab(QStringLiteral("TURNSTILE_LAB_FERNET_REPO"))};
        const ConnectionTest t = testConnection(p, testsupport::labAdminSecrets());
        QStringList said;
        for (const ConnectionTest::Line &l : t.lines)
            said.append(l.sentence);
        qInfo().noquote() << said.join(u'\n'); // what the editor shows
        QVERIFY2(t.ok(), qPrintable(said.join(u'\n')));
        QCOMPARE(t.lines.size(), 3);
        QVERIFY2(t.lines[0].sentence.contains(QStringLiteral("accepted the credentials of")),
                 qPrintable(t.lines[0].sentence));
        QVERIFY2(t.lines[1].sentence.contains(QStringLiteral("revocation events")),
                 qPrintable(t.lines[1].sentence));
        QVERIFY2(t.lines[2].sentence.contains(QStringLiteral("is readable and holds")),
                 qPrintable(t.lines[2].sentence));
    }
};

QTEST_GUILESS_MAIN(TestLabConnectionTest)
#include "tst_lab_connectiontest.moc"
