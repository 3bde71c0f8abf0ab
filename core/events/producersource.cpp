#include "events/producersource.h"

#include "collector/collector.h"
#include "db/databaseurl.h"
#include "db/dbconnection.h"
#include "db/drivererror.h"
#include "db/keystoneinspector.h"
#include "history/historystore.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(TokenProducers)
};
} // namespace

bool hasAuthEvents(HistoryStore &store, const QString &profile)
{
    EventQuery q;
    q.profile = profile;
    q.actions = {QStringLiteral("authenticate")};
    q.limit = 1;
    const auto one = store.events(q);
    return one && !one->isEmpty();
}

ProducerReport producersFromEvents(HistoryStore &store, const QString &profile, qint64 windowSec,
                                   qint64 now, int top)
{
    ProducerReport r;
    r.source = Tr::tr("the authenticate events in the history store");
    const auto counts = store.authSuccesses(profile, (now - windowSec) * 1000, (now + 1) * 1000);
    if (!counts) {
        r.error = store.error();
        return r;
    }
    r.ranking = rankAuthSuccesses(*counts, windowSec, top);
    return r;
}

ProducerReport producersFromTokenTable(const Profile &profile, const Secrets &secrets,
                                       std::optional<qint64> windowSec, int top)
{
    ProducerReport r;
    if (profile.databaseUrl.isEmpty()) {
        r.error = Tr::tr("Profile %1 has no database, so its token table cannot be read.")
                      .arg(profile.name);
        return r;
    }
    QString urlError;
    const DatabaseUrl url = DatabaseUrl::parse(profile.databaseUrl, &urlError);
    if (!url.isValid()) {
        r.error =
            Tr::tr("The database URL of profile %1 is not usable: %2").arg(profile.name, urlError);
        return r;
    }
    const QString where = url.database + u'@' + url.displayHost();
    r.source = Tr::tr("the token table of %1").arg(where);
    DbConnection db(url, secrets.databasePassword);
    QElapsedTimer opening;
    opening.start();
    if (!db.open()) {
        r.error = describeDatabaseFailure(db.error(), where, opening.elapsed()).sentence;
        return r;
    }
    InspectorSettings settings = inspectorSettingsFor(profile);
    settings.topProducers = std::max(1, top);
    KeystoneInspector inspector(db, settings);
    std::optional<QDateTime> since;
    if (windowSec)
        since = QDateTime::currentDateTimeUtc().addSecs(-*windowSec);
    const TokenProducers p = inspector.tokenProducers(since, true);
    if (!p.byUser.available()) {
        // No token table: Keystone issues Fernet tokens, which leave no rows.
        r.error = Tr::tr("The token table of %1 cannot be read (%2). A Fernet cloud keeps no "
                         "token rows; who mints its tokens comes from Keystone's authenticate "
                         "events (turnstilectl events --follow, or collect --interval, with the "
                         "profile's RabbitMQ).")
                      .arg(where, p.byUser.error);
        return r;
    }
    r.ranking = rankTokenTable(p, p.total.value, windowSec.value_or(0));
    return r;
}

} // namespace turnstile
