// Keeps every translation complete: lupdate runs over the current sources into
// a scratch copy of each .ts file, and any unfinished, vanished or obsolete
// message fails the test, naming it.
#include "util/i18n.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QLocale>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

class TestTranslations : public QObject
{
    Q_OBJECT
private slots:
    void tsFilesAreComplete_data()
    {
        QTest::addColumn<QString>("tsFile");
        QDirIterator it(QStringLiteral(TURNSTILE_SOURCE_DIR "/translations"),
                        {QStringLiteral("*.ts")});
        int n = 0;
        while (it.hasNext()) {
            const QString f = it.next();
            QTest::newRow(qPrintable(QFileInfo(f).fileName())) << f;
            ++n;
        }
        QVERIFY2(n >= 1, "no .ts file found");
    }
    void tsFilesAreComplete()
    {
        QFETCH(QString, tsFile);
        QTemporaryDir tmp;
        const QString copy = tmp.filePath(QFileInfo(tsFile).fileName());
        QVERIFY(QFile::copy(tsFile, copy));
        QStringList args;
        for (const char *d : {"core", "models", "widgets", "app"})
            args << QStringLiteral(TURNSTILE_SOURCE_DIR "/") + QLatin1String(d);
        args << QStringLiteral("-locations") << QStringLiteral("none");
        // English keeps only the plural forms of its own source text.
        const bool pluralOnly = QFileInfo(tsFile).fileName() == u"turnstile_en.ts";
        if (pluralOnly)
            args << QStringLiteral("-pluralonly");
        args << QStringLiteral("-ts") << copy;
        QProcess lupdate;
        lupdate.start(QStringLiteral(TURNSTILE_LUPDATE), args);
        QVERIFY(lupdate.waitForFinished(120000));
        QVERIFY2(lupdate.exitCode() == 0, lupdate.readAllStandardError().constData());

        QFile f(copy);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&f);
        QString context, source;
        QStringList problems;
        int messages = 0;
        bool numerus = false;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            if (xml.name() == u"name") {
                context = xml.readElementText();
            } else if (xml.name() == u"message") {
                // lupdate marks plural messages on <message>, not on <translation>.
                numerus = xml.attributes().value(QStringLiteral("numerus")) == u"yes";
            } else if (xml.name() == u"source") {
                source = xml.readElementText();
            } else if (xml.name() == u"translation") {
                ++messages;
                const QString type = xml.attributes().value(QStringLiteral("type")).toString();
                bool empty = false;
                if (numerus) {
                    QStringList forms;
                    while (xml.readNextStartElement()) {
                        if (xml.name() == u"numerusform") {
                            forms << xml.readElementText();
                            empty = empty || forms.constLast().isEmpty();
                        } else {
                            xml.skipCurrentElement();
                        }
                    }
                    empty = empty || forms.size() < 2; // German has singular and plural
                    // "row(s)" in English is what the plural forms exist to replace.
                    if (pluralOnly && forms.size() == 2 && source.contains(u"(s)") &&
                        forms.at(0) == forms.at(1))
                        empty = true;
                } else {
                    empty = xml.readElementText().isEmpty();
                }
                if (!type.isEmpty() || empty)
                    problems << QStringLiteral("%1 [%2]: \"%3\"")
                                    .arg(context, type.isEmpty() ? QStringLiteral("empty") : type,
                                         source);
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY2(messages > 20, "suspiciously few messages: is lupdate scanning the sources?");
        QVERIFY2(
            problems.isEmpty(),
            qPrintable(
                QStringLiteral(
                    "%1 message(s) need work in %2 (run: cmake --build build/dev --target "
                    "update_translations, then translate):\n  %3")
                    .arg(problems.size())
                    .arg(QFileInfo(tsFile).fileName(), problems.join(QStringLiteral("\n  ")))));
    }

    void englishSaysOneRowAndTwoRows()
    {
        // The C locale of cron and of these tests reads English too.
        const QString saved = QLocale().name();
        QLocale::setDefault(QLocale::c());
        turnstile::installTranslations(*QCoreApplication::instance());
        QLocale::setDefault(QLocale(saved));
        auto tr = [](const char *s, int n) {
            return QCoreApplication::translate("Cli", s, nullptr, n);
        };
        QCOMPARE(tr("%1 row(s)", 1).arg(1), QStringLiteral("1 row"));
        QCOMPARE(tr("%1 row(s)", 2).arg(2), QStringLiteral("2 rows"));
        QCOMPARE(QCoreApplication::translate("Thresholds", "%n user(s) locked out", nullptr, 1),
                 QStringLiteral("1 user locked out"));
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
