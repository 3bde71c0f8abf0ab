#include "util/filewatch.h"

#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

namespace turnstile {

FileWatch::FileWatch(const QString &path, int debounceMs, QObject *parent)
    : QObject(parent), m_path(QFileInfo(path).absoluteFilePath()),
      m_watcher(new QFileSystemWatcher(this)), m_debounce(new QTimer(this))
{
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(debounceMs);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, m_debounce,
            qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this, [this] {
        watch();
        emit changed();
    });
    watch();
}

void FileWatch::watch()
{
    const QFileInfo file(m_path);
    const QString dir = file.absolutePath();
    if (QFileInfo::exists(dir) && !m_watcher->directories().contains(dir))
        m_watcher->addPath(dir);
    if (file.exists() && !m_watcher->files().contains(m_path))
        m_watcher->addPath(m_path);
}

} // namespace turnstile
