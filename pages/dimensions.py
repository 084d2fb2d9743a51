"""Dimensions & items: within one dimension, how were the items answered?"""
import streamlit as st

from lvm_data import charts
from lvm_data.store import QueryError
from lvm_ui import common, layout, reliability_view
from lvm_ui.entry import ensure_entrypoint

ensure_entrypoint()


def main() -> None:
    st.title("Dimensions & items")
    f = layout.require_data()
    if f is None:
        return
    st.caption(f.describe())
    left, right, _ = st.columns(3)
    dim = layout.dimension(f, left)
    by = layout.group_by(f, right)
    layout.dimension_caption(dim)
    try:
        dist = f.items(dim)
    except QueryError as exc:
        st.info(common.md(exc))
        return
    if common.withheld(dist):
        return
    smin, smax = float(dist.extra["scale_min"]), float(dist.extra["scale_max"])
    st.subheader("How the items were answered", anchor=False)
    st.caption("Each bar is one item: disagreement extends left of 0, agreement right; "
               "reverse-keyed items are marked and shown as answered.")
    common.withheld_note(dist)
    common.chart(charts.likert_bars(dist.table, smin, smax), "items")
    st.subheader("Reliability", anchor=False)
    reliability_view.panel(f, dim)
    st.subheader(f"Pole scores by {common.attr_label(by).lower()}", anchor=False)
    groups, rows = f.scores_with_all(by)
    if common.nothing_shown(groups, rows):
        return
    common.hidden_note(groups)
    common.chart(charts.group_pole_bars(rows, dim, smin, smax), "group-poles")


main()
