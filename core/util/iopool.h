#pragma once

class QThreadPool;

namespace turnstile {

// The thread pool for work that blocks: database queries, HTTP, ssh, file
// reads and writes. Everything the windows hand to QtConcurrent::run goes
// here, never to QThreadPool::globalInstance().
//
// Why: Qt Gui itself uses the global pool. Converting or scaling a large
// QImage (painting a chart, a window backing store, an export) splits the
// work into segments, runs them on the global pool and waits for them on
// the calling thread — the GUI thread. The global pool has as many threads
// as cores (two on the lab machine), so two page loads waiting for a locked
// table or a blackholed database port would leave the GUI thread waiting
// for them too, for as long as the database hangs.
//
// Its threads mostly wait, so the pool is wider than the core count; a
// thread idle for a minute exits. Process-wide; like the global pool, the
// application's destructor waits for the work still running.
QThreadPool *ioPool();

} // namespace turnstile
