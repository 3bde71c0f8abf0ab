#pragma once

#include <QDateTime>

namespace turnstile {

class SqlSession;

// The database server's current UTC time, to whole seconds. Cutoffs are
// computed against it rather than the workstation's clock, which may be
// minutes off and would move the line between live and expired rows.
QDateTime databaseNowUtc(SqlSession &session, QString *error);

} // namespace turnstile
