#include "db/migrationcatalog.h"

#include <QCoreApplication>

#include <algorithm>
#include <array>

namespace turnstile {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(MigrationCatalog)
};

// Releases since Keystone moved to Alembic (Yoga, 21.0.0), oldest first.
constexpr std::array<const char *, 9> kReleases = {"Yoga",   "Zed",    "2023.1", "2023.2", "2024.1",
                                                   "2024.2", "2025.1", "2025.2", "2026.1"};
constexpr int kLatest = int(kReleases.size()) - 1;

// Every Alembic revision in keystone/common/sql/migrations/versions, with the
// releases a database stays at it: from the release that shipped it to the
// release before the next revision on the same branch. -1 = still the head.
struct Revision
{
    const char *id;
    int first;
    int last;
};
constexpr std::array<Revision, 10> kRevisions = {{
    {"27e647c0fad4", 0, 0},  // initial version, before the expand/contract split
    {"29e87d24a316", 0, 2},  // expand: yoga initial
    {"e25ffa003242", 0, 2},  // contract: yoga initial
    {"b4f8b3f584e0", 3, 3},  // expand: fix incorrect constraints
    {"11c3b243b4cb", 3, 3},  // expand: service_provider relay_state default
    {"99de3849d860", 3, 3},  // contract: fix incorrect constraints
    {"c88cdce8f248", 3, -1}, // contract: remove duplicate constraints
    {"47147121", 4, 6},      // expand: mapping schema_version
    {"e8725d6fa226", 7, 7},  // expand: project_endpoint_group project_id index
    {"742c857f1dfb", 8, -1}, // expand: revocation_event indexes
}};

const Revision *find(const QString &id)
{
    for (const Revision &r : kRevisions) {
        if (id == QLatin1String(r.id))
            return &r;
    }
    return nullptr;
}

QString rangeText(int first, int last)
{
    const QString a = QLatin1String(kReleases[size_t(first)]);
    if (last < 0)
        return Tr::tr("%1 or later").arg(a);
    if (first == last)
        return a;
    return QStringLiteral("%1 – %2").arg(a, QLatin1String(kReleases[size_t(last)]));
}

} // namespace

QString releaseOfRevision(const QString &revision)
{
    const Revision *r = find(revision.trimmed());
    return r ? QLatin1String(kReleases[size_t(r->first)]) : QString();
}

MigrationVersion classifyAlembic(const QStringList &revisions)
{
    MigrationVersion v;
    v.scheme = MigrationVersion::Scheme::Alembic;
    for (const QString &rev : revisions)
        v.revisions.append(rev.trimmed());
    v.revisions.sort();
    if (v.revisions.isEmpty()) {
        v.note = Tr::tr("alembic_version is empty; the schema was never migrated or the migration "
                        "was interrupted.");
        return v;
    }
    QStringList unknown;
    int first = 0;
    int last = kLatest;
    bool lastOpen = true; // every head is still the newest of its branch
    int unionFirst = kLatest;
    int unionLast = 0;
    for (const QString &rev : std::as_const(v.revisions)) {
        const Revision *r = find(rev);
        if (!r) {
            unknown.append(rev);
            continue;
        }
        const int rl = r->last < 0 ? kLatest : r->last;
        first = std::max(first, r->first);
        last = std::min(last, rl);
        lastOpen = lastOpen && r->last < 0;
        unionFirst = std::min(unionFirst, r->first);
        unionLast = std::max(unionLast, rl);
    }
    if (!unknown.isEmpty()) {
        v.note = Tr::tr("Unknown migration revision %1: probably a Keystone newer than Turnstile "
                        "knows; the "
                        "figures are read anyway, but the schema may have changed.")
                     .arg(unknown.join(QStringLiteral(", ")));
        return v;
    }
    v.known = true;
    if (first <= last) {
        v.releases = rangeText(first, lastOpen ? -1 : last);
    } else {
        // The expand branch is ahead of contract: normal in the middle of a
        // rolling upgrade, wrong if it stays that way.
        v.releases = rangeText(unionFirst, unionLast);
        v.note = Tr::tr(
            "The expand and contract migrations belong to different releases; an upgrade is in "
            "progress or keystone-manage db_sync --contract has not run.");
    }
    return v;
}

MigrationVersion classifyMigrate(const QList<QPair<QString, qint64>> &rows)
{
    MigrationVersion v;
    v.scheme = MigrationVersion::Scheme::SqlalchemyMigrate;
    for (const auto &[repo, version] : rows)
        v.revisions.append(QStringLiteral("%1=%2").arg(repo).arg(version));
    v.revisions.sort();
    v.releases = Tr::tr("before Yoga");
    v.note = Tr::tr("The schema was migrated with sqlalchemy-migrate, so it comes from a Keystone "
                    "older than Yoga "
                    "(21); the figures are read anyway.");
    return v;
}

} // namespace turnstile
