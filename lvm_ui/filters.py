"""The global filters, drawn once by the entrypoint so every page shares them.

Each filter is a URL-bound widget (``bound``), so the address bar always holds the
current view. The outcome is a ``Filters`` value that pages read with ``current()``;
its query methods pass the wave, the ``where`` dict and the anonymity minimum to every
store call, so no chart, table or download can forget a filter.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from lvm_data import store

from . import bound, common, params

FIXED = ("department", "team", "role")
GLOBAL_KEYS = {"wave", *FIXED, "min_group", "share"}
# Page-level bound widgets; listed so a link to another page's setting is not "unknown".
PAGE_KEYS = {"group", "trend_group", "dimension", "value", "map_dimension", "compare_by",
             "side_a", "side_b", "rater_group", "rater_chart"}
MAX_MIN_GROUP = 1000
_NOT_LISTED = "not a {} of this wave with enough respondents to be listed"
_STATE = "_lvm_filters"


@dataclass(frozen=True)
class Filters:
    """What the sidebar selected; every query method applies all of it."""
    version: str
    waves: tuple[str, ...] = ()
    wave: str | None = None
    where: dict[str, list[str]] = field(default_factory=dict)
    min_group: int = 5
    floor: int = 5
    attributes: tuple[str, ...] = ()

    @property
    def has_data(self) -> bool:
        return bool(self.waves)

    def _q(self, function: str, **kwargs):
        return common.query(self.version, function, min_group_size=self.min_group, **kwargs)

    def overview(self):
        return self._q("overview", wave=self.wave, where=self.where)

    def scores(self, by: str | None = None, where: dict | None = None):
        return self._q("group_scores", by=by, wave=self.wave,
                       where=self.where if where is None else where)

    def mix(self):
        return self._q("archetype_mix", wave=self.wave, where=self.where)

    def items(self, dimension: str):
        return self._q("item_distribution", dimension=dimension, wave=self.wave,
                       where=self.where)

    def trends(self, by: str | None = None):
        return self._q("trends", by=by, where=self.where)

    def scores_with_all(self, by: str):
        return common.scores_with_all(self.version, by, self.wave, self.where, self.min_group)

    def scale(self) -> tuple[float, float]:
        return common.scale(self.version, self.wave)

    def describe(self) -> str:
        """Markdown-safe one-liner of the filters, for captions and downloads."""
        parts = [f"Wave {common.md(self.wave)}"] if self.wave else []
        for name, values in self.where.items():
            parts.append(f"{common.attr_label(name)}: {', '.join(common.md(v) for v in values)}")
        parts.append(f"groups of at least {self.min_group}")
        return " · ".join(parts)


def current() -> Filters:
    """The filters the entrypoint drew in this run."""
    return st.session_state[_STATE]


def param_key(name: str) -> str:
    """URL key of an extra attribute; prefixed only when it would clash with ours."""
    taken = GLOBAL_KEYS | PAGE_KEYS | params.STREAMLIT_PARAMS
    return f"attr_{name}" if name in taken else name


def _values(version: str, name: str, wave: str | None, where: dict | None = None) -> list[str]:
    """Options: values held by at least the organisation's minimum of the wave (the store
    leaves the others out, so a link naming one is reported like an unknown value)."""
    return list(common.query(version, "attribute_values", name=name, wave=wave,
                             where=where or None))


def _teams(version: str, departments: list[str], wave: str | None) -> list[str]:
    """Teams of the chosen departments (all teams when none is chosen)."""
    return _values(version, "team", wave, {"department": departments} if departments else None)


def _reset(extras: list[str], floor: int, latest: str) -> None:
    """Back to the latest wave, everyone, and the organisation's minimum."""
    st.session_state["wave"] = latest
    st.session_state["min_group"] = float(floor)
    for key in (*FIXED, *(param_key(a) for a in extras)):
        st.session_state[key] = []


def _attribute_filters(version: str, wave: str, extras: list[str], side) -> dict:
    where: dict[str, list[str]] = {}
    dept = bound.multi("Department", _values(version, "department", wave), "department",
                       what=_NOT_LISTED.format("department"), container=side)
    teams = _teams(version, dept, wave)
    team = bound.multi("Team", teams, "team", container=side,
                       what="not a team of the chosen departments with enough respondents"
                       if dept else _NOT_LISTED.format("team"))
    role = bound.multi("Role", _values(version, "role", wave), "role",
                       what=_NOT_LISTED.format("role"), container=side)
    where.update({k: v for k, v in (("department", dept), ("team", team), ("role", role)) if v})
    if extras:
        keys = [param_key(a) for a in extras]
        opened = any(st.session_state.get(k) or k in st.query_params for k in keys)
        box = side.expander("More filters", expanded=opened, icon=":material/tune:")
        for name, key in zip(extras, keys):
            chosen = bound.multi(common.attr_label(name), _values(version, name, wave), key,
                                 what=_NOT_LISTED.format(common.attr_label(name).lower()),
                                 container=box)
            if chosen:
                where[name] = chosen
    return where


def _start(cur) -> Filters:
    """Where every widget starts: the latest wave, everyone, the organisation's minimum."""
    wave_table = common.visible_waves(cur)
    floor = store.minimum(cur)
    version = f"{common.data_version(wave_table)}|k={floor}"   # set-minimum invalidates too
    waves = tuple(wave_table["wave"].astype(str).tolist())
    return Filters(version, waves, waves[-1] if waves else None, {}, floor, floor,
                   tuple(store.attribute_names(cur)))


def opening(cur) -> Filters | None:
    """The filters of a session's first run with a bare address (nothing in the URL or the
    session can move a widget from its start), else None. The entrypoint then runs the page
    before drawing the filters: its first chart reaches the browser ahead of the sidebar's
    widgets, so the browser usually asks for the chart code (4.6 MB) before the widgets'
    three dozen files instead of queueing it behind them (bench/bench_first_chart.py)."""
    if len(st.query_params) or _STATE in st.session_state or bound.any_locked():
        return None
    st.session_state[_STATE] = start = _start(cur)
    return start


def sidebar(cur, side=None, opened: Filters | None = None) -> Filters:
    """Draw the filters in ``side`` (the sidebar) and remember them for the page of this run;
    ``opened``: what ``opening`` promised a page that already ran."""
    start = opened or _start(cur)
    side = side or st.sidebar
    waves, floor = list(start.waves), start.floor
    extras = [a for a in start.attributes if a not in FIXED]
    side.subheader("Filters", anchor=False)
    if not waves:
        side.info("No survey data yet: import an export on the Data page.")
        filters = start
    else:
        if (new := st.session_state.pop("_lvm_show_wave", None)) in waves:
            st.session_state["wave"] = new           # just imported: show it
        wave = bound.select("Survey wave", waves[::-1], "wave",   # latest first = default
                            what="no wave of that name", container=side)
        where = _attribute_filters(start.version, wave, extras, side)
        k = bound.number("Anonymity minimum", "min_group", floor, MAX_MIN_GROUP,
                         container=side, help="Groups with fewer respondents are never shown. "
                         "You may raise it, never lower it below the organisation's minimum.")
        side.caption(f"Groups with fewer than {k} respondents are hidden, and so is any "
                     "figure that subtracting would narrow to fewer; values held by fewer "
                     f"than {floor} respondents of this wave are not listed (organisation "
                     f"minimum: {floor}).")
        side.button("Reset filters", on_click=_reset, args=(extras, floor, waves[-1]),
                    icon=":material/filter_alt_off:", type="tertiary")
        filters = Filters(start.version, start.waves, wave, where, k, floor, start.attributes)
    bound.drop_unknown(GLOBAL_KEYS | PAGE_KEYS | {param_key(a) for a in extras})
    st.session_state[_STATE] = filters
    if opened is not None and filters != opened:
        st.rerun()                  # not seen: the page showed other filters than these
    return filters


def share_link(container, page_path: str) -> None:
    """The current view as a link: page, filters and page settings. It names the wave even
    when it is the latest, so the link shows the same numbers after the next import."""
    values = bound.link_values()
    f = current()
    if f.wave and not bound.is_locked("wave"):
        values.setdefault("wave", [f.wave])
    if share := st.query_params.get("share"):
        values = {"share": [share], **values}
    url = params.share_url(common.page_url(page_path), values)
    # In a popover: its content is drawn when opened, so the code block's 1.5 MB of
    # JavaScript no longer delays a new visitor's first chart
    with container.popover("Link to this view", icon=":material/link:"):
        st.caption("Copy the link: it opens this page with these filters and this wave.")
        st.code(url, language=None, wrap_lines=True)


def scores_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A group-scores table with readable dimension names, for tables and downloads."""
    df = table.copy()
    df.insert(2, "dimension_label", [common.dim_label(d) for d in df["dimension"]])
    return df
