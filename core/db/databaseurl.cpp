#include "db/databaseurl.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

namespace turnstile {

namespace {
// lupdate resolves Tr::tr() through this declaration to the "DatabaseUrl"
// context; a free Tr::tr() wrapper would leave the strings context-less.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(DatabaseUrl)
};
// Where the user info ends in `rest` (the text after "://"): the last '@'
// before the query, so a stray '@' in a password survives. When there is none
// but the query holds one, the '?' belongs to the password (SQLAlchemy takes
// "user:pa?ss@host" as it is) - unless a '/' shows that the path came first.
qsizetype userinfoEnd(const QString &rest)
{
    const qsizetype q = rest.indexOf(u'?');
    const QString beforeQuery = q >= 0 ? rest.left(q) : rest;
    qsizetype at = beforeQuery.lastIndexOf(u'@');
    if (at < 0 && q >= 0 && !beforeQuery.contains(u'/'))
        at = rest.lastIndexOf(u'@');
    return at;
}

std::optional<bool> parseBool(const QString &v)
{
    const QString l = v.trimmed().toLower();
    if (l == u"true" || l == u"1" || l == u"yes" || l == u"on")
        return true;
    if (l == u"false" || l == u"0" || l == u"no" || l == u"off")
        return false;
    return std::nullopt;
}

// Reads one query parameter into `out`. Returns a sentence when the parameter
// is unknown or its value unusable: a parameter quietly dropped could be the
// TLS setting the operator relies on.
QString applyParameter(DatabaseUrl &out, const QString &k, const QString &v)
{
    using Mode = DatabaseUrl::TlsMode;
    const bool mysql = out.backend == DatabaseUrl::Backend::MySql;
    const bool pg = out.backend == DatabaseUrl::Backend::PostgreSql;
    auto badValue = [&] {
        return Tr::tr("The database URL parameter %1 has a value Turnstile does not understand.")
            .arg(k);
    };
    auto file = [&](QString *target) {
        // Qt's drivers split their connect options at ';'.
        if (v.contains(u';'))
            return Tr::tr("The file named by the database URL parameter %1 must not contain a "
                          "';'.")
                .arg(k);
        *target = v;
        return QString();
    };
    // Harmless everywhere: character set (the driver always uses UTF-8) and
    // SQLAlchemy plugins (devstack's dbcounter), which only act inside Python.
    if (k == u"charset" || k == u"use_unicode" || k == u"plugin" || k == u"client_encoding" ||
        k == u"application_name")
        return {};
    if (mysql && k == u"unix_socket") {
        out.unixSocket = v;
        return {};
    }
    if (pg && k == u"host") {
        if (v.startsWith(u'/'))
            out.unixSocket = v;
        else
            out.host = v;
        return {};
    }
    if ((mysql && k == u"ssl_ca") || (pg && k == u"sslrootcert")) {
        if (mysql && out.tlsMode == Mode::Default)
            out.tlsMode = Mode::VerifyFull; // PyMySQL: a CA means verify, host name included
        return file(&out.tlsCaFile);
    }
    if ((mysql && k == u"ssl_cert") || (pg && k == u"sslcert"))
        return file(&out.tlsCertFile);
    if ((mysql && k == u"ssl_key") || (pg && k == u"sslkey"))
        return file(&out.tlsKeyFile);
    if (mysql && k == u"ssl_verify_cert") {
        const auto b = parseBool(v);
        if (!b)
            return badValue();
        out.tlsMode = *b ? (out.tlsMode == Mode::VerifyCa ? Mode::VerifyCa : Mode::VerifyFull)
                         : Mode::Require;
        return {};
    }
    if (mysql && (k == u"ssl_verify_identity" || k == u"ssl_check_hostname")) {
        const auto b = parseBool(v);
        if (!b)
            return badValue();
        if (*b)
            out.tlsMode = Mode::VerifyFull;
        else if (out.tlsMode != Mode::Require)
            out.tlsMode = Mode::VerifyCa;
        return {};
    }
    if (mysql && k == u"ssl_mode") {
        const QString m = v.trimmed().toUpper();
        if (m == u"DISABLED")
            out.tlsMode = Mode::Disable;
        else if (m == u"PREFERRED" || m == u"REQUIRED")
            out.tlsMode = Mode::Require; // never a silent fall-back to plain text
        else if (m == u"VERIFY_CA")
            out.tlsMode = Mode::VerifyCa;
        else if (m == u"VERIFY_IDENTITY")
            out.tlsMode = Mode::VerifyFull;
        else
            return badValue();
        return {};
    }
    if (pg && k == u"sslmode") {
        const QString m = v.trimmed().toLower();
        if (m == u"disable")
            out.tlsMode = Mode::Disable;
        else if (m == u"allow" || m == u"prefer" || m == u"require")
            out.tlsMode = Mode::Require; // never a silent fall-back to plain text
        else if (m == u"verify-ca")
            out.tlsMode = Mode::VerifyCa;
        else if (m == u"verify-full")
            out.tlsMode = Mode::VerifyFull;
        else
            return badValue();
        return {};
    }
    return Tr::tr("The database URL parameter %1 is not one Turnstile understands; remove it or "
                  "write it as the documentation shows.")
        .arg(k);
}
} // namespace

QString DatabaseUrl::stripPassword(const QString &text, QString *password)
{
    if (password)
        password->clear();
    const qsizetype schemeEnd = text.indexOf(u"://");
    if (schemeEnd <= 0)
        return text;
    const QString rest = text.mid(schemeEnd + 3);
    const qsizetype at = userinfoEnd(rest);
    if (at < 0)
        return text;
    const QString userinfo = rest.left(at);
    const qsizetype colon = userinfo.indexOf(u':');
    if (colon < 0)
        return text;
    if (password)
        *password = QUrl::fromPercentEncoding(userinfo.mid(colon + 1).toUtf8());
    return text.left(schemeEnd + 3) + userinfo.left(colon) + rest.mid(at);
}

QString DatabaseUrl::systemCaBundle()
{
    // Debian's bundle (ca-certificates); the same trust the Keystone client uses.
    return QStringLiteral("/etc/ssl/certs/ca-certificates.crt");
}

bool DatabaseUrl::isLoopback() const
{
    if (!unixSocket.isEmpty() || backend == Backend::Sqlite)
        return true;
    const QHostAddress address(host);
    if (!address.isNull())
        return address.isLoopback();
    return host.compare(u"localhost", Qt::CaseInsensitive) == 0;
}

DatabaseUrl::TlsMode DatabaseUrl::effectiveTlsMode() const
{
    if (tlsMode != TlsMode::Default)
        return tlsMode;
    // Nobody can sit between us and a server on this machine; anywhere else
    // the password and the token table travel over a network.
    return isLoopback() ? TlsMode::Disable : TlsMode::VerifyFull;
}

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
    // (passwords with '#', '?', '/'); SQLAlchemy asks for them percent-encoded
    // but accepts a '?' or '/' as it is, and so do we (userinfoEnd).
    QString rest = trimmed.mid(schemeEnd + 3);
    const qsizetype at = userinfoEnd(rest);
    if (at >= 0) {
        const QString userinfo = rest.left(at);
        rest = rest.mid(at + 1);
        const qsizetype colon = userinfo.indexOf(u':');
        out.user =
            QUrl::fromPercentEncoding((colon >= 0 ? userinfo.left(colon) : userinfo).toUtf8());
        if (colon >= 0)
            out.password = QUrl::fromPercentEncoding(userinfo.mid(colon + 1).toUtf8());
    }
    QString queryPart;
    const qsizetype q = rest.indexOf(u'?');
    if (q >= 0) {
        queryPart = rest.mid(q + 1);
        rest = rest.left(q);
    }
    const qsizetype slash = rest.indexOf(u'/');
    QString authority = slash >= 0 ? rest.left(slash) : rest;
    out.database = slash >= 0 ? QUrl::fromPercentEncoding(rest.mid(slash + 1).toUtf8()) : QString();
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
                return fail(Tr::tr("The database URL has an invalid port."));
        }
    }
    const QUrlQuery query(queryPart);
    for (const auto &[k, v] : query.queryItems(QUrl::FullyDecoded)) {
        out.query.append({k, v});
        if (const QString problem = applyParameter(out, k, v); !problem.isEmpty())
            return fail(problem);
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
