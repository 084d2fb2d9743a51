"""Bar charts of group scores: population orientation, pole means, archetype mix."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lvm_data.charts.style import (
    ALL_GROUP, ARCHETYPE_COLORS, LEADERSHIP_COLOR, MANAGEMENT_COLOR, SERIES_COLORS, TEXT_COLOR,
    apply_layout, axis_end_labels, ci_text, dim_label, empty_figure, error_arrays, escape_label,
    floats, group_label, is_empty, midpoint_line, num, ordered, pole_label, safe_dim, sign_color,
    signed, signed_ticks, symmetric_extent, top_legend, wrap)

NO_SCORES = "No scores to show yet: import survey responses first."
POLES = (("leadership", "Leadership pole", LEADERSHIP_COLOR),
         ("management", "Management pole", MANAGEMENT_COLOR))


def population(scores: pd.DataFrame) -> pd.DataFrame:
    """The group == "all" rows, one per dimension, in the order the store returned them."""
    rows = scores[scores["group"].astype(str) == ALL_GROUP]
    return rows.drop_duplicates("dimension")


def _orientation_hover(row: pd.Series) -> str:
    key = str(row["dimension"])
    return (f"<b>{safe_dim(key)}</b><br>"
            f"Orientation: {signed(row['orientation'])} "
            f"({ci_text(row.get('orientation_ci_low'), row.get('orientation_ci_high'))})<br>"
            f"Leadership – {escape_label(pole_label(key, 'leadership'))}: "
            f"{num(row.get('leadership'), 2)}<br>"
            f"Management – {escape_label(pole_label(key, 'management'))}: "
            f"{num(row.get('management'), 2)}<br>"
            f"n = {num(row.get('n'), 0)}")


def orientation_extent(values: list, highs: list, lows: list) -> float:
    """Half-width of the x axis: every CI end plus its value label (about 12% of the
    half-width) fits; at least ±30 so a tiny effect does not fill the plot, at most ±100."""
    ends = [abs(v) for v in values + highs + lows if v is not None]
    return symmetric_extent((max(ends, default=0) + 2) / 0.85, 10, 30, 100)


def orientation_bars(scores: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Population orientation per dimension with 95% CI whiskers.

    The x axis is symmetric around 0 and zoomed to the data (population orientations sit
    within about ±25, which on a ±100 axis left thin slivers); the axis title says so.
    """
    if is_empty(scores, ("group", "dimension", "orientation")):
        return empty_figure(NO_SCORES)
    df = population(scores).dropna(subset=["orientation"])
    if df.empty:
        return empty_figure("No scores for all respondents: too few answers for the "
                            "anonymity minimum.")
    x, lows, highs = (floats(df, c) for c in ("orientation", "orientation_ci_low",
                                               "orientation_ci_high"))
    plus, minus = error_arrays(x, lows, highs)
    fig = go.Figure(go.Bar(
        x=x, y=[wrap(dim_label(d)) for d in df["dimension"]], orientation="h",
        marker={"color": [sign_color(v) for v in x]},
        error_x={"type": "data", "symmetric": False, "array": plus, "arrayminus": minus,
                 "color": TEXT_COLOR, "thickness": 1.5, "width": 5},
        hovertext=[_orientation_hover(r) for _, r in df.iterrows()],
        hovertemplate="%{hovertext}<extra></extra>", name="Orientation"))
    apply_layout(fig, title, height=max(300, 140 + 62 * len(df)), top=70, showlegend=False,
                 margin_r=60, bargap=0.3)
    _value_labels(fig, fig.data[0].y, x, plus, minus)
    extent = orientation_extent(x, highs, lows)
    tickvals, ticktext = signed_ticks(extent)
    zoom = "" if extent >= 100 else f"; axis shows ±{extent:.0f} of the ±100 scale"
    fig.update_xaxes(range=[-extent, extent], tickvals=tickvals, ticktext=ticktext,
                     zeroline=False, title_text=f"Orientation score (95% CI){zoom}")
    fig.update_yaxes(autorange="reversed")
    fig.add_vline(x=0, line={"color": TEXT_COLOR, "width": 1.5})
    axis_end_labels(fig, "← Management", "Leadership →")
    return fig


def _value_labels(fig: go.Figure, labels, values: list, plus: list, minus: list) -> None:
    """Print each score just past its CI whisker so a downloaded PNG carries the numbers."""
    for label, v, up, down in zip(labels, values, plus, minus):
        if v is None:
            continue
        end = v + (up or 0) if v >= 0 else v - (down or 0)
        fig.add_annotation(x=end + (2 if v >= 0 else -2), y=label, text=signed(v),
                           xanchor="left" if v >= 0 else "right", showarrow=False,
                           font={"size": 13, "color": TEXT_COLOR})


def _pole_bar(df: pd.DataFrame, pole: str, name: str, color: str, horizontal: bool,
              labels: list[str], scale: str) -> go.Bar:
    """One pole's means as bars; hover names the pole in the dimension's own words."""
    values = floats(df, pole)
    hover = [f"<b>{escape_label(head)}</b><br>{name}: {escape_label(pole_label(d, pole))}<br>"
             f"Mean {num(v, 2)} on {scale}"
             f"<br>n = {num(n, 0)}"
             for head, d, v, n in zip(df["_head"], df["dimension"], values, df["n"])]
    axis = {"x": values, "y": labels} if horizontal else {"x": labels, "y": values}
    return go.Bar(**axis, orientation="h" if horizontal else "v", name=name,
                  marker={"color": color}, text=[num(v, 2) for v in values],
                  textposition="inside", insidetextanchor="end", textangle=0,
                  textfont={"color": "white" if pole == "leadership" else TEXT_COLOR, "size": 12},
                  hovertext=hover,
                  hovertemplate="%{hovertext}<extra></extra>")


def pole_bars(scores: pd.DataFrame, scale_min: float, scale_max: float,
              title: str | None = None) -> go.Figure:
    """Population leadership and management pole means side by side per dimension."""
    if is_empty(scores, ("group", "dimension", "leadership", "management")):
        return empty_figure(NO_SCORES)
    df = population(scores).dropna(subset=["leadership", "management"], how="all").copy()
    if df.empty:
        return empty_figure("No pole scores for all respondents to show.")
    df["_head"] = [dim_label(d) for d in df["dimension"]]
    if "n" not in df.columns:
        df["n"] = None
    labels = [wrap(h, 16) for h in df["_head"]]
    scale = f"{num(scale_min, 0)}–{num(scale_max, 0)}"
    fig = go.Figure([_pole_bar(df, pole, name, color, False, labels, scale)
                     for pole, name, color in POLES])
    apply_layout(fig, title, height=440, top=80, barmode="group", legend=top_legend(),
                 uniformtext={"minsize": 11, "mode": "hide"})
    fig.update_yaxes(range=[scale_min, scale_max], title_text=f"Mean on the {scale} scale")
    midpoint_line(fig, (scale_min + scale_max) / 2, "y",
                  f"Scale midpoint {num((scale_min + scale_max) / 2, 1)}", layer="below")
    return fig


def group_pole_bars(scores: pd.DataFrame, dimension: str, scale_min: float, scale_max: float,
                    title: str | None = None) -> go.Figure:
    """For one dimension, each group's leadership and management means as horizontal bars."""
    if is_empty(scores, ("group", "dimension", "leadership", "management")):
        return empty_figure(NO_SCORES)
    df = scores[scores["dimension"].astype(str) == str(dimension)]
    df = df.dropna(subset=["leadership", "management"], how="all").copy()
    if df.empty:
        return empty_figure(f"No group scores for {dim_label(dimension)}: groups may be "
                            "below the anonymity minimum.")
    df = df.drop_duplicates("group")
    df["_head"] = [f"{group_label(g)} · {dim_label(dimension)}" for g in df["group"]]
    if "n" not in df.columns:
        df["n"] = None
    labels = [wrap(group_label(g), 28) for g in df["group"]]
    scale = f"{num(scale_min, 0)}–{num(scale_max, 0)}"
    fig = go.Figure([_pole_bar(df, pole, name, color, True, labels, scale)
                     for pole, name, color in POLES])
    apply_layout(fig, title, height=max(320, 160 + 56 * len(df)), top=80, barmode="group",
                 legend=top_legend(), bargroupgap=0.05,
                 uniformtext={"minsize": 11, "mode": "hide"})
    fig.update_xaxes(range=[scale_min, scale_max], title_text=f"Mean on the {scale} scale")
    fig.update_yaxes(autorange="reversed")
    midpoint_line(fig, (scale_min + scale_max) / 2, "x",
                  f"Scale midpoint {num((scale_min + scale_max) / 2, 1)}")
    return fig


def _archetype_order(names: list[str]) -> list[str]:
    known = [a for a in ARCHETYPE_COLORS if a in names]
    return known + [a for a in names if a not in ARCHETYPE_COLORS]


def archetype_mix(mix: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Share of respondents per archetype, a 100% stacked bar per dimension."""
    if is_empty(mix, ("dimension", "archetype", "share")):
        return empty_figure("No archetype mix to show: no dimension has enough respondents.")
    df = mix.copy()
    df["n"] = df["n"] if "n" in df.columns else None
    dims = ordered(df["dimension"].astype(str))
    totals = pd.to_numeric(df["n"], errors="coerce").groupby(df["dimension"].astype(str)).sum()
    labels = [wrap(dim_label(d)) for d in dims]
    traces = []
    for i, arche in enumerate(_archetype_order(ordered(df["archetype"].astype(str)))):
        part = df[df["archetype"].astype(str) == arche]
        part = part.set_axis(part["dimension"].astype(str).tolist())
        part = part[~part.index.duplicated()].reindex(dims)
        share = [None if v is None else 100 * v for v in floats(part, "share")]
        hover = [f"<b>{safe_dim(d)}</b><br>{escape_label(arche)}: {num(s)}%<br>"
                 f"n = {num(n, 0)} of {num(totals.get(d), 0)}"
                 for d, s, n in zip(dims, share, part["n"])]
        traces.append(go.Bar(
            x=share, y=labels, orientation="h", name=escape_label(arche),
            marker={"color": ARCHETYPE_COLORS.get(arche, SERIES_COLORS[i % len(SERIES_COLORS)]),
                    "line": {"color": "white", "width": 1}},
            text=[f"{s:.0f}%" if s is not None and s >= 7 else "" for s in share],
            textposition="inside", insidetextanchor="middle", textangle=0,
            textfont={"size": 12},
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    fig = go.Figure(traces)
    apply_layout(fig, title, height=max(300, 160 + 58 * len(dims)), top=80, barmode="stack",
                 legend={**top_legend(), "traceorder": "normal"},
                 uniformtext={"minsize": 11, "mode": "hide"})
    fig.update_xaxes(range=[0, 100], ticksuffix="%", title_text="Share of respondents")
    fig.update_yaxes(autorange="reversed")
    return fig
