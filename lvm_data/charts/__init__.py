"""Pure chart builders: contract DataFrames in, ``plotly.graph_objects.Figure`` out.

No streamlit here, so the same figures serve the pages, PNG exports and tests.
Show them with ``st.plotly_chart(fig, config=PLOTLY_CONFIG)``.
"""
from lvm_data.charts import compare, effects, heatmap as _heatmap, quadrant, quality, scores
from lvm_data.charts import trends
from lvm_data.charts.likert import LIKERT_SCALE, likert_color
from lvm_data.charts.likert import likert_bars as _likert_bars
from lvm_data.charts.margins import reserving, use_measure
from lvm_data.charts.style import (
    ARCHETYPE_COLORS, CONFIG, DIVERGING_SCALE, LEADERSHIP_COLOR, MANAGEMENT_COLOR,
    PLOTLY_CONFIG, SEQUENTIAL_SCALES, SERIES_COLORS, apply_layout, chart_config, empty_figure,
    escape_label)
from lvm_data.charts.trends import wave_order

mark_steps = effects.mark_steps      # marks a figure a reserved builder made: nothing to add

# Every builder's figure comes with its margins reserved (``margins``: drawn once).
compare_diff = reserving(compare.compare_diff)
change_dots = reserving(effects.change_dots)
difference_heatmap = reserving(effects.difference_heatmap)
self_others_bars = reserving(effects.self_others_bars)
quadrant_map = reserving(quadrant.quadrant_map)
missingness_bars = reserving(quality.missingness_bars)
heatmap = reserving(_heatmap.heatmap)
likert_bars = reserving(_likert_bars)
archetype_mix = reserving(scores.archetype_mix)
group_pole_bars = reserving(scores.group_pole_bars)
orientation_bars = reserving(scores.orientation_bars)
pole_bars = reserving(scores.pole_bars)
trend_lines = reserving(trends.trend_lines)

__all__ = [
    "ARCHETYPE_COLORS", "CONFIG", "DIVERGING_SCALE", "LEADERSHIP_COLOR", "LIKERT_SCALE",
    "MANAGEMENT_COLOR", "PLOTLY_CONFIG", "SEQUENTIAL_SCALES", "SERIES_COLORS", "apply_layout",
    "archetype_mix", "change_dots", "chart_config", "compare_diff", "difference_heatmap",
    "empty_figure", "escape_label", "mark_steps", "missingness_bars", "self_others_bars",
    "group_pole_bars", "heatmap", "likert_bars", "likert_color", "orientation_bars", "pole_bars",
    "quadrant_map", "trend_lines", "use_measure", "wave_order",
]
