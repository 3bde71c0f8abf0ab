// The one file writer of every export: all or nothing, and a sentence on failure.
#include "util/atomicfile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

class TestAtomicFile : public QObject
{
    Q_OBJECT
private slots:
    void writesAndReplaces()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.csv"));
        QCOMPARE(writeFileAtomically(path, "a,b\r\n"), QString());
        QCOMPARE(writeFileAtomically(path, "c,d\r\n"), QString());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("c,d\r\n"));
    }

    void failureNamesTheFileAndKeepsTheOld()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("no/such/dir/x.png"));
        const QString error = writeFileAtomically(missing, "x");
        QVERIFY2(error.startsWith(QStringLiteral("Could not write ")), qPrintable(error));
        QVERIFY(error.contains(missing));
        QVERIFY(!QFile::exists(missing));
    }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "tst_atomicfile.moc"
