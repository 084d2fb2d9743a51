"""Response rates on the pages, and the headcount upload on the Data page.

Rates need the headcount file, which only an admin uploads; a share link's viewer gets
none (the scoped facade has no rate query), so every function here returns nothing then.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lvm_data import headcount, store

from . import common, gate

NUMBER = st.column_config.NumberColumn


def _unscoped() -> bool:
    return st.session_state.get("_lvm_scope") is None


def rates(f, by: str | None):
    """The anonymity-checked rates of this view (the population's when ``by`` is None)."""
    if not _unscoped() or not f.has_data:
        return None
    return headcount.response_rates(common.cursor(), by=by, wave=f.wave, where=f.where,
                                    min_group_size=f.min_group)


def add_rates(f, by: str, rows: pd.DataFrame) -> pd.DataFrame:
    """Group-scores rows (with the population row) plus headcount and response rate."""
    groups, everyone = rates(f, by), rates(f, None)
    if groups is None or (groups.empty and everyone.empty):
        return rows
    both = pd.concat([t for t in (everyone.table, groups.table) if not t.empty],
                     ignore_index=True)
    return headcount.with_rates(rows, both)


def overview(f) -> None:
    """The selection's response rate and, by an attribute of the headcount file, its groups'."""
    everyone = rates(f, None)
    if everyone is None or (everyone.empty and "No headcount" in (everyone.message or "")):
        return
    st.subheader("Participation", anchor=False)
    if everyone.empty:
        st.caption(f":material/visibility_off: {common.md(everyone.message)}")
        return
    row = everyone.table.iloc[0]
    st.metric("Response rate", f"{row['response_rate']:.0%}",
              help=f"{int(row['respondents']):,} respondents of a headcount of "
                   f"{int(row['headcount']):,}.")
    by = st.selectbox("Response rates by", list(f.attributes), key="rate_group",
                      format_func=common.attr_label)
    groups = rates(f, by)
    common.hidden_note(groups) if groups.message is None else \
        st.caption(f":material/visibility_off: {common.md(groups.message)}")
    if not groups.empty:
        st.dataframe(groups.table, hide_index=True, column_config={
            "group": st.column_config.TextColumn(common.attr_label(by), pinned=True),
            "respondents": NUMBER("Respondents", format="%d"),
            "headcount": NUMBER("Headcount", format="%d"),
            "response_rate": NUMBER("Response rate", format="percent")})


def upload_section(cur) -> None:
    """A headcount file for one wave: attribute columns plus ``headcount``."""
    waves = store.waves(cur)["wave"].astype(str).tolist()
    if not waves:
        return
    with st.expander("Headcounts for response rates", icon=":material/groups:"):
        st.caption("A CSV with one row per unit: `department,team,headcount`, or any "
                   "attribute columns plus `headcount`. Rates are shown only for groups that "
                   "meet the anonymity minimum.")
        c1, c2 = st.columns([1, 2])
        wave = c1.selectbox("Wave", waves, index=len(waves) - 1, key="hc_wave")
        file = c2.file_uploader("Headcount file (CSV)", type=["csv"], key="hc_file")
        if file is not None and st.button("Store the headcounts", icon=":material/save:"):
            _store(file.getvalue(), wave)


def _store(data: bytes, wave: str) -> None:
    gate.require_admin()
    try:
        with common.writing() as con:
            name, n = headcount.store_file(con.cursor(), data.decode("utf-8-sig"), wave)
    except (ValueError, UnicodeDecodeError) as exc:
        st.error(f"The headcount file cannot be used: {common.md(exc)}")
        return
    st.success(f"Stored {n:,} headcount rows for wave “{common.md(name)}”.")
