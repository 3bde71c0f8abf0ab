#include "colorscheme.h"
#include "firstpainthook.h"
#include "growthpage.h"
#include "latencypage.h"
#include "mainwindow.h"
#include "pagetable.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "util/duration.h"
#include "util/i18n.h"
#include "util/nocoredumps.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QIcon>

#include <cstdio>
#include <memory>
#include <optional>

int main(int argc, char *argv[])
{
    QElapsedTimer sinceMain; // bench/startup: first paint, see firstpainthook.h
    sinceMain.start();
    turnstile::disableCoreDumps();
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("turnstile"));
    QCoreApplication::setApplicationName(QStringLiteral("turnstile"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TURNSTILE_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("turnstile"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/turnstile.svg")));
    turnstile::installTranslations(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Operations dashboard for OpenStack Keystone."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption profileOpt(
        QStringLiteral("profile"),
        QCoreApplication::translate("main", "Open with this profile selected."),
        QStringLiteral("NAME"));
    parser.addOption(profileOpt);
    QCommandLineOption pageOpt(QStringLiteral("page"),
                               QCoreApplication::translate("main", "Open on this page: %1.")
                                   .arg(turnstile::pageIdChoice()),
                               QStringLiteral("PAGE"));
    parser.addOption(pageOpt);
    QCommandLineOption schemeOpt(
        QStringLiteral("color-scheme"),
        QCoreApplication::translate("main", "system (default), light or dark. Also "
                                            "$TURNSTILE_COLOR_SCHEME."),
        QStringLiteral("SCHEME"));
    parser.addOption(schemeOpt);
    QCommandLineOption rangeOpt(
        QStringLiteral("range"),
        QCoreApplication::translate("main", "Open the Growth and Latency pages on the last "
                                            "DURATION (e.g. 20m, 7d) instead of 24 hours."),
        QStringLiteral("DURATION"));
    parser.addOption(rangeOpt);
    parser.process(app);

    // Before the window exists: a mistyped page starts no probe and no
    // keychain call.
    if (parser.isSet(pageOpt) && !turnstile::pageIds().contains(parser.value(pageOpt))) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(QCoreApplication::translate("main", "Unknown page %1; choose %2.")
                                    .arg(parser.value(pageOpt), turnstile::pageIdChoice())));
        return 2;
    }

    std::optional<qint64> range;
    if (parser.isSet(rangeOpt)) {
        QString error;
        range = turnstile::parseDuration(parser.value(rangeOpt), &error);
        if (!range) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 2;
        }
    }

    const QString schemeText =
        parser.isSet(schemeOpt)
            ? parser.value(schemeOpt)
            : qEnvironmentVariable("TURNSTILE_COLOR_SCHEME", QStringLiteral("system"));
    const std::optional<turnstile::ColorScheme::Mode> scheme =
        turnstile::ColorScheme::parse(schemeText);
    if (!scheme) {
        std::fprintf(
            stderr, "%s\n",
            qPrintable(QCoreApplication::translate(
                           "main", "Unknown colour scheme %1; choose system, light or dark.")
                           .arg(schemeText)));
        return 2;
    }
    auto *colorScheme = new turnstile::ColorScheme;
    colorScheme->setParent(&app);
    colorScheme->apply(*scheme);

    turnstile::ProfileStore profiles;
    turnstile::SecretStore secrets;
    turnstile::MainWindow window(&profiles, &secrets);
    if (parser.isSet(profileOpt))
        window.selectProfile(parser.value(profileOpt));
    if (parser.isSet(pageOpt))
        window.showPage(parser.value(pageOpt));
    if (range) {
        window.growthPage()->showLast(*range);
        window.latencyPage()->showLast(*range);
    }
    if (turnstile::FirstPaintHook::requested())
        new turnstile::FirstPaintHook(&window, sinceMain);
    window.show();
    return app.exec();
}
