// `turnstilectl report` end to end: a history store seeded with 30 days of
// two profiles, the built program run headless, the PNG and the PDF checked
// as pictures (pdftoppm) and as text (pdftotext, for the caption).
#include "chartexporter.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "profiles/profilestore.h"
#include "reportrenderer.h"
#include "testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTest>

#include <cmath>
#include <optional>

using namespace turnstile;

namespace {
struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Pixels that are not (near) white, and how many distinct colours there are.
// A blank page has neither; a chart has axes, text and coloured curves.
QPair<int, int> ink(const QImage &image)
{
    int dark = 0;
    QSet<QRgb> colours;
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2) {
            const QRgb c = img.pixel(x, y);
            if (qRed(c) < 235 || qGreen(c) < 235 || qBlue(c) < 235)
                ++dark;
            if (colours.size() < 1000)
                colours.insert(c);
        }
    return {dark, int(colours.size())};
}
} // namespace

class TestReport : public QObject
{
    Q_OBJECT
private:
    // Nothing of the developer's own settings, profiles or history.
    testsupport::IsolatedEnvironment m_dir{testsupport::IsolatedEnvironment::Scope::Children};
    QString m_history;
    qint64 m_now = 0;

    QProcessEnvironment environment(const QString &history) const
    {
        QProcessEnvironment env = m_dir.environment();
        env.insert(QStringLiteral("TURNSTILE_HISTORY"), history);
        // The report must not need a display, whatever the session says.
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
        env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
        return env;
    }

    Run run(const QStringList &args, const QString &history = {}) const
    {
        QProcess p;
        p.setProcessEnvironment(environment(history.isEmpty() ? m_history : history));
        p.start(testsupport::builtProgram(QStringLiteral("turnstilectl")),
                QStringList{QStringLiteral("report")} + args);
        Run r;
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
            r.err = QStringLiteral("timed out");
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    static QString tool(const QString &name)
    {
        const QString path = QStandardPaths::findExecutable(name);
        if (path.isEmpty())
            qWarning("%s not found: install poppler-utils (./dev.sh deps)", qPrintable(name));
        return path;
    }

    static std::optional<QString> runTool(const QString &program, const QStringList &args)
    {
        QProcess p;
        p.start(program, args);
        if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit ||
            p.exitCode() != 0)
            return std::nullopt;
        return QString::fromUtf8(p.readAllStandardOutput());
    }

    static QString squeezed(const QString &s)
    {
        static const QRegularExpression space(QStringLiteral("\\s+"));
        return QString(s).replace(space, QStringLiteral(" ")).trimmed();
    }

    // "Wrote FILE: CAPTION" -> CAPTION
    static QString captionOf(const Run &r)
    {
        const qsizetype colon = r.out.indexOf(QStringLiteral(": "));
        return colon < 0 ? QString() : r.out.mid(colon + 2).trimmed();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_history = m_dir.historyFile();
        HistoryConfig config;
        config.sqlitePath = m_history;
        HistoryStore store;
        QVERIFY2(store.open(config), qPrintable(store.error()));
        m_now = QDateTime::currentSecsSinceEpoch();
        // 30 days, one sample every 5 minutes, for two regions that differ
        // in size, plus one profile whose history ended 60 days ago.
        const QList<QPair<QString, double>> profiles = {{QStringLiteral("east"), 1.0},
                                                        {QStringLiteral("west"), 2.5}};
        for (const auto &[profile, scale] : profiles) {
            QHash<QString, QList<Sample>> series;
            for (qint64 t = m_now - 30 * 86400; t < m_now; t += 300) {
                const double day = double(t - (m_now - 30 * 86400)) / 86400.0;
                const double wave = std::sin(double(t) / 7200.0);
                series[QStringLiteral("token.live")].append(
                    Sample{t, scale * (20000 + 3000 * wave)});
                series[QStringLiteral("token.expired")].append(
                    Sample{t, scale * (1000 + 900 * day)});
                series[QStringLiteral("revocation_event.rows")].append(
                    Sample{t, std::round(scale * (50 + 40 * day))});
                series[QStringLiteral("table.trust.rows")].append(Sample{t, 12 * scale});
                series[QStringLiteral("validate.ms")].append(
                    Sample{t, scale * (18 + day * 0.8 + 4 * wave)});
                series[QStringLiteral("issue.ms")].append(Sample{t, scale * (60 + 10 * wave)});
                // The probe window's percentiles, which the latency charts draw.
                const double v = scale * (18 + day * 0.8 + 4 * wave);
                const double i = scale * (60 + 10 * wave);
                series[QStringLiteral("validate.p50.ms")].append(Sample{t, v});
                series[QStringLiteral("validate.p95.ms")].append(Sample{t, v * 1.6});
                series[QStringLiteral("validate.p99.ms")].append(Sample{t, v * 2.5});
                series[QStringLiteral("issue.p50.ms")].append(Sample{t, i});
                series[QStringLiteral("issue.p95.ms")].append(Sample{t, i * 1.3});
                series[QStringLiteral("issue.p99.ms")].append(Sample{t, i * 1.8});
            }
            for (auto it = series.cbegin(); it != series.cend(); ++it)
                QVERIFY2(store.append(SeriesKey{profile, it.key()}, it.value()) > 0,
                         qPrintable(store.error()));
        }
        QList<Sample> old;
        for (qint64 t = m_now - 70 * 86400; t < m_now - 60 * 86400; t += 3600)
            old.append(Sample{t, 5});
        QVERIFY(store.append(SeriesKey{QStringLiteral("old"), QStringLiteral("token.live")}, old) >
                0);
        QVERIFY(store.rollup(m_now));
        QVERIFY(QFile::exists(testsupport::builtProgram(QStringLiteral("turnstilectl"))));
    }

    void png()
    {
        const QString path = m_dir.filePath(QStringLiteral("report.png"));
        const Run r =
            run({QStringLiteral("--profile"), QStringLiteral("east"), QStringLiteral("--profile"),
                 QStringLiteral("west"), QStringLiteral("--range"), QStringLiteral("30d"),
                 QStringLiteral("--out"), path});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(path), qPrintable(r.out));
        QImage image;
        QVERIFY(image.load(path, "PNG"));
        QCOMPARE(image.size(), ChartExporter::pictureSize(int(ReportRenderer::specs().size())));
        const auto [dark, colours] = ink(image);
        QVERIFY2(dark > image.width() * image.height() / 4 / 50, qPrintable(QString::number(dark)));
        QVERIFY2(colours > 20, qPrintable(QString::number(colours)));
    }

    void pdf()
    {
        const QString pdftoppm = tool(QStringLiteral("pdftoppm"));
        const QString pdftotext = tool(QStringLiteral("pdftotext"));
        QVERIFY2(!pdftoppm.isEmpty() && !pdftotext.isEmpty(),
                 "pdftoppm and pdftotext are needed: install poppler-utils (./dev.sh deps)");
        const QString path = m_dir.filePath(QStringLiteral("report.pdf"));
        const Run r =
            run({QStringLiteral("--profile"), QStringLiteral("east"), QStringLiteral("--profile"),
                 QStringLiteral("west"), QStringLiteral("--out"), path});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString caption = captionOf(r);
        QVERIFY2(caption.contains(QStringLiteral("east, west")), qPrintable(r.out));
        QVERIFY(caption.contains(QStringLiteral(TURNSTILE_VERSION)));

        // The first page as a picture.
        const QString prefix = m_dir.filePath(QStringLiteral("page"));
        QVERIFY(runTool(pdftoppm,
                        {QStringLiteral("-f"), QStringLiteral("1"), QStringLiteral("-l"),
                         QStringLiteral("1"), QStringLiteral("-r"), QStringLiteral("60"),
                         QStringLiteral("-png"), QStringLiteral("-singlefile"), path, prefix}));
        QImage page;
        QVERIFY2(page.load(prefix + QStringLiteral(".png"), "PNG"), "pdftoppm wrote no page");
        QVERIFY(page.width() > page.height()); // A4 landscape
        const auto [dark, colours] = ink(page);
        QVERIFY2(dark > page.width() * page.height() / 4 / 50, qPrintable(QString::number(dark)));
        QVERIFY2(colours > 20, qPrintable(QString::number(colours)));

        // The caption is text in the PDF, on every page, as printed.
        const std::optional<QString> extracted =
            runTool(pdftotext, {QStringLiteral("-layout"), path, QStringLiteral("-")});
        QVERIFY(extracted);
        const QString text = *extracted;
        QVERIFY2(squeezed(text).contains(squeezed(caption)),
                 qPrintable(caption + QStringLiteral("\n---\n") + text));
        QCOMPARE(text.count(QStringLiteral("Turnstile " TURNSTILE_VERSION)),
                 ReportRenderer::pages().size());
        // Regions side by side: the legend names each region (its colour)
        // and each metric (its line style) in words.
        QVERIFY(text.contains(QStringLiteral("Live tokens")));
        QVERIFY(text.contains(QStringLiteral("east")));
        QVERIFY(text.contains(QStringLiteral("west")));
        // The Latency page's charts, on a page of their own.
        QVERIFY(text.contains(QStringLiteral("Validation p99")));
        QVERIFY(text.contains(QStringLiteral("Token issue p50")));
        QVERIFY(text.contains(QStringLiteral("Validation against revocation events")));
        const QString pdfinfo = tool(QStringLiteral("pdfinfo"));
        QVERIFY(!pdfinfo.isEmpty());
        const std::optional<QString> info = runTool(pdfinfo, {path});
        QVERIFY(info);
        static const QRegularExpression pagesLine(QStringLiteral("Pages:\\s+(\\d+)"));
        QCOMPARE(pagesLine.match(*info).captured(1).toInt(), int(ReportRenderer::pages().size()));
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("history");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mentions");
        const QString out = m_dir.filePath(QStringLiteral("never.pdf"));
        const QString missing = m_dir.filePath(QStringLiteral("absent.sqlite"));
        QTest::newRow("unknown profile")
            << QStringList{QStringLiteral("--profile"), QStringLiteral("east"),
                           QStringLiteral("--profile"), QStringLiteral("north"),
                           QStringLiteral("--out"),     out}
            << QString() << 3 << QStringLiteral("north");
        QTest::newRow("unwritable --out")
            << QStringList{QStringLiteral("--profile"), QStringLiteral("east"),
                           QStringLiteral("--out"),
                           QStringLiteral("/nonexistent-turnstile-dir/report.pdf")}
            << QString() << 9 << QStringLiteral("/nonexistent-turnstile-dir/report.pdf");
        QTest::newRow("unknown suffix")
            << QStringList{QStringLiteral("--profile"), QStringLiteral("east"),
                           QStringLiteral("--out"), m_dir.filePath(QStringLiteral("report.gif"))}
            << QString() << 2 << QStringLiteral("report.gif");
        QTest::newRow("no --out") << QStringList{QStringLiteral("--profile"),
                                                 QStringLiteral("east")}
                                  << QString() << 2 << QStringLiteral("--out");
        QTest::newRow("bad range")
            << QStringList{QStringLiteral("--profile"), QStringLiteral("east"),
                           QStringLiteral("--range"),   QStringLiteral("soon"),
                           QStringLiteral("--out"),     out}
            << QString() << 2 << QStringLiteral("soon");
        QTest::newRow("no history store")
            << QStringList{QStringLiteral("--profile"), QStringLiteral("configured"),
                           QStringLiteral("--out"), out}
            << missing << 8 << QStringLiteral("absent.sqlite");
        QTest::newRow("nothing in range")
            << QStringList{QStringLiteral("--profile"), QStringLiteral("old"),
                           QStringLiteral("--range"),   QStringLiteral("30d"),
                           QStringLiteral("--out"),     out}
            << QString() << 8 << QStringLiteral("old");
    }
    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, history);
        QFETCH(int, exitCode);
        QFETCH(QString, mentions);
        // A profile that only profiles.ini knows: "no history" rather than
        // "unknown profile" when the store is missing.
        ProfileStore profiles(m_dir.profilesFile());
        Profile configured;
        configured.name = QStringLiteral("configured");
        configured.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
        QVERIFY(profiles.save(configured));

        const Run r = run(args, history);
        QVERIFY2(r.exitCode == exitCode,
                 qPrintable(QString::number(r.exitCode) + QStringLiteral(": ") + r.err));
        // One sentence, on stderr, naming what is wrong; nothing written.
        const QString line = r.err.trimmed();
        QVERIFY2(!line.contains(u'\n'), qPrintable(r.err));
        QVERIFY2(line.contains(mentions), qPrintable(line));
        QVERIFY2(line.endsWith(u'.'), qPrintable(line));
        QVERIFY(r.out.isEmpty());
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("never.pdf"))));
        if (!history.isEmpty())
            QVERIFY(!QFile::exists(history)); // reading never creates a store
    }
};

QTEST_MAIN(TestReport)
#include "tst_report.moc"
