#include "chartexporter.h"
#include "chartview.h"

#include <QDateTime>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace turnstile;

class TestExport : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<ChartView> m_a, m_b;
    QString m_caption;

    QList<ChartView *> charts() const { return {m_a.get(), m_b.get()}; }
    static QByteArray read(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private slots:
    void initTestCase()
    {
        const qint64 t0 = 1'700'000'000;
        QList<Bucket> live, trusts;
        for (int i = 0; i < 40; ++i) {
            live.append(Bucket{t0 + i * 90, 100.0 + i, 120.0 + i, 2 * (110.0 + i), 2});
            trusts.append(Bucket{t0 + i * 90, 5, 5, 5, 1});
        }
        m_a = std::make_unique<ChartView>();
        m_a->setTitle(QStringLiteral("Token rows"));
        m_a->setTimeRange(t0, t0 + 3600);
        m_a->setSeries({{QStringLiteral("Live tokens"), live, QStringLiteral("token.live"),
                         QStringLiteral("lab")}});
        m_a->setAnnotations({Annotation{t0 + 1800, QStringLiteral("lab"),
                                        QStringLiteral("purge.tokens"), QStringLiteral("purged")}});
        m_b = std::make_unique<ChartView>();
        m_b->setTitle(QStringLiteral("Trusts"));
        m_b->setTimeRange(t0, t0 + 3600);
        m_b->setSeries({{QStringLiteral("Trust table rows"), trusts,
                         QStringLiteral("table.trust.rows"), QStringLiteral("lab")}});
        m_caption = ChartExporter::caption({QStringLiteral("lab")}, t0, t0 + 3600,
                                           QDateTime::fromSecsSinceEpoch(t0 + 3700));
    }
    void captionNamesProfileAndVersion()
    {
        QVERIFY(m_caption.contains(QStringLiteral("lab")));
        QVERIFY(m_caption.contains(QStringLiteral(TURNSTILE_VERSION)));
    }
    void png()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("growth.png"));
        QCOMPARE(ChartExporter::exportTo(path, charts(), m_caption, QSize(800, 300)), QString());
        QImage img;
        QVERIFY(img.load(path, "PNG"));
        QCOMPARE(img.size(), ChartExporter::pictureSize(2, QSize(800, 300)));
        QCOMPARE(img.size(), QSize(800, 600 + ChartExporter::kCaptionHeight));
    }
    void svg()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("growth.svg"));
        QCOMPARE(ChartExporter::exportTo(path, charts(), m_caption), QString());
        const QByteArray bytes = read(path);
        QXmlStreamReader xml(bytes);
        bool sawSvg = false;
        QString text;
        while (!xml.atEnd()) {
            xml.readNext();
            if (xml.isStartElement() && xml.name() == u"svg")
                sawSvg = true;
            if (xml.isCharacters())
                text += xml.text();
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(sawSvg);
        QVERIFY2(text.contains(m_caption), qPrintable(m_caption));
    }
    void pdf()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("growth.pdf"));
        QCOMPARE(ChartExporter::exportTo(path, charts(), m_caption), QString());
        const QByteArray bytes = read(path);
        QVERIFY(bytes.startsWith("%PDF"));
        QVERIFY(bytes.size() > 1024);
        // A4 landscape, at most two charts a page: three charts are two pages.
        const auto pages = [](const QByteArray &pdf) {
            static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?!s)"));
            return int(QString::fromLatin1(pdf).count(page));
        };
        QCOMPARE(pages(bytes), 1);
        QCOMPARE(pages(ChartExporter::encode(ChartExporter::Format::Pdf,
                                             {m_a.get(), m_b.get(), m_a.get()}, m_caption)),
                 2);
        QCOMPARE(pages(ChartExporter::encodePages(ChartExporter::Format::Pdf,
                                                  {{m_a.get()}, {m_b.get(), m_a.get(), m_b.get()}},
                                                  m_caption)),
                 3);
    }
    // Nine curves of three regions do not fit in one legend row below the
    // plot, where QtCharts cut them to "Obsolete revocation ...": the PDF
    // (and every export) puts such a legend beside the plot, every name whole.
    void longLegendsAreNotCut()
    {
        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        QVERIFY2(!pdftotext.isEmpty(),
                 "pdftotext is needed: install poppler-utils (./dev.sh deps)");
        const qint64 t0 = 1'700'000'000;
        QList<NamedSeries> series;
        QStringList names;
        for (const QString &region : {QStringLiteral("RegionOne"), QStringLiteral("RegionTwo"),
                                      QStringLiteral("RegionThree")})
            for (const QString &metric :
                 {QStringLiteral("Revocation events"), QStringLiteral("Obsolete revocation events"),
                  QStringLiteral("Wide revocation events")}) {
                QList<Bucket> b;
                for (int i = 0; i < 20; ++i)
                    b.append(Bucket{t0 + i * 180, double(i), double(i), double(i), 1});
                names.append(metric + QStringLiteral(" — ") + region);
                series.append(NamedSeries{names.last(), b});
            }
        ChartView chart;
        chart.setTitle(QStringLiteral("Revocation events"));
        chart.setTimeRange(t0, t0 + 3600);
        chart.setSeries(series);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("legend.pdf"));
        QCOMPARE(ChartExporter::exportTo(path, {&chart}, m_caption), QString());
        QProcess p;
        p.start(pdftotext, {path, QStringLiteral("-")});
        QVERIFY(p.waitForFinished(60000));
        const QString text = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(!text.contains(QStringLiteral("...")) && !text.contains(QChar(0x2026)),
                 qPrintable(text));
        for (const QString &name : std::as_const(names))
            QVERIFY2(text.contains(name), qPrintable(name + QStringLiteral("\n---\n") + text));
        // The window keeps its legend below the plot.
        QCOMPARE(chart.legendAlignment(), Qt::Alignment(Qt::AlignBottom));
    }
    // The window's exports say which zone their times are in.
    void captionNamesTheTimeZone()
    {
        const QByteArray saved = qgetenv("TZ");
        const auto restore = qScopeGuard([&saved] {
            if (saved.isNull())
                qunsetenv("TZ");
            else
                qputenv("TZ", saved);
        });
        qputenv("TZ", "Asia/Tokyo");
        const QString caption = ChartExporter::caption({QStringLiteral("lab")}, 1'700'000'000,
                                                       1'700'003'600, QDateTime::currentDateTime());
        QVERIFY2(caption.contains(QStringLiteral("(Asia/Tokyo, UTC+09:00)")), qPrintable(caption));
    }
    void csv()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("growth.csv"));
        QCOMPARE(ChartExporter::exportTo(path, charts(), m_caption), QString());
        const QList<QByteArray> lines = read(path).trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + 40 + 40);
        // The human name for people, the keys after it for scripts.
        QCOMPARE(lines[0], QByteArray("time,series,min,max,avg,count,metric,profile"));
        QCOMPARE(lines[1],
                 QByteArray("2023-11-14T22:13:20Z,Live tokens,100,120,110,2,token.live,lab"));
        QCOMPARE(lines[41],
                 QByteArray("2023-11-14T22:13:20Z,Trust table rows,5,5,5,1,table.trust.rows,lab"));
    }
    void json()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("growth.json"));
        QCOMPARE(ChartExporter::exportTo(path, charts(), m_caption), QString());
        QJsonParseError err;
        const QJsonObject doc = QJsonDocument::fromJson(read(path), &err).object();
        QCOMPARE(err.error, QJsonParseError::NoError);
        QCOMPARE(doc.value(QStringLiteral("caption")).toString(), m_caption);
        QVERIFY(doc.value(QStringLiteral("generator"))
                    .toString()
                    .contains(QStringLiteral(TURNSTILE_VERSION)));
        const QJsonArray charts = doc.value(QStringLiteral("charts")).toArray();
        QCOMPARE(charts.size(), 2);
        const QJsonObject first = charts[0].toObject();
        QCOMPARE(first.value(QStringLiteral("title")).toString(), QStringLiteral("Token rows"));
        const QJsonObject live = first.value(QStringLiteral("series")).toArray()[0].toObject();
        QCOMPARE(live.value(QStringLiteral("name")).toString(), QStringLiteral("Live tokens"));
        QCOMPARE(live.value(QStringLiteral("metric")).toString(), QStringLiteral("token.live"));
        QCOMPARE(live.value(QStringLiteral("profile")).toString(), QStringLiteral("lab"));
        const QJsonArray buckets = live.value(QStringLiteral("buckets")).toArray();
        QCOMPARE(buckets.size(), 40);
        const QJsonObject b0 = buckets[0].toObject();
        QCOMPARE(b0.value(QStringLiteral("time")).toString(),
                 QStringLiteral("2023-11-14T22:13:20Z"));
        QCOMPARE(b0.value(QStringLiteral("min")).toDouble(), 100.0);
        QCOMPARE(b0.value(QStringLiteral("max")).toDouble(), 120.0);
        QCOMPARE(b0.value(QStringLiteral("avg")).toDouble(), 110.0);
        QCOMPARE(b0.value(QStringLiteral("count")).toInt(), 2);
        const QJsonArray notes = first.value(QStringLiteral("annotations")).toArray();
        QCOMPARE(notes.size(), 1);
        QCOMPARE(notes[0].toObject().value(QStringLiteral("kind")).toString(),
                 QStringLiteral("purge.tokens"));
        QCOMPARE(charts[1].toObject().value(QStringLiteral("title")).toString(),
                 QStringLiteral("Trusts"));
    }
    void csvQuotesNames()
    {
        const QByteArray out =
            ChartExporter::csv({{QStringLiteral("a,\"b\""), {Bucket{0, 1, 1, 1, 1}}}});
        QVERIFY(out.contains("\"a,\"\"b\"\"\""));
    }
    void failuresAreSentences_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("png") << QStringLiteral("/nonexistent-turnstile-dir/x.png");
        QTest::newRow("csv") << QStringLiteral("/nonexistent-turnstile-dir/x.csv");
        QTest::newRow("json") << QStringLiteral("/nonexistent-turnstile-dir/x.json");
        QTest::newRow("pdf") << QStringLiteral("/nonexistent-turnstile-dir/x.pdf");
        QTest::newRow("suffix") << QStringLiteral("/tmp/x.gif");
    }
    void failuresAreSentences()
    {
        QFETCH(QString, path);
        const QString error = ChartExporter::exportTo(path, charts(), m_caption);
        QVERIFY(!error.isEmpty());
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY(error.endsWith(u'.'));
        QVERIFY(!QFile::exists(path));
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
