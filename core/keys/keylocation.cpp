#include "keys/keylocation.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QRegularExpression>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(KeyLocation)
};

QString cleanPath(QString p)
{
    while (p.size() > 1 && p.endsWith(u'/'))
        p.chop(1);
    return p;
}

bool safePath(const QString &p, QString *error)
{
    // Control characters (a newline above all) would split the scripts that
    // carry the path; everything else is quoted.
    for (const QChar c : p) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
            if (error)
                *error = Tr::tr("The repository path contains a control character.");
            return false;
        }
    }
    return true;
}
} // namespace

QString shellQuote(const QString &text)
{
    QString s = text;
    s.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + s + u'\'';
}

QString KeyLocation::node() const
{
    // A local repository by its path: two of them must never share a name
    // in a message or a confirmation target.
    return remote ? host : path;
}

QString KeyLocation::sshDestination() const
{
    if (!remote)
        return path;
    QString d = user.isEmpty() ? host : user + u'@' + host;
    if (port > 0)
        d += u':' + QString::number(port);
    return d;
}

bool KeyLocation::sameRepository(const KeyLocation &o) const
{
    if (remote != o.remote)
        return false;
    if (remote)
        return host.compare(o.host, Qt::CaseInsensitive) == 0 && path == o.path;
    auto canonical = [](const QString &p) {
        const QString c = QFileInfo(p).canonicalFilePath();
        return c.isEmpty() ? p : c;
    };
    return canonical(path) == canonical(o.path);
}

std::optional<KeyLocation> KeyLocation::parse(const QString &input, QString *error)
{
    const QString text = input.trimmed();
    auto fail = [&](const QString &why) -> std::optional<KeyLocation> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (text.isEmpty())
        return fail(Tr::tr("The repository location is empty."));
    KeyLocation loc;
    if (text.startsWith(u"ssh://")) {
        static const QRegularExpression re(QStringLiteral(
            R"(^ssh://(?:([A-Za-z0-9._][A-Za-z0-9._-]*)@)?([A-Za-z0-9_][A-Za-z0-9._-]*)(?::([0-9]{1,5}))?(/.*)$)"));
        const auto m = re.match(text);
        if (!m.hasMatch())
            return fail(Tr::tr("\"%1\" is not ssh://[user@]host[:port]/absolute/path.").arg(text));
        loc.remote = true;
        loc.user = m.captured(1);
        loc.host = m.captured(2);
        if (m.capturedLength(3) > 0) {
            loc.port = m.captured(3).toInt();
            if (loc.port < 1 || loc.port > 65535)
                return fail(Tr::tr("The port in \"%1\" is not between 1 and 65535.").arg(text));
        }
        loc.path = cleanPath(m.captured(4));
        if (!safePath(loc.path, error))
            return std::nullopt;
        loc.text = QStringLiteral("ssh://") + loc.sshDestination() + loc.path;
        return loc;
    }
    if (text.contains(QStringLiteral("://")))
        return fail(
            Tr::tr("\"%1\": only local paths and ssh:// locations are supported.").arg(text));
    if (!text.startsWith(u'/'))
        return fail(Tr::tr("\"%1\" is not an absolute path.").arg(text));
    loc.path = cleanPath(text);
    if (!safePath(loc.path, error))
        return std::nullopt;
    loc.text = loc.path;
    return loc;
}

} // namespace turnstile
