#include "firstpainthook.h"

#include <QApplication>
#include <QEvent>
#include <QTimer>
#include <QWidget>

#include <cstdio>
#include <cstdlib>

namespace turnstile {

FirstPaintHook::FirstPaintHook(QWidget *window, const QElapsedTimer &sinceMain)
    : QObject(window), m_window(window), m_sinceMain(sinceMain)
{
    // Application-wide: the paint event may go to a child (the tab page)
    // rather than to the main window itself.
    qApp->installEventFilter(this);
}

bool FirstPaintHook::requested()
{
    return qEnvironmentVariableIntValue("TURNSTILE_BENCH_FIRST_PAINT") == 1;
}

bool FirstPaintHook::eventFilter(QObject *watched, QEvent *event)
{
    if (!m_seen && event->type() == QEvent::Paint && watched->isWidgetType() &&
        static_cast<QWidget *>(watched)->window() == m_window) {
        m_seen = true;
        // Report once this paint pass is over and the frame has gone to the
        // window system, i.e. on the next turn of the event loop.
        QTimer::singleShot(0, this, [this] {
            std::printf("turnstile-first-paint-ms %.1f\n",
                        double(m_sinceMain.nsecsElapsed()) / 1e6);
            std::fflush(stdout);
            std::_Exit(0);
        });
    }
    return QObject::eventFilter(watched, event);
}

} // namespace turnstile
