#include "aboutbox.h"

#include <QCoreApplication>

// Set on this file only (widgets/CMakeLists.txt), so a new commit rebuilds
// one object, not the tree.
#ifndef TURNSTILE_GIT_DESCRIBE
#define TURNSTILE_GIT_DESCRIBE ""
#endif

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(MainWindow)
};
} // namespace

QString buildVersion()
{
    const QString git = QStringLiteral(TURNSTILE_GIT_DESCRIBE);
    const QString version = QStringLiteral(TURNSTILE_VERSION);
    return git.isEmpty() ? version : Tr::tr("%1 (git %2)").arg(version, git);
}

QString aboutText()
{
    return Tr::tr("Turnstile %1\n\nAn operations dashboard for OpenStack Keystone: token "
                  "validation and issue times, the database tables that slow them down, Fernet "
                  "keys across the nodes, locked accounts, and the guarded actions that fix "
                  "them.\n\nBuilt with Qt %2, running on Qt %3.")
        .arg(buildVersion(), QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion()));
}

} // namespace turnstile
