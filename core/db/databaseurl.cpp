#include "db/databaseurl.h"

#include <QCoreApplication>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

namespace turnstile {

namespace {
// lupdate resolves Tr::tr() through this declaration to the "DatabaseUrl"
// context; a free Tr::tr() wrapper would leave the strings context-less.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(DatabaseUrl)
};
} // namespace

DatabaseUrl DatabaseUrl::parse(const QString &text, QString *error)
{
    DatabaseUrl out;
    auto fail = [&](const QString &msg) {
        if (error)
            *error = msg;
        return DatabaseUrl{};
    };
    const QString trimmed = text.trimmed();
    const qsizetype schemeEnd = trimmed.indexOf(u"://");
    if (schemeEnd <= 0)
        return fail(Tr::tr(
            "The database URL has no scheme (expected e.g. mysql+pymysql://user@host/keystone)."));
    out.dialect = trimmed.left(schemeEnd).toLower();
    const QString base = out.dialect.section(u'+', 0, 0);
    if (base == u"mysql" || base == u"mariadb")
        out.backend = Backend::MySql;
    else if (base == u"postgresql" || base == u"postgres" || base == u"pgsql")
        out.backend = Backend::PostgreSql;
    else if (base == u"sqlite")
        out.backend = Backend::Sqlite;
    else
        return fail(Tr::tr("Unsupported database dialect \"%1\"; Turnstile reads MySQL/MariaDB and "
                           "PostgreSQL.")
                        .arg(out.dialect));

    if (out.backend == Backend::Sqlite) {
        // sqlite:///relative/path or sqlite:////absolute/path
        out.database = trimmed.mid(schemeEnd + 4);
        if (error)
            error->clear();
        return out;
    }

    // The userinfo may contain characters that QUrl would reject unencoded
    // (passwords with '#', '?', '/'); SQLAlchemy requires them percent-encoded,
    // and so do we, but split by hand at the *last* '@' so stray '@' survive.
    QString rest = trimmed.mid(schemeEnd + 3);
    QString queryPart;
    const qsizetype q = rest.indexOf(u'?');
    if (q >= 0) {
        queryPart = rest.mid(q + 1);
        rest = rest.left(q);
    }
    const qsizetype slash = rest.indexOf(u'/', rest.lastIndexOf(u'@') + 1);
    QString authority = slash >= 0 ? rest.left(slash) : rest;
    out.database = slash >= 0 ? QUrl::fromPercentEncoding(rest.mid(slash + 1).toUtf8()) : QString();
    const qsizetype at = authority.lastIndexOf(u'@');
    if (at >= 0) {
        const QString userinfo = authority.left(at);
        authority = authority.mid(at + 1);
        const qsizetype colon = userinfo.indexOf(u':');
        out.user =
            QUrl::fromPercentEncoding((colon >= 0 ? userinfo.left(colon) : userinfo).toUtf8());
        if (colon >= 0)
            out.password = QUrl::fromPercentEncoding(userinfo.mid(colon + 1).toUtf8());
    }
    // host, host:port, [v6]:port
    if (authority.startsWith(u'[')) {
        const qsizetype close = authority.indexOf(u']');
        if (close < 0)
            return fail(Tr::tr("The database URL has an unterminated IPv6 address."));
        out.host = authority.mid(1, close - 1);
        authority = authority.mid(close + 1);
        if (authority.startsWith(u':'))
            authority = QStringLiteral("x") + authority; // reuse port parsing below
        else
            authority.clear();
        if (!authority.isEmpty()) {
            bool ok = false;
            out.port = authority.mid(2).toInt(&ok);
            if (!ok || out.port <= 0 || out.port > 65535)
                return fail(Tr::tr("The database URL has an invalid port."));
        }
    } else {
        const qsizetype colon = authority.lastIndexOf(u':');
        out.host = colon >= 0 ? authority.left(colon) : authority;
        if (colon >= 0) {
            bool ok = false;
            out.port = authority.mid(colon + 1).toInt(&ok);
            if (!ok || out.port <= 0 || out.port > 65535)
                return fail(Tr::tr("The database URL has an invalid port \"%1\".")
                                .arg(authority.mid(colon + 1)));
        }
    }
    const QUrlQuery query(queryPart);
    for (const auto &[k, v] : query.queryItems(QUrl::FullyDecoded)) {
        out.query.append({k, v});
        if (k == u"unix_socket")
            out.unixSocket = v;
        else if (k == u"host" && v.startsWith(u'/'))
            out.unixSocket = v;
    }
    if (out.host.isEmpty() && out.unixSocket.isEmpty())
        out.host = QStringLiteral("localhost");
    if (out.database.isEmpty())
        return fail(Tr::tr("The database URL names no database (expected …/keystone)."));
    if (error)
        error->clear();
    return out;
}

QString DatabaseUrl::qtDriver() const
{
    switch (backend) {
    case Backend::MySql:
        return QStringLiteral("QMYSQL");
    case Backend::PostgreSql:
        return QStringLiteral("QPSQL");
    case Backend::Sqlite:
        return QStringLiteral("QSQLITE");
    case Backend::Unknown:
        break;
    }
    return {};
}

int DatabaseUrl::effectivePort() const
{
    if (port > 0)
        return port;
    switch (backend) {
    case Backend::MySql:
        return 3306;
    case Backend::PostgreSql:
        return 5432;
    default:
        return 0;
    }
}

QString DatabaseUrl::toString(bool withPassword) const
{
    if (backend == Backend::Unknown)
        return {};
    if (backend == Backend::Sqlite)
        return dialect + QStringLiteral(":///") + database;
    QString s = dialect + QStringLiteral("://");
    if (!user.isEmpty()) {
        s += QString::fromUtf8(QUrl::toPercentEncoding(user));
        if (withPassword && !password.isEmpty())
            s += u':' + QString::fromUtf8(QUrl::toPercentEncoding(password));
        s += u'@';
    }
    s += host.contains(u':') ? u'[' + host + u']' : host;
    if (port > 0)
        s += u':' + QString::number(port);
    s += u'/' + QString::fromUtf8(QUrl::toPercentEncoding(database));
    if (!query.isEmpty()) {
        QStringList items;
        for (const auto &[k, v] : query)
            items.append(QString::fromUtf8(QUrl::toPercentEncoding(k)) + u'=' +
                         QString::fromUtf8(QUrl::toPercentEncoding(v, "/")));
        s += u'?' + items.join(u'&');
    }
    return s;
}

QString DatabaseUrl::displayHost() const
{
    if (!unixSocket.isEmpty() && host.isEmpty())
        return unixSocket;
    return host + (port > 0 ? u':' + QString::number(port) : QString());
}

} // namespace turnstile
