#pragma once

#include "history/prometheussource.h"

#include "db/databaseurl.h"

#include <QString>

#include <functional>

class QSettings;

namespace turnstile {

class SecretStore;

// Where the history lives and how long it is kept.
//
// Sqlite (default) is a file of this workstation. PostgreSql is the shared
// option: one collector writes, every workstation's dashboard reads the same
// tables. Both use the same schema.
struct HistoryConfig
{
    enum class Backend
    {
        Sqlite,
        PostgreSql
    };

    Backend backend = Backend::Sqlite;
    QString sqlitePath; // empty: defaultSqlitePath()
    DatabaseUrl url;    // PostgreSql; its password is ignored in favour of `password`
    QString password;   // PostgreSql; from the keychain, never read from or written to settings

    // 0 keeps a table forever. Raw rows are only deleted once they are
    // rolled up into minutes, minutes only once they are in hours, so a
    // long range stays answerable after the fine data is gone. Minutes serve
    // views between about a day and two months wide; older such views fall
    // back to hours. A minute row costs ~22 bytes, so at the dashboard's
    // 30-second cadence the minute table is the bulk of the file: 90 days of
    // it is ~3 MB per series (docs/benchmarks.md).
    int rawRetentionDays = 35;
    int minuteRetentionDays = 90;
    int hourRetentionDays = 0;
    // Keystone audit events and their per-minute failure counts (~200 bytes
    // an event in SQLite, see docs/benchmarks.md).
    int eventRetentionDays = 90;

    // Charts (the Growth and Latency pages, `turnstilectl report`) read from
    // this Prometheus-compatible query API instead of the store when set:
    // [history] prometheusUrl, prometheusUser, prometheusCaFile,
    // prometheusVerifyTls. The password or bearer token comes from
    // $TURNSTILE_PROMETHEUS_PASSWORD / $TURNSTILE_PROMETHEUS_TOKEN, else the
    // keychain entries of kKeychainProfile (SecretKind::Password, ::Token).
    // Annotations still come from the audit log.
    std::optional<PrometheusSourceSettings> prometheus;

    // $TURNSTILE_HISTORY, else $XDG_DATA_HOME/turnstile/history.sqlite
    static QString defaultSqlitePath();
    QString effectiveSqlitePath() const;

    // Empty when usable, otherwise one translated sentence.
    QString validationError() const;

    // The [history] group of the application settings. The password is
    // neither read nor written: it belongs in the keychain.
    static HistoryConfig fromSettings(QSettings &settings);
    void toSettings(QSettings &settings) const;

    // The one resolver of the history configuration, for the window and
    // turnstilectl alike, so both always open the same store:
    //   1. $TURNSTILE_HISTORY set: the SQLite file it names, whatever the
    //      settings say (how a cron job, a test or a second checkout points
    //      at its own file);
    //   2. else the [history] group of turnstile.conf: QSettings of the
    //      organisation and application "turnstile", the same file for both
    //      programs (AppPaths::settingsFile(), with the XDG system fallback
    //      /etc/xdg/turnstile/turnstile.conf);
    //   3. else SQLite at AppPaths::historyFile().
    // Without the password: see resolveWithPassword().
    static HistoryConfig resolve();
    static HistoryConfig resolve(QSettings &settings);

    // resolve() plus, for PostgreSQL, the password: $TURNSTILE_HISTORY_PASSWORD,
    // else the keychain entry of the pseudo-profile kKeychainProfile
    // (SecretKind::DatabasePassword). Never from turnstile.conf, never from
    // the opt-in plain-text file (an answer from it is refused, should a
    // profile ever be named `_history` and opt in).
    // `error` is one sentence when the keychain could not be read (the config
    // is still delivered, without a password: a .pgpass may still serve).
    // The asynchronous one is for the window (QtKeychain delivers on the
    // calling thread), the blocking one for turnstilectl.
    using PasswordDone = std::function<void(const HistoryConfig &, const QString &error)>;
    static void resolveWithPassword(SecretStore &keychain, PasswordDone done);
    static HistoryConfig resolveWithPasswordBlocking(SecretStore &keychain,
                                                     QString *error = nullptr);
    static constexpr auto kKeychainProfile = "_history";

    bool operator==(const HistoryConfig &) const = default;
};

} // namespace turnstile
