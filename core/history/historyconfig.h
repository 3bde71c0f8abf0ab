#pragma once

#include "db/databaseurl.h"

#include <QString>

class QSettings;

namespace turnstile {

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

    // $TURNSTILE_HISTORY, else $XDG_DATA_HOME/turnstile/history.sqlite
    static QString defaultSqlitePath();
    QString effectiveSqlitePath() const;

    // Empty when usable, otherwise one translated sentence.
    QString validationError() const;

    // The [history] group of the application settings. The password is
    // neither read nor written: it belongs in the keychain.
    static HistoryConfig fromSettings(QSettings &settings);
    void toSettings(QSettings &settings) const;

    // The store the window reads: the [history] settings, or the file
    // $TURNSTILE_HISTORY names, which wins (as for turnstilectl): it is how a
    // test or a second checkout points at its own file.
    static HistoryConfig windowConfig();

    bool operator==(const HistoryConfig &) const = default;
};

} // namespace turnstile
