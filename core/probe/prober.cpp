#include "probe/prober.h"

#include "db/dbconnection.h"
#include "db/rowcount.h"
#include "keystone/identityapi.h"
#include "keystone/keystoneclient.h"
#include "probe/latencywindow.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>

namespace turnstile {

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
    const VersionInfo v = client.discover();
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

    if (v.ok()) {
        const TokenInfo t = client.issueToken(false);
        if (t.ok()) {
            r.issueMs = t.http.elapsedMs();
            r.tokenBytes = t.tokenBytes;
            r.warnings = t.warnings;
            // A token for itself: every user may validate its own token, so the
            // probe needs no admin role.
            QList<double> samples;
            for (int i = 0; i < std::max(1, validations); ++i) {
                const HttpResult h = client.validateToken(t.token);
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
            r.tokenError = t.error;
        }
    }

    if (!profile.databaseUrl.isEmpty()) {
        r.databaseConfigured = true;
        QString err;
        const DatabaseUrl url = DatabaseUrl::parse(profile.databaseUrl, &err);
        if (!url.isValid()) {
            r.databaseError = err;
        } else {
            r.databaseTarget = url.database + u'@' + url.displayHost();
            DbConnection db(url, secrets.databasePassword);
            if (!db.open()) {
                r.databaseError = db.error();
            } else {
                const RowCount rev = countRows(db, KeystoneTable::RevocationEvent);
                r.revocationEvents = rev.rows;
                r.revocationError = rev.error;
                const RowCount tok = countRows(db, KeystoneTable::Token);
                r.tokenRows = tok.rows;
                r.tokenRowsEstimated = tok.estimated;
                r.tokenRowsError = tok.error;
                r.databaseMs = rev.queryMs + tok.queryMs;
            }
        }
    }
    r.durationMs = total.nsecsElapsed() / 1e6;
    return r;
}

} // namespace turnstile
