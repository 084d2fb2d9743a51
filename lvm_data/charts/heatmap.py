"""Groups x dimensions heatmap: where in the organisation each orientation shows up."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lvm_data.charts.style import (
    ALL_GROUP, DIVERGING_SCALE, SEQUENTIAL_SCALES, VALUE_LABELS, apply_layout, ci_text,
    dim_label, empty_figure, group_label, is_empty, num, ordered, safe_dim, safe_group, signed,
    wrap)

VALUES = ("orientation", "leadership", "management", "balance")


ORIENTATION_EXTENT = 50
# Cell text as in the tables: signed orientation, two decimals for the pole means.
TEXT = {"orientation": "%{z:+.1f}", "leadership": "%{z:.2f}", "management": "%{z:.2f}",
        "balance": "%{z:.1f}"}
HOVER = {"orientation": lambda v: signed(v), "leadership": lambda v: num(v, 2),
         "management": lambda v: num(v, 2), "balance": lambda v: num(v)}


def orientation_extent(z: pd.DataFrame | None = None) -> float:
    """Colour half-range of orientation: always ±50, whatever the data, so a colour means
    the same in every view (group means rarely pass ±50; beyond, the colour saturates)."""
    return ORIENTATION_EXTENT


def _value_range(value: str, z: pd.DataFrame, scale_min, scale_max) -> dict:
    """Fixed per measure: orientation ±50 centred on 0, balance 0..100, poles the scale."""
    if value == "orientation":
        extent = orientation_extent(z)
        return {"zmin": -extent, "zmax": extent, "zmid": 0, "colorscale": DIVERGING_SCALE}
    if value == "balance":
        low, high = 0, 100
    elif scale_min is not None and scale_max is not None:
        low, high = scale_min, scale_max
    else:
        low, high = 1, 5                                 # the default instrument's scale
    return {"zmin": low, "zmax": high, "colorscale": SEQUENTIAL_SCALES[value]}


def _colorbar(value: str, extent: float = 100) -> dict:
    """Short title; the orientation bar names its two ends and its (data-fitted) range."""
    bar = {"thickness": 14, "len": 0.9, "tickfont": {"size": 12}}
    if value == "orientation":
        vals = [-extent, -extent / 2, 0, extent / 2, extent]
        text = [f"{signed(-extent, 0)} Management", signed(-extent / 2, 0), "0",
                signed(extent / 2, 0), f"{signed(extent, 0)} Leadership"]
        return {**bar, "title": {"text": "Orientation"}, "tickvals": vals, "ticktext": text}
    return {**bar, "title": {"text": wrap(VALUE_LABELS[value], 12)}}


def _cell_hover(row: str, dim: str, value: str, cell: pd.Series | None) -> str:
    head = f"<b>{safe_group(row)}</b> · {safe_dim(dim)}"
    if cell is None:
        return f"{head}<br>hidden or no data"
    text = f"{head}<br>{VALUE_LABELS[value]}: {HOVER.get(value, signed)(cell[value])}" \
           f"<br>n = {num(cell.get('n'), 0)}"
    if value == "orientation":
        text += f"<br>{ci_text(cell.get('orientation_ci_low'), cell.get('orientation_ci_high'))}"
    rate = cell.get("response_rate")
    if rate is not None and not pd.isna(rate):
        text += f"<br>response rate {100 * float(rate):.0f}% of {num(cell.get('headcount'), 0)}"
    return text


def heatmap(scores: pd.DataFrame, value: str = "orientation", *, include_all: bool = True,
            scale_min: float | None = None, scale_max: float | None = None,
            title: str | None = None) -> go.Figure:
    """Rows = groups ("all" first), columns = dimensions, cell text = the value.

    Pole means use ``scale_min``/``scale_max`` as colour bounds when given, else the data range.
    """
    if value not in VALUES:
        raise ValueError(f"value must be one of {', '.join(VALUES)}, not {value!r}")
    if is_empty(scores, ("group", "dimension", value)):
        return empty_figure("No group scores to show: groups may be below the anonymity minimum.")
    df = scores.dropna(subset=[value]).copy()
    df["group"], df["dimension"] = df["group"].astype(str), df["dimension"].astype(str)
    if not include_all:
        df = df[df["group"] != ALL_GROUP]
    if df.empty:
        return empty_figure("No group scores to show: groups may be below the anonymity minimum.")
    groups = ordered(df["group"])
    if ALL_GROUP in groups:
        groups = [ALL_GROUP] + [g for g in groups if g != ALL_GROUP]
    dims = ordered(df["dimension"])
    cells = {(r["group"], r["dimension"]): r for _, r in df.iterrows()}
    z = df.pivot_table(index="group", columns="dimension", values=value, aggfunc="first")
    z = z.reindex(index=groups, columns=dims)
    matrix = [[None if pd.isna(v) else float(v) for v in row] for row in z.to_numpy()]
    hover = [[_cell_hover(g, d, value, cells.get((g, d))) for d in dims] for g in groups]
    zrange = _value_range(value, z, scale_min, scale_max)
    fig = go.Figure(go.Heatmap(
        z=matrix, x=[wrap(dim_label(d), 14) for d in dims],
        y=[wrap(group_label(g), 28) for g in groups],
        texttemplate=TEXT.get(value, "%{z:+.1f}"), textfont={"size": 13}, hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>", xgap=2, ygap=2,
        colorbar=_colorbar(value, zrange.get("zmax", 100)), **zrange))
    apply_layout(fig, title, height=max(300, 170 + 40 * len(groups)), top=100)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False, tickangle=0)
    return fig
