// `turnstilectl report` end to end: a history store seeded with 30 days of
// two profiles, the built program run headless, the PNG and the PDF checked
// as pictures (pdftoppm: A4 landscape, every chart framed and at least 35 %
// of the page high) and as text (pdftotext: the caption with its time zone,
// the summary page's verdicts and figures, full axis labels, nothing elided).
// With TURNSTILE_TEST_GRAB_DIR, page 1 is saved there as report-page1.png.
#include "chartexporter.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "profiles/profilestore.h"
#include "reportrenderer.h"
#include "testsupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTest>
#include <QTextDocument>

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
// The rows of a rasterised PDF page where a chart's frame runs across: the
// frame colour (ChartExporter's, 0x8fa3bf) over most of the page's width.
// Returns the frames' [top, bottom] rows, from the top of the page.
QList<QPair<int, int>> chartFrames(const QImage &image)
{
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    const auto isFrame = [](QRgb c) {
        return std::abs(qRed(c) - 0x8f) <= 24 && std::abs(qGreen(c) - 0xa3) <= 24 &&
               std::abs(qBlue(c) - 0xbf) <= 24;
    };
    QList<int> lines; // the first row of each run of frame rows
    int previous = -2;
    for (int y = 0; y < img.height(); ++y) {
        int n = 0;
        for (int x = 0; x < img.width(); ++x)
            n += isFrame(img.pixel(x, y)) ? 1 : 0;
        if (n < img.width() * 6 / 10)
            continue;
        if (y != previous + 1)
            lines.append(y);
        previous = y;
    }
    QList<QPair<int, int>> frames;
    for (qsizetype i = 0; i + 1 < lines.size(); i += 2)
        frames.append({lines[i], lines[i + 1]});
    if (lines.size() % 2)
        frames.append({lines.last(), -1}); // a frame without a bottom: fails the height check
    return frames;
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
    QString m_pdf;     // the report pdf() wrote
    QString m_caption; // and the caption it printed

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
        // A zone of its own, which the caption must name.
        env.insert(QStringLiteral("TZ"), QStringLiteral("America/New_York"));
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
        return unligated(s).replace(space, QStringLiteral(" ")).trimmed();
    }

    // pdftotext writes the fonts' ligatures as such: "ﬁgure".
    static QString unligated(QString s)
    {
        return s.replace(QChar(0xfb01), QStringLiteral("fi"))
            .replace(QChar(0xfb02), QStringLiteral("fl"));
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
        // in size, plus one profile whose history ended 60 days ago. Token
        // counts in the millions (axis labels "1.5 M", "2.5 M": six digits
        // and more were elided before); east ends amber (expired tokens,
        // revocation events), west red (validation p99 over 1.5 s).
        struct Region
        {
            QString name;
            double scale;
            double live0, live1, expired0, expired1, p99Climb;
        };
        const QList<Region> regions = {
            {QStringLiteral("east"), 1.0, 1.2e6, 1.6e6, 0.6e6, 1.4e6, 0},
            {QStringLiteral("west"), 2.5, 1.9e6, 2.3e6, 0.9e6, 2.2e6, 50},
            {QStringLiteral("central"), 0.4, 0.3e6, 0.35e6, 0.1e6, 0.2e6, 0},
        };
        const double GiB = 1024.0 * 1024 * 1024;
        for (const Region &r : regions) {
            const double scale = r.scale;
            QHash<QString, QList<Sample>> series;
            for (qint64 t = m_now - 30 * 86400; t < m_now; t += 300) {
                const double day = double(t - (m_now - 30 * 86400)) / 86400.0;
                const double wave = std::sin(double(t) / 7200.0);
                series[QStringLiteral("token.live")].append(
                    Sample{t, std::round(r.live0 + (r.live1 - r.live0) * day / 30 + 60000 * wave)});
                series[QStringLiteral("token.expired")].append(
                    Sample{t, std::round(r.expired0 + (r.expired1 - r.expired0) * day / 30)});
                series[QStringLiteral("revocation_event.rows")].append(
                    Sample{t, std::round(scale * (50 + 40 * day))});
                series[QStringLiteral("table.trust.rows")].append(Sample{t, 12 * scale});
                series[QStringLiteral("table.token.bytes")].append(
                    Sample{t, std::round(scale * GiB * (1.2 + 0.4 * day / 30))});
                series[QStringLiteral("table.revocation_event.bytes")].append(
                    Sample{t, std::round(scale * 1024 * 1024 * (0.5 + day / 10))});
                series[QStringLiteral("table.trust.bytes")].append(Sample{t, 16384});
                series[QStringLiteral("table.user.bytes")].append(
                    Sample{t, std::round(scale * 1024 * 1024 * 3)});
                series[QStringLiteral("table.password.bytes")].append(
                    Sample{t, std::round(scale * 1024 * 1024 * 2)});
                series[QStringLiteral("table.local_user.bytes")].append(
                    Sample{t, std::round(scale * 1024 * 1024 * 1.5)});
                if ((t / 300) % 12 == 0) // hourly, as the exact cycle measures it
                    series[QStringLiteral("schema.keystone.bytes")].append(
                        Sample{t, std::round(scale * GiB * (1.3 + 0.45 * day / 30))});
                series[QStringLiteral("validate.ms")].append(
                    Sample{t, scale * (18 + day * 0.8 + 4 * wave)});
                series[QStringLiteral("issue.ms")].append(Sample{t, scale * (60 + 10 * wave)});
                // The probe window's percentiles, which the latency charts draw.
                const double v = scale * (18 + day * 0.8 + 4 * wave);
                const double i = scale * (60 + 10 * wave);
                series[QStringLiteral("validate.p50.ms")].append(Sample{t, v});
                series[QStringLiteral("validate.p95.ms")].append(Sample{t, v * 1.6});
                series[QStringLiteral("validate.p99.ms")].append(
                    Sample{t, v * 2.5 + r.p99Climb * day});
                series[QStringLiteral("issue.p50.ms")].append(Sample{t, i});
                series[QStringLiteral("issue.p95.ms")].append(Sample{t, i * 1.3});
                series[QStringLiteral("issue.p99.ms")].append(Sample{t, i * 1.8});
            }
            for (auto it = series.cbegin(); it != series.cend(); ++it)
                QVERIFY2(store.append(SeriesKey{r.name, it.key()}, it.value()) > 0,
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

    // The report as a PDF, written once for the checks below.
    void pdf()
    {
        QVERIFY2(!tool(QStringLiteral("pdftoppm")).isEmpty() &&
                     !tool(QStringLiteral("pdftotext")).isEmpty() &&
                     !tool(QStringLiteral("pdfinfo")).isEmpty(),
                 "pdftoppm, pdftotext and pdfinfo are needed: install poppler-utils (./dev.sh "
                 "deps)");
        m_pdf = m_dir.filePath(QStringLiteral("report.pdf"));
        const Run r =
            run({QStringLiteral("--profile"), QStringLiteral("east"), QStringLiteral("--profile"),
                 QStringLiteral("west"), QStringLiteral("--profile"), QStringLiteral("central"),
                 QStringLiteral("--out"), m_pdf});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        m_caption = captionOf(r);
        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty()) {
            const QString copy =
                QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("report.pdf"));
            QFile::remove(copy);
            QVERIFY(QFile::copy(m_pdf, copy));
        }
        QVERIFY2(m_caption.contains(QStringLiteral("east, west, central")), qPrintable(r.out));
        QVERIFY(m_caption.contains(QStringLiteral(TURNSTILE_VERSION)));
        // Local times say which zone they are in.
        QVERIFY2(m_caption.contains(QStringLiteral("America/New_York")), qPrintable(m_caption));

        // The summary page, then the charts two to a page: growth 4 → 2
        // pages, latency 3 → 2.
        const std::optional<QString> info = runTool(tool(QStringLiteral("pdfinfo")), {m_pdf});
        QVERIFY(info);
        static const QRegularExpression pagesLine(QStringLiteral("Pages:\\s+(\\d+)"));
        int expected = 1;
        for (const QList<ChartSpec> &section : ReportRenderer::pages())
            expected += int((section.size() + ChartExporter::kChartsPerPdfPage - 1) /
                            ChartExporter::kChartsPerPdfPage);
        QCOMPARE(pagesLine.match(*info).captured(1).toInt(), expected);
        QVERIFY2(info->contains(QStringLiteral("landscape")) ||
                     info->contains(QStringLiteral("841.89 x 595.276")) ||
                     info->contains(QStringLiteral("842 x 595")),
                 qPrintable(*info)); // A4 landscape
    }

    void pdfText()
    {
        QVERIFY(!m_pdf.isEmpty());
        const std::optional<QString> extracted =
            runTool(tool(QStringLiteral("pdftotext")),
                    {QStringLiteral("-layout"), m_pdf, QStringLiteral("-")});
        QVERIFY(extracted);
        const QString text = unligated(*extracted);
        // The caption is text in the PDF, on every page, as printed.
        QVERIFY2(squeezed(text).contains(squeezed(m_caption)),
                 qPrintable(m_caption + QStringLiteral("\n---\n") + text));
        QCOMPARE(text.count(QStringLiteral("Turnstile " TURNSTILE_VERSION)),
                 text.count(u'\f') + (text.endsWith(u'\f') ? 0 : 1));
        // Nothing elided: QtCharts cuts labels that do not fit to "...",
        // our own text would use "…".
        QVERIFY2(!text.contains(QChar(0x2026)), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("...")), qPrintable(text));
        // Full axis labels of the token counts: millions with their prefix.
        QVERIFY2(text.contains(QStringLiteral("2.5 M")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("1.5 M")), qPrintable(text));
        // Regions side by side: the legend names each region (its colour)
        // and each metric (its line style) in words.
        QVERIFY(text.contains(QStringLiteral("Live tokens")));
        QVERIFY(text.contains(QStringLiteral("east")));
        QVERIFY(text.contains(QStringLiteral("west")));
        // The Latency page's charts, on pages of their own.
        QVERIFY(text.contains(QStringLiteral("Validation p99")));
        QVERIFY(text.contains(QStringLiteral("Token issue p50")));
        QVERIFY(text.contains(QStringLiteral("Validation against revocation events")));
    }

    // Page 1 is the slide of a capacity review: each profile's verdict with
    // its reasons, worst first, and how the headline figures moved.
    void summaryPage()
    {
        QVERIFY(!m_pdf.isEmpty());
        const std::optional<QString> extracted =
            runTool(tool(QStringLiteral("pdftotext")),
                    {QStringLiteral("-f"), QStringLiteral("1"), QStringLiteral("-l"),
                     QStringLiteral("1"), QStringLiteral("-layout"), m_pdf, QStringLiteral("-")});
        QVERIFY(extracted);
        const QString page = unligated(*extracted);
        const QString flat = squeezed(page);
        QVERIFY2(flat.contains(QStringLiteral("Keystone capacity report")), qPrintable(page));
        QVERIFY2(flat.contains(QStringLiteral("(America/New_York, UTC-05:00)")), qPrintable(page));
        // West is red on its validation p99, east amber; worst first.
        static const QRegularExpression westCritical(QStringLiteral("Critical\\s+west"));
        static const QRegularExpression eastWarning(QStringLiteral("Warning\\s+east"));
        QVERIFY2(westCritical.match(page).hasMatch(), qPrintable(page));
        QVERIFY2(eastWarning.match(page).hasMatch(), qPrintable(page));
        static const QRegularExpression centralOk(
            QStringLiteral("OK\\s+central\\s+Every figure is within its thresholds"));
        QVERIFY2(centralOk.match(page).hasMatch(), qPrintable(page));
        QVERIFY(westCritical.match(page).capturedStart() < eastWarning.match(page).capturedStart());
        QVERIFY(eastWarning.match(page).capturedStart() < centralOk.match(page).capturedStart());
        QVERIFY2(flat.contains(QStringLiteral("(critical above 1.5 s)")), qPrintable(page));
        QVERIFY2(flat.contains(QStringLiteral("1,250 revocation events (warning above 1,000)")),
                 qPrintable(page));
        // Headline figures, first → last and the change. East's live tokens
        // went from about 1.2 M to about 1.6 M.
        QVERIFY2(flat.contains(QStringLiteral("Live tokens")), qPrintable(page));
        QVERIFY2(flat.contains(QStringLiteral("Validation p99")), qPrintable(page));
        QVERIFY2(flat.contains(QStringLiteral("Size of table token")), qPrintable(page));
        static const QRegularExpression liveEast(
            QStringLiteral("Live tokens\\s+1\\.\\d+ M → 1\\.\\d+ M\\s+\\+\\d+(\\.\\d+)? k "
                           "\\(\\+\\d+(\\.\\d)?%\\)"));
        QVERIFY2(liveEast.match(page).hasMatch(), qPrintable(page));
        QVERIFY(!page.contains(QChar(0x2026)));

        // Page 1 as a picture: in the grab directory when asked for.
        const QString prefix = m_dir.filePath(QStringLiteral("page1"));
        QVERIFY(runTool(tool(QStringLiteral("pdftoppm")),
                        {QStringLiteral("-f"), QStringLiteral("1"), QStringLiteral("-l"),
                         QStringLiteral("1"), QStringLiteral("-r"), QStringLiteral("110"),
                         QStringLiteral("-png"), QStringLiteral("-singlefile"), m_pdf, prefix}));
        QImage image;
        QVERIFY2(image.load(prefix + QStringLiteral(".png"), "PNG"), "pdftoppm wrote no page");
        QVERIFY(image.width() > image.height()); // A4 landscape
        const auto [dark, colours] = ink(image);
        QVERIFY2(dark > image.width() * image.height() / 4 / 100,
                 qPrintable(QString::number(dark)));
        QVERIFY2(colours > 20, qPrintable(QString::number(colours)));
        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty())
            QVERIFY(image.save(
                QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("report-page1.png"))));
    }

    // Every chart page, rasterised: the charts found by their frames, each
    // at least 35 % of the page high (half a page less the gaps), at most
    // two to a page, all of them there; the layout the exporter computes
    // agrees.
    void chartPagesInRaster()
    {
        QVERIFY(!m_pdf.isEmpty());
        const QRectF area = ChartExporter::pdfContentRect(m_caption);
        for (const QRectF &r : ChartExporter::pdfChartRects(area, 2))
            QVERIFY(r.height() >= 0.35 * 793.7); // A4's 210 mm at 96 dpi

        const QString prefix = m_dir.filePath(QStringLiteral("raster"));
        QVERIFY(
            runTool(tool(QStringLiteral("pdftoppm")), {QStringLiteral("-r"), QStringLiteral("96"),
                                                       QStringLiteral("-png"), m_pdf, prefix}));
        QStringList files =
            QDir(m_dir.path()).entryList({QStringLiteral("raster-*.png")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() > 1);
        QList<double> tops;
        for (const QRectF &r : ChartExporter::pdfChartRects(area, 2))
            tops.append(10 / 25.4 * 96 + r.top());
        QList<int> perPage;
        for (const QString &file : std::as_const(files)) {
            QImage page;
            QVERIFY(page.load(m_dir.filePath(file), "PNG"));
            const QList<QPair<int, int>> frames = chartFrames(page);
            perPage.append(int(frames.size()));
            for (const auto &[top, bottom] : frames) {
                const double share = double(bottom - top) / page.height();
                QVERIFY2(bottom > top && share >= 0.35,
                         qPrintable(QStringLiteral("%1: a chart %2 to %3 of %4 rows")
                                        .arg(file)
                                        .arg(top)
                                        .arg(bottom)
                                        .arg(page.height())));
                // Where the exporter says it is, below the 10 mm margin.
                const bool placed = std::any_of(tops.cbegin(), tops.cend(), [top](double t) {
                    return std::abs(double(top) - t) < 4;
                });
                QVERIFY2(placed,
                         qPrintable(QStringLiteral("%1: a frame at row %2").arg(file).arg(top)));
            }
        }
        // The summary has no chart; then 2, 2 (growth) and 2, 1 (latency).
        QList<int> expected{0};
        for (const QList<ChartSpec> &section : ReportRenderer::pages())
            for (qsizetype left = section.size(); left > 0;
                 left -= ChartExporter::kChartsPerPdfPage)
                expected.append(int(std::min<qsizetype>(left, ChartExporter::kChartsPerPdfPage)));
        QCOMPARE(perPage, expected);
    }

    // A fleet's summary does not fit one page: it goes on over as many as
    // it needs (the figures table's header repeated), nothing cut, and the
    // charts start after it.
    void longSummaryGoesOnOverPages()
    {
        ReportRenderer::Data data;
        data.charts.from = m_now - 30 * 86400;
        data.charts.to = m_now;
        for (int i = 0; i < 9; ++i) {
            ProfileSummary s;
            s.profile = QStringLiteral("region-%1").arg(i);
            data.charts.profiles.append(s.profile);
            s.verdict.level = HealthLevel::Warning;
            s.verdict.findings = {QStringLiteral("1,250 revocation events (warning above 1,000)"),
                                  QStringLiteral("about 1,399,907 expired rows in the token "
                                                 "table by the server's estimate (warning above "
                                                 "1,000,000 rows)")};
            for (const QString &m :
                 {QStringLiteral("token.live"), QStringLiteral("token.expired"),
                  QStringLiteral("validate.p99.ms"), QStringLiteral("issue.p99.ms"),
                  QStringLiteral("revocation_event.rows"), QStringLiteral("table.token.bytes"),
                  QStringLiteral("table.trust.bytes"), QStringLiteral("schema.keystone.bytes")})
                s.figures.append(HeadlineFigure{m, RangeChange{1000, 0, 2000.0 + i, 1}, 0});
            data.summary.append(s);
        }
        const QString caption = ReportRenderer::caption(data.charts, QDateTime::currentDateTime());
        const auto doc =
            ReportRenderer::summaryDocument(data, ChartExporter::pdfContentRect(caption).size());
        QVERIFY2(doc->pageCount() >= 2, qPrintable(QString::number(doc->pageCount())));
        const QString text = doc->toPlainText();
        for (const QString &p : std::as_const(data.charts.profiles))
            QVERIFY(text.count(p) >= 2); // its verdict and its figures
        ReportRenderer renderer;
        QString error;
        const QByteArray pdf = renderer.render(ChartExporter::Format::Pdf, data, caption, &error);
        QVERIFY2(!pdf.isEmpty(), qPrintable(error));
        static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?!s)"));
        int charts = 0;
        for (const QList<ChartSpec> &section : ReportRenderer::pages())
            charts += int((section.size() + ChartExporter::kChartsPerPdfPage - 1) /
                          ChartExporter::kChartsPerPdfPage);
        QCOMPARE(int(QString::fromLatin1(pdf).count(page)), doc->pageCount() + charts);
        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty()) {
            QFile f(QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("report-fleet.pdf")));
            QVERIFY(f.open(QIODevice::WriteOnly) && f.write(pdf) == pdf.size());
        }
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
