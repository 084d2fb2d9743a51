"""Teams & roles: which groups lean to leadership, which to management?"""
import streamlit as st

from lvm_data import charts, export
from lvm_ui import bound, common, effects_view, filters, layout, participation
from lvm_ui.entry import ensure_entrypoint

ensure_entrypoint()

NUMBER = st.column_config.NumberColumn


def table(rows, f: filters.Filters, by: str) -> None:
    """Every shown cell as a sortable table (click a header to sort); the download adds the
    change since the previous wave."""
    df = filters.scores_frame(rows)
    df["group"] = df["group"].replace({"all": "All respondents"})
    st.dataframe(df.drop(columns=["dimension"]), hide_index=True, column_config={
        "group": st.column_config.TextColumn("Group", pinned=True),      # stays in view
        "dimension_label": st.column_config.TextColumn("Dimension", pinned=True),
        "n": NUMBER("n", format="%d"),
        "leadership": NUMBER("Leadership", format="%.2f"),
        "management": NUMBER("Management", format="%.2f"),
        "orientation": NUMBER("Orientation", format="%+.1f"),
        "orientation_ci_low": NUMBER("CI low", format="%+.1f"),
        "orientation_ci_high": NUMBER("CI high", format="%+.1f"),
        "balance": NUMBER("Balance", format="%.1f"), "archetype": "Archetype",
        "headcount": NUMBER("Headcount", format="%d"),
        "response_rate": NUMBER("Response rate", format="percent")})
    download = filters.scores_frame(effects_view.with_change(f, by, rows))
    download["group"] = download["group"].replace({"all": "All respondents"})
    st.download_button("Download these scores (CSV)", export.scores_csv(download), "lvm-scores.csv",
                       "text/csv", icon=":material/download:")


def measure(f: filters.Filters, container) -> str:
    """The heatmap's measure: a score, the difference from everyone, or (from the second
    wave on) the change since the previous wave."""
    options = [*layout.MEASURES, "difference"] + (["change"] if effects_view.previous(f) else [])
    return bound.select("Measure", options, "value",
                        format_func=lambda k: effects_view.measure_label(f, k, layout.MEASURES),
                        what="not a measure on this page", container=container)


def roles(f: filters.Filters, smin: float, smax: float) -> None:
    st.subheader("Roles compared", anchor=False)
    if "role" not in f.attributes:
        st.info("The data has no role attribute.")
        return
    dim = layout.dimension(f, st.columns(3)[0])
    layout.dimension_caption(dim)
    result = f.scores("role")
    if common.withheld(result):
        return
    common.chart(charts.group_pole_bars(result.table, dim, smin, smax), "roles")
    common.hidden_note(result, "roles")


def main() -> None:
    st.title("Teams & roles")
    f = layout.require_data()
    if f is None:
        return
    st.caption(f.describe())
    left, right, _ = st.columns(3)
    by = layout.group_by(f, left)
    value = measure(f, right)
    groups, rows = f.scores_with_all(by)
    if common.nothing_shown(groups, rows):
        return
    rows = participation.add_rates(f, by, rows)
    smin, smax = f.scale()
    st.subheader(f"{common.attr_label(by)} × dimension", anchor=False)
    common.hidden_note(groups)
    if value in effects_view.SIGNED_MEASURES:
        effects_view.signed_heatmap(f, by, value)
    else:
        common.chart(charts.heatmap(rows, value, scale_min=smin, scale_max=smax), "heatmap")
    effects_view.group_tests(f, by)
    roles(f, smin, smax)
    st.subheader("All scores", anchor=False)
    st.caption("Click a column header to sort. Orientation CI = 95% confidence interval.")
    table(rows, f, by)


main()
