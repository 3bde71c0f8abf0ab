#include "history/historyconfig.h"
#include "profiles/secretstore.h"
#include "util/apppaths.h"

#include <QCoreApplication>
#include <QSettings>

namespace turnstile {

namespace {
// lupdate resolves Tr::tr() through this declaration to the "HistoryConfig" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(HistoryConfig)
};

constexpr auto kGroup = "history";
} // namespace

QString HistoryConfig::defaultSqlitePath()
{
    return AppPaths::historyFile();
}

QString HistoryConfig::effectiveSqlitePath() const
{
    return sqlitePath.isEmpty() ? defaultSqlitePath() : sqlitePath;
}

QString HistoryConfig::validationError() const
{
    if (rawRetentionDays < 0 || minuteRetentionDays < 0 || hourRetentionDays < 0 ||
        eventRetentionDays < 0)
        return Tr::tr("History retention must be a number of days, or 0 to keep forever.");
    if (backend == Backend::PostgreSql && url.backend != DatabaseUrl::Backend::PostgreSql)
        return Tr::tr(
            "The shared history needs a PostgreSQL URL (postgresql://user@host/database).");
    return {};
}

HistoryConfig HistoryConfig::fromSettings(QSettings &s)
{
    HistoryConfig c;
    s.beginGroup(QLatin1String(kGroup));
    if (s.value(QStringLiteral("backend")).toString() == u"postgresql") {
        c.backend = Backend::PostgreSql;
        c.url = DatabaseUrl::parse(s.value(QStringLiteral("url")).toString());
        c.url.password.clear(); // a password pasted into the INI file is not honoured
    }
    c.sqlitePath = s.value(QStringLiteral("sqlitePath")).toString();
    c.rawRetentionDays = s.value(QStringLiteral("rawRetentionDays"), c.rawRetentionDays).toInt();
    c.minuteRetentionDays =
        s.value(QStringLiteral("minuteRetentionDays"), c.minuteRetentionDays).toInt();
    c.hourRetentionDays = s.value(QStringLiteral("hourRetentionDays"), c.hourRetentionDays).toInt();
    const QUrl prometheus(s.value(QStringLiteral("prometheusUrl")).toString());
    if (prometheus.isValid() && !prometheus.isEmpty()) {
        PrometheusSourceSettings p;
        // Credentials in the URL are not honoured: they belong in the keychain.
        p.url = prometheus.adjusted(QUrl::RemoveUserInfo);
        p.username = s.value(QStringLiteral("prometheusUser")).toString();
        p.caCertFile = s.value(QStringLiteral("prometheusCaFile")).toString();
        p.verifyTls = s.value(QStringLiteral("prometheusVerifyTls"), true).toBool();
        c.prometheus = p;
    }
    c.eventRetentionDays =
        s.value(QStringLiteral("eventRetentionDays"), c.eventRetentionDays).toInt();
    s.endGroup();
    return c;
}

HistoryConfig HistoryConfig::resolve()
{
    // Named explicitly: turnstilectl's application name is "turnstilectl",
    // and a default QSettings there would read another file than the window.
    QSettings settings(QStringLiteral("turnstile"), QStringLiteral("turnstile"));
    return resolve(settings);
}

HistoryConfig HistoryConfig::resolve(QSettings &settings)
{
    HistoryConfig config = fromSettings(settings);
    const QString file = qEnvironmentVariable("TURNSTILE_HISTORY");
    if (!file.isEmpty()) {
        config.backend = Backend::Sqlite;
        config.url = DatabaseUrl();
        config.sqlitePath = file;
        config.prometheus.reset();
    }
    return config;
}

namespace {
// The environment first, as for every secret turnstilectl takes in cron.
bool passwordFromEnvironment(HistoryConfig &config)
{
    if (config.backend != HistoryConfig::Backend::PostgreSql)
        return true; // SQLite has no password: no keychain prompt for it
    config.password = qEnvironmentVariable("TURNSTILE_HISTORY_PASSWORD");
    return !config.password.isEmpty();
}

QString keychainError(const SecretResult &r)
{
    if (r.ok || r.notFound)
        return {};
    return Tr::tr("The password of the shared history could not be read from the keychain: %1")
        .arg(r.error);
}

// The Prometheus credentials from the environment; false when the keychain
// must be asked.
bool prometheusFromEnvironment(HistoryConfig &config)
{
    if (!config.prometheus)
        return true;
    config.prometheus->password = qEnvironmentVariable("TURNSTILE_PROMETHEUS_PASSWORD");
    config.prometheus->bearerToken = qEnvironmentVariable("TURNSTILE_PROMETHEUS_TOKEN");
    return !config.prometheus->password.isEmpty() || !config.prometheus->bearerToken.isEmpty();
}

void applyPrometheusSecret(HistoryConfig &config, SecretKind kind, const SecretResult &r)
{
    if (!config.prometheus || !r.ok || r.plaintext)
        return;
    if (kind == SecretKind::Token)
        config.prometheus->bearerToken = r.value;
    else
        config.prometheus->password = r.value;
}

QString prometheusKeychainError(const SecretResult &r)
{
    if (r.ok || r.notFound)
        return {};
    return Tr::tr("The Prometheus credentials could not be read from the keychain: %1")
        .arg(r.error);
}
} // namespace

void HistoryConfig::resolveWithPassword(SecretStore &keychain, PasswordDone done)
{
    // Then the Prometheus credentials (password, then bearer token), each
    // from the keychain only when the environment has none.
    auto prometheus = [&keychain](HistoryConfig config, QString error, PasswordDone done) {
        if (prometheusFromEnvironment(config)) {
            done(config, error);
            return;
        }
        keychain.read(QLatin1String(kKeychainProfile), SecretKind::Password,
                      [&keychain, config, error, done](const SecretResult &r) mutable {
                          applyPrometheusSecret(config, SecretKind::Password, r);
                          if (error.isEmpty())
                              error = prometheusKeychainError(r);
                          keychain.read(QLatin1String(kKeychainProfile), SecretKind::Token,
                                        [config, error, done](const SecretResult &t) mutable {
                                            applyPrometheusSecret(config, SecretKind::Token, t);
                                            done(config, error.isEmpty()
                                                             ? prometheusKeychainError(t)
                                                             : error);
                                        });
                      });
    };
    HistoryConfig config = resolve();
    if (passwordFromEnvironment(config)) {
        prometheus(config, QString(), std::move(done));
        return;
    }
    keychain.read(QLatin1String(kKeychainProfile), SecretKind::DatabasePassword,
                  [config, prometheus, done = std::move(done)](const SecretResult &r) mutable {
                      if (r.ok && !r.plaintext)
                          config.password = r.value;
                      prometheus(config, keychainError(r), std::move(done));
                  });
}

HistoryConfig HistoryConfig::resolveWithPasswordBlocking(SecretStore &keychain, QString *error)
{
    HistoryConfig config = resolve();
    QString problem;
    if (!passwordFromEnvironment(config)) {
        const SecretResult r =
            keychain.readBlocking(QLatin1String(kKeychainProfile), SecretKind::DatabasePassword);
        if (r.ok && !r.plaintext)
            config.password = r.value;
        problem = keychainError(r);
    }
    if (!prometheusFromEnvironment(config)) {
        for (const SecretKind kind : {SecretKind::Password, SecretKind::Token}) {
            const SecretResult r = keychain.readBlocking(QLatin1String(kKeychainProfile), kind);
            applyPrometheusSecret(config, kind, r);
            if (problem.isEmpty())
                problem = prometheusKeychainError(r);
        }
    }
    if (error)
        *error = problem;
    return config;
}

void HistoryConfig::toSettings(QSettings &s) const
{
    s.beginGroup(QLatin1String(kGroup));
    s.setValue(QStringLiteral("backend"), backend == Backend::PostgreSql
                                              ? QStringLiteral("postgresql")
                                              : QStringLiteral("sqlite"));
    if (backend == Backend::PostgreSql)
        s.setValue(QStringLiteral("url"), url.toString(false));
    else
        s.remove(QStringLiteral("url"));
    if (sqlitePath.isEmpty())
        s.remove(QStringLiteral("sqlitePath"));
    else
        s.setValue(QStringLiteral("sqlitePath"), sqlitePath);
    s.setValue(QStringLiteral("rawRetentionDays"), rawRetentionDays);
    s.setValue(QStringLiteral("minuteRetentionDays"), minuteRetentionDays);
    s.setValue(QStringLiteral("hourRetentionDays"), hourRetentionDays);
    if (prometheus) {
        s.setValue(QStringLiteral("prometheusUrl"),
                   prometheus->url.adjusted(QUrl::RemoveUserInfo).toString());
        s.setValue(QStringLiteral("prometheusUser"), prometheus->username);
        s.setValue(QStringLiteral("prometheusCaFile"), prometheus->caCertFile);
        s.setValue(QStringLiteral("prometheusVerifyTls"), prometheus->verifyTls);
    } else {
        for (const char *k :
             {"prometheusUrl", "prometheusUser", "prometheusCaFile", "prometheusVerifyTls"})
            s.remove(QLatin1String(k));
    }
    s.setValue(QStringLiteral("eventRetentionDays"), eventRetentionDays);
    s.endGroup();
}

} // namespace turnstile
