#include "util/duration.h"

#include <QTest>

using namespace turnstile;

class TestDuration : public QObject
{
    Q_OBJECT
private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("secs");
        QTest::newRow("spaced unit") << QStringLiteral(" 7 d ") << qint64(604800);
        QTest::newRow("s") << QStringLiteral("60s") << qint64(60);
        QTest::newRow("m") << QStringLiteral("5m") << qint64(300);
        QTest::newRow("h") << QStringLiteral("2h") << qint64(7200);
        QTest::newRow("d") << QStringLiteral("7d") << qint64(604800);
        QTest::newRow("w upper") << QStringLiteral("2W") << qint64(1209600);
    }
    void parses()
    {
        QFETCH(QString, text);
        QFETCH(qint64, secs);
        QString err;
        QCOMPARE(parseDuration(text, &err).value_or(-1), secs);
        QVERIFY(err.isEmpty());
    }
    void formats()
    {
        QCOMPARE(formatDuration(0), QStringLiteral("0s"));
        QCOMPARE(formatDuration(45), QStringLiteral("45s"));
        QCOMPARE(formatDuration(5400), QStringLiteral("1h 30m"));
        QCOMPARE(formatDuration(172800), QStringLiteral("2d"));
        QCOMPARE(formatDuration(86400 + 300), QStringLiteral("1d 5m"));
        QCOMPARE(formatDuration(86400 + 3600 + 61), QStringLiteral("1d 1h"));
        // What it prints, the CLI parses back (for whole units).
        QCOMPARE(parseDuration(formatDuration(7 * 86400)).value_or(-1), 7 * 86400);
    }

    void rejects_data()
    {
        QTest::addColumn<QString>("text");
        for (const char *bad : {"", "0", "0s", "-5m", "1.5h", "abc", "7 days", "99999999d", "3y",
                                "90", "7", " 7 ", "7d later", "7d 3h", "7 d x"})
            QTest::newRow(bad) << QString::fromLatin1(bad);
    }
    void rejects()
    {
        QFETCH(QString, text);
        QString err;
        QVERIFY(!parseDuration(text, &err).has_value());
        QVERIFY(!err.isEmpty());
    }
    // "--older-than 7 d": the shell hands the flag "7" and a stray "d". A bare
    // number was 7 seconds; it must be refused and the message must name the unit.
    void bareNumberNeedsAUnit()
    {
        QString err;
        QVERIFY(!parseDuration(QStringLiteral("7"), &err).has_value());
        QVERIFY2(err.contains(QStringLiteral("7d")), qPrintable(err));
    }
};

QTEST_APPLESS_MAIN(TestDuration)
#include "tst_duration.moc"
