"""One thread for a kind of database read (the lists' windows and searches), instead of whichever of
the worker pool's threads a Textual worker lands on.

The store keeps a connection per thread, each with its own page cache (up to 16 MB after a search
scan): list queries spread over the pool's six threads held six of them (~100 MB). On one thread they
share one connection whose cache stays warm between keys. The caller is still a Textual thread worker
(it waits for the answer, so ``settle`` and exclusive groups see it); only the query runs here.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

T = TypeVar("T")


class DbThread:
    def __init__(self, name: str) -> None:
        self._name = name
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def run(self, fn: Callable[..., T], *args: object) -> T:
        """Run ``fn(*args)`` on the thread and return its result (or raise its exception). Call from
        a worker thread, never from the event loop: it blocks until ``fn`` is done."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
            executor = self._executor
        return executor.submit(fn, *args).result()

    def close(self) -> None:
        """Close the thread's connection and let the thread end (after what was already submitted)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            from ..services.setup import release_connection

            executor.submit(release_connection)
            executor.shutdown(wait=False)
