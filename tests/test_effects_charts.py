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
