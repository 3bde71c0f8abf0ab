#include "probe/prober.h"

#include "db/dbconnection.h"
#include "db/drivererror.h"
#include "db/galerainspector.h"
#include "db/rowcount.h"
#include "db/sqlsession.h"
#include "events/notificationcheck.h"
#include "health/galeraverdict.h"
#include "keystone/authbackoff.h"
#include "keystone/identityapi.h"
#include "keystone/keystoneclient.h"
#include "probe/galeraalert.h"
#include "probe/latencywindow.h"
#include "profiles/keystoneconf.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Prober)
};
} // namespace

QString authRejectedSentence(const ProbeResult &r, int failedSoFar)
{
    const QString what = r.authUser.isEmpty() ? Tr::tr("The credentials")
                         : r.authWithPassword
                             ? Tr::tr("The password for %1").arg(r.authUser)
                             : Tr::tr("The application credential %1").arg(r.authUser);
    if (!r.lockoutAttempts || *r.lockoutAttempts <= 0 || !r.authWithPassword)
        return Tr::tr("%1 was rejected; Turnstile stopped trying so as not to lock the account.")
            .arg(what);
    // At least our own failure counts; the database may know of more.
    const int left = std::max(0, *r.lockoutAttempts - std::max(1, failedSoFar));
    return Tr::tr("%1 was rejected; Turnstile stopped trying so as not to lock the account "
                  "(lockout after %2 failures; attempts left: at most %3).")
        .arg(what)
        .arg(*r.lockoutAttempts)
        .arg(left);
}

ProbeResult runProbe(const Profile &profile, const Secrets &secrets, int validations,
                     LatencyWindow *window)
{
    ProbeResult r;
    r.profile = profile.name;
    r.startedAt = QDateTime::currentDateTimeUtc();
    r.endpoint = profile.authUrl.toString();
    QElapsedTimer total;
    total.start();

    KeystoneClient client(profile, secrets);
    // Keystone waited out the timeout or failed server-side: when its
    // database failed in the same cycle, that is the likely cause.
    bool keystoneStalled = false;
    auto stalled = [&](const HttpResult &h) {
        if (!h.ok() &&
            (h.status >= 500 || (h.status == 0 && h.elapsedMs() >= 0.9 * profile.timeoutMs)))
            keystoneStalled = true;
    };
    const VersionInfo v = client.discover();
    stalled(v.http);
    r.reachable = v.http.status > 0;
    if (v.ok()) {
        r.keystoneVersion = v.id;
    } else {
        r.endpointError = v.error;
    }

    if (v.ok()) {
        const HealthResult h = healthcheck(client);
        r.health = !h.enabled  ? QStringLiteral("absent")
                   : h.healthy ? QStringLiteral("ok")
                               : QStringLiteral("failing");
        if (h.enabled && !h.healthy)
            r.warnings.append(h.error);
    }

    if (!profile.keystoneConfPath.isEmpty()) {
        QString err;
        const KeystoneConf conf = KeystoneConf::load(profile.keystoneConfPath, &err);
        if (err.isEmpty()) {
            r.lockoutAttempts = conf.lockoutFailureAttempts;
            r.lockoutDurationSec = conf.lockoutDuration;
            r.notificationProblems = checkNotificationConfig(conf);
        }
    }
    r.authWithPassword = profile.authMethod == AuthMethod::Password;
    r.authUser = !r.authWithPassword           ? (profile.applicationCredentialName.isEmpty()
                                                      ? profile.applicationCredentialId
                                                      : profile.applicationCredentialName)
                 : !profile.username.isEmpty() ? profile.username
                                               : profile.userId;

    if (v.ok()) {
        const TokenInfo t = AuthBackoff::issueToken(client, profile, secrets);
        r.authRejected = t.http.status == 401;
        stalled(t.http);
        if (t.ok()) {
            r.issueMs = t.http.elapsedMs();
            r.tokenBytes = t.tokenBytes;
            r.warnings = t.warnings;
            // A token for itself: every user may validate its own token, so the
            // probe needs no admin role.
            QList<double> samples;
            for (int i = 0; i < std::max(1, validations); ++i) {
                const HttpResult h = client.validateToken(t.token);
                stalled(h);
                if (!h.ok()) {
                    r.tokenError = h.error;
                    break;
                }
                samples.append(h.elapsedMs());
            }
            if (!samples.isEmpty()) {
                QList<double> sorted = samples;
                std::sort(sorted.begin(), sorted.end());
                r.validateMs = sorted.at(sorted.size() / 2);
            }
            // Percentiles only when this probe measured something itself: a
            // cycle whose validations failed must not report the window's
            // older figures as current.
            using K = LatencyWindow::Kind;
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            if (window)
                window->add(K::Issue, {*r.issueMs}, now);
            r.issuePercentiles =
                window ? window->percentiles(K::Issue, now) : latencyPercentiles({*r.issueMs});
            if (!samples.isEmpty()) {
                if (window)
                    window->add(K::Validate, samples, now);
                r.validatePercentiles =
                    window ? window->percentiles(K::Validate, now) : latencyPercentiles(samples);
            }
            // The catalog size matters because services receive it with every
            // validation; multi-region catalogs outgrow header limits.
            const CatalogResult c = fetchCatalog(client);
            if (c.ok()) {
                r.catalogBytes = c.catalogBytes;
                r.catalogRegions = c.regions;
                r.warnings.append(KeystoneClient::sizeWarnings(0, c.catalogBytes));
            }
            // Leave no live probe tokens behind? Revoking would add a
            // revocation_event per probe and grow the very table we watch, so
            // the token simply expires.
        } else {
            r.tokenError = r.authRejected ? authRejectedSentence(r) : t.error;
        }
    }

    std::optional<DatabaseFailure> dbFailure;
    QStringList galeraNodes = profile.galeraNodes;
    bool galeraDiscovered = false;
    if (!profile.databaseUrl.isEmpty()) {
        r.databaseConfigured = true;
        QString err;
        const DatabaseUrl url = DatabaseUrl::parse(profile.databaseUrl, &err);
        if (!url.isValid()) {
            r.databaseError = err;
        } else {
            r.databaseTarget = url.database + u'@' + url.displayHost();
            DbConnection db(url, secrets.databasePassword);
            QElapsedTimer opening;
            opening.start();
            if (!db.open()) {
                const DatabaseFailure f =
                    describeDatabaseFailure(db.error(), r.databaseTarget, opening.elapsed());
                r.databaseError = f.sentence;
                r.databaseErrorDetail = f.detail;
                if (f.kind != DatabaseFailure::Kind::Other)
                    dbFailure = f;
                // Its own node down: the other members this process saw still say why.
                if (profile.galeraNodes.isEmpty() && url.backend == DatabaseUrl::Backend::MySql) {
                    galeraNodes = GaleraInspector::rememberNodes(url.displayHost(), {});
                    galeraDiscovered = !galeraNodes.isEmpty();
                }
            } else {
                const RowCount rev = countRows(db, KeystoneTable::RevocationEvent);
                r.revocationEvents = rev.rows;
                r.revocationError = rev.error;
                const RowCount tok = countRows(db, KeystoneTable::Token);
                r.tokenRows = tok.rows;
                r.tokenRowsEstimated = tok.estimated;
                r.tokenRowsError = tok.error;
                r.databaseMs = rev.queryMs + tok.queryMs;
                if (profile.galeraNodes.isEmpty() && url.backend == DatabaseUrl::Backend::MySql) {
                    SqlSession session(db, 5000);
                    galeraNodes = GaleraInspector::rememberNodes(
                        url.displayHost(), GaleraInspector::discoverNodes(session));
                    galeraDiscovered = !galeraNodes.isEmpty();
                }
                for (const RowCount *c : {&rev, &tok})
                    if (!c->error.isEmpty() && !dbFailure) {
                        const DatabaseFailure f =
                            describeDatabaseFailure(c->error, r.databaseTarget, qint64(c->queryMs));
                        if (f.kind != DatabaseFailure::Kind::Other)
                            dbFailure = f;
                    }
            }
        }
    }
    // A frozen database makes Keystone time out too; the Keystone sentence
    // alone would send the on-call engineer to the wrong server.
    if (keystoneStalled && dbFailure) {
        QString &blamed = !r.endpointError.isEmpty() ? r.endpointError : r.tokenError;
        if (!blamed.isEmpty()) {
            r.keystoneErrorDetail = blamed;
            blamed = Tr::tr("Keystone did not answer in time, most likely because its database "
                            "%1 %2.")
                         .arg(r.databaseTarget, dbFailure->behaviour);
        }
    }
    // Galera: every node in parallel, judged against the profile's thresholds.
    if (!galeraNodes.isEmpty()) {
        const DatabaseUrl url = DatabaseUrl::parse(profile.databaseUrl);
        if (url.isValid()) {
            GaleraStatus g = GaleraInspector(url, secrets.databasePassword)
                                 .inspect(galeraNodes, 0, galeraDiscovered);
            evaluateGalera(g, effectiveThresholds(profile.thresholds));
            r.galera = g;
            applyGaleraAlert(r);
        }
    }
    r.durationMs = total.nsecsElapsed() / 1e6;
    return r;
}

} // namespace turnstile
