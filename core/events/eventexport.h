#pragma once

#include "events/keystoneevent.h"

#include <QByteArray>
#include <QList>
#include <QString>

class QJsonObject;

namespace turnstile {

// The one way to write Keystone events for people and machines: the text
// line of `turnstilectl events` and the Events page's feed, and the CSV and
// JSON both of them export. Pure.

// One sentence with the names resolved at event time:
// "user svc-backup (id 4c…) deleted by admin from 10.0.0.5", "admin failed
// to log in from 127.0.0.1 (curl/7.88.1): Invalid username or password".
QString eventDescription(const KeystoneEvent &event);
// "2026-12-07T05:06:25Z authenticate failure: admin from 127.0.0.1 (…)"
// (turnstilectl events; kept as it was printed before the page existed).
QString eventTextLine(const KeystoneEvent &event);
// The kind of the target in words: "user", "project", "role assignment".
QString eventTargetKind(const KeystoneEvent &event);

QJsonObject eventToJson(const KeystoneEvent &event);
// The CSV header line (no line break) and one row per event.
QString eventCsvHeader();
QString eventCsvLine(const KeystoneEvent &event);
// A whole file: the header and a line per event, UTF-8, "\n" line ends.
QByteArray eventsCsv(const QList<KeystoneEvent> &events);
// {"profile": …, "events": [ … ]}, indented.
QByteArray eventsJson(const QString &profile, const QList<KeystoneEvent> &events);

} // namespace turnstile
