#pragma once

#include "db/keystonetables.h"
#include "guarded/guardedaction.h"
#include "guarded/throttle.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QVariant>

namespace turnstile {

class SqlSession;
struct DatabaseUrl;

// The shared engine of the row-deleting actions (expired tokens, obsolete or
// all revocation events). The design answers the cron job that dies with
// ERROR 1205:
//  - the cutoff is fixed once, by the preview, and every DELETE repeats it,
//    so a row on the live side of the cut is never touched;
//  - the primary key is walked in chunks by keyset (never OFFSET): one
//    statement finds where the next chunk of N keys ends, one autocommitted
//    DELETE removes the chunk's rows that are past the cutoff. Each
//    transaction holds at most N row locks for a few milliseconds, and no
//    ids travel to the client;
//  - a lock wait timeout or deadlock retries the chunk with backoff; the
//    session's lock wait is short so we give way to Keystone, not vice versa;
//  - Galera flow control pauses the work; a read-only server (replica) is
//    refused;
//  - the walk's position is journaled, so a re-run after a crash or kill
//    resumes the same job with the same cutoff.
class TableCleanup : public GuardedAction
{
public:
    TableCleanup(Profile profile, Secrets secrets);

    ActionPreview preview() override;
    ActionResult execute(const ActionPreview &confirmed, ActionControl &control) override;

    void setThrottle(const ThrottleSettings &s) { m_throttle = s; }
    ThrottleSettings throttle() const { return m_throttle; }

protected:
    struct Spec
    {
        QString title;
        KeystoneTable table = KeystoneTable::Token;
        bool integerKey = false;           // key column "id": varchar (token) or int
        QLatin1StringView predicateColumn; // rows with this column < cutoff go (a literal)
        QStringList predicateTypes;        // accepted information_schema DATA_TYPEs
        // Tables whose rows belong to the rows that go (trust_role to trust):
        // checked like the table, and cleared by dependentDeletes() in each
        // chunk just before the chunk's own DELETE.
        QList<KeystoneTable> dependents;
    };
    virtual Spec spec() const = 0;
    // The cutoff, decided at preview time. *shown is what the operator reads.
    virtual QVariant computeCutoff(SqlSession &session, QDateTime *shown, QString *error) = 0;
    // A key of the parameters that determine the cutoff: a pending run with a
    // different key is not resumed.
    virtual QString parametersKey() const = 0;
    virtual QJsonObject parameters() const = 0;
    // Consequences, warnings and acknowledgements particular to the action.
    virtual void describe(SqlSession &session, ActionPreview &preview)
    {
        Q_UNUSED(session)
        Q_UNUSED(preview)
    }

    // The rows that go, as an SQL condition with ? placeholders, and the
    // values it binds (from the cutoff fixed by the preview). The default is
    // "predicateColumn < cutoff"; an action with filters or a compound rule
    // (trust_flush: soft-deleted, or expired before the date) overrides both.
    // A condition other than the default shows no affected span.
    virtual QString goesCondition(const SqlSession &s) const;
    virtual QVariantList goesBinds(const QVariant &cutoffValue) const;
    // Statements deleting the dependents' rows of one chunk. Each gets the
    // chunk's rows as "keyCondition", a condition on the table's own rows
    // with the key range's placeholders first and then goesCondition()'s,
    // and is run with the same binds, before the chunk's DELETE. They return
    // the rows they deleted through the result's details.
    virtual QStringList dependentDeletes(const SqlSession &s, const QString &keyCondition) const
    {
        Q_UNUSED(s)
        Q_UNUSED(keyCondition)
        return {};
    }

    // A reason the action cannot run whatever the database holds (settings
    // that are missing or do not load); checked before anything connects.
    virtual QString configurationRefusal() const { return {}; }

    const Profile &profile() const { return m_profile; }
    const Secrets &secrets() const { return m_secrets; }

private:
    QString checkSchema(SqlSession &s, const Spec &spec);
    QString checkWritable(SqlSession &s, const Spec &spec);
    QString checkDeletable(SqlSession &s, KeystoneTable table);
    void estimate(ActionPreview &p) const;
    // rowsToGo/rowsToStay and the affected span; a refusal sentence on failure.
    QString countAffected(SqlSession &s, const DatabaseUrl &url, const Spec &sp, ActionPreview &p);

    Profile m_profile;
    Secrets m_secrets;
    ThrottleSettings m_throttle;
};

} // namespace turnstile
