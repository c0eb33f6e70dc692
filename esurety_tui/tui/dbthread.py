"""One thread for a kind of database read (the lists' windows and searches), instead of whichever of
the worker pool's threads a Textual worker lands on.

The store keeps a connection per thread, each with its own page cache (up to 16 MB after a search
scan): list queries spread over the pool's six threads held six of them (~100 MB). On one thread they
share one connection whose cache stays warm between keys. The caller is still a Textual worker (an
async one awaiting the future, so ``settle`` and exclusive groups see it); only the query runs here.

A query can be cancelled while it runs (``cancel_if``): SQLite's ``interrupt()`` from the event loop's
thread. A key typed during a search scan then costs the scan's remaining time no more.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class DbThread:
    def __init__(self, name: str, ready: threading.Event | None = None) -> None:
        """``ready``: set once the database is open; each call waits for it first (≤ 30 s)."""
        self._name = name
        self._ready = ready
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        # What runs now (its tag, and how to stop it); set and cleared on the thread under _lock, so a
        # cancel can only reach the statement it was meant for (a later one cannot start meanwhile).
        self._running: tuple[object, Callable[[], None]] | None = None

    def submit(self, fn: Callable[..., T], *args: object, tag: object = None) -> Future[T]:
        """Queue ``fn(*args)`` for the thread; its future (an async worker awaits it with
        ``asyncio.wrap_future``: no thread waits for it). ``tag``: what ``cancel_if`` is asked about
        while it runs."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
            executor = self._executor
        return executor.submit(self._call, fn, args, tag)

    def _call(self, fn: Callable[..., T], args: tuple, tag: object) -> T:
        from ..services.setup import query_canceller

        if self._ready is not None:
            self._ready.wait(30)
        cancel = query_canceller() if tag is not None else None
        with self._lock:
            self._running = (tag, cancel) if cancel is not None else None
        try:
            return fn(*args)
        finally:
            with self._lock:
                self._running = None

    def cancel_if(self, stale: Callable[[object], bool]) -> bool:
        """Stop the running query if ``stale(its tag)``; whether it was asked to stop."""
        with self._lock:
            if self._running is None or not stale(self._running[0]):
                return False
            self._running[1]()
            return True

    def close(self) -> None:
        """Close the thread's connection and let the thread end (after what was already submitted)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            from ..services.setup import release_connection

            executor.submit(release_connection)
            executor.shutdown(wait=False)
