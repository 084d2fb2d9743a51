"""Signed differences: the heatmap of differences from everyone or of change since the last
wave (significant cells marked), marks for significant steps on a trend chart, and the
self-vs-others gaps of 360 feedback.

A difference is in orientation points, so the colour range is fixed and symmetric (±30:
differences between groups or waves rarely pass it) and every cell's text carries its
sign; a "●" after the number marks a cell whose difference is beyond the noise.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lvm_data.charts.style import (
    DIVERGING_SCALE, LEADERSHIP_COLOR, MANAGEMENT_COLOR, MUTED_COLOR, TEXT_COLOR, apply_layout,
    ci_text, dim_label, dots_frame, empty_figure, error_arrays, escape_label, floats,
    group_label, is_empty, num, ordered, safe_dim, safe_group, sign_color, signed, signed_ticks,
    symmetric_extent, top_legend, wrap)

EXTENT = 30.0           # ±30 orientation points: a fixed colour range for every view
MARK = "●"


def _hover(row: pd.Series, what: str) -> str:
    text = f"<b>{safe_group(row['group'])}</b> · {safe_dim(row['dimension'])}<br>" \
           f"{what}: {signed(row['value'])} points"
    if "low" in row and pd.notna(row.get("low")):
        text += f" ({ci_text(row['low'], row['high'])})"
    if pd.notna(row.get("p_holm")):
        text += f"<br>p (Holm) = {num(row['p_holm'], 3)}"
    text += f"<br>n = {num(row.get('n'), 0)}"
    if pd.notna(row.get("n_before")):
        text += f" (before: {num(row['n_before'], 0)})"
    return text + (f"<br>{MARK} beyond the noise" if row["mark"] else "")


def difference_heatmap(table: pd.DataFrame, value: str, mark: str, what: str, *,
                       low: str | None = None, high: str | None = None,
                       title: str | None = None) -> go.Figure:
    """Rows = groups, columns = dimensions; ``value`` a signed difference in orientation
    points, ``mark`` a boolean column (cell text gets a ●), ``what`` names the measure."""
    if is_empty(table, ("group", "dimension", value)):
        return empty_figure("Nothing to show: the groups may be below the anonymity minimum "
                            "in one of the figures compared.")
    df = table.assign(value=table[value], mark=table[mark].fillna(False).astype(bool),
                      group=table["group"].astype(str), dimension=table["dimension"].astype(str))
    if low and high:
        df = df.assign(low=table[low], high=table[high])
    groups, dims = ordered(df["group"]), ordered(df["dimension"])
    cells = {(r["group"], r["dimension"]): r for _, r in df.iterrows()}
    z, text, hover = [], [], []
    for g in groups:
        row = [cells.get((g, d)) for d in dims]
        z.append([None if c is None else float(c["value"]) for c in row])
        text.append(["" if c is None else signed(c["value"]) + (f" {MARK}" if c["mark"] else "")
                     for c in row])
        hover.append([f"<b>{safe_group(g)}</b> · {safe_dim(d)}<br>hidden or no data"
                      if c is None else _hover(c, what) for c, d in zip(row, dims)])
    vals, ticks = signed_ticks(EXTENT)
    fig = go.Figure(go.Heatmap(
        z=z, x=[wrap(dim_label(d), 14) for d in dims], y=[wrap(group_label(g), 28) for g in groups],
        text=text, texttemplate="%{text}", textfont={"size": 13}, hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>", xgap=2, ygap=2, zmin=-EXTENT, zmax=EXTENT,
        zmid=0, colorscale=DIVERGING_SCALE,
        colorbar={"thickness": 14, "len": 0.9, "title": {"text": "Points"}, "tickvals": vals,
                  "ticktext": [f"{ticks[0]} Mgmt", *ticks[1:4], f"{ticks[4]} Lead"]}))
    apply_layout(fig, title, height=max(300, 170 + 40 * len(groups)), top=100)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False, tickangle=0)
    return fig


def _change_hover(row: pd.Series, since: str, now: str) -> str:
    return (f"<b>{safe_dim(row['dimension'])}</b><br>"
            f"{escape_label(since)}: {signed(row['orientation_before'])}<br>"
            f"{escape_label(now)}: {signed(row['orientation'])}<br>"
            f"Change: {signed(row['change'])} points "
            f"({ci_text(row['change_ci_low'], row['change_ci_high'])})<br>"
            + ("● larger than the noise" if row["beyond_noise"] else "within the noise"))


def change_dots(table: pd.DataFrame, since: str, now: str, title: str | None = None) -> go.Figure:
    """Per dimension, the population's change in orientation since ``since`` with its 95%
    CI: a dot in the pole's colour when the interval excludes 0, grey when it is noise.
    A chart rather than a table: the Overview then needs no table code in the browser."""
    if is_empty(table, ("dimension", "change", "change_ci_low", "change_ci_high")):
        return empty_figure("No change to show for this selection.")
    df = table.dropna(subset=["change"]).assign(
        beyond_noise=table["beyond_noise"].fillna(False).astype(bool))
    x, lows, highs = (floats(df, c) for c in ("change", "change_ci_low", "change_ci_high"))
    plus, minus = error_arrays(x, lows, highs)
    y = [wrap(dim_label(d)) for d in df["dimension"]]
    colors = [sign_color(v) if b else MUTED_COLOR for v, b in zip(x, df["beyond_noise"])]
    fig = go.Figure(go.Scatter(
        x=x, y=y, mode="markers+text", marker={"size": 13, "color": colors},
        text=[signed(v) + (f" {MARK}" if b else "") for v, b in zip(x, df["beyond_noise"])],
        textposition="top right", textfont={"size": 13, "color": TEXT_COLOR},
        error_x={"type": "data", "symmetric": False, "array": plus, "arrayminus": minus,
                 "color": TEXT_COLOR, "thickness": 1.5, "width": 5},
        hovertext=[_change_hover(r, since, now) for _, r in df.iterrows()],
        hovertemplate="%{hovertext}<extra></extra>", name="Change"))
    extent = symmetric_extent(max((abs(v) for v in x + lows + highs if v is not None),
                                  default=0) + 2, 10, 20, 100)
    vals, ticks = signed_ticks(extent)
    return dots_frame(fig, title, len(df), extent,
                      f"Change in orientation points since {escape_label(since)} (95% CI)",
                      "← Towards management", "Towards leadership →",
                      tickvals=vals, ticktext=ticks)


def mark_steps(fig: go.Figure, steps: pd.DataFrame, dimension: str | None = None) -> go.Figure:
    """Ring the trend points whose step from the wave before is beyond the noise (95% CI
    of the change excludes 0). Lines are per dimension (population) or per group."""
    if is_empty(steps, ("wave", "group", "dimension", "beyond_noise")):
        return fig
    df = steps[steps["beyond_noise"].fillna(False).astype(bool)]
    df = df[df["group"].astype(str) == "all"] if dimension is None else \
        df[df["dimension"].astype(str) == str(dimension)]
    if df.empty:
        return fig
    hover = [f"<b>{safe_group(r['group']) if dimension else safe_dim(r['dimension'])}</b> · "
             f"{escape_label(r['wave'])}<br>Change since the wave before: "
             f"{signed(r['change'])} points ({ci_text(r['change_ci_low'], r['change_ci_high'])})"
             for _, r in df.iterrows()]
    fig.add_trace(go.Scatter(
        x=[escape_label(w) for w in df["wave"]], y=floats(df, "orientation"), mode="markers",
        marker={"symbol": "circle-open", "size": 22, "color": TEXT_COLOR, "line": {"width": 2.5}},
        name="Step beyond the noise", hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>"))
    return fig


def self_others_bars(table: pd.DataFrame, group: str = "all", scale_min: float = 1,
                     scale_max: float = 5, title: str | None = None) -> go.Figure:
    """Per dimension and pole, self (hollow) vs others (filled) for one group of leaders;
    a flagged pair is named in the hover and the axis label."""
    if is_empty(table, ("group", "dimension", "measure", "self", "others")):
        return empty_figure("No self-vs-others figures to show for this selection.")
    df = table[(table["group"].astype(str) == str(group))
               & table["measure"].isin(["leadership", "management"])]
    if df.empty:
        return empty_figure("No self-vs-others figures to show for this group.")
    fig = go.Figure()
    labels = [f"{safe_dim(d)} · {m}" + (f" · <b>{f}</b>" if f else "")
              for d, m, f in zip(df["dimension"], df["measure"], df["flag"])]
    xs, ys = [], []
    for label, a, b in zip(labels, floats(df, "self"), floats(df, "others")):
        xs += [a, b, None]
        ys += [label, label, None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#BBBBBB", "width": 3},
                             hoverinfo="skip", showlegend=False))
    for who, color, symbol in (("others", MUTED_COLOR, "circle"), ("self", None, "diamond")):
        colors = [color or (LEADERSHIP_COLOR if m == "leadership" else MANAGEMENT_COLOR)
                  for m in df["measure"]]
        fig.add_trace(go.Scatter(
            x=floats(df, who), y=labels, mode="markers", name="Self" if who == "self" else
            "Others", marker={"size": 14, "color": colors, "symbol": symbol,
                              "line": {"color": "white", "width": 1}},
            hovertemplate=f"{'Self' if who == 'self' else 'Others'}: %{{x:.2f}}<extra></extra>"))
    apply_layout(fig, title, height=max(320, 140 + 38 * len(df)), top=70, legend=top_legend())
    fig.update_xaxes(range=[scale_min, scale_max], title_text="Mean on the answer scale")
    fig.update_yaxes(autorange="reversed")
    return fig
