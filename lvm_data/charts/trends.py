"""Scores across survey waves: is the organisation moving towards leadership or management?"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb

from lvm_data.charts.style import (
    ALL_GROUP, MUTED_COLOR, SERIES_COLORS, VALUE_LABELS, apply_layout, ci_text, empty_figure,
    escape_label, floats, is_empty, num, ordered, safe_dim, safe_group, signed, top_legend)

VALUES = ("orientation", "leadership", "management")
MAX_BANDS = 3   # more translucent CI bands than this merge into one grey mass
# Short y-axis titles: the long VALUE_LABELS plus a dimension name did not fit the plot height.
Y_TITLES = {"orientation": ("Orientation", "(−100 management … +100 leadership)"),
            "leadership": ("Leadership pole", "(mean)"),
            "management": ("Management pole", "(mean)")}


def wave_order(trends: pd.DataFrame) -> list[str]:
    """Waves by date (undated waves last, in the order given): labels may not sort by time."""
    waves = trends.assign(_wave=trends["wave"].astype(str))
    if "wave_date" in waves.columns:
        waves["_date"] = pd.to_datetime(waves["wave_date"], errors="coerce")
        waves = waves.sort_values("_date", kind="stable", na_position="last")
    return ordered(waves["_wave"])


def _band(part: pd.DataFrame, name: str, color: str, alpha: float) -> go.Scatter | None:
    """A translucent 95% CI band under a line; skipped where a wave has no CI."""
    part = part.dropna(subset=["orientation_ci_low", "orientation_ci_high"])
    if len(part) < 2:
        return None
    waves = part["_wave"].tolist()
    return go.Scatter(
        x=waves + waves[::-1],
        y=floats(part, "orientation_ci_high") + floats(part, "orientation_ci_low")[::-1],
        fill="toself", fillcolor=f"rgba({','.join(map(str, hex_to_rgb(color)))},{alpha})",
        line={"width": 0}, mode="lines",
        hoverinfo="skip", showlegend=False, legendgroup=name, name=f"{name} 95% CI")


def _line(part: pd.DataFrame, name: str, value: str, color: str, dashed: bool) -> go.Scatter:
    has_ci = value == "orientation" and "orientation_ci_low" in part.columns
    fmt = signed if value == "orientation" else (lambda v: num(v, 2))
    hover = [f"<b>{name}</b> · {r['_wave']}<br>{VALUE_LABELS[value]}: {fmt(r[value])}"
             + (f"<br>{ci_text(r['orientation_ci_low'], r['orientation_ci_high'])}" if has_ci
                else "") + f"<br>n = {num(r.get('n'), 0)}" for _, r in part.iterrows()]
    y = floats(part, value)
    error = None
    if has_ci and part["_wave"].nunique() == 1:  # one wave: no band to draw, use a whisker
        lows, highs = floats(part, "orientation_ci_low"), floats(part, "orientation_ci_high")
        error = {"type": "data", "symmetric": False, "color": color,
                 "array": [None if h is None else h - v for v, h in zip(y, highs)],
                 "arrayminus": [None if lo is None else v - lo for v, lo in zip(y, lows)]}
    return go.Scatter(x=part["_wave"].tolist(), y=y, mode="lines+markers", name=name,
                      legendgroup=name, error_y=error, marker={"size": 9, "color": color},
                      line={"color": color, "width": 2.5, "dash": "dash" if dashed else "solid"},
                      hovertext=hover, hovertemplate="%{hovertext}<extra></extra>")


def trend_lines(trends: pd.DataFrame, value: str = "orientation", dimension: str | None = None,
                scale_min: float | None = None, scale_max: float | None = None,
                title: str | None = None) -> go.Figure:
    """One line per dimension (population), or per group when ``dimension`` is given."""
    if value not in VALUES:
        raise ValueError(f"value must be one of {', '.join(VALUES)}, not {value!r}")
    if is_empty(trends, ("wave", "group", "dimension", value)):
        return empty_figure("No trend to show: import at least one survey wave.")
    df = trends.dropna(subset=[value]).assign(_raw_wave=trends["wave"].astype(str))
    key = "dimension" if dimension is None else "group"
    if dimension is None:
        df = df[df["group"].astype(str) == ALL_GROUP]
    else:
        df = df[df["dimension"].astype(str) == str(dimension)]
    if df.empty:
        return empty_figure("No trend to show: the groups may be below the anonymity minimum.")
    raw_waves = [w for w in wave_order(trends) if w in set(df["_raw_wave"])]
    series_order = ordered(df[key].astype(str))
    df = df.assign(_pos=df["_raw_wave"].map({w: i for i, w in enumerate(raw_waves)}),
                   _wave=[escape_label(w) for w in df["_raw_wave"]])
    df = df.sort_values("_pos", kind="stable")
    bands = value == "orientation" and "orientation_ci_low" in df.columns \
        and len(series_order) <= MAX_BANDS
    fig = go.Figure()
    for i, series in enumerate(series_order):
        part = df[df[key].astype(str) == series].drop_duplicates("_wave")
        name = safe_dim(series) if key == "dimension" else safe_group(series)
        is_all = key == "group" and series == ALL_GROUP
        color = "#4D4D4D" if is_all else SERIES_COLORS[i % len(SERIES_COLORS)]
        # the grey population band is lighter: under the coloured bands it turned them muddy
        band = _band(part, name, color, 0.08 if is_all else 0.15) if bands else None
        fig.add_traces([t for t in (band, _line(part, name, value, color, is_all)) if t])
    waves = [escape_label(w) for w in raw_waves]
    _trend_axes(fig, waves, value, dimension, scale_min, scale_max, title)
    if value == "orientation" and not bands and len(waves) > 1:
        _note(fig, f"95% CI bands are drawn for up to {MAX_BANDS} lines; "
                   "hover a point for its CI.")
    return fig


def _note(fig: go.Figure, text: str) -> None:
    """A small caption under the x axis title."""
    fig.add_annotation(text=text, x=0, xref="paper", xanchor="left", y=0, yref="paper",
                       yanchor="top", yshift=-62, showarrow=False,
                       font={"size": 12, "color": MUTED_COLOR})
    fig.update_layout(margin_b=90)


def _trend_axes(fig, waves, value, dimension, scale_min, scale_max, title) -> None:
    """A two-line y title ("<dimension>: measure", then its unit) so it fits the height."""
    measure, unit = Y_TITLES[value]
    if dimension:
        measure = f"{safe_dim(dimension)}: {measure.lower()}"
    if value != "orientation" and scale_min is not None and scale_max is not None:
        unit = f"(mean on the {num(scale_min, 0)}–{num(scale_max, 0)} scale)"
    head = f"{measure}<br>{unit}"
    apply_layout(fig, title, height=500, top=90, legend=top_legend(), hovermode="closest")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=waves,
                     title_text="Survey wave")
    fig.update_yaxes(title_text=head, title_font={"size": 13})
    if len(waves) == 1:  # one wave: dodge the series so their whiskers do not overlap
        fig.update_layout(scattermode="group", scattergap=0.6)
    if value == "orientation":
        fig.update_yaxes(zeroline=True, zerolinecolor=MUTED_COLOR, zerolinewidth=1.5)
    elif scale_min is not None and scale_max is not None:
        fig.update_yaxes(range=[scale_min, scale_max])
