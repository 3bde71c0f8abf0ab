#pragma once

#include <QElapsedTimer>
#include <QObject>

class QWidget;

namespace turnstile {

// For bench/startup only (docs/benchmarks.md, "Startup"): with
// TURNSTILE_BENCH_FIRST_PAINT=1 in the environment, main() installs this hook.
// When the main window has painted its first frame it prints
// "turnstile-first-paint-ms <ms since main() began>" on stdout and ends the
// process at once — no waiting for probes in flight, nothing saved — so the
// benchmark can time many starts. The benchmark itself times from spawning
// the process to that line, which includes loading the libraries.
class FirstPaintHook : public QObject
{
    Q_OBJECT
public:
    FirstPaintHook(QWidget *window, const QElapsedTimer &sinceMain);

    static bool requested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *m_window;
    QElapsedTimer m_sinceMain;
    bool m_seen = false;
};

} // namespace turnstile
