#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include <cstddef>

namespace turnstile {

// One sub-command of a command with sub-commands (`keys status`, `users
// unlock`, `bench runs`): the command's static table of these is both its
// dispatch and its usage text (subcommandUsage), so the two cannot disagree.
template <class Commands> struct Subcommand
{
    // The name, or names sharing one handler and one usage line
    // ("locked|inactive|expiring").
    const char *names;
    // What the usage shows after "turnstilectl COMMAND NAMES", marked with
    // QT_TRANSLATE_NOOP in the context given to subcommandUsage.
    const char *synopsis;
    // Called with the arguments from the sub-command on, the first one
    // naming it as scripts call it ("turnstilectl keys status").
    int (Commands::*run)(const QStringList &args);
};

// The entry `sub` names, or nullptr.
template <class Commands, std::size_t N>
const Subcommand<Commands> *findSubcommand(const Subcommand<Commands> (&table)[N],
                                           const QString &sub)
{
    for (const Subcommand<Commands> &c : table)
        if (QString::fromLatin1(c.names).split(u'|').contains(sub))
            return &c;
    return nullptr;
}

// `args` ("turnstilectl keys", "status", ...) as the sub-command sees them:
// ("turnstilectl keys status", ...).
inline QStringList subcommandArgs(const QStringList &args)
{
    QStringList rest = args.mid(1);
    if (!rest.isEmpty())
        rest[0] = args.at(0) + u' ' + args.at(1);
    return rest;
}

// "Usage: turnstilectl COMMAND NAMES SYNOPSIS", one line per entry (the
// later ones aligned under the first), then `footer` when there is one.
template <class Commands, std::size_t N>
QString subcommandUsage(const char *context, const QString &command,
                        const Subcommand<Commands> (&table)[N], const QString &footer = {})
{
    const QString usage = QCoreApplication::translate("Cli", "Usage: ");
    QString text;
    for (const Subcommand<Commands> &c : table)
        text += (text.isEmpty() ? usage : QString(usage.size(), u' ')) + command + u' ' +
                QLatin1String(c.names) + u' ' + QCoreApplication::translate(context, c.synopsis) +
                u'\n';
    return text + footer;
}

} // namespace turnstile
