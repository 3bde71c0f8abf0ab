#pragma once

#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QHash>
#include <QString>

namespace testsupport {

// The three regions of `lab.sh regions-on` (tests/lab/regions.sh): its
// regions.env beside the lab's lab.env, read once.
QHash<QString, QString> regionsEnv();
QString region(const QString &key);
int regionCount();

// Region n (1-based) as an operator would set it up: the region's Keystone,
// its Galera node as database, its own memcached, and the Fernet keys of the
// region's node (over the lab's ssh) beside the key set they were copied from,
// so a node whose keys drift turns that region's keys red. Named
// "labregions-RegionOne", as `profiles import --clouds-yaml` names them.
turnstile::Profile labRegionProfile(int n);
turnstile::Secrets labRegionSecrets();

// Runs tests/lab/lab.sh with this lab's LAB_DIR (the ports it remembered);
// its output goes to *output. True on exit code 0.
bool runLabScript(const QStringList &arguments, QString *output = nullptr);

} // namespace testsupport
