#!/usr/bin/env python3
"""How long a small fsync waits while a big file on the same file system is deleted.

Why it is here: copy-and-swap ends with DROP TABLE _token_old, and MariaDB deletes
that table's file (as large as token was) in one unlink. bench/purge's
writer_stalls put every one of the writers' slowest statements under auto inside
that DROP; this probe shows the same wait without a database, so the cause is
the file system, not a lock.

It copies SOURCE (e.g. the purge benchmark's template.ibd) next to the log file,
then, while a thread writes 512 bytes and fdatasyncs every 5 ms, deletes the copy:
in one unlink (--step-mib 0), or shrunk with ftruncate in steps first (the
hard-link trick's second half, which needs a shell on the database host).

  bench/purge/fsyncprobe.py /tmp/turnstile-bench-purge/template.ibd --dir /tmp
  bench/purge/fsyncprobe.py /tmp/turnstile-bench-purge/template.ibd --dir /tmp --step-mib 64
"""

import argparse
import os
import shutil
import threading
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", help="a big file to copy and then delete")
    ap.add_argument("--dir", default="/tmp", help="where the copy and the fsync log go (same file system)")
    ap.add_argument("--step-mib", type=int, default=0, help="shrink in steps of this size first (0 = one unlink)")
    args = ap.parse_args()

    big = os.path.join(args.dir, "fsyncprobe-big.tmp")
    small = os.path.join(args.dir, "fsyncprobe-log.tmp")
    shutil.copyfile(args.source, big)
    os.sync()
    fd = os.open(small, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    samples = []  # (start, seconds)
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            t = time.perf_counter()
            os.write(fd, b"x" * 512)
            os.fdatasync(fd)
            samples.append((t, time.perf_counter() - t))
            time.sleep(0.005)

    th = threading.Thread(target=writer)
    th.start()
    try:
        time.sleep(1)
        t0 = time.perf_counter()
        if args.step_mib > 0:
            f = os.open(big, os.O_WRONLY)
            size = os.fstat(f).st_size
            while size > 0:
                size = max(0, size - (args.step_mib << 20))
                os.ftruncate(f, size)
                time.sleep(0.01)
            os.close(f)
        os.unlink(big)
        t1 = time.perf_counter()
        time.sleep(1)
    finally:
        stop.set()
        th.join()
        os.close(fd)
        os.unlink(small)
        if os.path.exists(big):
            os.unlink(big)
    before = [s for (t, s) in samples if t < t0 - 0.5]
    during = [s for (t, s) in samples if t0 - 0.5 <= t <= t1]
    how = f"ftruncate in {args.step_mib} MiB steps, then unlink" if args.step_mib > 0 else "one unlink"
    print(f"{how}: {(t1 - t0) * 1000:.0f} ms; fdatasync max {max(during) * 1000:.1f} ms meanwhile, "
          f"{max(before) * 1000:.1f} ms before")


if __name__ == "__main__":
    main()
