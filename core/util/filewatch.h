#pragma once

#include <QObject>
#include <QString>

class QFileSystemWatcher;
class QTimer;

namespace turnstile {

// Says, once per burst, that a file was changed by anyone: another process
// (turnstilectl from cron appending to the audit log, editing the profiles)
// as well as this one. A save that renames a new file over the old one
// (QSaveFile, AtomicFile) ends an inotify watch on the old inode, so the
// directory is watched too and the file's watch taken up again after each
// change; a file that does not exist yet is picked up when it appears.
// Lives on the thread that owns it (the GUI thread for pages).
class FileWatch : public QObject
{
    Q_OBJECT
public:
    explicit FileWatch(const QString &path, int debounceMs = 250, QObject *parent = nullptr);

    QString path() const { return m_path; }

signals:
    void changed();

private:
    void watch();

    QString m_path;
    QFileSystemWatcher *m_watcher;
    QTimer *m_debounce;
};

} // namespace turnstile
