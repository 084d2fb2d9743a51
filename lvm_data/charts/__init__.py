"""Pure chart builders: contract DataFrames in, ``plotly.graph_objects.Figure`` out.

No streamlit here, so the same figures serve the pages, PNG exports and tests.
Show them with ``st.plotly_chart(fig, config=PLOTLY_CONFIG)``.
"""
from lvm_data.charts.compare import compare_diff
from lvm_data.charts.effects import (
    change_dots, difference_heatmap, mark_steps, self_others_bars)
from lvm_data.charts.quadrant import quadrant_map
from lvm_data.charts.quality import missingness_bars
from lvm_data.charts.heatmap import heatmap
from lvm_data.charts.likert import LIKERT_SCALE, likert_bars, likert_color
from lvm_data.charts.scores import archetype_mix, group_pole_bars, orientation_bars, pole_bars
from lvm_data.charts.style import (
    ARCHETYPE_COLORS, CONFIG, DIVERGING_SCALE, LEADERSHIP_COLOR, MANAGEMENT_COLOR,
    PLOTLY_CONFIG, SEQUENTIAL_SCALES, SERIES_COLORS, apply_layout, chart_config, empty_figure,
    escape_label)
from lvm_data.charts.trends import trend_lines, wave_order

__all__ = [
    "ARCHETYPE_COLORS", "CONFIG", "DIVERGING_SCALE", "LEADERSHIP_COLOR", "LIKERT_SCALE",
    "MANAGEMENT_COLOR", "PLOTLY_CONFIG", "SEQUENTIAL_SCALES", "SERIES_COLORS", "apply_layout",
    "archetype_mix", "change_dots", "chart_config", "compare_diff", "difference_heatmap", "empty_figure",
    "escape_label", "mark_steps", "missingness_bars", "self_others_bars",
    "group_pole_bars", "heatmap", "likert_bars", "likert_color", "orientation_bars", "pole_bars",
    "quadrant_map", "trend_lines", "wave_order",
]
