#pragma once

#include "db/databaseurl.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace testsupport {

// The lab's Galera cluster (tests/lab/galera.sh, `lab.sh galera-on`): its env file
// ($LAB_DIR/galera.env, next to lab.env), empty when it is not up.
QHash<QString, QString> galeraEnv();
QString galera(const QString &key);
// Node n's (1..3) SQL address, "127.0.0.1:PORT".
QString galeraAddress(int n);
QStringList galeraAddresses();
// A URL for `user` to node n over TCP, database keystone (no password in it).
turnstile::DatabaseUrl galeraUrl(int n, const QString &user);
// The cluster's administrator on node n: the OS user over the node's socket (unix_socket
// auth, as galera.sh sets it up), so no password exists.
turnstile::DatabaseUrl galeraAdminUrl(int n, const QString &database = QStringLiteral("keystone"));
// Runs tests/lab/galera.sh with the lab's LAB_DIR (stop-node N, start-node N, …); false
// with the script's output as a warning when it fails.
bool galeraScript(const QStringList &args, int timeoutMs = 240000);

} // namespace testsupport
