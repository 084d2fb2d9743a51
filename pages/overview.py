"""Overview: how does the filtered population lean, dimension by dimension?"""
import streamlit as st

from lvm_ui import common, effects_view, filters, layout, participation
from lvm_ui.entry import ensure_entrypoint

ensure_entrypoint()


def metrics(f: filters.Filters) -> bool:
    """Headline counts; False (with the explanation) when the selection is too small."""
    result = f.overview()
    if result.message:               # the counts row exists even then: show only the reason
        st.warning(common.md(result.message), icon=":material/visibility_off:")
        return False
    row = result.table.iloc[0]
    cols = st.columns(4)
    for col, (label, value) in zip(cols, (("Respondents", row["respondents"]),
                                          ("Waves", row["waves"]),
                                          ("Departments", row["departments"]),
                                          ("Teams", row["teams"]))):
        col.metric(label, f"{int(value):,}")
    return True


def main() -> None:
    st.title("Overview")
    f = layout.require_data()
    if f is None:
        return
    st.caption(f.describe())
    if not metrics(f):
        return
    scores = f.scores()
    smin, smax = f.scale()
    st.subheader("Orientation by dimension", anchor=False)
    st.caption("−100 = answers lean fully to the management pole, +100 = fully to the "
               "leadership pole; whiskers are 95% confidence intervals.")
    common.withheld_note(scores)
    common.chart(common.figure("orientation_bars", scores.table), "orientation")
    effects_view.overview_change(f)
    st.subheader("Leadership and management pole scores", anchor=False)
    st.caption("Mean agreement with each pole's items, side by side per dimension; the dashed "
               "line is the scale midpoint.")
    common.chart(common.figure("pole_bars", scores.table, smin, smax), "pole-scores")
    st.subheader("Archetype mix", anchor=False)
    st.caption(layout.archetype_caption())
    mix = f.mix()
    common.withheld_note(mix)
    common.chart(common.figure("archetype_mix", mix.table), "archetypes")
    participation.overview(f)

main()
