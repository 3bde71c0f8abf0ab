#include "cli.h"
#include "util/i18n.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("turnstile"));
    QCoreApplication::setApplicationName(QStringLiteral("turnstilectl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TURNSTILE_VERSION));
    turnstile::installTranslations(app);
    QTextStream out(stdout);
    QTextStream err(stderr);
    turnstile::Cli cli(out, err);
    const int rc = cli.run(app.arguments());
    out.flush();
    err.flush();
    return rc;
}
