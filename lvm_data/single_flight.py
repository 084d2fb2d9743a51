"""One computation per key at a time, within a process.

Many page runs of one server ask for the same figure at the same moment (after an import
every viewer's next click does), and a cache alone lets each of them compute it. Holding a
key here makes the others wait; the caller then looks in its cache again before computing.
Used by the dashboard's cached queries (``lvm_ui.common``) and by the store's remembered
wave views (``store.views``).
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator


class Flights:
    """Locks per key, made on demand and dropped once nobody holds or waits for them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict = {}            # key -> [lock, runs holding or waiting]

    @contextlib.contextmanager
    def one_at_a_time(self, keys: Iterable) -> Iterator[None]:
        """Hold every key of ``keys``; taken in one order (their ``repr``), so two callers
        holding overlapping sets cannot wait for each other."""
        with self._lock:
            entries = []
            for key in sorted(set(keys), key=repr):
                entry = self._held.setdefault(key, [threading.Lock(), 0])
                entry[1] += 1
                entries.append((key, entry))
        taken = []
        try:
            for _, entry in entries:
                entry[0].acquire()
                taken.append(entry)
            yield
        finally:
            for entry in reversed(taken):
                entry[0].release()
            with self._lock:
                for key, entry in entries:
                    entry[1] -= 1
                    if entry[1] == 0:
                        self._held.pop(key, None)

    def idle(self) -> bool:
        """Whether no key is held or waited for (tests)."""
        with self._lock:
            return not self._held
