"""Self vs others (360-degree feedback): do leaders see themselves as others see them?"""
import pandas as pd
import streamlit as st

from lvm_data import charts, raters
from lvm_ui import bound, common, filters, layout
from lvm_ui.entry import ensure_entrypoint

ensure_entrypoint()

NUMBER = st.column_config.NumberColumn
EVERYONE = "(all leaders)"


def grouping(f: filters.Filters) -> str | None:
    options = [EVERYONE, *(a for a in f.attributes if a != raters.ATTRIBUTE)]
    by = bound.select("Groups of leaders", options, "rater_group", format_func=lambda a:
                      "All leaders together" if a == EVERYONE else common.attr_label(a),
                      what="not a grouping attribute", container=st.columns(3)[0])
    return None if by == EVERYONE else by


def gaps_table(table: pd.DataFrame) -> None:
    df = table.assign(group=table["group"].replace({"all": "All leaders"}),
                      dimension=[common.dim_label(d) for d in table["dimension"]])
    df = df.sort_values("flag", ascending=False, kind="stable")[
        ["group", "dimension", "measure", "flag", "gap", "self", "others", "n_self", "n_others"]]
    st.dataframe(df, hide_index=True, column_config={
        "group": "Leaders", "dimension": "Dimension", "measure": "Measure",
        "n_self": NUMBER("n self", format="%d"), "n_others": NUMBER("n others", format="%d"),
        "self": NUMBER("Self", format="%.2f"), "others": NUMBER("Others", format="%.2f"),
        "gap": NUMBER("Gap (self − others)", format="%+.2f"),
        "flag": st.column_config.TextColumn("Flag", width="medium")})


def main() -> None:
    st.title("Self vs others")
    f = layout.require_data()
    if f is None:
        return
    st.caption(f.describe())
    if raters.ATTRIBUTE not in f.attributes:
        st.info("This data has no rater column. In 360-degree feedback each row is one rating "
                "of a leader, and a column such as *Rater*, *Relationship* or *Rater type* "
                "says who rated (Self, Manager, Peer, Direct report). Try it with "
                "`python -m lvm_data sample --respondents 600 --out 360.csv --360`.")
        return
    by = grouping(f)
    result = common.query(f.version, "self_vs_others", by=by, wave=f.wave, where=f.where,
                          min_group_size=f.min_group)
    if common.withheld(result):
        return
    lo, hi = f.scale()
    st.caption(f"Self ratings against everyone else's, per dimension. A **blind spot**: self "
               f"higher than others by more than a third of the scale ({(hi - lo) / 3:.2f} "
               "points on a pole, 66.7 orientation points); a **hidden strength**: others "
               "higher by as much. Self ratings are one per leader, so they are shown only "
               f"for groups of at least {f.min_group} leaders.")
    common.withheld_note(result)
    groups = list(dict.fromkeys(result.table["group"].astype(str)))
    shown = groups[0] if len(groups) == 1 else bound.select(
        "Show the chart for", groups, "rater_chart", container=st.columns(3)[0],
        format_func=lambda g: "All leaders" if g == "all" else g,
        what="not a group shown here")
    title = "All leaders" if shown == "all" else shown
    st.subheader(f"Self and others: {common.md(title)}", anchor=False)
    common.chart(charts.self_others_bars(result.table, shown, lo, hi), "self-vs-others")
    st.subheader("Every gap", anchor=False)
    gaps_table(result.table)


main()
