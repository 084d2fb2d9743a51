"""Small facts about the database, read once per page run instead of once per figure.

A page run asks for the attribute names, the waves, a wave's dimensions and the recorded
minimum dozens of times (every figure validates its filters and finds its wave). Each is
a tiny query, but under load each one also waits its turn for the interpreter, and they
were a fifth of a busy dashboard server's time (py-spy, bench/bench_load.py). Within
``held()`` (the dashboard opens it around a run, while it holds the file, so no other
process can write it) each fact is read once. Every write of this package calls
``forget()``, so a run that imports, deletes or renames reads the facts afresh; outside
``held()`` (the command line, tests) nothing is remembered.
"""
from __future__ import annotations

import contextlib
import threading

import pandas as pd

_local = threading.local()          # one memo per thread: Streamlit runs a session per thread


@contextlib.contextmanager
def held():
    """Remember facts until the block ends (nested blocks share the outer one's memo)."""
    if getattr(_local, "memo", None) is not None:
        yield
        return
    _local.memo = {}
    try:
        yield
    finally:
        _local.memo = None


def recall(key: tuple, compute):
    """``compute()``, remembered under ``key`` within ``held()``; a copy each time, so no
    caller can alter what the next one reads."""
    memo = getattr(_local, "memo", None)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value = memo[key]
    if isinstance(value, pd.DataFrame):
        return value.copy()
    return type(value)(value) if isinstance(value, (list, dict)) else value


def forget() -> None:
    """The database is being changed here: read every fact afresh."""
    if getattr(_local, "memo", None) is not None:
        _local.memo = {}


@contextlib.contextmanager
def changing():
    """Around a write: facts read during it or before it are forgotten at both ends."""
    forget()
    try:
        yield
    finally:
        forget()
