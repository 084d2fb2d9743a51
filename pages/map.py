"""Leadership–management map: where does each group sit on both poles at once?"""
import streamlit as st

from lvm_data import charts
from lvm_ui import common, layout
from lvm_ui.entry import ensure_entrypoint

ensure_entrypoint()


def main() -> None:
    st.title("Leadership–management map")
    f = layout.require_data()
    if f is None:
        return
    st.caption(f.describe())
    left, right, _ = st.columns(3)
    dim = layout.dimension(f, left, key="map_dimension", extra=(layout.ALL_DIMENSIONS,))
    by = layout.group_by(f, right)
    groups, rows = f.scores_with_all(by)
    if common.nothing_shown(groups, rows):
        return
    smin, smax = f.scale()
    st.caption("Each bubble is a group (size = respondents; the diamond is everyone in the "
               "filters). Dashed lines mark the scale midpoint: top right = Integrator, top "
               "left = Leadership-led, bottom right = Management-led, bottom left = Developing.")
    common.hidden_note(groups)
    dimension = None if dim == layout.ALL_DIMENSIONS else dim
    common.chart(charts.quadrant_map(rows, dimension, smin, smax), "map")


main()
