"""The reliability panel (Data page, Dimensions page): how far each scale can be trusted.

A table per scale (alpha with its 95% CI, omega, items, n, a flag in words), then the items
worth a look. Everything shown comes from ``store.reliability`` through the cached, scoped
query, so the anonymity rules and a share link's scope apply as everywhere else.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lvm_data import reliability as rel
from lvm_data.store.item_matrix import LISTWISE

from . import common

_HELP = ("**Cronbach's alpha**: how consistently a scale's items are answered (0.70 or more "
         "is the usual floor for comparing groups), with its 95% interval (Feldt). "
         "**Omega**: McDonald's omega total from a one-factor model; not given for fewer than "
         "3 items or when the model does not fit. " + LISTWISE)


def _scale_label(row) -> str:
    name = common.dim_label(row["dimension"])
    return f"{name} — {row['pole']} pole" if row["pole"] else f"{name} (all items)"


def _fmt(x) -> str:
    return "—" if pd.isna(x) else f"{x:.2f}"


def scale_table(table: pd.DataFrame) -> pd.DataFrame:
    """The rows as a person reads them: names, two decimals, the CI as one cell, flags in words."""
    return pd.DataFrame({
        "Scale": [_scale_label(r) for _, r in table.iterrows()],
        "Items": table["items"].astype(int), "n": table["n"].astype(int),
        "Alpha": [_fmt(a) for a in table["alpha"]],
        "95% CI": [f"{_fmt(lo)} – {_fmt(hi)}" for lo, hi in
                   zip(table["alpha_ci_low"], table["alpha_ci_high"])],
        "Omega": [_fmt(o) for o in table["omega"]],
        "Check": [f"⚠ below {rel.ALPHA_FLOOR:.2f} ({a:.3f})" if isinstance(f, str) else "ok"
                  for f, a in zip(table["flag"], table["alpha"])]})


def _check(flag, scale: str, whole: set[str]) -> str:
    if isinstance(flag, str):
        return f"⚠ {flag}"
    return "judged in its pole" if scale in whole else "ok"


def item_table(items: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    labels = {r["scale"]: _scale_label(r) for _, r in table.iterrows()}
    poled = set(table.loc[table["pole"] != "", "dimension"])
    whole = {r["scale"] for _, r in table.iterrows() if not r["pole"] and r["dimension"] in poled}
    return pd.DataFrame({
        "Scale": items["scale"].map(labels), "Item": items["item"],
        "Reverse-keyed": ["yes" if r else "" for r in items["reverse"]],
        "Item–rest r": [_fmt(r) for r in items["item_total"]],
        "Alpha if deleted": [_fmt(a) for a in items["alpha_if_deleted"]],
        "Check": [_check(f, sc, whole) for f, sc in zip(items["flag"], items["scale"])],
        "Text": items["text"]})


def _show(frame: pd.DataFrame, max_rows: int = 40) -> None:
    """Tall enough for every row (up to ``max_rows``): a reliability table is read whole."""
    height = 35 * (min(len(frame), max_rows) + 1) + 3
    st.dataframe(frame, hide_index=True, width="stretch", height=height)


def panel(f, dimension: str | None = None) -> None:
    """Reliability of the selection's scales (of one dimension when given)."""
    result = common.query(f.version, "reliability", wave=f.wave, where=f.where,
                          min_group_size=f.min_group, dimension=dimension)
    if common.withheld(result):
        return
    table, items = result.table, result.extra["items"]
    if dimension is not None:
        table = table[table["dimension"] == dimension]
        items = items[items["scale"].isin(set(table["scale"]))]
    if table.empty:
        st.info("No scale of this selection can be shown." if result.message is None
                else common.md(result.message))
        return
    st.caption(_HELP)
    common.withheld_note(result)
    _show(scale_table(table))
    notes = [f"{_scale_label(r)}: omega not given, {r['omega_note']}." for _, r in
             table.iterrows() if isinstance(r["omega_note"], str)]
    for note in notes:
        st.caption(common.md(note))
    flagged = items[items["flag"].notna()]
    if not flagged.empty:
        st.markdown(f"**Items to look at** (corrected item–rest correlation below "
                    f"{rel.ITEM_TOTAL_FLOOR:.2f}, or negative)")
        _show(item_table(flagged, table))
    with st.expander("Every item"):
        _show(item_table(items, table))
