#include "profiles/keystoneconf.h"

#include "events/transporturl.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringDecoder>

#include <algorithm>
#include <limits>

namespace turnstile {

namespace {

// lupdate resolves Tr::tr() through this declaration to the "KeystoneConf"
// context; a free Tr::tr() wrapper would leave the strings context-less.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(KeystoneConf)
};

const QString kDefault = QStringLiteral("DEFAULT");

// Python's str.rstrip(): trailing whitespace, which includes the '\r' of
// CRLF files.
QString rstripped(const QString &s)
{
    qsizetype n = s.size();
    while (n > 0 && s.at(n - 1).isSpace())
        --n;
    return s.left(n);
}

QString lstripped(const QString &s)
{
    qsizetype i = 0;
    while (i < s.size() && s.at(i).isSpace())
        ++i;
    return s.mid(i);
}

} // namespace

QString IniFile::normalizeSection(const QString &section)
{
    // oslo.config: _normalize_group_name()
    return section == kDefault ? section : section.toLower();
}

QString IniFile::value(const QString &section, const QString &key,
                       const QString &defaultValue) const
{
    const QStringList v = values(section, key);
    return v.isEmpty() ? defaultValue : v.constLast();
}

QStringList IniFile::values(const QString &section, const QString &key) const
{
    const QStringList own = sections.value(normalizeSection(section)).value(key);
    if (!own.isEmpty())
        return own;
    return sections.value(kDefault).value(key);
}

bool IniFile::contains(const QString &section, const QString &key) const
{
    return sections.value(normalizeSection(section)).contains(key);
}

IniFile IniFile::parse(const QByteArray &data, const QString &sourceName, QString *error)
{
    IniFile ini;
    ini.sourceName = sourceName;
    auto fail = [&](int line, const QString &msg) {
        if (error)
            *error = Tr::tr("%1 line %2: %3").arg(sourceName).arg(line).arg(msg);
        return IniFile{};
    };

    // Python opens the file as UTF-8 text and fails on anything else; doing
    // the same turns binary garbage into one clear error instead of nonsense
    // keys. Decoding line by line is exact for UTF-8 ('\n' never occurs inside
    // a multi-byte sequence) and names the offending line.
    QStringList rawLines;
    const QList<QByteArray> chunks = data.split('\n');
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        QByteArrayView chunk(chunks.at(i));
        if (i == 0 && chunk.startsWith("\xEF\xBB\xBF")) // a BOM is not part of the first key
            chunk = chunk.sliced(3);
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString decoded = decoder(chunk);
        if (decoder.hasError() || chunk.contains('\0'))
            return fail(int(rawLines.size()) + 1, Tr::tr("the file is not UTF-8 text."));
        // Python's universal newlines: a lone \r ends a line as well.
        QStringView view(decoded);
        if (view.endsWith(u'\r'))
            view.chop(1);
        for (const QStringView piece : view.split(u'\r'))
            rawLines.append(piece.toString());
    }

    QString section; // empty until the first header
    QString key;
    QStringList value;
    int keyLine = 0;

    auto flush = [&]() -> bool {
        if (key.isEmpty())
            return true;
        if (section.isEmpty())
            return false;
        const QString norm = normalizeSection(section);
        ini.sections[norm][key].append(value.join(u'\n'));
        ini.lines[norm][key].append(keyLine);
        key.clear();
        value.clear();
        return true;
    };

    int lineNo = 0;
    for (const QString &raw : rawLines) {
        ++lineNo;
        const QString line = rstripped(raw);
        if (line.isEmpty()) {
            // A blank line ends a multi-line value.
            if (!flush())
                return fail(keyLine, Tr::tr("a setting appears before any [section] header."));
            continue;
        }
        if (line.startsWith(u' ') || line.startsWith(u'\t')) {
            if (key.isEmpty())
                return fail(
                    lineNo,
                    Tr::tr("an indented line continues nothing (indentation marks a continuation "
                           "of the previous value)."));
            value.append(lstripped(line));
            continue;
        }
        if (!flush())
            return fail(keyLine, Tr::tr("a setting appears before any [section] header."));

        if (line.startsWith(u'[')) {
            if (!line.endsWith(u']'))
                return fail(lineNo, Tr::tr("the section header is not terminated by \"]\"."));
            if (line.size() <= 2)
                return fail(lineNo, Tr::tr("the section header has no name."));
            section = line.mid(1, line.size() - 2);
            ini.sections[normalizeSection(section)]; // an empty section still exists
            continue;
        }
        if (line.startsWith(u'#') || line.startsWith(u';'))
            continue;

        const qsizetype colon = line.indexOf(u':');
        const qsizetype equal = line.indexOf(u'=');
        if (colon < 0 && equal < 0)
            return fail(
                lineNo,
                Tr::tr(
                    "the line is neither a [section], a comment nor a \"key = value\" setting."));
        const qsizetype sep = (colon < 0 || (equal >= 0 && equal < colon)) ? equal : colon;
        key = line.left(sep).trimmed();
        QString v = line.mid(sep + 1).trimmed();
        if (v.size() >= 1 && v.front() == v.back() && (v.front() == u'"' || v.front() == u'\''))
            v = v.mid(1, v.size() - 2);
        if (key.isEmpty())
            return fail(lineNo, Tr::tr("the setting has no name before \"%1\".").arg(line.at(sep)));
        value = QStringList{v};
        keyLine = lineNo;
    }
    if (!flush())
        return fail(keyLine, Tr::tr("a setting appears before any [section] header."));
    if (error)
        error->clear();
    return ini;
}

namespace {

// Reads options the way oslo.config does for one registered option: only the
// option's own group (plus its deprecated names), never a [DEFAULT] fallback.
class OptionReader
{
public:
    OptionReader(const IniFile &ini, QString *error) : m_ini(ini), m_error(error) {}

    bool failed() const { return m_failed; }

    // Last raw occurrence of the first of `names` present, with oslo.config's
    // $-substitution applied.
    std::optional<QString> raw(const QList<std::pair<QString, QString>> &names,
                               QString *foundSection = nullptr, QString *foundKey = nullptr,
                               int *line = nullptr) const
    {
        for (const auto &[section, key] : names) {
            const QString norm = IniFile::normalizeSection(section);
            const QStringList v = m_ini.sections.value(norm).value(key);
            if (v.isEmpty())
                continue;
            if (foundSection)
                *foundSection = norm;
            if (foundKey)
                *foundKey = key;
            const int valueLine = m_ini.lines.value(norm).value(key).value(v.size() - 1);
            if (line)
                *line = valueLine;
            m_substitutionWork = 0;
            QString value = substitute(norm, v.constLast(), 0);
            if (m_substitutionWork > kMaxSubstitutionWork) {
                fail(valueLine, Tr::tr("[%1] %2: its $-references expand to too much text (options "
                                       "that refer to each other many times?).")
                                    .arg(norm, key));
                return std::nullopt;
            }
            return value;
        }
        return std::nullopt;
    }

    std::optional<QString> string(const QString &section, const QString &key) const
    {
        return raw({{section, key}});
    }

    // oslo.config's Integer type: surrounding blanks ignored, an empty value
    // means "unset" (we then keep Keystone's default), `min` enforced.
    std::optional<int> integer(const QString &section, const QString &key, int min)
    {
        int line = 0;
        const std::optional<QString> v = raw({{section, key}}, nullptr, nullptr, &line);
        if (!v || v->trimmed().isEmpty())
            return std::nullopt;
        bool ok = false;
        const qlonglong n = v->trimmed().toLongLong(&ok);
        if (!ok) {
            fail(line, Tr::tr("[%1] %2 must be a whole number, not \"%3\".")
                           .arg(section, key, v->trimmed()));
            return std::nullopt;
        }
        if (n > std::numeric_limits<int>::max() || n < std::numeric_limits<int>::min()) {
            fail(line, Tr::tr("[%1] %2 is out of range (%3).").arg(section, key, v->trimmed()));
            return std::nullopt;
        }
        if (n < min) {
            fail(line,
                 Tr::tr("[%1] %2 must be at least %3, not %4.").arg(section, key).arg(min).arg(n));
            return std::nullopt;
        }
        return int(n);
    }

    // oslo.config's Boolean type: true/1/on/yes and false/0/off/no, any case.
    std::optional<bool> boolean(const QString &section, const QString &key)
    {
        int line = 0;
        const std::optional<QString> v = raw({{section, key}}, nullptr, nullptr, &line);
        if (!v)
            return std::nullopt;
        const QString s = v->trimmed().toLower();
        if (s == u"true" || s == u"1" || s == u"on" || s == u"yes")
            return true;
        if (s == u"false" || s == u"0" || s == u"off" || s == u"no")
            return false;
        fail(line,
             Tr::tr("[%1] %2 must be true or false, not \"%3\".").arg(section, key, v->trimmed()));
        return std::nullopt;
    }

    // oslo.config's List type: comma separated, blanks around items dropped,
    // a trailing comma ignored.
    std::optional<QStringList> list(const QString &section, const QString &key) const
    {
        const std::optional<QString> v = raw({{section, key}});
        if (!v)
            return std::nullopt;
        QString s = v->trimmed();
        while (s.endsWith(u','))
            s.chop(1);
        QStringList out;
        if (s.isEmpty())
            return out;
        for (const QString &item : s.split(u','))
            out.append(item.trimmed());
        return out;
    }

private:
    void fail(int line, const QString &msg) const
    {
        if (m_failed)
            return; // the first problem is the one worth reading
        m_failed = true;
        if (m_error)
            *m_error = line > 0 ? Tr::tr("%1 line %2: %3").arg(m_ini.sourceName).arg(line).arg(msg)
                                : Tr::tr("%1: %2").arg(m_ini.sourceName, msg);
    }

    // oslo.config runs every value through string.Template.safe_substitute:
    // "$$" and "\$" are a literal "$", "$name" / "${name}" / "${group.name}"
    // are other options. We resolve names from this file (own section, then
    // [DEFAULT], as StrSubWrapper does) and leave unknown ones untouched -
    // Keystone would not start with those anyway. Without this a database
    // password containing "$$" would be read wrongly.
    QString substitute(const QString &section, const QString &in, int depth) const
    {
        if (!in.contains(u'$'))
            return in;
        m_substitutionWork += in.size();
        QString out;
        out.reserve(in.size());
        auto isIdStart = [](QChar c) { return c == u'_' || (c.isLetter() && c.unicode() < 128); };
        auto isIdChar = [&](QChar c) {
            return isIdStart(c) || c == u'.' || (c.isDigit() && c.unicode() < 128);
        };
        for (qsizetype i = 0; i < in.size(); ++i) {
            const QChar c = in.at(i);
            if (c == u'\\' && i + 1 < in.size() && in.at(i + 1) == u'$') {
                out += u'$';
                ++i;
                continue;
            }
            if (c != u'$' || i + 1 >= in.size()) {
                out += c;
                continue;
            }
            const QChar n = in.at(i + 1);
            if (n == u'$') {
                out += u'$';
                ++i;
                continue;
            }
            QString name;
            qsizetype end = i;
            if (n == u'{') {
                const qsizetype close = in.indexOf(u'}', i + 2);
                const QString inner = close > 0 ? in.mid(i + 2, close - i - 2) : QString();
                const bool valid = !inner.isEmpty() && isIdStart(inner.front()) &&
                                   std::all_of(inner.begin(), inner.end(), isIdChar);
                if (valid) {
                    name = inner;
                    end = close;
                }
            } else if (isIdStart(n)) {
                qsizetype j = i + 1;
                while (j < in.size() && isIdChar(in.at(j)))
                    ++j;
                name = in.mid(i + 1, j - i - 1);
                end = j - 1;
            }
            const std::optional<QString> resolved =
                name.isEmpty() ? std::nullopt : lookup(section, name, depth);
            if (!resolved) {
                out += c;
                continue;
            }
            out += *resolved;
            m_substitutionWork += resolved->size();
            i = end;
        }
        return out;
    }

    std::optional<QString> lookup(const QString &section, const QString &name, int depth) const
    {
        if (depth > 8) // a = $b, b = $a: stop, leave it literal
            return std::nullopt;
        if (m_substitutionWork > kMaxSubstitutionWork) // raw() refuses the value
            return std::nullopt;
        QList<std::pair<QString, QString>> candidates;
        const qsizetype dot = name.indexOf(u'.');
        if (dot > 0)
            candidates.append({IniFile::normalizeSection(name.left(dot)), name.mid(dot + 1)});
        else
            candidates = {{section, name}, {kDefault, name}};
        for (const auto &[s, k] : candidates) {
            const QStringList v = m_ini.sections.value(s).value(k);
            if (!v.isEmpty())
                return substitute(s, v.constLast(), depth + 1);
        }
        return std::nullopt;
    }

    const IniFile &m_ini;
    QString *m_error;
    mutable bool m_failed = false;
    // Characters substitute() has scanned and copied for the value raw() is
    // reading (values without a '$' cost nothing).
    // "a = $b$b$b..., b = $c$c$c..." expands exponentially with the depth;
    // past this much work the value is refused instead of hanging.
    static constexpr qsizetype kMaxSubstitutionWork = 256 * 1024;
    mutable qsizetype m_substitutionWork = 0;
};

// True when `text` quotes a piece of the password: DatabaseUrl's messages
// quote the part of the URL they stumbled on ("invalid port \"ab\""), and
// with an unencoded '?' or '#' in the password that part is the password.
bool mentionsSecret(const QString &text, const QString &secret)
{
    if (secret.isEmpty())
        return false;
    static const QRegularExpression quoted(QStringLiteral("\"([^\"]*)\""));
    for (const QRegularExpressionMatch &m : quoted.globalMatch(text)) {
        const QString fragment = m.captured(1);
        if (!fragment.isEmpty() && (secret.contains(fragment) || fragment.contains(secret)))
            return true;
    }
    return text.contains(secret);
}

// What could be the password in a connection string that DatabaseUrl may
// fail to split: everything between "scheme://" and the last '@'.
QString passwordGuess(const QString &connection)
{
    const qsizetype scheme = connection.indexOf(u"://");
    const qsizetype at = connection.lastIndexOf(u'@');
    if (scheme < 0 || at <= scheme)
        return {};
    const QString userinfo = connection.mid(scheme + 3, at - scheme - 3);
    const qsizetype colon = userinfo.indexOf(u':');
    return colon >= 0 ? userinfo.mid(colon + 1) : QString();
}

} // namespace

KeystoneConf KeystoneConf::fromIni(const IniFile &ini, QString *error)
{
    KeystoneConf c;
    c.sourcePath = ini.sourceName;
    OptionReader r(ini, error);
    auto setInt = [&](int &target, const QString &section, const QString &key, int min) {
        if (const auto v = r.integer(section, key, min))
            target = *v;
    };
    auto setOptInt = [&](std::optional<int> &target, const QString &section, const QString &key,
                         int min) { target = r.integer(section, key, min); };
    // An empty path option behaves as unset in Keystone (it falls back to its
    // default); keep the default rather than an empty path.
    auto setPath = [&](QString &target, const QString &section, const QString &key) {
        if (const auto v = r.string(section, key); v && !v->trimmed().isEmpty())
            target = v->trimmed();
    };

    const QString token = QStringLiteral("token");
    setInt(c.tokenExpiration, token, QStringLiteral("expiration"), 0);
    setInt(c.allowExpiredWindow, token, QStringLiteral("allow_expired_window"),
           std::numeric_limits<int>::min());

    const QString fernet = QStringLiteral("fernet_tokens");
    setInt(c.fernetMaxActiveKeys, fernet, QStringLiteral("max_active_keys"), 1);
    setPath(c.fernetKeyRepository, fernet, QStringLiteral("key_repository"));
    setPath(c.credentialKeyRepository, QStringLiteral("credential"),
            QStringLiteral("key_repository"));

    const QString sc = QStringLiteral("security_compliance");
    setOptInt(c.lockoutFailureAttempts, sc, QStringLiteral("lockout_failure_attempts"), 1);
    setInt(c.lockoutDuration, sc, QStringLiteral("lockout_duration"), 1);
    setOptInt(c.disableUserAccountDaysInactive, sc,
              QStringLiteral("disable_user_account_days_inactive"), 1);
    setOptInt(c.passwordExpiresDays, sc, QStringLiteral("password_expires_days"), 1);
    if (const auto v = r.list(sc, QStringLiteral("password_expires_ignore_user_ids")))
        c.passwordExpiresIgnoreUserIds = *v;
    setInt(c.uniqueLastPasswordCount, sc, QStringLiteral("unique_last_password_count"), 0);
    setInt(c.minimumPasswordAge, sc, QStringLiteral("minimum_password_age"), 0);
    c.passwordRegex = r.string(sc, QStringLiteral("password_regex"));
    c.passwordRegexDescription = r.string(sc, QStringLiteral("password_regex_description"));

    // oslo.db's connection option and its deprecated spellings, newest first
    // (oslo.config prefers the current name when both are present).
    QString connSection;
    QString connKey;
    int connLine = 0;
    c.databaseConnection = r.raw({{QStringLiteral("database"), QStringLiteral("connection")},
                                  {kDefault, QStringLiteral("sql_connection")},
                                  {QStringLiteral("database"), QStringLiteral("sql_connection")},
                                  {QStringLiteral("sql"), QStringLiteral("connection")}},
                                 &connSection, &connKey, &connLine);
    if (c.databaseConnection && c.databaseConnection->trimmed().isEmpty())
        c.databaseConnection.reset();
    if (c.databaseConnection) {
        QString dbError;
        c.database = DatabaseUrl::parse(*c.databaseConnection, &dbError);
        if (!c.database.isValid()) {
            // DatabaseUrl may quote a piece of a malformed URL; never let that
            // piece be (part of) the password.
            if (dbError.isEmpty() || mentionsSecret(dbError, passwordGuess(*c.databaseConnection)))
                dbError = Tr::tr(
                    "The URL could not be read; check that special characters in the password are "
                    "percent-encoded.");
            c.databaseError = Tr::tr("%1 line %2: [%3] %4: %5")
                                  .arg(ini.sourceName)
                                  .arg(connLine)
                                  .arg(connSection, connKey, dbError);
        }
    }

    const QString revoke = QStringLiteral("revoke");
    setInt(c.revokeExpirationBuffer, revoke, QStringLiteral("expiration_buffer"), 0);
    if (const auto v = r.string(revoke, QStringLiteral("driver")); v && !v->trimmed().isEmpty())
        c.revokeDriver = v->trimmed();
    if (const auto v = r.boolean(revoke, QStringLiteral("caching")))
        c.revokeCaching = *v;

    const QString cache = QStringLiteral("cache");
    if (const auto v = r.boolean(cache, QStringLiteral("enabled")))
        c.cacheEnabled = *v;
    if (const auto v = r.string(cache, QStringLiteral("backend")); v && !v->trimmed().isEmpty())
        c.cacheBackend = v->trimmed();
    if (const auto v = r.list(cache, QStringLiteral("memcache_servers"))) {
        c.memcacheServers = *v;
        c.memcacheServers.removeAll(QString());
        c.memcacheServersSet = true;
    }

    const QString notifications = QStringLiteral("oslo_messaging_notifications");
    c.transportUrl = r.raw({{notifications, QStringLiteral("transport_url")},
                            {kDefault, QStringLiteral("transport_url")}});
    if (c.transportUrl && c.transportUrl->trimmed().isEmpty())
        c.transportUrl.reset();
    // Multi-valued options: every line counts, in file order.
    const auto multi = [&](const QString &section, const QString &key) {
        return ini.sections.value(IniFile::normalizeSection(section)).value(key);
    };
    for (const QString &d : multi(notifications, QStringLiteral("driver")))
        if (!d.trimmed().isEmpty())
            c.notificationDrivers << d.trimmed();
    if (const auto v = r.list(notifications, QStringLiteral("topics")); v && !v->isEmpty())
        c.notificationTopics = *v;
    if (const auto v = r.string(kDefault, QStringLiteral("control_exchange"));
        v && !v->trimmed().isEmpty())
        c.controlExchange = v->trimmed();
    if (const auto v = r.string(kDefault, QStringLiteral("notification_format"));
        v && !v->trimmed().isEmpty())
        c.notificationFormat = v->trimmed();
    if (ini.sections.value(kDefault).contains(QStringLiteral("notification_opt_out"))) {
        c.notificationOptOut.clear();
        c.notificationOptOutSet = true;
        for (const QString &o : multi(kDefault, QStringLiteral("notification_opt_out")))
            if (!o.trimmed().isEmpty())
                c.notificationOptOut << o.trimmed();
    }

    if (r.failed())
        return KeystoneConf{};
    if (error)
        error->clear();
    return c;
}

KeystoneConf KeystoneConf::load(const QString &path, QString *error)
{
    auto fail = [&](const QString &msg) {
        if (error)
            *error = msg;
        return KeystoneConf{};
    };
    const QFileInfo fi(path);
    if (!fi.exists())
        return fail(Tr::tr("%1 does not exist.").arg(path));
    if (fi.isDir())
        return fail(Tr::tr("%1 is a directory, not a keystone.conf file.").arg(path));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(Tr::tr("%1 cannot be read: %2.").arg(path, f.errorString()));
    // keystone.conf is a few hundred KB at most; a huge file is a wrong path.
    constexpr qint64 kMaxSize = 16 * 1024 * 1024;
    if (f.size() > kMaxSize)
        return fail(Tr::tr("%1 is too large to be a keystone.conf file.").arg(path));
    const QByteArray data = f.read(kMaxSize + 1);
    if (f.error() != QFileDevice::NoError)
        return fail(Tr::tr("%1 cannot be read: %2.").arg(path, f.errorString()));
    QString parseError;
    const IniFile ini = IniFile::parse(data, path, &parseError);
    if (!parseError.isEmpty())
        return fail(parseError);
    return fromIni(ini, error);
}

ImportedSecrets applyKeystoneConf(Profile &profile, const KeystoneConf &conf,
                                  const QString &confPath)
{
    ImportedSecrets secrets;
    profile.keystoneConfPath = confPath;
    if (conf.database.isValid()) {
        profile.databaseUrl = conf.database.toString(false);
        secrets.databasePassword = conf.database.password;
    }
    if (conf.transportUrl) {
        const TransportUrl transport = TransportUrl::parse(*conf.transportUrl);
        if (transport.isValid()) {
            profile.notificationUrl = transport.toString();
            secrets.notificationPassword = transport.password;
        }
    }
    if (!conf.fernetKeyRepository.isEmpty() &&
        !profile.keyRepositories.contains(conf.fernetKeyRepository))
        profile.keyRepositories.append(conf.fernetKeyRepository);
    // Keystone's default server list only means something when caching is
    // on with a memcache backend; an explicit list is taken as written.
    const bool memcacheBackend = conf.cacheBackend.contains(QStringLiteral("memcache"));
    if (conf.memcacheServersSet || (conf.cacheEnabled && memcacheBackend))
        profile.memcachedServers = conf.memcacheServers;
    return secrets;
}

} // namespace turnstile
