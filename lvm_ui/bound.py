"""Widgets bound to the URL (``bind="query-params"``) that also say what they ignored.

Streamlit seeds a bound widget from the URL and silently drops values that are not
options. Before a widget is first drawn in a session the URL is compared with the
options here, so the page can name what it ignored; every bound widget also records
its value so the sidebar can show a share link for exactly the current view.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import streamlit as st

from . import params

_NOTICES = "_lvm_notices"
_LINK = "_lvm_link"
_UNKNOWN_CHECKED = "_lvm_unknown_checked"
_LOCKED = "_lvm_locked"


def start_run() -> None:
    """Called once per run by the entrypoint, before any bound widget."""
    st.session_state[_LINK] = {}
    st.session_state[_LOCKED] = {}
    st.session_state.setdefault(_NOTICES, [])


def lock(key: str, values: list[str]) -> None:
    """Fix a filter for this run (a share link's scope): shown, never changeable."""
    st.session_state.setdefault(_LOCKED, {})[key] = list(values)


def is_locked(key: str) -> bool:
    return key in st.session_state.get(_LOCKED, {})


def any_locked() -> bool:
    return bool(st.session_state.get(_LOCKED))


def _locked(label: str, key: str, box) -> list[str] | None:
    """The fixed values of a locked key, drawn as a disabled widget; None when not locked.
    URL values outside them are reported and dropped: they could only widen the view."""
    values = st.session_state.get(_LOCKED, {}).get(key)
    if values is None:
        return None
    if key in st.query_params:
        if bad := params.invalid_values(st.query_params.get_all(key), values):
            note(params.describe(key, bad, "outside this link's scope"))
        del st.query_params[key]
    box.multiselect(label, values, default=values, disabled=True, key=f"_lvm_locked_{key}",
                    help="Fixed by the share link.")
    return list(values)


def note(text: str) -> None:
    notices = st.session_state.setdefault(_NOTICES, [])
    if text not in notices:
        notices.append(text)


def notices() -> list[str]:
    return list(st.session_state.get(_NOTICES, []))


def dismiss() -> None:
    st.session_state[_NOTICES] = []


def link_values() -> dict[str, list[str]]:
    return dict(st.session_state.get(_LINK, {}))


def _register(key: str, values: list[str]) -> None:
    st.session_state.setdefault(_LINK, {})[key] = values


def _url(key: str) -> list[str] | None:
    """The URL's values for ``key`` on the widget's first render in this session, else None."""
    if key in st.session_state or key not in st.query_params:
        return None
    return list(st.query_params.get_all(key))


def select(label: str, options: Sequence, key: str, *, index: int = 0,
           format_func: Callable = str, what: str = "not an option here",
           container=None, help: str | None = None):
    """A bound selectbox; an unknown URL value is reported and the default used."""
    box = container or st
    if (fixed := _locked(label, key, box)) is not None:
        return fixed[0]
    formatted = [format_func(o) for o in options]
    raw = _url(key)
    if raw is not None and (bad := params.invalid_values(raw, formatted)):
        note(params.describe(key, bad, what))
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]          # e.g. a wave renamed or deleted meanwhile
    value = box.selectbox(label, options, index=index, format_func=format_func, key=key,
                          bind="query-params", persist_state="session", help=help)
    if options and value != options[index]:
        _register(key, [format_func(value)])
    return value


def multi(label: str, options: Sequence[str], key: str, *, what: str = "not an option here",
          container=None, help: str | None = None, placeholder: str | None = None) -> list[str]:
    """A bound multiselect of strings; unknown URL values are reported and dropped."""
    box = container or st
    if (fixed := _locked(label, key, box)) is not None:
        return fixed
    raw = _url(key)
    if raw is not None and (bad := params.invalid_values(raw, options)):
        note(params.describe(key, bad, what))
    if key in st.session_state:
        kept = [v for v in st.session_state[key] if v in set(options)]
        if kept != list(st.session_state[key]):
            st.session_state[key] = kept   # options narrowed, e.g. teams of other departments
    values = box.multiselect(label, options, key=key, bind="query-params",
                             persist_state="session", help=help,
                             placeholder=placeholder or "All")
    if values:
        _register(key, [str(v) for v in values])
    return list(values)


def number(label: str, key: str, low: int, high: int, *, container=None,
           help: str | None = None) -> int:
    """A bound whole-number input starting at ``low``; out-of-range URL values are reported.

    It is a float input shown without decimals: Streamlit 1.67 crashes (OverflowError) when
    an int input is seeded from ``?key=inf`` or ``1e999``; a float input rejects those.
    A fractional value is rounded up, the safe direction for an anonymity minimum.
    """
    box = container or st
    raw = _url(key)
    why = params.check_number(raw, low, high) if raw is not None else None
    value = box.number_input(label, min_value=float(low), max_value=float(high), step=1.0,
                             format="%.0f", key=key, bind="query-params",
                             persist_state="session", help=help)
    value = min(max(math.ceil(value if value is not None else low), low), high)
    if why:
        note(f"{params.quote_value(key)}: {why}; {value} is used")
    if value != low:
        _register(key, [str(value)])
    return value


def drop_unknown(known: set[str]) -> None:
    """Once per session: report and remove URL parameters no widget uses."""
    if st.session_state.get(_UNKNOWN_CHECKED):
        return
    st.session_state[_UNKNOWN_CHECKED] = True
    for key in params.unknown_keys(list(st.query_params.keys()), known):
        note(f"{params.quote_value(key)}: unknown parameter")
        try:
            del st.query_params[key]
        except Exception:  # noqa: BLE001 - a parameter Streamlit protects stays; we said so
            pass


def render_notices(container) -> None:
    """The 'ignored from the link' notice, until the user dismisses it."""
    items = notices()
    if not items:
        return
    with container:
        text = "Some settings in the link were ignored:\n" + "\n".join(f"- {t}" for t in items)
        st.info(text, icon=":material/link_off:")
        st.button("Dismiss", key="_lvm_dismiss_notice", on_click=dismiss, type="tertiary")
