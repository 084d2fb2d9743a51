"""Make sure the entrypoint runs before any page, even on a server's first request.

Streamlit decides once per server, before any script has run, whether a ``pages/``
folder beside ``app.py`` means an old-style multipage app. If the very first request
is a deep link (``/teams?department=Sales``), it then runs that page script on its own:
no sidebar, no filters. Our pages live in ``pages/`` (the project's layout), so each
calls ``ensure_entrypoint()`` first: it switches the server to ``st.navigation`` mode and
runs ``app.py`` in its place, in the same run (a rerun would drop a button click), which
draws the sidebar and runs this page again through ``st.navigation``.
"""
import runpy
from pathlib import Path

import streamlit as st

try:  # Streamlit internals; without them there is nothing to correct
    from streamlit.runtime.pages_manager import PagesManager
except ImportError:  # pragma: no cover
    PagesManager = None


ENTRYPOINT = Path(__file__).resolve().parents[1] / "app.py"


def ensure_entrypoint() -> None:
    if PagesManager is not None and PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(ENTRYPOINT), run_name="__main__")
        st.stop()
