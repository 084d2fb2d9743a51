"""Trends: is the orientation moving from wave to wave, overall and per group?"""
import pandas as pd
import streamlit as st

from lvm_data import charts
from lvm_ui import common, effects_view, layout
from lvm_ui.entry import ensure_entrypoint

ensure_entrypoint()

TREND_MEASURES = ("orientation", "leadership", "management")


def repeats_note(result, k: int) -> None:
    """Waves the store left out because they repeat the wave before for all but a few
    people: the step between them would show those people's answers (docs/PRIVACY.md)."""
    for old, new in result.extra.get("left_out", []):
        st.warning(f"Wave {common.md(new)} is left out: it holds the same answers as wave "
                   f"{common.md(old)} for all but fewer than {k} respondents, so the "
                   "step between them would show those few people's answers.",
                   icon=":material/visibility_off:")


def main() -> None:
    st.title("Trends")
    f = layout.require_data(every_wave=True)   # a line across every wave
    if f is None:
        return
    st.caption("All waves · " + f.describe().split(" · ", 1)[-1])
    if len(f.waves) < 2:
        st.info("Only one wave has been imported: trends appear from the second wave on.")
    left, _, _ = st.columns(3)
    value = layout.measure(left, TREND_MEASURES)
    population = f.trends()
    if common.withheld(population):
        return
    repeats_note(population, f.min_group)
    population_table = population.table
    smin, smax = f.scale()
    st.subheader("All respondents in the filters", anchor=False)
    common.withheld_note(population)
    fig = charts.trend_lines(population_table, value, scale_min=smin, scale_max=smax)
    common.chart(effects_view.mark_steps(f, fig, value), "trends")
    st.subheader("By group", anchor=False)
    c1, c2, _ = st.columns(3)
    by = layout.group_by(f, c1, default="department", key="trend_group")
    dim = layout.dimension(f, c2)
    groups = f.trends(by)
    common.hidden_note(groups)
    rows = pd.concat([population_table, groups.table], ignore_index=True)
    fig = charts.trend_lines(rows, value, dimension=dim, scale_min=smin, scale_max=smax)
    common.chart(effects_view.mark_steps(f, fig, value, by, dim), "trends-by-group")


main()
