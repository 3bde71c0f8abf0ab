#pragma once

#include <QByteArray>
#include <QString>

namespace turnstile {

// The one way an export (charts, CSV for a mail merge, a report) reaches its
// file: atomically through QSaveFile, so a failed or interrupted write never
// leaves half a file in place of the old one. Empty on success, else one
// sentence naming the file and the reason. Touches no widget: call it on a
// worker thread (ioPool()).
QString writeFileAtomically(const QString &path, const QByteArray &data);

} // namespace turnstile
