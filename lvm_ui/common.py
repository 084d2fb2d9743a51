"""Streamlit glue shared by every page: the database, cached queries, and showing a Result.

One DuckDB connection per database file and process (``st.cache_resource``); each run
and each cache miss takes its own cursor, which is how DuckDB wants threads to share a
connection. Query results are cached against a *data version* (the waves table), so an
import, rename or delete invalidates them without any explicit cache clearing.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from lvm_data import charts, ingest, store, tempfiles
from lvm_data.instrument import dimension_info
from lvm_data.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "sample_data"
_log = logging.getLogger(__name__)


def load_sample(con) -> list[str]:
    """Import every bundled sample export; returns one summary line per file."""
    lines = []
    for path in sorted(SAMPLE_DIR.glob("*.csv")):
        lines.append(ingest.import_file(con, path, ingest.Options()).line())
    return lines


@st.cache_resource(show_spinner="Opening the database…")
def _connection(path: str):
    tempfiles.clean_stale()       # copies left by imports that were killed
    con = store.connect(path)
    if store.waves(con.cursor()).empty:
        try:
            load_sample(con)          # a new user sees a populated dashboard at once
        except Exception:  # noqa: BLE001 - an empty database is still usable (Data page)
            _log.exception("could not load the bundled sample data")
    return con


def db_path() -> str:
    return load_settings().db_path


def connection():
    return _connection(db_path())


def cursor():
    """A fresh cursor: DuckDB cursors must not be shared between threads (sessions)."""
    return connection().cursor()


def data_version(waves: pd.DataFrame) -> str:
    """Changes whenever a wave is imported, renamed or deleted (``waves`` = store.waves)."""
    cols = ["wave_id", "wave", "respondents", "imported_at"]
    return json.dumps(waves[cols].astype(str).values.tolist())


QUERIES = {
    "overview": store.overview,
    "group_scores": store.group_scores,
    "archetype_mix": store.archetype_mix,
    "item_distribution": store.item_distribution,
    "trends": store.trends,
    "attribute_values": store.attribute_values,
}


@st.cache_data(max_entries=400, show_spinner=False)
def _cached(path: str, version: str, function: str, kwargs_json: str):
    """Run one store query; the key includes the data version, so stale entries never match."""
    return QUERIES[function](_connection(path).cursor(), **json.loads(kwargs_json))


def query(version: str, function: str, /, **kwargs):
    """A cached ``store.<function>(cur, **kwargs)``; kwargs must be JSON-serialisable."""
    return _cached(db_path(), version, function, json.dumps(kwargs, sort_keys=True))


@st.cache_data(max_entries=200, show_spinner=False)
def _cached_compare(path: str, version: str, a_json: str, b_json: str, k: int):
    a, b = store.Selection(**json.loads(a_json)), store.Selection(**json.loads(b_json))
    return store.compare(_connection(path).cursor(), a, b, min_group_size=k)


def compare(version: str, a: store.Selection, b: store.Selection, k: int):
    def as_json(sel):
        return json.dumps({"wave": sel.wave, "where": sel.where, "label": sel.label},
                          sort_keys=True)
    return _cached_compare(db_path(), version, as_json(a), as_json(b), k)


def withheld(result) -> bool:
    """Warn and return True when the store withheld everything for anonymity."""
    if result.empty and result.message:
        st.warning(md(result.message), icon=":material/visibility_off:")
        return True
    return False


def withheld_note(result) -> None:
    """What disclosure control left out of a result that is otherwise shown, and why."""
    if result.message and not result.empty:
        st.caption(f":material/visibility_off: {md(result.message)}")


def nothing_shown(groups, rows: pd.DataFrame) -> bool:
    """Warn and return True when not even the "All respondents" row may be shown; with
    every group hidden, the page still shows that row (``hidden_note`` says why)."""
    if rows.empty:
        st.warning(md(groups.message or "Nothing to show for this selection."),
                   icon=":material/visibility_off:")
        return True
    return False


def hidden_note(result, what: str = "groups") -> None:
    """One line saying how much the anonymity minimum hid, or that nothing was hidden."""
    if result.message:
        st.caption(f":material/visibility_off: {md(result.message)}")
    elif not result.empty:
        st.caption(f"All {what} shown have at least {result.min_group_size} respondents.")


def chart(fig, name: str, key: str | None = None) -> None:
    st.plotly_chart(fig, config=charts.chart_config(name), key=key)


def dim_label(key: str) -> str:
    return dimension_info(str(key)).label


def attr_label(name: str) -> str:
    """'tenure_band' -> 'Tenure band' (the store keeps names, not labels)."""
    return str(name).replace("_", " ").strip().capitalize()


_MD_SPECIAL = set("\\`*_{}[]()#+!|<>~$:=&.@")


def md(text) -> str:
    """Data shown in markdown (captions, headers, labels): escaped so it can never become a
    link (autolinks too: '.' and '@'), an image, HTML, an entity ('&'), a colour directive or
    a list; it reads exactly as in the data."""
    out = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in " ".join(str(text).split()))
    if out.startswith("-"):
        return "\\" + out
    return re.sub(r"^(\d+)\.", r"\1\\.", out)


def scores_with_all(version: str, by: str | None, wave: str | None, where: dict, k: int):
    """Population row ('all') plus one row per group: what heatmaps and maps show."""
    groups = query(version, "group_scores", by=by, wave=wave, where=where, min_group_size=k)
    everyone = query(version, "group_scores", by=None, wave=wave, where=where, min_group_size=k)
    shown = [t for t in (everyone.table, groups.table) if not t.empty]
    table = pd.concat(shown, ignore_index=True) if shown else everyone.table
    if everyone.message and not everyone.empty:      # dimensions withheld for everyone
        note = " ".join(m for m in (everyone.message, groups.message) if m)
        groups = dataclasses.replace(groups, message=note)
    return groups, table


@st.cache_data(max_entries=50, show_spinner=False)
def _scales(path: str, version: str) -> dict[str, tuple[float, float]]:
    waves = store.waves(_connection(path).cursor())
    return {str(w): (float(lo), float(hi))
            for w, lo, hi in zip(waves["wave"], waves["scale_min"], waves["scale_max"])}


def scale(version: str, wave: str | None) -> tuple[float, float]:
    """The answer scale of a wave (the latest when None), from the small waves table."""
    scales = _scales(db_path(), version)
    if not scales:
        return 1.0, 5.0
    return scales.get(str(wave), list(scales.values())[-1]) if wave else list(scales.values())[-1]
