"""Margins reserved up front (``charts.margins``) so plotly draws a chart once, and the
tick-text widths they rest on (``lvm_ui.textwidth``). The browser side (no second
pass, nothing cut) is in test_e2e.py."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from lvm_data import charts
from lvm_data.charts import margins
from lvm_ui import textwidth


def seven_px(text: str) -> float:
    """A stand-in renderer: every character 7 px wide."""
    return 7.0 * len(text)


@pytest.fixture
def measured():
    before = margins._measure
    margins.use_measure(seven_px)
    yield
    margins.use_measure(before)


def bars(labels, x_title=None, **layout) -> go.Figure:
    fig = go.Figure(go.Bar(x=[1] * len(labels), y=labels, orientation="h"))
    fig.update_layout(margin={"l": 10, "r": 30, "t": 50, "b": 50}, xaxis_title=x_title,
                      **layout)
    return fig


def test_the_left_margin_holds_the_widest_line_and_the_bottom_the_title(measured):
    # widest line "Abcdef" (a break splits "Abcdef<br>gh"): 6 x 7 = 42 px, + 18 = 60
    fig = margins.reserve(bars(["Abc", "Abcdef<br>gh", "A&amp;B"], "Share"))
    assert (fig.layout.margin.l, fig.layout.margin.b) == (60, 63)
    # a title of two lines: one line (18 px) more
    two = margins.reserve(bars(["Abc"], "Share<br>of people"))
    assert (two.layout.margin.l, two.layout.margin.b) == (3 * 7 + 18, 63 + 18)


def test_a_margin_already_wider_is_kept(measured):
    fig = margins.reserve(bars(["Abc"], "Share", margin_l=200, margin_b=90))
    assert (fig.layout.margin.l, fig.layout.margin.b) == (200, 90)


def test_no_title_keeps_the_bottom(measured):
    fig = margins.reserve(bars(["Abcd"]))
    assert (fig.layout.margin.l, fig.layout.margin.b) == (4 * 7 + 18, 50)


@pytest.mark.parametrize("case", ["numbers on y", "a y title", "an unknown glyph",
                                  "two-line x labels", "a second axis", "no measure"])
def test_nothing_is_reserved_where_labels_cannot_be_known(measured, case):
    if case == "numbers on y":
        fig = go.Figure(go.Bar(x=["a", "b"], y=[1.5, 2.5]))
    elif case == "a y title":
        fig = bars(["Abc"], "Share", yaxis_title="Mean")
    elif case == "an unknown glyph":
        margins.use_measure(lambda t: None if "■" in t else 7.0 * len(t))
        fig = bars(["■ Abc", "Abc"], "Share")
    elif case == "two-line x labels":
        fig = go.Figure(go.Bar(x=["a<br>b", "c"], y=[1, 2]))
        fig.update_layout(xaxis_title="Dimension")
    elif case == "a second axis":
        fig = bars(["Abc"], "Share", yaxis2={"overlaying": "y", "side": "right"})
    else:
        margins.use_measure(None)
        fig = bars(["Abc"], "Share")
    fig.update_layout(margin={"l": 10, "b": 50})
    margins.reserve(fig)
    assert (fig.layout.margin.l, fig.layout.margin.b) == (10, 50)


def test_lines_are_what_plotly_draws():
    assert margins.lines("<b>R&amp;D</b><br>Team <i>one</i><BR/>x") == ["R&D", "Team one", "x"]


def test_builders_come_reserved(measured):
    table = pd.DataFrame({"group": ["all"], "dimension": ["vision_execution"], "n": [40],
                          "leadership": [4.0], "management": [3.0], "orientation": [25.0],
                          "orientation_ci_low": [20.0], "orientation_ci_high": [30.0]})
    fig = charts.orientation_bars(table)
    assert list(fig.data[0].y) == ["Vision vs Execution"]
    assert fig.layout.margin.l == 19 * 7 + 18           # 19 characters at 7 px, + 18


def test_tick_widths_are_the_browsers():
    # Chromium's canvas measureText on a dashboard page, 12px "Source Sans" (the font
    # Streamlit's chart theme sets) once document.fonts was ready, 23 November 2026
    browser = {"Long-term vs Short-term": 122.33, "LS_M4": 32.66, "Team lead": 51.38,
               "Ünïcödé café": 64.73}
    for text, width in browser.items():
        assert textwidth.tick_width(text) == pytest.approx(width, abs=0.1), text
    assert textwidth.tick_width("■ I describe") is None       # drawn by another font
