#pragma once

#include <QHash>
#include <QString>

namespace labsupport {

// A lab's env file (tests/lab/lab.sh writes `export KEY='VALUE'` lines) as
// a map; empty, with a sentence in *error, when it cannot be read.
QHash<QString, QString> readLabEnv(const QString &path, QString *error = nullptr);

} // namespace labsupport
