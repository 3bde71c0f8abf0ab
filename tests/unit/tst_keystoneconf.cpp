#include "profiles/keystoneconf.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace turnstile;
using namespace Qt::StringLiterals;

namespace {

QString dataPath(const char *name)
{
    return QStringLiteral(TURNSTILE_SOURCE_DIR "/tests/unit/data/") + QString::fromLatin1(name);
}

IniFile parseOk(const QByteArray &text)
{
    QString error;
    IniFile ini = IniFile::parse(text, QStringLiteral("keystone.conf"), &error);
    if (!error.isEmpty())
        qWarning("unexpected parse error: %s", qPrintable(error));
    return ini;
}

KeystoneConf confOk(const QByteArray &text)
{
    QString error;
    const KeystoneConf c = KeystoneConf::fromIni(parseOk(text), &error);
    if (!error.isEmpty())
        qWarning("unexpected error: %s", qPrintable(error));
    return c;
}

} // namespace

class TestKeystoneConf : public QObject
{
    Q_OBJECT

private slots:
    void separatorsCommentsAndQuotes()
    {
        const IniFile ini = parseOk("# comment\n"
                                    "; another comment\n"
                                    "[DEFAULT]\n"
                                    "a = 1\n"
                                    "b: 2\n"
                                    "url = http://h:5000/v3\n" // '=' before ':' splits at '='
                                    "c: x=y\n"                 // ':' before '=' splits at ':'
                                    "empty =\n"
                                    "dq = \"quoted value\"\n"
                                    "sq = 'single'\n"
                                    "mixed = \"not stripped'\n"
                                    "spaced   =    padded    \n"
                                    "inline = v # not a comment\n");
        QCOMPARE(ini.value(u"DEFAULT"_s, u"a"_s), u"1"_s);
        QCOMPARE(ini.value(u"DEFAULT"_s, u"b"_s), u"2"_s);
        QCOMPARE(ini.value(u"DEFAULT"_s, u"url"_s), u"http://h:5000/v3"_s);
        QCOMPARE(ini.value(u"DEFAULT"_s, u"c"_s), u"x=y"_s);
        QVERIFY(ini.contains(u"DEFAULT"_s, u"empty"_s));
        QCOMPARE(ini.value(u"DEFAULT"_s, u"empty"_s, u"dflt"_s), QString());
        QCOMPARE(ini.value(u"DEFAULT"_s, u"dq"_s), u"quoted value"_s);
        QCOMPARE(ini.value(u"DEFAULT"_s, u"sq"_s), u"single"_s);
        QCOMPARE(ini.value(u"DEFAULT"_s, u"mixed"_s), u"\"not stripped'"_s);
        QCOMPARE(ini.value(u"DEFAULT"_s, u"spaced"_s), u"padded"_s);
        // oslo.config has no inline comments: the '#' is part of the value.
        QCOMPARE(ini.value(u"DEFAULT"_s, u"inline"_s), u"v # not a comment"_s);
        QCOMPARE(ini.value(u"DEFAULT"_s, u"missing"_s, u"fallback"_s), u"fallback"_s);
        QCOMPARE(ini.lines.value(u"DEFAULT"_s).value(u"b"_s), QList<int>{5});
    }

    void continuationLines()
    {
        const IniFile ini = parseOk("[cache]\n"
                                    "memcache_servers = a:1,\n"
                                    "    b:2,\n"
                                    "\tc:3\n"
                                    "backend = x\n"
                                    "[s]\n"
                                    "k = first\n"
                                    "\n"
                                    "other = y\n");
        QCOMPARE(ini.value(u"cache"_s, u"memcache_servers"_s), u"a:1,\nb:2,\nc:3"_s);
        QCOMPARE(ini.value(u"cache"_s, u"backend"_s), u"x"_s);
        // A blank line ends the value; the next key is separate.
        QCOMPARE(ini.value(u"s"_s, u"k"_s), u"first"_s);
        QCOMPARE(ini.value(u"s"_s, u"other"_s), u"y"_s);

        // After a blank line an indented line continues nothing: an error, as in oslo.config.
        QString error;
        IniFile::parse("[s]\nk = v\n\n  stray\n", QStringLiteral("k.conf"), &error);
        QVERIFY2(error.contains(u"k.conf line 4"_s), qPrintable(error));
    }

    void repeatedKeys()
    {
        const IniFile ini = parseOk("[s]\nk = 1\nk = 2\nother = x\nk = 3\n");
        QCOMPARE(ini.values(u"s"_s, u"k"_s), (QStringList{u"1"_s, u"2"_s, u"3"_s}));
        QCOMPARE(ini.value(u"s"_s, u"k"_s), u"3"_s);
        QCOMPARE(ini.lines.value(u"s"_s).value(u"k"_s), (QList<int>{2, 3, 5}));
        // Keystone uses the last occurrence of a single-valued option.
        QCOMPARE(confOk("[token]\nexpiration = 10\nexpiration = 20\n").tokenExpiration, 20);
    }

    void defaultFallback()
    {
        const IniFile ini = parseOk("[DEFAULT]\nshared = d\nboth = d\n[s]\nboth = own\n");
        QCOMPARE(ini.value(u"s"_s, u"shared"_s), u"d"_s);
        QCOMPARE(ini.value(u"s"_s, u"both"_s), u"own"_s);
        QCOMPARE(ini.values(u"nosuchsection"_s, u"shared"_s), QStringList{u"d"_s});
        QVERIFY(!ini.contains(u"s"_s, u"shared"_s));
        // ... but oslo.config never reads a grouped option from [DEFAULT].
        QCOMPARE(confOk("[DEFAULT]\nexpiration = 99\n").tokenExpiration, 3600);
    }

    void sectionNamesAreNormalised()
    {
        const IniFile ini =
            parseOk("[Token]\nexpiration = 5\n[DEFAULT]\nx = 1\n[default]\ny = 2\n[empty]\n");
        QCOMPARE(ini.value(u"token"_s, u"expiration"_s), u"5"_s);
        QCOMPARE(ini.value(u"TOKEN"_s, u"expiration"_s), u"5"_s);
        QVERIFY(ini.sections.contains(u"DEFAULT"_s));
        // oslo.config: only "DEFAULT" is special; [default] is an ordinary group.
        QCOMPARE(ini.sections.value(u"default"_s).value(u"y"_s), QStringList{u"2"_s});
        QVERIFY(!ini.sections.value(u"DEFAULT"_s).contains(u"y"_s));
        QVERIFY(ini.sections.contains(u"empty"_s));
        // keys stay case-sensitive
        QVERIFY(!parseOk("[s]\nKey = 1\n").contains(u"s"_s, u"key"_s));
        QCOMPARE(confOk("[Fernet_Tokens]\nmax_active_keys = 7\n").fernetMaxActiveKeys, 7);
    }

    void lineEndingsAndBom()
    {
        const IniFile ini = parseOk("\xEF\xBB\xBF[s]\r\nk = v\r\nm = a\r  cont\r\n");
        QCOMPARE(ini.value(u"s"_s, u"k"_s), u"v"_s);
        QCOMPARE(ini.value(u"s"_s, u"m"_s), u"a\ncont"_s);
    }

    void parseErrors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::newRow("key before any section") << QByteArray("# c\nk = v\n") << 2;
        QTest::newRow("key before section, at end") << QByteArray("\n\nk = v") << 3;
        QTest::newRow("neither key nor section") << QByteArray("[s]\na = 1\njust words\n") << 3;
        QTest::newRow("unterminated section") << QByteArray("[s]\na = 1\n[broken\n") << 3;
        QTest::newRow("empty section name") << QByteArray("[]\n") << 1;
        QTest::newRow("empty key") << QByteArray("[s]\n = v\n") << 2;
        QTest::newRow("continuation first") << QByteArray("  indented\n") << 1;
        QTest::newRow("continuation after section") << QByteArray("[s]\n  indented\n") << 2;
        QTest::newRow("continuation after comment") << QByteArray("[s]\nk = v\n# c\n  more\n") << 4;
        QTest::newRow("not utf-8") << QByteArray("[s]\nk = v\nbad = \xff\xfe\n") << 3;
        QTest::newRow("nul byte") << QByteArray("[s]\nk = v\0x\n", 10) << 2;
    }

    void parseErrors()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QString error;
        const IniFile ini =
            IniFile::parse(text, QStringLiteral("/etc/keystone/keystone.conf"), &error);
        QVERIFY(ini.sections.isEmpty());
        QVERIFY2(error.startsWith(u"/etc/keystone/keystone.conf line %1: "_s.arg(line)),
                 qPrintable(error));
        // One sentence ending in a full stop.
        QVERIFY2(error.endsWith(u'.'), qPrintable(error));
    }

    void randomGarbageNeverCrashes()
    {
        QRandomGenerator rng(20240611);
        int errors = 0;
        for (int i = 0; i < 300; ++i) {
            QByteArray junk(int(rng.bounded(1, 4096)), Qt::Uninitialized);
            for (char &c : junk)
                c = char(rng.bounded(256));
            QString error;
            const IniFile ini = IniFile::parse(junk, QStringLiteral("junk.conf"), &error);
            if (!error.isEmpty()) {
                ++errors;
                QVERIFY(error.startsWith(u"junk.conf line "_s));
            }
            KeystoneConf::fromIni(ini, &error);
        }
        // Random bytes are practically never valid UTF-8 INI.
        QCOMPARE(errors, 300);

        // INI-looking noise: may parse or not, must never crash or hang.
        const QByteArray alphabet("[]=:#; \t\n\rab$${}\\'\"0123456789_.");
        for (int i = 0; i < 500; ++i) {
            QByteArray noise;
            const int n = int(rng.bounded(1, 400));
            for (int k = 0; k < n; ++k)
                noise.append(alphabet.at(rng.bounded(alphabet.size())));
            QString error;
            const IniFile ini =
                IniFile::parse("[token]\n" + noise, QStringLiteral("noise.conf"), &error);
            KeystoneConf::fromIni(ini, &error);
        }
    }

    void defaults()
    {
        const KeystoneConf c = confOk("[DEFAULT]\n");
        QCOMPARE(c.tokenExpiration, 3600);
        QCOMPARE(c.allowExpiredWindow, 172800);
        QCOMPARE(c.fernetMaxActiveKeys, 3);
        QCOMPARE(c.fernetKeyRepository, u"/etc/keystone/fernet-keys/"_s);
        QCOMPARE(c.credentialKeyRepository, u"/etc/keystone/credential-keys/"_s);
        QVERIFY(!c.lockoutFailureAttempts);
        QCOMPARE(c.lockoutDuration, 1800);
        QVERIFY(!c.disableUserAccountDaysInactive);
        QVERIFY(!c.passwordExpiresDays);
        QVERIFY(c.passwordExpiresIgnoreUserIds.isEmpty());
        QCOMPARE(c.uniqueLastPasswordCount, 0);
        QCOMPARE(c.minimumPasswordAge, 0);
        QVERIFY(!c.passwordRegex);
        QVERIFY(!c.passwordRegexDescription);
        QVERIFY(!c.databaseConnection);
        QVERIFY(!c.database.isValid());
        QVERIFY(c.databaseError.isEmpty());
        QCOMPARE(c.revokeExpirationBuffer, 1800);
        QCOMPARE(c.revokeDriver, u"sql"_s);
        QVERIFY(c.revokeCaching);
        QVERIFY(!c.cacheEnabled);
        QCOMPARE(c.memcacheServers, QStringList{u"localhost:11211"_s});
        QVERIFY(!c.memcacheServersSet);
        // An empty integer is "unset" in oslo.config: Keystone's default stays.
        QCOMPARE(confOk("[token]\nexpiration =\n").tokenExpiration, 3600);
        QVERIFY(
            !confOk("[security_compliance]\nlockout_failure_attempts =\n").lockoutFailureAttempts);
    }

    void sampleFile()
    {
        QString error;
        const KeystoneConf c = KeystoneConf::load(dataPath("keystone-sample.conf"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(c.sourcePath, dataPath("keystone-sample.conf"));
        QCOMPARE(c.tokenExpiration, 7200); // not the 99 from [DEFAULT]
        QCOMPARE(c.allowExpiredWindow, 86400);
        QCOMPARE(c.fernetMaxActiveKeys, 5);
        QCOMPARE(c.fernetKeyRepository, u"/srv/keystone/fernet-keys/"_s);
        QCOMPARE(c.credentialKeyRepository, u"/srv/keystone/credential-keys/"_s);
        QCOMPARE(c.lockoutFailureAttempts, std::optional<int>(6));
        QCOMPARE(c.lockoutDuration, 900);
        QCOMPARE(c.disableUserAccountDaysInactive, std::optional<int>(90));
        QCOMPARE(c.passwordExpiresDays, std::optional<int>(180));
        QCOMPARE(c.passwordExpiresIgnoreUserIds, (QStringList{u"3d0e6d1e"_s, u"a72b1c0f"_s}));
        QCOMPARE(c.uniqueLastPasswordCount, 5);
        QCOMPARE(c.minimumPasswordAge, 1);
        QCOMPARE(c.passwordRegex, std::optional<QString>(u"^(?=.*\\d)(?=.*[a-zA-Z]).{7,}$"_s));
        QCOMPARE(c.passwordRegexDescription,
                 std::optional<QString>(u"Passwords need 7 characters, a digit and a letter"_s));
        QCOMPARE(c.revokeExpirationBuffer, 3600);
        QCOMPARE(c.revokeDriver, u"sql"_s);
        QVERIFY(!c.revokeCaching); // "False": oslo.config booleans ignore case
        QVERIFY(c.cacheEnabled);
        QCOMPARE(c.cacheBackend, u"oslo_cache.memcache_pool"_s);
        QCOMPARE(c.memcacheServers,
                 (QStringList{u"10.0.0.11:11211"_s, u"10.0.0.12:11211"_s, u"10.0.0.13:11211"_s}));

        // URL-encoded password: decoded in the DatabaseUrl, raw string kept.
        QVERIFY(c.databaseError.isEmpty());
        QVERIFY(c.database.isValid());
        QCOMPARE(c.database.password, u"p@ss"_s);
        QCOMPARE(c.database.user, u"keystone"_s);
        QCOMPARE(c.database.host, u"db1.example.org"_s);
        QCOMPARE(c.database.port, 3306);
        QCOMPARE(c.database.database, u"keystone"_s);
        QVERIFY(c.databaseConnection->contains(u"p%40ss"_s));
    }

    void applyToProfile()
    {
        QString error;
        const KeystoneConf c = KeystoneConf::load(dataPath("keystone-sample.conf"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        Profile p;
        p.name = u"prod"_s;
        p.keyRepositories = {u"ssh://ks2/srv/keystone/fernet-keys/"_s};
        const ImportedSecrets secrets = applyKeystoneConf(p, c, u"/etc/keystone/keystone.conf"_s);
        QCOMPARE(secrets.databasePassword, u"p@ss"_s);
        QVERIFY(secrets.password.isEmpty());
        QVERIFY(!p.databaseUrl.contains(u"p@ss"_s));
        QVERIFY(!p.databaseUrl.contains(u"p%40ss"_s));
        QVERIFY(!p.databaseUrl.contains(u":p"_s));
        QVERIFY(
            p.databaseUrl.startsWith(u"mysql+pymysql://keystone@db1.example.org:3306/keystone"_s));
        // The stored URL parses back to the same place.
        const DatabaseUrl back = DatabaseUrl::parse(p.databaseUrl);
        QCOMPARE(back.host, c.database.host);
        QVERIFY(back.password.isEmpty());
        QCOMPARE(p.keystoneConfPath, u"/etc/keystone/keystone.conf"_s);
        QCOMPARE(p.keyRepositories, (QStringList{u"ssh://ks2/srv/keystone/fernet-keys/"_s,
                                                 u"/srv/keystone/fernet-keys/"_s}));
        QCOMPARE(p.memcachedServers.size(), 3);
        // Applying twice does not duplicate the repository.
        applyKeystoneConf(p, c, u"/etc/keystone/keystone.conf"_s);
        QCOMPARE(p.keyRepositories.size(), 2);
        // Nothing in the profile's serialised form carries the password.
        QVERIFY(!QString::fromUtf8(QJsonDocument(p.toJson()).toJson()).contains(u"p@ss"_s));
    }

    void memcachedOnlyWhenMeaningful()
    {
        Profile p;
        applyKeystoneConf(p, confOk("[cache]\nenabled = false\n"), u"k.conf"_s);
        QVERIFY(p.memcachedServers.isEmpty());
        applyKeystoneConf(p, confOk("[cache]\nenabled = true\nbackend = dogpile.cache.redis\n"),
                          u"k.conf"_s);
        QVERIFY(p.memcachedServers.isEmpty());
        // Caching on with a memcache backend: Keystone uses its default server.
        applyKeystoneConf(p,
                          confOk("[cache]\nenabled = true\nbackend = dogpile.cache.pymemcache\n"),
                          u"k.conf"_s);
        QCOMPARE(p.memcachedServers, QStringList{u"localhost:11211"_s});
        // An explicit list is taken even with caching off.
        Profile q;
        applyKeystoneConf(q, confOk("[cache]\nmemcache_servers = m1:11211, m2:11211\n"),
                          u"k.conf"_s);
        QCOMPARE(q.memcachedServers, (QStringList{u"m1:11211"_s, u"m2:11211"_s}));
        // No database: the profile's database stays as it was.
        q.databaseUrl = u"postgresql://ks@old/keystone"_s;
        const ImportedSecrets s = applyKeystoneConf(q, confOk("[DEFAULT]\n"), u"k.conf"_s);
        QCOMPARE(q.databaseUrl, u"postgresql://ks@old/keystone"_s);
        QVERIFY(s.databasePassword.isEmpty());
        QCOMPARE(q.keyRepositories, QStringList{u"/etc/keystone/fernet-keys/"_s});
    }

    void dollarSubstitution()
    {
        // oslo.config: "$$" and "\$" are a literal dollar; "$name" is another option.
        const KeystoneConf c =
            confOk("[DEFAULT]\n"
                   "db_host = db9\n"
                   "[database]\n"
                   "connection = mysql+pymysql://ks:pa$$w\\$rd@$db_host/keystone\n"
                   "[fernet_tokens]\n"
                   "base = /srv/ks\n"
                   "key_repository = ${base}/fernet/\n"
                   "[credential]\n"
                   "key_repository = ${fernet_tokens.base}/cred/$unknown_opt\n");
        QCOMPARE(c.database.password, u"pa$w$rd"_s);
        QCOMPARE(c.database.host, u"db9"_s);
        QCOMPARE(c.fernetKeyRepository, u"/srv/ks/fernet/"_s);
        QCOMPARE(c.credentialKeyRepository, u"/srv/ks/cred/$unknown_opt"_s);
        // A reference loop stays literal instead of recursing forever.
        const KeystoneConf loop = confOk("[fernet_tokens]\na = $b\nb = $a\nkey_repository = $a\n");
        QVERIFY(loop.fernetKeyRepository.contains(u'$'));
    }

    void dollarSubstitutionBombIsRefused()
    {
        // Found by fuzz_keystoneconf: each level refers to the one below ten
        // times, so a 400-byte file expanded to 10^10 characters and hung.
        QByteArray text = "[DEFAULT]\na0 = xxxxxxxxxxxxxxxx\n";
        for (int i = 1; i <= 10; ++i)
            text += "a" + QByteArray::number(i) + " = " +
                    QByteArray("$a").append(QByteArray::number(i - 1)).repeated(10) + "\n";
        text += "[database]\nconnection = $a10\n";
        QElapsedTimer timer;
        timer.start();
        QString error;
        const KeystoneConf c = KeystoneConf::fromIni(parseOk(text), &error);
        QVERIFY2(error.contains(u"line 14: [database] connection"_s), qPrintable(error));
        QVERIFY2(error.contains(u"too much text"_s), qPrintable(error));
        QVERIFY(!c.databaseConnection);
        QVERIFY(timer.elapsed() < 5000);
        // A value referring to itself several times, as the fuzzer wrote it.
        QVERIFY(!KeystoneConf::fromIni(parseOk("[database]\nconnection = $p$p$p\np = " +
                                               QByteArray(600, 'p') + "$p$p$p\n"),
                                       &error)
                     .databaseConnection);
        QVERIFY2(error.contains(u"too much text"_s), qPrintable(error));
        // Ordinary nesting is untouched.
        QCOMPARE(confOk("[DEFAULT]\na = x\nb = $a$a\nc = $b$b\n[database]\n"
                        "connection = mysql://u:$c@h/db\n")
                     .database.password,
                 u"xxxx"_s);
    }

    void deprecatedConnectionNames()
    {
        QCOMPARE(
            confOk("[DEFAULT]\nsql_connection = postgresql://ks:pw@h/keystone\n").database.host,
            u"h"_s);
        QCOMPARE(confOk("[sql]\nconnection = postgresql://ks:pw@old/keystone\n").database.host,
                 u"old"_s);
        // The current name wins over a deprecated one.
        QCOMPARE(confOk("[sql]\nconnection = postgresql://ks@old/keystone\n"
                        "[database]\nconnection = postgresql://ks@new/keystone\n")
                     .database.host,
                 u"new"_s);
    }

    void badDatabaseUrlIsNotFatalAndNotLeaky()
    {
        QString error;
        const KeystoneConf c = KeystoneConf::fromIni(
            parseOk("[database]\nconnection = oracle://ks:topsecret@h/keystone\n"), &error);
        QVERIFY(error.isEmpty());
        QVERIFY(!c.database.isValid());
        QVERIFY2(c.databaseError.contains(u"keystone.conf line 2"_s), qPrintable(c.databaseError));
        QVERIFY(c.databaseError.contains(u"oracle"_s));
        QVERIFY(!c.databaseError.contains(u"topsecret"_s));

        // An unencoded '?' in the password: SQLAlchemy takes it as part of the
        // password, and so do we (it used to be cut there and half of it
        // quoted back as an invalid port). It goes to the secrets, never the URL.
        const KeystoneConf leaky =
            confOk("[database]\nconnection = mysql+pymysql://ks:ab?cdefgh@h/keystone\n");
        QVERIFY2(leaky.database.isValid(), qPrintable(leaky.databaseError));
        QCOMPARE(leaky.database.password, u"ab?cdefgh"_s);
        Profile p;
        const ImportedSecrets s = applyKeystoneConf(p, leaky, u"k.conf"_s);
        QCOMPARE(p.databaseUrl, u"mysql+pymysql://ks@h/keystone"_s);
        QCOMPARE(s.databasePassword, u"ab?cdefgh"_s);
    }

    void invalidValues_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not a number") << QByteArray("[token]\n\nexpiration = soon\n")
                                      << u"k.conf line 3: [token] expiration"_s;
        QTest::newRow("float") << QByteArray("[fernet_tokens]\nmax_active_keys = 2.5\n")
                               << u"k.conf line 2: [fernet_tokens] max_active_keys"_s;
        QTest::newRow("below minimum") << QByteArray("[fernet_tokens]\nmax_active_keys = 0\n")
                                       << u"[fernet_tokens] max_active_keys must be at least 1"_s;
        QTest::newRow("out of range") << QByteArray("[revoke]\nexpiration_buffer = 99999999999\n")
                                      << u"[revoke] expiration_buffer"_s;
        QTest::newRow("optional int")
            << QByteArray("[security_compliance]\nlockout_failure_attempts = x\n")
            << u"[security_compliance] lockout_failure_attempts"_s;
        QTest::newRow("bool") << QByteArray("[cache]\nenabled = maybe\n") << u"[cache] enabled"_s;
    }

    void invalidValues()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        QString error;
        const KeystoneConf c = KeystoneConf::fromIni(IniFile::parse(text, u"k.conf"_s), &error);
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(error.startsWith(u"k.conf"_s), qPrintable(error));
        QCOMPARE(c.tokenExpiration, 3600); // a failed read returns defaults, not half a result
    }

    void integerAndBooleanSpellings()
    {
        const KeystoneConf c = confOk("[token]\nexpiration =  +42 \n[revoke]\ncaching = OFF\n"
                                      "[cache]\nenabled = 1\n");
        QCOMPARE(c.tokenExpiration, 42);
        QVERIFY(!c.revokeCaching);
        QVERIFY(c.cacheEnabled);
        QCOMPARE(confOk("[cache]\nenabled = Yes\n").cacheEnabled, true);
    }

    void loadErrors()
    {
        QString error;
        KeystoneConf::load(u"/nonexistent/keystone.conf"_s, &error);
        QVERIFY2(error.contains(u"/nonexistent/keystone.conf"_s) &&
                     error.contains(u"does not exist"_s),
                 qPrintable(error));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        KeystoneConf::load(dir.path(), &error);
        QVERIFY2(error.contains(u"directory"_s), qPrintable(error));

        const QString bad = dir.filePath(u"bad.conf"_s);
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[token]\nexpiration = 1\nnot a setting\n");
        f.close();
        KeystoneConf::load(bad, &error);
        QVERIFY2(error.startsWith(bad + u" line 3: "_s), qPrintable(error));

        if (::geteuid() != 0) { // root reads everything
            const QString locked = dir.filePath(u"locked.conf"_s);
            QFile l(locked);
            QVERIFY(l.open(QIODevice::WriteOnly));
            l.close();
            QVERIFY(l.setPermissions(QFileDevice::Permissions()));
            KeystoneConf::load(locked, &error);
            QVERIFY2(error.contains(u"cannot be read"_s), qPrintable(error));
        }
    }
};

QTEST_APPLESS_MAIN(TestKeystoneConf)
#include "tst_keystoneconf.moc"
