"""Make sure the entrypoint runs before any page, even on a server's first requests.

Streamlit decides once per server, before any script has run, whether a ``pages/``
folder beside ``app.py`` means an old-style multipage app. If the first requests are
deep links (``/teams?department=Sales``), it then runs those page scripts on their own:
no sidebar, no filters. Our pages live in ``pages/`` (the project's layout), so each
calls ``ensure_entrypoint()`` first: unless this run came through ``app.py`` (which marks
the run, ``entered``), it switches the server to ``st.navigation`` mode and runs
``app.py`` in its place, in the same run (a rerun would drop a button click), which draws
the sidebar and runs this page again through ``st.navigation``. The mark is per run, not
the server's flag: sessions whose first runs started together all began in the old mode,
and each must be corrected, not only the first (bench/bench_load.py found three of four
failing).
"""
import contextlib
import runpy
import threading
from pathlib import Path

import streamlit as st

try:  # Streamlit internals; without them there is nothing to correct
    from streamlit.runtime.pages_manager import PagesManager
except ImportError:  # pragma: no cover
    PagesManager = None


ENTRYPOINT = Path(__file__).resolve().parents[1] / "app.py"
_run = threading.local()          # Streamlit runs each session's script in its own thread


@contextlib.contextmanager
def entered():
    """Mark this run as one that went through the entrypoint."""
    before = getattr(_run, "inside", False)
    _run.inside = True
    try:
        yield
    finally:
        _run.inside = before


def ensure_entrypoint() -> None:
    if getattr(_run, "inside", False):
        return
    if PagesManager is not None:
        PagesManager.uses_pages_directory = False
    runpy.run_path(str(ENTRYPOINT), run_name="__main__")
    st.stop()
