"""Room for the left labels and the bottom title reserved up front, so plotly draws a
chart once.

Every axis keeps ``automargin``, so long labels are never cut: plotly draws the chart,
measures its labels and, when they need more room than the margin holds, draws it all
again. That second pass was half of each chart's drawing in the browser (22-32 ms against
12-16 ms, in a new visitor's first chart and in every re-render after a filter change).
Told how wide the renderer draws tick text (``use_measure``), this module sets the margins
to what plotly would push them to, so the first pass already fits. Where the labels cannot
be known before drawing (numbers plotly picks, a glyph the measure does not know, several
axes), nothing is reserved and plotly measures as before: a guess never cuts a label, and
one too small only costs the second pass it was meant to save.
"""
from __future__ import annotations

import functools
import html
import math
import re
from typing import Callable

import plotly.graph_objects as go

# The renderer's width of one line of tick text, in px; None when it cannot tell.
Measure = Callable[[str], "float | None"]

# plotly's geometry, measured in the dashboard (Streamlit's theme: 12 px tick labels,
# 14 px axis titles, ``standoff`` 15 from the template): it pushed the left margin to
# 14.2-17.2 px beyond the widest tick label, and the bottom one, under one line of ticks,
# to 61-63 px for a title of one line and 18 px more per further line (14 px x plotly's
# line spacing of 1.3). The constants take the top of each, so nothing is pushed.
TICK_GAP = 18
TITLE_BOTTOM = 63
TITLE_LINE = 18

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_measure: Measure | None = None


def use_measure(measure: Measure | None) -> None:
    """Set how the renderer measures tick text (None: reserve nothing)."""
    global _measure
    _measure = measure


def reserving(builder: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """``builder`` with ``reserve`` applied to the figure it returns."""
    @functools.wraps(builder)
    def build(*args, **kwargs):
        return reserve(builder(*args, **kwargs))
    return build


def reserve(fig: go.Figure) -> go.Figure:
    """Widen the left and bottom margins to what plotly's automargin would push them to,
    when both are known (module docstring); otherwise leave the figure as it is."""
    if _measure is None or _several_axes(fig):
        return fig
    left, bottom = _left(fig, _measure), _bottom(fig)
    if left is None or bottom is None:
        return fig
    margin = fig.layout.margin
    fig.update_layout(margin_l=max(margin.l or 0, left), margin_b=max(margin.b or 0, bottom))
    return fig


def lines(label) -> list[str]:
    """The lines plotly draws for a label: its pseudo-HTML's breaks kept, tags dropped."""
    return [html.unescape(_TAG.sub("", part)) for part in _BR.split(str(label))]


def _several_axes(fig: go.Figure) -> bool:
    return len(list(fig.select_xaxes())) > 1 or len(list(fig.select_yaxes())) > 1


def _left(fig: go.Figure, measure: Measure) -> int | None:
    """The left margin the y axis's labels need; None unless they are known text."""
    axis = fig.layout.yaxis
    if axis.visible is False or axis.showticklabels is False or axis.side == "right":
        return None
    if (axis.title.text or "") != "":
        return None                                   # a title's depth is not modelled
    labels = _labels(fig, axis, "y")
    if not labels:
        return None
    widths = [measure(line) for label in labels for line in lines(label)]
    if any(w is None for w in widths):
        return None
    return math.ceil(max(widths) + TICK_GAP)


def _labels(fig: go.Figure, axis, letter: str) -> list[str] | None:
    """The tick labels: given texts, or the categories the traces place on the axis."""
    if axis.ticktext is not None:
        return [str(t) for t in axis.ticktext]
    if axis.type not in (None, "-", "category") or axis.tickvals is not None:
        return None
    values = []
    for trace in fig.data:
        found = getattr(trace, letter, None)
        if found is None:
            continue
        values += list(found)
    if not values or not all(isinstance(v, str) for v in values):
        return None                                   # numbers: plotly picks the ticks
    return list(dict.fromkeys(values))


def _bottom(fig: go.Figure) -> int | None:
    """The bottom margin one line of x tick labels and the x title need (0 without a
    title: the template's margin holds the ticks); None for labels of several lines."""
    axis = fig.layout.xaxis
    title = axis.title.text or ""
    if title == "":
        return 0
    labels = _labels(fig, axis, "x") or []
    if any(len(lines(label)) > 1 for label in labels) or axis.side == "top":
        return None
    return TITLE_BOTTOM + TITLE_LINE * (len(lines(title)) - 1)
