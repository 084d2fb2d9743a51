"""Scores across survey waves: is the organisation moving towards leadership or management?"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lvm_data.charts.style import (
    ALL_GROUP, MUTED_COLOR, SERIES_COLORS, VALUE_LABELS, apply_layout, ci_text, dim_label,
    empty_figure, floats, group_label, is_empty, num, ordered, signed, top_legend)

VALUES = ("orientation", "leadership", "management")


def wave_order(trends: pd.DataFrame) -> list[str]:
    """Waves by date (undated waves last, in the order given): labels may not sort by time."""
    waves = trends.assign(_wave=trends["wave"].astype(str))
    if "wave_date" in waves.columns:
        waves["_date"] = pd.to_datetime(waves["wave_date"], errors="coerce")
        waves = waves.sort_values("_date", kind="stable", na_position="last")
    return ordered(waves["_wave"])


def _band(part: pd.DataFrame, name: str, color: str) -> go.Scatter | None:
    """A translucent 95% CI band under a line; skipped where a wave has no CI."""
    part = part.dropna(subset=["orientation_ci_low", "orientation_ci_high"])
    if len(part) < 2:
        return None
    waves = part["_wave"].tolist()
    return go.Scatter(
        x=waves + waves[::-1],
        y=floats(part, "orientation_ci_high") + floats(part, "orientation_ci_low")[::-1],
        fill="toself", fillcolor=color, opacity=0.13, line={"width": 0}, mode="lines",
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
    df = trends.dropna(subset=[value]).assign(_wave=trends["wave"].astype(str))
    key = "dimension" if dimension is None else "group"
    if dimension is None:
        df = df[df["group"].astype(str) == ALL_GROUP]
    else:
        df = df[df["dimension"].astype(str) == str(dimension)]
    if df.empty:
        return empty_figure("No trend to show: the groups may be below the anonymity minimum.")
    waves = [w for w in wave_order(trends) if w in set(df["_wave"])]
    series_order = ordered(df[key].astype(str))
    df = df.assign(_pos=df["_wave"].map({w: i for i, w in enumerate(waves)}))
    df = df.sort_values("_pos", kind="stable")
    fig = go.Figure()
    for i, series in enumerate(series_order):
        part = df[df[key].astype(str) == series].drop_duplicates("_wave")
        name = dim_label(series) if key == "dimension" else group_label(series)
        is_all = key == "group" and series == ALL_GROUP
        color = "#4D4D4D" if is_all else SERIES_COLORS[i % len(SERIES_COLORS)]
        band = _band(part, name, color) if value == "orientation" and \
            "orientation_ci_low" in part.columns else None
        fig.add_traces([t for t in (band, _line(part, name, value, color, is_all)) if t])
    _trend_axes(fig, waves, value, dimension, scale_min, scale_max, title)
    return fig


def _trend_axes(fig, waves, value, dimension, scale_min, scale_max, title) -> None:
    head = VALUE_LABELS[value] + (f" · {dim_label(dimension)}" if dimension else "")
    apply_layout(fig, title, height=480, top=90, legend=top_legend(), hovermode="closest")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=waves,
                     title_text="Survey wave")
    fig.update_yaxes(title_text=head)
    if len(waves) == 1:  # one wave: dodge the series so their whiskers do not overlap
        fig.update_layout(scattermode="group", scattergap=0.6)
    if value == "orientation":
        fig.update_yaxes(zeroline=True, zerolinecolor=MUTED_COLOR, zerolinewidth=1.5)
    elif scale_min is not None and scale_max is not None:
        fig.update_yaxes(range=[scale_min, scale_max])
