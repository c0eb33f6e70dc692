"""Is cancelling a stale search query worth it? (sqlite3 ``Connection.interrupt()`` from another thread)

    python benchmarks/interrupt_probe.py --db PATH [--runs 7]

The list screens run one query at a time on one thread and drop a request made stale while it
waited, so a burst of keys costs at most one stale query (the one running when the burst began)
before the newest. Cancelling would save what is left of that one. This measures, on a database
built by ``esurety demo --contracts N`` (its ``guarantee.search_text`` LIKE scan, as the services run
it for a term; the FTS index of issue 11 makes each query much shorter, and the gain with it):

1. a stale query alone (the first key's term), and the newest alone (the whole term): the floors;
2. a burst: the stale query starts, the newest is asked for 1 ms later; time until the newest's
   answer, (a) waiting for the stale one (what the app does), (b) interrupting it first;
3. how long ``interrupt()`` takes to stop a running scan.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import threading
import time

SQL = "SELECT COUNT(*) FROM guarantee WHERE company_id = ? AND search_text LIKE ? ESCAPE '\\'"


def run(conn: sqlite3.Connection, term: str) -> int | None:
    try:
        return conn.execute(SQL, (1, f"%{term}%")).fetchone()[0]
    except sqlite3.OperationalError as e:
        if "interrupt" in str(e):
            return None
        raise


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def burst(db: str, first: str, last: str, interrupt: bool) -> tuple[float, float | None]:
    """(time from asking for ``last`` to its answer, time the stale query took to stop if interrupted)."""
    conn = sqlite3.connect(db, check_same_thread=False)
    conn.execute("PRAGMA cache_size = -16000")
    run(conn, "warm")  # a warm cache, as on the app's list thread
    started, stopped = threading.Event(), []

    def stale() -> None:
        started.set()
        t = time.perf_counter()
        run(conn, first)
        stopped.append(time.perf_counter() - t)

    worker = threading.Thread(target=stale)
    worker.start()
    started.wait()
    time.sleep(0.001)
    t0 = time.perf_counter()
    if interrupt:
        t_int = time.perf_counter()
        conn.interrupt()
        worker.join()
        stop = time.perf_counter() - t_int
    else:
        worker.join()
        stop = None
    run(conn, last)
    took = time.perf_counter() - t0
    conn.close()
    return took, stop


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    conn = sqlite3.connect(args.db)
    conn.execute("PRAGMA cache_size = -16000")
    run(conn, "warm")
    for first, last in (("河", "河川維持"), ("3", "35072")):
        alone_first = statistics.median(timed(lambda f=first: run(conn, f)) for _ in range(args.runs))
        alone_last = statistics.median(timed(lambda x=last: run(conn, x)) for _ in range(args.runs))
        waits, cuts, stops = [], [], []
        for _ in range(args.runs):
            waits.append(burst(args.db, first, last, False)[0])
            took, stop = burst(args.db, first, last, True)
            cuts.append(took)
            stops.append(stop or 0.0)
        print(
            f"{first!r} then {last!r}: alone {alone_first * 1000:.1f} / {alone_last * 1000:.1f} ms; burst: "
            f"waiting {statistics.median(waits) * 1000:.1f} ms, interrupting {statistics.median(cuts) * 1000:.1f} ms "
            f"(the scan stops {statistics.median(stops) * 1000:.2f} ms after interrupt())"
        )
    conn.close()


if __name__ == "__main__":
    main()
