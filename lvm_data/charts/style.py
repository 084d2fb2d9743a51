"""Shared look of every chart: colours, layout, labels and the empty-state figure.

Defined once here so the pages, the PNG downloads and the tests agree on what
"leadership blue" and "management orange" are.
"""
from __future__ import annotations

import html
import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from lvm_data.instrument import dimension_info

LEADERSHIP_COLOR = "#0072B2"
MANAGEMENT_COLOR = "#E69F00"
NEUTRAL_COLOR = "#E8E8E8"
TEXT_COLOR = "#2A2A2A"
MUTED_COLOR = "#6B6B6B"
# Darker shades of the pole colours for text on white (orange text is hard to read).
LEADERSHIP_TEXT = "#005A8C"
MANAGEMENT_TEXT = "#9A6500"

# Orientation: orange (-100, management) -> light grey (0) -> blue (+100, leadership).
DIVERGING_SCALE = [[0.0, MANAGEMENT_COLOR], [0.5, NEUTRAL_COLOR], [1.0, LEADERSHIP_COLOR]]
# Pole means and balance are not signed, so they get one-hue sequential scales.
SEQUENTIAL_SCALES = {
    "leadership": [[0.0, "#F4F7FA"], [1.0, LEADERSHIP_COLOR]],
    "management": [[0.0, "#FBF7EF"], [1.0, MANAGEMENT_COLOR]],
    "balance": [[0.0, "#F5F5F5"], [1.0, "#00785A"]],
}
# Okabe-Ito colours: colour-blind safe; the one-sided archetypes reuse the pole colours.
ARCHETYPE_COLORS = {
    "Integrator": "#009E73",
    "Leadership-led": LEADERSHIP_COLOR,
    "Management-led": MANAGEMENT_COLOR,
    "Developing": "#999999",
}
# Series (dimension or group lines) avoid the two pole colours so they are not misread.
SERIES_COLORS = ["#332288", "#CC6677", "#117733", "#88CCEE", "#AA4499",
                 "#44AA99", "#999933", "#882255", "#661100", "#6699CC"]

FONT_FAMILY = ("Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', "
               "sans-serif")
VALUE_LABELS = {"orientation": "Orientation (-100 management … +100 leadership)",
                "leadership": "Leadership pole mean", "management": "Management pole mean",
                "balance": "Balance (0–100)"}
ALL_GROUP = "all"
ALL_LABEL = "All respondents"

# Pass to st.plotly_chart(fig, config=PLOTLY_CONFIG): camera button saves a 2x PNG.
PLOTLY_CONFIG = {"toImageButtonOptions": {"format": "png", "scale": 2}, "displaylogo": False}
CONFIG = PLOTLY_CONFIG


def chart_config(filename: str = "lvm-chart") -> dict:
    """PLOTLY_CONFIG with a download file name (a copy: the shared dict stays untouched)."""
    return {**PLOTLY_CONFIG,
            "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"], "filename": filename}}


def _template() -> go.layout.Template:
    """The look every chart shares, built and validated once.

    plotly's own "plotly_white" carries defaults for every trace type there is; copying
    and validating it took most of a page's run (about 0.1 s per chart), so only its
    layout and the three trace types the charts use are kept, with our type sizes.
    """
    white = pio.templates["plotly_white"].to_plotly_json()
    axis = {"automargin": True, "tickfont": {"size": 13}, "title": {"font": {"size": 14}}}
    layout = {k: v for k, v in white["layout"].items()
              if k not in ("geo", "mapbox", "polar", "ternary", "scene", "title")}
    layout.update(
        font={"family": FONT_FAMILY, "size": 14, "color": TEXT_COLOR},
        hoverlabel={"font": {"size": 13, "family": FONT_FAMILY}, "align": "left"},
        legend={"font": {"size": 13}}, bargap=0.25,
        xaxis={**layout["xaxis"], **axis, "title": {**layout["xaxis"]["title"], **axis["title"]}},
        yaxis={**layout["yaxis"], **axis, "title": {**layout["yaxis"]["title"], **axis["title"]}})
    data = {k: white["data"][k] for k in ("bar", "heatmap", "scatter")}
    return go.layout.Template(layout=layout, data=data)


TEMPLATE = _template()
# Plotly gives every new figure its default template without validating it again; set on
# each figure, it was validated (copied) every time: 5-15 ms a figure, about a tenth of a
# page run's server time (py-spy under bench/bench_load.py). ``apply_layout`` still sets
# it where something else has since changed the default.
pio.templates["lvm"] = TEMPLATE
pio.templates.default = "lvm"


def apply_layout(fig: go.Figure, title: str | None = None, height: int = 420, top: int = 50,
                 **layout) -> go.Figure:
    """White template, 13-14px type and auto margins so long labels are never cut.

    ``top`` leaves room above the plot for a legend or labels below plotly's mode bar.
    One ``update_layout``: each call validates the whole layout again.
    """
    if pio.templates.default != "lvm":
        layout["template"] = TEMPLATE
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}} if title else None,
        height=height,
        margin={"l": 10, "r": 30, "t": top + (30 if title else 0), "b": 50, "pad": 4},
        **layout)
    return fig


def top_legend(y: float = 1.02) -> dict:
    """A horizontal legend above the plot: never squeezes the plot width."""
    return {"orientation": "h", "yanchor": "bottom", "y": y, "xanchor": "left", "x": 0,
            "font": {"size": 13}, "title": {"text": ""}}


def empty_figure(message: str = "No data to show.") -> go.Figure:
    """A blank figure with a centred message, e.g. when anonymity hides every group."""
    fig = go.Figure()
    apply_layout(fig, height=300)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(text=wrap(message, 70), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": 15, "color": MUTED_COLOR})
    return fig


def is_empty(df: pd.DataFrame | None, columns: tuple[str, ...] = ()) -> bool:
    """None, no rows, or missing any needed column all mean "nothing to draw"."""
    return df is None or df.empty or not set(columns) <= set(df.columns)


def escape_label(text) -> str:
    """Make text from uploaded files inert in a figure: plotly renders a subset of HTML
    (<a href>, <b>, <br>, ...) in labels, ticks, legends and hover text.

    Numeric entities for quotes because plotly.js only decodes &amp; &lt; &gt; (and a few
    others) by name, not &quot;. Apply once, to raw text, just before it meets our markup.
    """
    return html.escape(str(text), quote=False).replace('"', "&#34;").replace("'", "&#39;")


def wrap(text: str, width: int = 24) -> str:
    """Raw text -> escaped label broken into <br> lines, so tick labels stay narrow.

    Wraps first, then escapes each line, so an entity is never split across lines.
    """
    lines = textwrap.wrap(str(text), width) or [str(text)]
    return "<br>".join(escape_label(line) for line in lines)


def shorten(text: str, limit: int = 60) -> str:
    """Cut at a word boundary near ``limit`` and mark the cut with an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def dim_label(key: str) -> str:
    return dimension_info(str(key)).label


def pole_label(key: str, pole: str) -> str:
    info = dimension_info(str(key))
    return info.leadership if pole == "leadership" else info.management


def group_label(group) -> str:
    """Raw display name of a group (escape it, or pass it through ``wrap``, before use)."""
    return ALL_LABEL if str(group) == ALL_GROUP else str(group)


def safe_group(group) -> str:
    return escape_label(group_label(group))


def safe_dim(key) -> str:
    """Dimension label, escaped: custom dimension keys come from uploaded files."""
    return escape_label(dim_label(key))


def symmetric_extent(max_abs: float, step: float = 10, low: float = 20,
                     high: float = 100) -> float:
    """Half-width of a symmetric axis or colour range: ``max_abs`` rounded up to ``step``,
    kept within [low, high] so small effects are not blown up nor the scale exceeded."""
    if max_abs is None or math.isnan(max_abs):
        max_abs = 0.0
    return float(min(high, max(low, math.ceil(round(max_abs, 9) / step) * step)))


def signed_ticks(extent: float) -> tuple[list[float], list[str]]:
    """Five ticks -extent..+extent labelled with an explicit sign."""
    vals = [-extent, -extent / 2, 0.0, extent / 2, extent]
    return vals, [signed(v, 0) if v else "0" for v in vals]


def ordered(values) -> list:
    """Unique values in first-seen order (the store returns instrument order)."""
    return list(dict.fromkeys(values))


def num(value, digits: int = 1) -> str:
    """Hover-friendly number: '–' for missing, else fixed decimals."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(value) else f"{value:.{digits}f}"


def signed(value, digits: int = 1) -> str:
    text = num(value, digits)
    return text if text == "–" or text.startswith("-") else "+" + text


def ci_text(low, high, digits: int = 1) -> str:
    if num(low) == "–" or num(high) == "–":
        return "CI not available"
    return f"95% CI {num(low, digits)} to {num(high, digits)}"


def sign_color(value: float) -> str:
    if value > 0:
        return LEADERSHIP_COLOR
    if value < 0:
        return MANAGEMENT_COLOR
    return "#9A9A9A"


def midpoint_line(fig: go.Figure, value: float, axis: str = "y", label: str | None = None,
                  layer: str = "above") -> None:
    """Dashed reference line across the plot at the scale midpoint (or zero).

    A ``label`` goes into the legend (a line entry), never onto the plot where it would
    sit on top of the bars next to it.
    """
    style = {"line": {"dash": "dash", "color": MUTED_COLOR, "width": 1.5}, "layer": layer}
    if label:
        style.update(showlegend=True, name=label, legendrank=2000)
    if axis == "y":
        fig.add_hline(y=value, **style)
    else:
        fig.add_vline(x=value, **style)


def axis_end_labels(fig: go.Figure, left: str, right: str, y: float = 1.0,
                    colors: tuple[str, str] = (MANAGEMENT_TEXT, LEADERSHIP_TEXT)) -> None:
    """Name both ends of a diverging x axis (above the plot, clear of the tick labels)."""
    for text, x, anchor, color in ((left, 0, "left", colors[0]), (right, 1, "right", colors[1])):
        fig.add_annotation(text=text, x=x, xanchor=anchor, y=y, yanchor="bottom", xref="paper",
                           yref="paper", showarrow=False,
                           font={"size": 13, "color": color, "family": FONT_FAMILY})


def dots_frame(fig: go.Figure, title: str | None, rows: int, extent: float, x_title: str,
               left: str, right: str, **xaxis) -> go.Figure:
    """The frame of a dot-and-whisker chart with one row per dimension (Compare's
    difference, the Overview's change): an x axis symmetric around a line at 0, what each
    side means at its ends, the dimensions top to bottom."""
    apply_layout(fig, title, height=max(300, 150 + 62 * rows), top=70, showlegend=False)
    fig.update_xaxes(range=[-extent, extent], zeroline=False, title_text=x_title, **xaxis)
    fig.update_yaxes(autorange="reversed")
    fig.add_vline(x=0, line={"color": TEXT_COLOR, "width": 1.5})
    axis_end_labels(fig, left, right)
    return fig


def floats(df: pd.DataFrame, column: str) -> list[float | None]:
    """A column as plain floats, missing (or absent column) as None so plotly leaves a gap."""
    if column not in df.columns:
        return [None] * len(df)
    values = pd.to_numeric(df[column], errors="coerce").astype(float).tolist()
    return [None if math.isnan(v) else v for v in values]


def error_arrays(values: list, lows: list, highs: list) -> tuple[list, list]:
    """CI bounds -> plotly's (array, arrayminus) distances from the plotted value."""
    plus = [None if v is None or h is None else h - v for v, h in zip(values, highs)]
    minus = [None if v is None or lo is None else v - lo for v, lo in zip(values, lows)]
    return plus, minus
