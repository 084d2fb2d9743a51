"""The banner that says the dashboard shows the bundled sample, on every page while it does."""
from __future__ import annotations

import streamlit as st

from lvm_data import store

from . import common


def show(cur) -> None:
    """One line above the page while demo waves are in the database."""
    names = store.demo.names(cur)
    if not names:
        return
    # a coloured line, not an alert: the page's own notices and warnings stay the only alerts
    st.markdown(":blue-background[:material/science: **Sample data:** the waves "
                + ", ".join(f"“{common.md(n)}”" for n in names)
                + " are a synthetic demo, not your organisation. They are removed when you "
                "import your own export on the Data page.]")
