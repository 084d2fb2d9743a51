"""Page building blocks: the empty-database notice and the page-level bound choices.

The same choice (group by, dimension, measure) uses the same URL key on every page, so
it follows the user from page to page and into share links.
"""
from __future__ import annotations

import streamlit as st

from lvm_data import scoring, store
from lvm_data.instrument import dimension_info, load_default

from . import bound, common, filters

MEASURES = {"orientation": "Orientation (−100 … +100)", "leadership": "Leadership pole mean",
            "management": "Management pole mean", "balance": "Balance (0–100)"}
ALL_DIMENSIONS = "all"


def require_data(every_wave: bool = False) -> filters.Filters | None:
    """The filters, or None after telling the user to import data first. A warning names
    the chosen wave (``every_wave``: every wave) when an old version stored missing-answer
    codes in it as answers."""
    f = filters.current()
    if f.has_data:
        flaws_note(f.version, [*f.waves] if every_wave else [f.wave or f.waves[-1]])
        return f
    st.info("There is no survey data yet. Import an export on the Data page to see results.",
            icon=":material/upload_file:")
    st.page_link("pages/data.py", label="Go to the Data page", icon=":material/database:")
    return None


def flaws_note(version: str, waves: list[str], counted: bool = False) -> None:
    """Name the waves an old version stored missing-answer codes in (``counted``: how many,
    for the administrators' Data page)."""
    flaws = _off_scale(common.db_path(), version)
    for wave in (w for w in waves if w in flaws):
        st.warning(common.md(store.legacy.warning(wave, *flaws[wave], counted=counted)),
                   icon=":material/report:")


@st.cache_data(max_entries=20, show_spinner=False)
def _off_scale(path: str, version: str) -> dict[str, tuple[int, float]]:
    """Per data version: the list changes only with the waves (it is made when this version
    first opens the file, before any page reads it)."""
    return store.legacy.off_scale(common.cursor())


def dimensions(f: filters.Filters | None = None) -> list[str]:
    """The dimensions the data has (a codebook may define its own), else the default ones."""
    if f is not None and f.has_data:
        table = f.scores().table
        if table.empty:             # only one-pole scales (e.g. Big Five): their dimensions
            table = common.query(f.version, "reliability", wave=f.wave, where=f.where,
                                 min_group_size=f.min_group).table
        if not table.empty:
            return list(dict.fromkeys(table["dimension"].astype(str)))
    return load_default().dimensions


def group_by(f: filters.Filters, container=None, label: str = "Group by",
             default: str = "team", key: str = "group") -> str:
    """The "group" choice, shared by the pages that use the same key."""
    options = list(f.attributes)
    index = options.index(default) if default in options else 0
    return bound.select(label, options, key, index=index, format_func=common.attr_label,
                        what="not a grouping attribute", container=container)


def dimension(f: filters.Filters, container=None, key: str = "dimension",
              label: str = "Dimension", extra: tuple[str, ...] = ()) -> str:
    options = [*extra, *dimensions(f)]
    return bound.select(label, options, key, format_func=_dimension_text,
                        what="not a dimension", container=container)


def _dimension_text(key: str) -> str:
    return "All dimensions (mean)" if key == ALL_DIMENSIONS else common.dim_label(key)


def measure(container=None, options: tuple[str, ...] = tuple(MEASURES)) -> str:
    return bound.select("Measure", list(options), "value", format_func=MEASURES.get,
                        what="not a measure on this page", container=container)


def archetype_caption() -> str:
    rules = "; ".join(f"**{name}**: {rule}" for name, rule in scoring.ARCHETYPE_RULES.items())
    return f"Respondents by archetype — {rules}."


def dimension_caption(key: str) -> None:
    info = dimension_info(key)
    st.caption(f":blue[**Leadership pole**] — {common.md(info.leadership)}  \n"
               f":orange[**Management pole**] — {common.md(info.management)}")
