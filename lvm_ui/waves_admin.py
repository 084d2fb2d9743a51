"""The Data page's housekeeping: the waves, renaming and deleting them, and downloads.

Deleting is irreversible, so it takes two clicks: the first only asks, naming the wave
and how many respondents go with it.
"""
from __future__ import annotations

import re

import streamlit as st

from lvm_data import export, store

from . import common, filters, gate, layout, participation

_CONFIRM = "_lvm_confirm_delete"


def waves_table(cur) -> None:
    waves = store.waves(cur)
    if waves.empty:
        st.info("No waves imported yet.")
        return
    st.dataframe(waves[["wave", "wave_date", "respondents", "tool", "source", "imported_at"]],
                 hide_index=True, column_config={
                     "wave": "Wave", "wave_date": st.column_config.DateColumn("Date"),
                     "respondents": st.column_config.NumberColumn("Respondents", format="%d"),
                     "tool": "Format", "source": "File",
                     "imported_at": st.column_config.DatetimeColumn("Imported",
                                                                    format="YYYY-MM-DD HH:mm")})
    layout.flaws_note(filters.current().version, list(waves["wave"]), counted=True)


def _rename(old: str, new: str) -> None:
    gate.require_admin()
    try:
        with common.writing() as con:
            store.rename_wave(con.cursor(), old, new)
    except ValueError as exc:
        st.session_state["_lvm_admin_error"] = str(exc)
    else:
        st.session_state["_lvm_admin_done"] = f"Renamed wave “{old}” to “{new.strip()}”."
        if st.session_state.get("wave") == old:      # the sidebar shows the new name at once
            st.session_state["_lvm_show_wave"] = new.strip()
        st.session_state["admin_wave"] = new.strip()


def _delete(name: str) -> None:
    gate.require_admin()
    st.session_state.pop(_CONFIRM, None)
    try:
        with common.writing() as con:
            n = store.delete_wave(con.cursor(), name)
    except ValueError as exc:
        st.session_state["_lvm_admin_error"] = str(exc)
    else:
        st.session_state["_lvm_admin_done"] = f"Deleted wave “{name}” ({n:,} respondents)."


def manage(cur) -> None:
    """Rename or delete one wave; callbacks run before the next rerun draws the sidebar."""
    waves = store.waves(cur)["wave"].astype(str).tolist()
    for key, show in (("_lvm_admin_done", st.success), ("_lvm_admin_error", st.error)):
        if key in st.session_state:
            show(common.md(st.session_state.pop(key)))
    if not waves:
        return
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    wave = c1.selectbox("Wave", waves, index=len(waves) - 1, key="admin_wave")
    new = c2.text_input("New name", key="admin_new_name", max_chars=100)
    c3.button("Rename", on_click=_rename, args=(wave, new), disabled=not new.strip(),
              icon=":material/edit:")
    if st.session_state.get(_CONFIRM) != wave:
        st.button(f"Delete wave “{common.md(wave)}”…", on_click=lambda: st.session_state.update(
            {_CONFIRM: wave}), icon=":material/delete:")
        return
    n = int(store.waves(cur).set_index("wave").loc[wave, "respondents"])
    st.warning(f"Delete wave “{common.md(wave)}” and its {n:,} respondents? This cannot be "
               "undone.", icon=":material/warning:")
    y, c, _ = st.columns([1, 1, 4])
    y.button("Yes, delete it", type="primary", on_click=_delete, args=(wave,))
    c.button("Cancel", on_click=lambda: st.session_state.pop(_CONFIRM, None))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-")[:40] or "all"


def download(f: filters.Filters) -> None:
    """The filtered group scores (plus the population row) as a formula-safe CSV."""
    by = layout.group_by(f, st.columns(3)[0])
    groups, rows = f.scores_with_all(by)
    if common.nothing_shown(groups, rows):
        return
    common.hidden_note(groups)
    rows = participation.add_rates(f, by, rows)
    data = export.scores_csv(filters.scores_frame(rows))
    st.download_button("Download group scores (CSV)", data,
                       f"lvm-scores-{_slug(by)}-{_slug(f.wave)}.csv", "text/csv",
                       icon=":material/download:", type="primary")
    st.caption(f"{len(rows):,} rows · {f.describe()}")


def load_sample_button() -> None:
    if st.button("Load the bundled sample data", icon=":material/science:"):
        gate.require_admin()
        with st.spinner("Importing the sample…"):
            try:
                with common.writing() as con:
                    lines = common.load_sample(con)
            except ValueError as exc:
                st.error(common.md(exc))
                return
        st.session_state["_lvm_imported"] = "; ".join(lines) or "No sample file found."
        st.rerun()
