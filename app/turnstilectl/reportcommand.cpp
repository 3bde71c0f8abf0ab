#include "reportcommand.h"
#include "history/viewrange.h"
#include "util/iopool.h"

#include "chartexporter.h"
#include "clicontext.h"
#include "history/chartdata.h"
#include "historycommands.h"
#include "profiles/profilestore.h"
#include "reportrenderer.h"
#include "util/duration.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFuture>
#include <QHash>
#include <QJsonObject>
#include <QtConcurrent/QtConcurrentRun>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Cli)
};
} // namespace

ReportCommand::ReportCommand(CliContext &ctx) : m_ctx(ctx), m_out(ctx.out()), m_err(ctx.err()) {}

int ReportCommand::run(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr(
        "Render the Growth and Latency charts of one or more profiles to a PDF or PNG file."));
    QCommandLineOption profileOpt(
        QStringLiteral("profile"),
        Tr::tr("Profile to report on; repeat it to compare profiles in the same charts."),
        QStringLiteral("NAME"));
    QCommandLineOption rangeOpt(QStringLiteral("range"), Tr::tr("How far back, e.g. 7d or 30d."),
                                QStringLiteral("DURATION"), QStringLiteral("30d"));
    QCommandLineOption outOpt(QStringLiteral("out"), Tr::tr("The file to write: .pdf or .png."),
                              QStringLiteral("FILE"));
    parser.addOptions({profileOpt, rangeOpt, outOpt});
    if (const auto rc = parseCommandLine(parser, args, m_out, m_err))
        return *rc;
    QStringList profiles;
    for (const QString &p : parser.values(profileOpt))
        if (!profiles.contains(p))
            profiles.append(p);
    const QString out = parser.value(outOpt);
    if (profiles.isEmpty() || out.isEmpty()) {
        m_err << Tr::tr("turnstilectl report: give --profile NAME (one or more) and --out "
                        "FILE.pdf or FILE.png.")
              << Qt::endl;
        return exitcode::Usage;
    }
    const std::optional<qint64> range =
        m_ctx.durationOption(parser, rangeOpt.names().constFirst(), QStringLiteral("report"));
    if (!range)
        return exitcode::Usage;
    const std::optional<ChartExporter::Format> format = ChartExporter::formatOf(out);
    if (format != ChartExporter::Format::Pdf && format != ChartExporter::Format::Png) {
        m_err << Tr::tr("turnstilectl report: cannot write %1: choose a file name ending in .pdf "
                        "or .png.")
                     .arg(QDir::toNativeSeparators(out))
              << Qt::endl;
        return exitcode::Usage;
    }

    // A profile is known when profiles.ini has it or the history holds
    // series of it (a shared store, or a profile removed since). Its
    // threshold overrides judge its verdict on the summary page.
    ProfileStore store;
    const QStringList configured = store.names();
    QHash<QString, QJsonObject> thresholds;
    for (const QString &p : profiles)
        if (configured.contains(p))
            thresholds.insert(p, store.profile(p).thresholds);

    // The store is read on a worker while this thread sets up the charts.
    const HistoryConfig config = m_ctx.historyConfig();
    const qint64 to = rangeEndNow();
    const qint64 from = to - *range;
    QFuture<ReportRenderer::Data> reading =
        QtConcurrent::run(ioPool(), [config, profiles, thresholds, from, to] {
            return ReportRenderer::load(config, profiles, thresholds, from, to);
        });
    ReportRenderer renderer;
    const ReportRenderer::Data data = reading.result();
    const ChartData &load = data.charts;

    for (const QString &p : profiles) {
        const bool inHistory =
            !load.noStore && load.error.isEmpty() && !load.unknownProfiles.contains(p);
        if (!configured.contains(p) && !inHistory) {
            m_err << Tr::tr("turnstilectl report: no profile named \"%1\" in %2 or in the "
                            "history (known: %3).")
                         .arg(p, store.fileName(),
                              configured.isEmpty() ? Tr::tr("none")
                                                   : configured.join(QStringLiteral(", ")))
                  << Qt::endl;
            return exitcode::Config;
        }
    }
    if (load.noStore) {
        m_err << load.error << Qt::endl;
        return NoHistory;
    }
    if (!load.error.isEmpty()) {
        m_err << load.error << Qt::endl;
        return exitcode::Config;
    }
    for (const QString &p : std::as_const(load.unknownProfiles))
        m_err << Tr::tr("warning: the history holds nothing of profile %1 yet.").arg(p) << Qt::endl;
    if (load.bucketCount() == 0) {
        m_err << Tr::tr("turnstilectl report: the history holds no sample of %1 in the last %2.")
                     .arg(profiles.join(QStringLiteral(", ")), formatDuration(*range))
              << Qt::endl;
        return NoHistory;
    }

    const QString caption = ReportRenderer::caption(load, QDateTime::currentDateTime());
    QString error;
    const QByteArray bytes = renderer.render(*format, data, caption, &error);
    if (bytes.isEmpty()) {
        m_err << error << Qt::endl;
        return NotWritten;
    }
    error = ChartExporter::write(out, bytes);
    if (!error.isEmpty()) {
        m_err << error << Qt::endl;
        return NotWritten;
    }
    m_out << Tr::tr("Wrote %1: %2").arg(QDir::toNativeSeparators(out), caption) << Qt::endl;
    return exitcode::Ok;
}

} // namespace turnstile
