"""Streamlit glue shared by every page: the database, cached queries, and showing a Result.

The database is open only while a script run (or a callback) works, and a moment after:
``connected()`` opens it read-only for the run and lets it go once the dashboard has been
idle for ``LINGER_SECONDS`` (``store.session``), so other servers and commands read beside
it and the command line can write between runs (e.g. ``share create`` while the dashboard
is up); a write in a run goes through ``writing()``. Query results are cached against a
*data version* (the waves table), so an import, rename or delete invalidates them without
any explicit cache clearing. A share link's scope is part of every cached query's key and
is applied by ``store.scope``, so no chart, option list or download of a scoped view can
reach outside it.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import re
import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from lvm_data import access, charts, ingest, store, tempfiles
from lvm_data.instrument import dimension_info
from lvm_data.single_flight import Flights
from lvm_data.settings import load_settings
from lvm_ui import textwidth

charts.use_measure(textwidth.tick_width)     # figures come with their margins: drawn once

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "sample_data"
_log = logging.getLogger(__name__)
_SCOPE = "_lvm_scope"
LINGER_SECONDS = 2.0     # the file stays open this long after a run: a warm cache for clicks


def load_sample(con) -> list[str]:
    """Import every bundled sample export as demo waves; one summary line per file."""
    lines = []
    for path in sorted(SAMPLE_DIR.glob("*.csv")):
        lines.append(ingest.import_file(con, path, ingest.Options(demo=True)).line())
    return lines


@st.cache_resource(show_spinner="Opening the database…")
def _prepared(path: str) -> bool:
    """Once per process and file: a new user sees a populated dashboard at once, but a
    database someone has imported into or deleted from stays as they left it."""
    tempfiles.clean_stale()       # copies left by imports that were killed
    cur = cursor()
    if store.waves(cur).empty and not store.demo.retired(cur):
        try:
            with writing() as con:
                load_sample(con)
        except Exception:  # noqa: BLE001 - an empty database is still usable (Data page)
            _log.exception("could not load the bundled sample data")
    return True


_run = threading.local()       # Streamlit runs each session's script in its own thread


def db_path() -> str:
    """The database of this run (read from the settings once per run: every cached query
    names it, and reading and parsing the file each time was a visible part of a run)."""
    return getattr(_run, "path", None) or load_settings().db_path


@contextlib.contextmanager
def connected(write: bool = False):
    """The connection of this run, opened here (and closed at the end) when there is none:
    read-only unless ``write``, so several servers (and commands) read the file at once;
    a write inside the run goes through ``writing``."""
    if getattr(_run, "lease", None) is not None:
        yield _run.lease.con
        return
    path = db_path()
    notice = st.empty()

    def waiting() -> None:
        notice.info("Waiting for the database: an import or a command is writing to it. "
                    "The page shows the new data as soon as it is done.",
                    icon=":material/hourglass_top:")
    lease = store.session.Lease(path, not write, linger=LINGER_SECONDS, waiting=waiting)
    try:
        with store.facts.held():             # while the file is held, small facts hold too
            notice.empty()
            _run.lease, _run.path = lease, path
            _prepared(path)
            yield lease.con
    finally:
        _run.lease = _run.path = None
        lease.close()


@contextlib.contextmanager
def writing():
    """A read-write connection for a write (an import, a link, a delete): the run's own,
    turned read-write (cursors taken before it are closed), or one for a callback."""
    lease = getattr(_run, "lease", None)
    if lease is None:
        with connected(write=True) as con:
            yield con
        return
    lease.writable()
    yield lease.con


@contextlib.contextmanager
def set_aside():
    """The run's connection closed for work that opens the file itself (an import staged
    in memory), and opened again after it."""
    lease = getattr(_run, "lease", None)
    if lease is None:
        yield
        return
    with lease.set_aside():
        yield


def connection():
    lease = getattr(_run, "lease", None)
    if lease is None:
        raise RuntimeError("the database is not open here: wrap the work in common.connected()")
    return lease.con


def cursor():
    """A fresh cursor of this run's connection."""
    return connection().cursor()


def set_scope(scope: store.scope.Scope | None) -> None:
    """The scope of this run's queries, set before any: None (everything) for an admin, a
    share link's scope, or ``scope.NOTHING`` for someone who may see no data."""
    st.session_state[_SCOPE] = None if scope is None else json.dumps(
        {"where": scope.where, "wave": scope.wave, "deny": scope.deny}, sort_keys=True)


def _scope_json() -> str | None:
    return st.session_state.get(_SCOPE)


def _reader(scope_json: str | None):
    """The store itself, or the scoped facade over it."""
    if scope_json is None:
        return store
    return store.scope.Scoped(store.scope.Scope(**json.loads(scope_json)))


def visible_waves(cur) -> pd.DataFrame:
    """The waves this viewer may see (a scope with a fixed wave shows that one only)."""
    return _reader(_scope_json()).waves(cur)


def page_url(page_path: str) -> str:
    """A page's address for links: under ``public_url`` when set (the address colleagues
    use, not the server's own, e.g. localhost behind a proxy), else as the browser sees it."""
    public = access.load_access().public_url
    if public:
        return f"{public}/{page_path}"
    return st.context.url or f"/{page_path}"


def data_version(waves: pd.DataFrame) -> str:
    """Changes whenever a wave is imported, renamed or deleted (``waves`` = store.waves)."""
    cols = ["wave_id", "wave", "respondents", "imported_at"]
    return json.dumps(waves[cols].astype(str).values.tolist())


# The read functions a page may run, by name (on the store, or on a link's scoped facade).
QUERIES = frozenset({"overview", "group_scores", "archetype_mix", "item_distribution",
                     "trends", "attribute_values", "reliability",
                     "change", "steps", "group_tests", "difference_from_all", "self_vs_others"})


@st.cache_data(max_entries=400, show_spinner=False)
def _cached(path: str, version: str, function: str, kwargs_json: str, scope_json: str | None):
    """Run one store query; the key includes the data version, so stale entries never match,
    and the scope, so a scoped view never gets an unscoped entry."""
    if function not in QUERIES:
        raise store.QueryError(f"unknown query {function!r}")
    reader = _reader(scope_json)
    return getattr(reader, function)(cursor(), **json.loads(kwargs_json))


def _same_filters(where: dict | None) -> dict | None:
    """Filter values in one order: a filter means the same set whichever value was picked
    first, so two viewers (or one, picking again) share one cache entry."""
    return None if where is None else {k: sorted(v) for k, v in where.items()}


# Runs asking for the same figure at once take turns, so the first computes it and the
# others find it cached (``st.cache_data`` alone lets each of them compute it: after an
# import, every viewer's next click asked for the same new figures together).
_flights = Flights()


def query(version: str, function: str, /, **kwargs):
    """A cached ``store.<function>(cur, **kwargs)``; kwargs must be JSON-serialisable."""
    if "where" in kwargs:
        kwargs["where"] = _same_filters(kwargs["where"])
    key = (db_path(), version, function, json.dumps(kwargs, sort_keys=True), _scope_json())
    with _flights.one_at_a_time([key]):
        return _cached(*key)


@st.cache_data(max_entries=200, show_spinner=False)
def _cached_compare(path: str, version: str, a_json: str, b_json: str, k: int,
                    scope_json: str | None):
    a, b = store.Selection(**json.loads(a_json)), store.Selection(**json.loads(b_json))
    return _reader(scope_json).compare(cursor(), a, b, min_group_size=k)


def compare(version: str, a: store.Selection, b: store.Selection, k: int):
    def as_json(sel):
        return json.dumps({"wave": sel.wave, "where": _same_filters(sel.where),
                           "label": sel.label}, sort_keys=True)
    key = (db_path(), version, as_json(a), as_json(b), k, _scope_json())
    with _flights.one_at_a_time([("compare", *key)]):
        return _cached_compare(*key)


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


@st.cache_resource(max_entries=200, show_spinner=False)
def _figure(builder: str, *args):
    return getattr(charts, builder)(*args)


def figure(builder: str, *args):
    """``charts.<builder>(*args)``, built once per distinct input and then shared by every
    session: building a plotly figure (validation of every property) was most of the
    Overview's run, which delays its first chart and slows the browser's fetch of the
    chart code meanwhile. Shared, so show it with ``chart`` and never change it."""
    return _figure(builder, *args)


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
    waves = store.waves(cursor())
    return {str(w): (float(lo), float(hi))
            for w, lo, hi in zip(waves["wave"], waves["scale_min"], waves["scale_max"])}


def scale(version: str, wave: str | None) -> tuple[float, float]:
    """The answer scale of a wave (the latest when None), from the small waves table."""
    scales = _scales(db_path(), version)
    if not scales:
        return 1.0, 5.0
    return scales.get(str(wave), list(scales.values())[-1]) if wave else list(scales.values())[-1]
