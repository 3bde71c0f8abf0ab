#include "cli.h"
#include "util/i18n.h"
#include "util/nocoredumps.h"

#include <QApplication>
#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>
#include <cstring>
#include <memory>

namespace {
QtMessageHandler s_previousHandler = nullptr;

// Cron has no XDG_RUNTIME_DIR, and QGuiApplication's start-up looks into it
// and says so on stderr: every scheduled report would mail that notice. The
// report uses no runtime directory, so only this one message is dropped.
void quietRuntimeDirNotice(QtMsgType type, const QMessageLogContext &context, const QString &msg)
{
    if (type == QtWarningMsg && msg.startsWith(u"QStandardPaths: XDG_RUNTIME_DIR not set"))
        return;
    if (s_previousHandler)
        s_previousHandler(type, context, msg);
}
} // namespace

int main(int argc, char *argv[])
{
    turnstile::disableCoreDumps();
    // `report` paints charts, and QtCharts needs a QApplication. Every other
    // command runs on a QCoreApplication and never loads a platform plugin,
    // so cron on a box without a display is unaffected. The report shows no
    // window: the offscreen platform has fonts and painting but needs no
    // display server, whatever QT_QPA_PLATFORM the caller's session has.
    std::unique_ptr<QCoreApplication> app;
    if (argc > 1 && std::strcmp(argv[1], "report") == 0) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        s_previousHandler = qInstallMessageHandler(quietRuntimeDirNotice);
        app = std::make_unique<QApplication>(argc, argv);
        qInstallMessageHandler(s_previousHandler);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setOrganizationName(QStringLiteral("turnstile"));
    QCoreApplication::setApplicationName(QStringLiteral("turnstilectl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TURNSTILE_VERSION));
    turnstile::installTranslations(*app);
    QTextStream out(stdout);
    QTextStream err(stderr);
    turnstile::Cli cli(out, err);
    const int rc = cli.run(QCoreApplication::arguments());
    out.flush();
    err.flush();
    return rc;
}
