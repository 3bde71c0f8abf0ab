#pragma once

#include "db/purgeablestats.h"
#include "db/revocationstats.h"
#include "db/schemainfo.h"
#include "db/serversizes.h"
#include "db/tablestats.h"
#include "db/tokenstats.h"
#include "db/userstats.h"

#include <QDateTime>
#include <QList>

namespace turnstile {

// The cheap figures, meant for every sampling cycle: statistics, index
// ranges and optimizer estimates only, no scan of the token table.
struct FrequentSample
{
    QDateTime at;
    SchemaInfo schema;
    QList<KeystoneTableStats> tables;
    TokenStats tokens; // estimates
    RevocationStats revocations;
    double databaseMs = 0; // sum over every statement of the cycle
    int reconnects = 0;    // connection re-opened during the cycle
};

// The exact figures, meant for an hourly run: exact token split, top
// producers, account figures and server-wide sizes.
struct ExactSample
{
    QDateTime at;
    TokenStats tokens; // exact
    TokenProducers producers;
    UserStats users;
    PurgeableStats purgeable;
    ServerSizes server;
    double databaseMs = 0;
    int reconnects = 0;
};

} // namespace turnstile
