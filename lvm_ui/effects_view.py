"""How far a number can be trusted, on the pages: effect sizes (Compare), tests across the
groups and signed heatmaps (Teams & roles), change since the last wave (Overview, Trends,
download). Each section asks ``lvm_data.store`` through the cached, scoped ``common.query``
and only renders what comes back.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lvm_data import charts

from . import common, filters

NUMBER = st.column_config.NumberColumn
CHANGE_COLUMNS = ["change", "change_ci_low", "change_ci_high"]
SIGNED_MEASURES = ("difference", "change")


def _q(f: filters.Filters, function: str, **kwargs):
    return common.query(f.version, function, min_group_size=f.min_group, **kwargs)


def previous(f: filters.Filters) -> str | None:
    """The wave before the chosen one (waves are listed oldest first), or None."""
    if f.wave not in f.waves:
        return None
    at = f.waves.index(f.wave)
    return f.waves[at - 1] if at > 0 else None


def measure_label(f: filters.Filters, key: str, base: dict[str, str]) -> str:
    if key == "difference":
        return "Difference from everyone in the filters"
    if key == "change":
        return f"Change since {previous(f)}"
    return base[key]


def change(f: filters.Filters, by: str | None = None):
    return _q(f, "change", by=by, wave=f.wave, where=f.where)


def with_change(f: filters.Filters, by: str, rows: pd.DataFrame) -> pd.DataFrame:
    """Score rows with the change since the previous wave appended (blank where none)."""
    if previous(f) is None or rows.empty:
        return rows
    parts = [t for t in (change(f).table, change(f, by).table) if not t.empty]
    if not parts:
        return rows.assign(**{c: float("nan") for c in CHANGE_COLUMNS})
    found = pd.concat(parts)[["group", "dimension", *CHANGE_COLUMNS]]
    return rows.merge(found, on=["group", "dimension"], how="left")


def mark_steps(f: filters.Filters, fig, value: str, by: str | None = None,
               dimension: str | None = None):
    """Ring the orientation points whose step from the wave before is beyond the noise."""
    if value != "orientation" or len(f.waves) < 2:
        return fig
    steps = _q(f, "steps", where=f.where).table
    if by is not None:
        steps = pd.concat([steps, _q(f, "steps", by=by, where=f.where).table])
    before = len(fig.data)
    fig = charts.mark_steps(fig, steps, dimension)
    if len(fig.data) > before:
        st.caption("A ring marks a wave whose orientation moved beyond the noise since the "
                   "wave before (the 95% CI of the change excludes 0).")
    else:
        st.caption("No step from one wave to the next is larger than the noise here (each "
                   "step's 95% CI includes 0).")
    return fig


def overview_change(f: filters.Filters) -> None:
    """Per dimension: the change since the previous wave with its 95% CI."""
    since = previous(f)
    if since is None:
        return
    st.subheader(f"Change since {common.md(since)}", anchor=False)
    result = change(f)
    if common.withheld(result):
        return
    st.caption("Orientation now minus in the previous wave, with Welch's 95% confidence "
               "interval. ● and the pole's colour: larger than the noise (the interval does "
               "not include 0); grey: within the noise.")
    common.chart(common.figure("change_dots", result.table, since, f.wave), "change")
    common.withheld_note(result)


def signed_heatmap(f: filters.Filters, by: str, value: str) -> None:
    """The heatmap of differences from everyone, or of change since the previous wave."""
    if value == "difference":
        result = _q(f, "difference_from_all", by=by, wave=f.wave, where=f.where)
        fig = charts.difference_heatmap(result.table, "difference", "significant",
                                        "Difference from everyone")
        note = ("Each group's orientation minus everyone's in the filters. ● = differs from "
                "the rest of the filters (Welch's t, significant at 5% after Holm's "
                "correction over all cells shown).")
    else:
        result = change(f, by)
        everyone = change(f).table                  # the population's change, as the first row
        rows = pd.concat([t for t in (everyone, result.table) if not t.empty]) \
            if not (everyone.empty and result.table.empty) else result.table
        fig = charts.difference_heatmap(rows, "change", "beyond_noise",
                                        f"Change since {previous(f)}", low="change_ci_low",
                                        high="change_ci_high")
        note = (f"Orientation in {f.wave} minus in {previous(f)}, per group matched by name. "
                "● = larger than the noise (the 95% CI excludes 0). A group below the "
                "anonymity minimum in either wave shows no change.")
    st.caption(common.md(note))
    if result.message:
        st.caption(f":material/visibility_off: {common.md(result.message)}")
    common.chart(fig, f"heatmap-{value}")


def group_tests(f: filters.Filters, by: str) -> None:
    """Per dimension: do the groups shown differ? Welch's ANOVA, Kruskal–Wallis, eta²."""
    result = _q(f, "group_tests", by=by, wave=f.wave, where=f.where)
    if result.empty:
        return
    st.caption(f"Do the {common.md(common.attr_label(by).lower())} groups shown differ? "
               "Welch's ANOVA (unequal variances) and Kruskal–Wallis (ranks) on orientation, "
               "p corrected with Holm's method over the dimensions; eta² = share of the "
               "spread that lies between groups (.01 small, .06 medium, .14 large).")
    t = result.table
    df = pd.DataFrame({"dimension": [common.dim_label(d) for d in t["dimension"]],
                       "groups": t["groups"], "f": t["welch_f"],
                       "df": [f"{a:.0f}, {b:.1f}" if pd.notna(b) else "–"
                              for a, b in zip(t["df1"], t["df2"])],
                       "p": [p_text(p) for p in t["p_holm"]], "h": t["kruskal_h"],
                       "kp": [p_text(p) for p in t["kruskal_p_holm"]],
                       "eta": t["eta_squared"]})
    st.dataframe(df, hide_index=True, column_config={
        "dimension": "Dimension", "groups": NUMBER("Groups", format="%d"),
        "f": NUMBER("Welch F", format="%.2f"), "df": "df",
        "p": "p (Holm)", "h": NUMBER("Kruskal–Wallis H", format="%.2f"),
        "kp": "KW p (Holm)", "eta": NUMBER("eta²", format="%.3f")})


def p_text(p) -> str:
    """p for a table: '< .0001' rather than a row of zeros."""
    if pd.isna(p):
        return "–"
    return "< .0001" if p < 0.0001 else f"{p:.4f}"


def _with_ci(value, low, high, digits: int) -> str:
    if pd.isna(value):
        return "–"
    if pd.isna(low) or pd.isna(high):
        return f"{value:+.{digits}f}"
    return f"{value:+.{digits}f} [{low:+.{digits}f}, {high:+.{digits}f}]"


def compare_effects(result, label_a: str, label_b: str) -> None:
    """The comparison table with effect sizes, and what the group sizes could detect."""
    t = result.table
    df = pd.DataFrame({      # the judgement first; the two sides' own figures last
        "dimension": [common.dim_label(d) for d in t["dimension"]],
        "mark": ["● yes" if m else "no" for m in t["meaningful"]],
        "diff": [_with_ci(*v, 1) for v in zip(t["difference"], t["ci_low"], t["ci_high"])],
        "d": [_with_ci(*v, 2) for v in zip(t["d"], t["d_ci_low"], t["d_ci_high"])],
        "p": [p_text(p) for p in t["p_holm"]], "mdd": t["detectable"],
        "n_a": t["n_a"], "n_b": t["n_b"], "a": t["orientation_a"], "b": t["orientation_b"]})
    st.dataframe(df, hide_index=True, column_config={
        "dimension": st.column_config.TextColumn("Dimension", pinned=True),
        "n_a": NUMBER(f"n ({label_a})", format="%d"),
        "n_b": NUMBER(f"n ({label_b})", format="%d"),
        "a": NUMBER(f"Orientation ({label_a})", format="%+.1f"),
        "b": NUMBER(f"Orientation ({label_b})", format="%+.1f"),
        "diff": "Difference [95% CI]", "d": "Cohen's d [95% CI]",
        "p": "p (Holm)", "mark": "Meaningful",
        "mdd": NUMBER("Smallest detectable", format="%.1f")})
    mdd = t["detectable"].dropna()
    if not mdd.empty:
        st.caption(f"**Meaningful** = significant at 5% after Holm's correction over the "
                   f"{len(t)} dimensions *and* at least a small effect (|d| ≥ 0.2; d = "
                   "difference / pooled SD, 95% CI after Hedges & Olkin). With these group "
                   f"sizes a true difference smaller than about {mdd.min():.0f}–{mdd.max():.0f} "
                   "orientation points would likely go unnoticed (smallest detectable "
                   "difference at 5% significance and 80% power: (1.96 + 0.84) × pooled SD × "
                   "√(1/n₁ + 1/n₂)).")
