"""The new chart builders: what they draw, and names from files kept inert."""
import pandas as pd
import plotly.graph_objects as go

from lvm_data import charts

EVIL = "<a href='https://x.example'>Sales</a>"


def diff_table():
    return pd.DataFrame({"group": ["all", EVIL, "B"], "dimension": ["vision_execution"] * 3,
                         "n": [40, 20, 20], "change": [1.0, 12.5, -3.0],
                         "change_ci_low": [-1, 4.0, -9], "change_ci_high": [3, 21.0, 3],
                         "beyond_noise": [False, True, False], "n_before": [38, 19, 19]})


def test_difference_heatmap_marks_cells_and_escapes_names():
    fig = charts.difference_heatmap(diff_table(), "change", "beyond_noise", "Change",
                                    low="change_ci_low", high="change_ci_high")
    heat = fig.data[0]
    assert [row[0] for row in heat.text] == ["+1.0", "+12.5 ●", "-3.0"]
    assert (heat.zmin, heat.zmax, heat.zmid) == (-30, 30, 0)
    assert "<a href" not in fig.to_json()
    assert "All respondents" in heat.y[0]


def test_difference_heatmap_empty():
    fig = charts.difference_heatmap(pd.DataFrame(), "change", "beyond_noise", "Change")
    assert isinstance(fig, go.Figure) and not fig.data


def test_mark_steps_rings_only_steps_beyond_the_noise():
    steps = diff_table().assign(wave="w2", orientation=[5.0, 9.0, 1.0])
    fig = charts.mark_steps(go.Figure(), steps, "vision_execution")
    assert len(fig.data) == 1 and list(fig.data[0].y) == [9.0]
    assert "<a href" not in fig.to_json()
    assert not charts.mark_steps(go.Figure(), steps).data      # population: 'all' not beyond


def test_self_others_bars_escape_custom_dimension_keys():
    table = pd.DataFrame({"group": ["all"] * 2, "dimension": ["x<b>y</b>"] * 2,
                          "measure": ["leadership", "management"], "n_self": [6, 6],
                          "n_others": [20, 20], "self": [4.5, 3.0], "others": [3.0, 3.1],
                          "gap": [1.5, -0.1], "flag": ["blind spot", ""]})
    fig = charts.self_others_bars(table)
    assert "x<b>y" not in fig.to_json()
    assert len(fig.data) == 3 and list(fig.data[2].x) == [4.5, 3.0]     # connector, others, self


def test_change_dots_colour_only_changes_beyond_the_noise_and_escape_wave_names():
    table = pd.DataFrame({
        "dimension": ["vision_execution", "people_process", "innovation_stability"],
        "orientation_before": [2.0, 10.0, -4.0], "orientation": [9.5, 7.0, -16.0],
        "change": [7.5, -3.0, -12.0], "change_ci_low": [1.5, -8.0, -41.0],
        "change_ci_high": [13.5, 2.0, -1.0], "beyond_noise": [True, False, True]})
    fig = charts.change_dots(table, EVIL, "2026-Q1")
    dots = fig.data[0]
    assert list(dots.x) == [7.5, -3.0, -12.0]
    # whiskers reach the CI ends: +6/-6, +5/-5, +11/-29
    assert list(dots.error_x.array) == [6.0, 5.0, 11.0]
    assert list(dots.error_x.arrayminus) == [6.0, 5.0, 29.0]
    assert list(dots.marker.color) == [charts.LEADERSHIP_COLOR, "#6B6B6B",
                                       charts.MANAGEMENT_COLOR]
    assert list(dots.text) == ["+7.5 ●", "-3.0", "-12.0 ●"]
    # the widest CI end is 41 points: the axis grows to ±50, symmetric
    assert list(fig.layout.xaxis.range) == [-50, 50]
    assert "<a href" not in fig.to_json()
    assert "2026-Q1: -16.0" in dots.hovertext[2]


def test_change_dots_empty():
    assert not charts.change_dots(pd.DataFrame(), "a", "b").data
