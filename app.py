"""Leadership-vs-Management survey dashboard: the Streamlit entrypoint.

Run with ``streamlit run app.py``. The filters are drawn here, once, so they appear on
every page and live in the URL; each page only reads them (``lvm_ui.filters.current``),
asks ``lvm_data`` for anonymity-checked results and renders them (on a session's first
run with a bare address the page runs before the filters are drawn, so its first chart
reaches the browser sooner: ``lvm_ui.filters.opening``). Page scripts live in
``pages/``; each starts with ``lvm_ui.entry.ensure_entrypoint()`` so a deep link opened
first after a server start still runs this file (see that module for why).
"""
from pathlib import Path

import streamlit as st

from lvm_data.settings import SettingsError
from lvm_ui import bound, common, demo_banner, entry, filters, gate, sharing

# A local icon: a Material icon as favicon is fetched from the internet, which fails offline.
st.set_page_config(page_title="Leadership vs Management", layout="wide",
                   page_icon=str(Path(__file__).parent / "lvm_ui" / "favicon.png"))
# A table's built-in CSV download and copy would hand out text a spreadsheet runs as a formula
# (=HYPERLINK...); the pages offer formula-safe downloads instead. Also in .streamlit/config.toml,
# which covers a server's first page view, but is only read when started from this folder.
st.set_option("client.disableDataExport", True)


def _home() -> None:
    """The bare address opens the Overview under its own path, keeping the parameters."""
    st.switch_page(PAGES[0], query_params={k: st.query_params.get_all(k)
                                           for k in st.query_params})


PAGES = [
    st.Page("pages/overview.py", title="Overview", url_path="overview",
            icon=":material/dashboard:"),
    st.Page("pages/teams.py", title="Teams & roles", url_path="teams",
            icon=":material/groups:"),
    st.Page("pages/dimensions.py", title="Dimensions & items", url_path="dimensions",
            icon=":material/stacked_bar_chart:"),
    st.Page("pages/compare.py", title="Compare", url_path="compare",
            icon=":material/compare_arrows:"),
    st.Page("pages/raters.py", title="Self vs others", url_path="raters",
            icon=":material/360:"),
    st.Page("pages/map.py", title="Leadership–management map", url_path="map",
            icon=":material/scatter_plot:"),
    st.Page("pages/trends.py", title="Trends", url_path="trends",
            icon=":material/trending_up:"),
    st.Page("pages/data.py", title="Data", url_path="data", icon=":material/database:"),
    st.Page("pages/quality.py", title="Data quality", url_path="quality",
            icon=":material/rule:"),
]
ADMIN_PAGES = {"data", "quality"}          # per-wave details and writes: admins only



def main() -> None:
    """Who is looking (``gate``) decides which pages exist and what every query may reach."""
    bound.start_run()
    with common.connected():
        try:
            viewer = gate.decide(common.cursor())
            pages = PAGES if viewer.admin else [p for p in PAGES
                                                 if p.url_path not in ADMIN_PAGES]
            # Streamlit serves the default page at "/" only; a hidden default that redirects
            # keeps every page, Overview included, at a path that names it (and in links).
            page = st.navigation([st.Page(_home, title="Home", default=True,
                                          visibility="hidden"), *pages],
                                 position="hidden" if viewer.stop else "sidebar")
            if viewer.stop:
                viewer.stop()             # closed link, sign-in, or whom to ask: no data
            if page.url_path == "":
                page.run()
            notice = st.container()
            demo_banner.show(common.cursor())
            side = st.sidebar.container()          # the filters' place, drawn now or below
            if (opened := filters.opening(common.cursor())) is not None:
                try:                               # a first visit: page, then filters
                    page.run()
                finally:
                    filters.sidebar(common.cursor(), side, opened)
            else:
                filters.sidebar(common.cursor(), side)
        except SettingsError as exc:
            st.error(f"The settings file cannot be used: {common.md(exc)}", icon=":material/error:")
            st.stop()
        gate.sidebar_note(viewer)
        link = st.sidebar.container()
        if opened is None:
            page.run()
        bound.render_notices(notice)
        filters.share_link(link, page.url_path)
        if viewer.admin:
            sharing.share_form(link, page.url_path)


with entry.entered():
    main()
