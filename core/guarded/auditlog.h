#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace turnstile {

// The append-only record of guarded actions: one JSON object per line in
// audit.jsonl. Every line carries "prev", the SHA-256 of the previous line's
// bytes (64 zeros for the first), so an edited, removed or reordered line
// breaks the chain and verify() names it. Appends from several processes
// (the GUI and a cron'd turnstilectl) are serialised with a lock file.
//
// The log is local to this workstation and readable by its user; it holds no
// secrets (parameters and figures only).
class AuditLog
{
public:
    explicit AuditLog(QString path = defaultPath());

    // $TURNSTILE_AUDIT_LOG, else ~/.local/share/turnstile/audit.jsonl.
    static QString defaultPath();
    QString path() const { return m_path; }

    // Adds "seq", "prev" and "logged_at" and appends the line (fsync'ed).
    // A partial last line (a writer killed mid-line) is first moved aside to
    // PATH.partial-<time> and cut off, so the new line starts a line of its
    // own and the chain stays verifiable. *seq gets the new line's number.
    bool append(QJsonObject record, QString *error = nullptr, qint64 *seq = nullptr);

    struct Verification
    {
        bool ok = true;
        int lines = 0;
        int firstBadLine = -1; // 1-based line number in the file
        QString reason;
    };
    Verification verify() const;

    // All records (optionally of one profile), oldest first. A line that is not
    // JSON is skipped and counted, never fatal.
    std::optional<QList<QJsonObject>> read(const QString &profile = {}, QString *error = nullptr,
                                           int *unreadable = nullptr) const;

    // Records newest first, read from the end of the file in chunks, until
    // visit returns false: what a preview or a chart needs is at the end, and
    // the log only grows. Lines that are not JSON are skipped.
    bool readBackwards(const std::function<bool(const QJsonObject &)> &visit,
                       QString *error = nullptr) const;

    static QString hashLine(const QByteArray &line);

    // The records as runs, for lists and charts: a "started" line that a
    // "finished" line answers (started_seq) is left out; one left unanswered
    // (the run was killed, or still runs) stays, with result.outcome "started".
    static QList<QJsonObject> runs(const QList<QJsonObject> &records);

private:
    QString m_path;
};

} // namespace turnstile
