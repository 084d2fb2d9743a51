"""Chart builders: assert on the figure data (values, order, colours, CI whiskers, layout)."""
import html
import json
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from lvm_data import charts
from lvm_data.charts import (
    ARCHETYPE_COLORS, LEADERSHIP_COLOR, MANAGEMENT_COLOR, PLOTLY_CONFIG, archetype_mix,
    compare_diff, empty_figure, group_pole_bars, heatmap, likert_bars, orientation_bars,
    pole_bars, quadrant_map, trend_lines)
from lvm_data.instrument import dimension_info

SCORE_COLS = ["group", "dimension", "n", "leadership", "management", "orientation",
              "orientation_ci_low", "orientation_ci_high", "balance", "archetype"]


def score_row(group, dim, n, lead, mgmt, half_width=5.0):
    o = 100 * (lead - mgmt) / 4
    return [group, dim, n, lead, mgmt, o, o - half_width, o + half_width,
            100 * ((lead + mgmt) / 2 - 1) / 4, "Integrator"]


@pytest.fixture
def scores():
    rows = [score_row("all", "vision_execution", 40, 4.0, 3.0, 6.0),      # +25
            score_row("all", "people_process", 40, 2.5, 3.5, 4.0),        # -25
            score_row("all", "team_spirit", 38, 3.2, 3.2, 3.0),           # 0, custom key
            score_row("Sales", "vision_execution", 12, 4.5, 2.5),        # +50
            score_row("Sales", "people_process", 12, 3.0, 4.0),          # -25
            score_row("Ops", "vision_execution", 9, 2.0, 4.0),           # -50
            score_row("Ops", "team_spirit", 9, 3.6, 2.0)]                # +40
    return pd.DataFrame(rows, columns=SCORE_COLS)


def texts(fig):
    return [a.text for a in fig.layout.annotations]


def is_empty_message(fig, fragment=""):
    return len(fig.data) == 0 and len(fig.layout.annotations) == 1 and \
        fragment in fig.layout.annotations[0].text


# ---------------------------------------------------------------- shared style
def test_config_enables_png_download():
    assert PLOTLY_CONFIG == {"toImageButtonOptions": {"format": "png", "scale": 2},
                             "displaylogo": False}
    named = charts.chart_config("heatmap")
    assert named["toImageButtonOptions"]["filename"] == "heatmap"
    assert "filename" not in PLOTLY_CONFIG["toImageButtonOptions"]


def test_colours_and_diverging_scale():
    assert LEADERSHIP_COLOR == "#0072B2" and MANAGEMENT_COLOR == "#E69F00"
    scale = charts.DIVERGING_SCALE
    assert scale[0] == [0.0, MANAGEMENT_COLOR] and scale[-1] == [1.0, LEADERSHIP_COLOR]
    assert set(ARCHETYPE_COLORS) == {"Integrator", "Leadership-led", "Management-led",
                                     "Developing"}


def test_empty_figure_centres_message():
    fig = empty_figure("Hidden: fewer than 5 respondents")
    note = fig.layout.annotations[0]
    assert (note.x, note.y, note.xref, note.yref) == (0.5, 0.5, "paper", "paper")
    assert "fewer than 5" in note.text and not fig.data
    assert fig.layout.template.layout.paper_bgcolor == "white"


@pytest.mark.parametrize("build", [
    lambda df: orientation_bars(df), lambda df: pole_bars(df, 1, 5),
    lambda df: archetype_mix(df), lambda df: heatmap(df), lambda df: likert_bars(df, 1, 5),
    lambda df: group_pole_bars(df, "vision_execution", 1, 5),
    lambda df: compare_diff(df, "A", "B"), lambda df: quadrant_map(df, None, 1, 5),
    lambda df: quadrant_map(df, "vision_execution", 1, 5), lambda df: trend_lines(df)])
@pytest.mark.parametrize("frame", [pd.DataFrame(), None,
                                   pd.DataFrame(columns=SCORE_COLS + ["wave", "share"])])
def test_every_builder_turns_empty_input_into_a_message(build, frame):
    fig = build(frame)
    assert isinstance(fig, go.Figure) and is_empty_message(fig)
    assert len(fig.layout.annotations[0].text) > 10


# ---------------------------------------------------------------- 1 orientation
def test_orientation_bars_values_order_colours_and_ci(scores):
    fig = orientation_bars(scores)
    bar = fig.data[0]
    assert len(fig.data) == 1 and bar.type == "bar" and bar.orientation == "h"
    assert list(bar.x) == [25.0, -25.0, 0.0]
    assert list(bar.y) == ["Vision vs Execution", "People vs Process", "Team spirit"]
    assert list(bar.marker.color)[:2] == [LEADERSHIP_COLOR, MANAGEMENT_COLOR]
    pop = scores[scores.group == "all"]
    assert list(bar.error_x.array) == pytest.approx(list(pop.orientation_ci_high - pop.orientation))
    assert list(bar.error_x.arrayminus) == pytest.approx(
        list(pop.orientation - pop.orientation_ci_low))
    assert list(bar.error_x.array) == pytest.approx([6.0, 4.0, 3.0])
    # zoomed, symmetric: largest CI end 31 (25 + 6), +2 for the gap and /0.85 for the value
    # label = 38.8, rounded up to a multiple of 10
    assert list(fig.layout.xaxis.range) == [-40, 40]
    assert list(fig.layout.xaxis.tickvals) == [-40, -20, 0, 20, 40]
    assert list(fig.layout.xaxis.ticktext) == ["-40", "-20", "0", "+20", "+40"]
    assert "±40 of the ±100 scale" in fig.layout.xaxis.title.text
    assert fig.layout.yaxis.autorange == "reversed"
    assert "← Management" in texts(fig) and "Leadership →" in texts(fig)
    assert any(s.x0 == s.x1 == 0 for s in fig.layout.shapes)
    assert "n = 40" in bar.hovertext[0] and "95% CI 19.0 to 31.0" in bar.hovertext[0]
    assert dimension_info("vision_execution").leadership in bar.hovertext[0]


def test_orientation_bars_without_population_rows(scores):
    fig = orientation_bars(scores[scores.group != "all"])
    assert is_empty_message(fig, "anonymity")


def test_orientation_bars_missing_ci_leaves_gap(scores):
    df = scores.copy()
    df.loc[0, ["orientation_ci_low", "orientation_ci_high"]] = float("nan")
    bar = orientation_bars(df).data[0]
    assert bar.error_x.array[0] is None and bar.error_x.array[1] == pytest.approx(4.0)
    assert "CI not available" in bar.hovertext[0]


# ---------------------------------------------------------------- 2 pole bars
def test_pole_bars_side_by_side_with_fixed_scale_and_midpoint(scores):
    fig = pole_bars(scores, 1, 5)
    lead, mgmt = fig.data
    assert (lead.name, mgmt.name) == ("Leadership pole", "Management pole")
    assert lead.marker.color == LEADERSHIP_COLOR and mgmt.marker.color == MANAGEMENT_COLOR
    assert list(lead.y) == [4.0, 2.5, 3.2] and list(mgmt.y) == [3.0, 3.5, 3.2]
    assert list(lead.x) == list(mgmt.x) and lead.x[0] == "Vision vs<br>Execution"
    assert fig.layout.barmode == "group" and list(fig.layout.yaxis.range) == [1, 5]
    mid = [s for s in fig.layout.shapes if s.y0 == s.y1 == 3]
    assert mid and mid[0].line.dash == "dash"
    # the midpoint is named in the legend, not by an annotation on top of the last bars
    assert mid[0].showlegend and mid[0].name == "Scale midpoint 3.0"
    assert not fig.layout.annotations
    assert "n = 40" in lead.hovertext[0]


# ---------------------------------------------------------------- 3 archetype mix
def test_archetype_mix_stacks_to_100_in_canonical_order():
    mix = pd.DataFrame({
        "dimension": ["vision_execution"] * 3 + ["people_process"] * 2,
        "archetype": ["Developing", "Integrator", "Leadership-led", "Integrator",
                      "Management-led"],
        "n": [5, 10, 5, 8, 12], "share": [0.25, 0.5, 0.25, 0.4, 0.6]})
    fig = archetype_mix(mix)
    assert [t.name for t in fig.data] == ["Integrator", "Leadership-led", "Management-led",
                                          "Developing"]
    assert all(t.marker.color == ARCHETYPE_COLORS[t.name] for t in fig.data)
    integrator = fig.data[0]
    assert list(integrator.x) == [50.0, 40.0]
    assert list(integrator.y) == ["Vision vs Execution", "People vs Process"]
    assert fig.data[1].x[1] is None  # no Leadership-led row for people_process
    assert fig.layout.barmode == "stack" and list(fig.layout.xaxis.range) == [0, 100]
    assert "n = 10 of 20" in integrator.hovertext[0]


# ---------------------------------------------------------------- 4 heatmap
def test_heatmap_matrix_layout_and_diverging_scale(scores):
    fig = heatmap(scores)
    hm = fig.data[0]
    # the colour range of orientation is always ±50 (the same in every view)
    assert hm.type == "heatmap" and hm.zmid == 0 and (hm.zmin, hm.zmax) == (-50, 50)
    assert list(hm.colorbar.tickvals) == [-50, -25, 0, 25, 50]
    assert list(hm.colorbar.ticktext) == ["-50 Management", "-25", "0", "+25", "+50 Leadership"]
    assert list(hm.y) == ["All respondents", "Sales", "Ops"]
    assert list(hm.x) == ["Vision vs<br>Execution", "People vs<br>Process", "Team spirit"]
    assert [list(r) for r in hm.z] == [[25.0, -25.0, 0.0], [50.0, -25.0, None],
                                       [-50.0, None, 40.0]]
    assert hm.texttemplate == "%{z:+.1f}"                  # "+13.0", as in the tables
    assert hm.colorscale[0][1] == MANAGEMENT_COLOR and hm.colorscale[-1][1] == LEADERSHIP_COLOR
    assert "n = 12" in hm.hovertext[1][0] and "95% CI" in hm.hovertext[1][0]
    assert "hidden" in hm.hovertext[1][2]
    assert fig.layout.yaxis.autorange == "reversed"


def test_heatmap_height_grows_and_other_values(scores):
    many = pd.concat([scores.assign(group=f"Group {i}") for i in range(20)])
    assert heatmap(many).layout.height > heatmap(scores).layout.height
    balance = heatmap(scores, "balance").data[0]
    assert balance.zmid is None and (balance.zmin, balance.zmax) == (0, 100)
    lead = heatmap(scores, "leadership", scale_min=1, scale_max=5).data[0]
    assert (lead.zmin, lead.zmax) == (1, 5) and "CI" not in lead.hovertext[0][0]
    assert list(heatmap(scores, include_all=False).data[0].y) == ["Sales", "Ops"]
    with pytest.raises(ValueError):
        heatmap(scores, "nonsense")


# ---------------------------------------------------------------- 5 likert
def likert_frame(items):
    """items: (item_id, pole, reverse, text, {value: share})."""
    labels = {1: "Strongly disagree", 2: "Disagree", 3: "Neither", 4: "Agree",
              5: "Strongly agree"}
    rows = [dict(item_id=i, text=t, pole=p, reverse=r, value=v, label=labels.get(v, str(v)),
                 count=round(s * 50), share=s)
            for i, p, r, t, shares in items for v, s in shares.items()]
    return pd.DataFrame(rows)


SHARES = {1: 0.1, 2: 0.2, 3: 0.2, 4: 0.3, 5: 0.2}
LONG = ("I connect everyday tasks to the organisation's long-term purpose and explain "
        "how each piece of work moves us forward.")


def test_likert_diverging_sums_and_neutral_split():
    dist = likert_frame([("M1", "management", False, "I follow procedures.", SHARES),
                         ("L1", "leadership", True, LONG, SHARES)])
    fig = likert_bars(dist, 1, 5)
    assert all(t.type == "bar" and t.orientation == "h" for t in fig.data)
    assert fig.layout.barmode == "relative"
    for row in range(2):
        neg = sum(t.x[row] for t in fig.data if t.x[row] < 0)
        pos = sum(t.x[row] for t in fig.data if t.x[row] > 0)
        assert neg == pytest.approx(-(0.1 + 0.2 + 0.1) * 100)
        assert pos == pytest.approx((0.1 + 0.3 + 0.2) * 100)
    # stacking order outward from 0: neutral halves first, then by distance from midpoint
    assert [t.name for t in fig.data] == ["3 Neither", "2 Disagree", "1 Strongly disagree",
                                          "3 Neither", "4 Agree", "5 Strongly agree"]
    legend = sorted((t.legendrank, t.name) for t in fig.data if t.showlegend is not False)
    assert [name for _, name in legend] == ["1 Strongly disagree", "2 Disagree", "3 Neither",
                                            "4 Agree", "5 Strongly agree"]
    assert fig.data[0].x[0] == pytest.approx(-10.0) and fig.data[3].x[0] == pytest.approx(10.0)


def test_likert_items_leadership_first_shortened_and_marked_reversed():
    dist = likert_frame([("M1", "management", False, "I follow procedures.", SHARES),
                         ("L1", "leadership", True, LONG, SHARES)])
    fig = likert_bars(dist, 1, 5)
    assert list(fig.data[0].y) == ["L1", "M1"]
    assert list(fig.layout.yaxis.categoryarray) == ["L1", "M1"]
    label = fig.layout.yaxis.ticktext[0]
    assert "(reversed)" in label and "…" in label
    assert "(reversed)" not in fig.layout.yaxis.ticktext[1]
    plain = label.split("</span> ")[1].split(" <i>")[0].replace("<br>", " ")
    assert "organisation&#39;s" in plain  # the apostrophe is escaped, as all item text is
    assert len(html.unescape(plain)) <= 60
    assert "moves us forward." in fig.data[0].hovertext[0].replace("<br>", " ")
    assert "of n = 50" in fig.data[4].hovertext[0]
    colours = {t.name: t.marker.color for t in fig.data}
    assert colours["1 Strongly disagree"] != colours["5 Strongly agree"]
    assert colours["3 Neither"] == charts.likert.LIKERT_NEUTRAL


def test_likert_even_scale_has_no_neutral():
    dist = likert_frame([("L1", "leadership", False, "Item", {1: 0.1, 2: 0.3, 3: 0.4, 4: 0.2})])
    fig = likert_bars(dist, 1, 4)
    assert len(fig.data) == 4
    assert sum(t.x[0] for t in fig.data if t.x[0] < 0) == pytest.approx(-40.0)
    assert sum(t.x[0] for t in fig.data if t.x[0] > 0) == pytest.approx(60.0)


# ---------------------------------------------------------------- 6 group pole bars
def test_group_pole_bars_per_group(scores):
    fig = group_pole_bars(scores, "vision_execution", 1, 5)
    lead, mgmt = fig.data
    assert list(lead.y) == ["All respondents", "Sales", "Ops"]
    assert list(lead.x) == [4.0, 4.5, 2.0] and list(mgmt.x) == [3.0, 2.5, 4.0]
    assert lead.orientation == "h" and lead.marker.color == LEADERSHIP_COLOR
    assert list(fig.layout.xaxis.range) == [1, 5]
    assert any(s.x0 == s.x1 == 3 for s in fig.layout.shapes)
    assert "n = 12" in lead.hovertext[1] and "Sales" in lead.hovertext[1]
    assert is_empty_message(group_pole_bars(scores, "nope", 1, 5), "Nope")


# ---------------------------------------------------------------- 7 compare
def test_compare_diff_points_ci_and_side_labels():
    comp = pd.DataFrame({"dimension": ["vision_execution", "people_process"],
                         "n_a": [20, 20], "n_b": [15, 15], "orientation_a": [30.0, -10.0],
                         "orientation_b": [10.0, 5.0], "difference": [20.0, -15.0],
                         "ci_low": [8.0, -30.0], "ci_high": [33.0, -2.0]})
    fig = compare_diff(comp, "Sales", "Ops")
    dots = fig.data[0]
    assert dots.type == "scatter" and list(dots.x) == [20.0, -15.0]
    assert list(dots.y) == ["Vision vs Execution", "People vs Process"]
    assert list(dots.error_x.array) == pytest.approx([13.0, 13.0])
    assert list(dots.error_x.arrayminus) == pytest.approx([12.0, 15.0])
    assert list(dots.marker.color) == [LEADERSHIP_COLOR, MANAGEMENT_COLOR]
    assert any(s.x0 == s.x1 == 0 for s in fig.layout.shapes)
    lo, hi = fig.layout.xaxis.range
    assert lo == -hi and hi >= 33
    assert any(t.startswith("←") and "Sales" in t for t in texts(fig))
    assert any(t.endswith("→") and "Sales" in t for t in texts(fig))
    assert "n = 20" in dots.hovertext[0] and "n = 15" in dots.hovertext[0]


# ---------------------------------------------------------------- 8 quadrant
def test_quadrant_map_bubbles_lines_and_labels(scores):
    fig = quadrant_map(scores, "vision_execution", 1, 5)
    groups, population = fig.data
    assert list(groups.x) == [2.5, 4.0] and list(groups.y) == [4.5, 2.0]  # x = M, y = L
    assert list(groups.text) == ["Sales", "Ops"]
    assert list(groups.marker.size) == pytest.approx([math.sqrt(12), math.sqrt(9)])
    assert groups.marker.sizemode == "diameter" and groups.marker.sizeref > 0
    # Sales (px 129, 451 of 500) would put its name on the "Leadership-led" corner label
    assert list(groups.textposition) == ["bottom center", "top center"]
    assert list(groups.marker.color) == [ARCHETYPE_COLORS["Leadership-led"],
                                         ARCHETYPE_COLORS["Management-led"]]
    assert list(population.text) == ["All respondents"] and population.x[0] == 3.0
    # zoomed: y 2.0..4.5 (+ 0.12 * 2.5 padding) = 1.7..4.8; x 2.5..4.0 padded to 2.32..4.18,
    # then widened to the same 3.1 span around its centre so the map stays square
    assert list(fig.layout.xaxis.range) == pytest.approx([1.7, 4.8])
    assert list(fig.layout.yaxis.range) == pytest.approx([1.7, 4.8])
    assert any(s.x0 == s.x1 == 3 for s in fig.layout.shapes)
    assert any(s.y0 == s.y1 == 3 for s in fig.layout.shapes)
    corners = {a.text.strip("</b>"): pytest.approx((a.x, a.y)) for a in fig.layout.annotations}
    assert corners == {"Integrator": (4.8, 4.8), "Leadership-led": (1.7, 4.8),
                       "Management-led": (4.8, 1.7), "Developing": (1.7, 1.7)}
    assert "n = 12" in groups.hovertext[0] and "Orientation: +50.0" in groups.hovertext[0]


def test_quadrant_map_mean_over_dimensions(scores):
    fig = quadrant_map(scores, None, 1, 5)
    groups = fig.data[0]
    assert list(groups.text) == ["Sales", "Ops"]
    assert list(groups.y) == pytest.approx([(4.5 + 3.0) / 2, (2.0 + 3.6) / 2])
    assert list(groups.x) == pytest.approx([(2.5 + 4.0) / 2, (4.0 + 2.0) / 2])
    assert "mean of 2 dimensions" in groups.hovertext[0]


def test_quadrant_labels_avoid_each_other():
    rows = [score_row("Alpha team", "d", 10, 4.0, 4.0), score_row("Beta team", "d", 10, 4.08, 4.0)]
    fig = quadrant_map(pd.DataFrame(rows, columns=SCORE_COLS), "d", 1, 5)
    assert len(set(fig.data[0].textposition)) == 2


# ---------------------------------------------------------------- 9 trends
def trends_frame():
    rows = []
    for wave, date, shift in [("Wave B", "2024-06-01", 10.0), ("Wave A", "2023-06-01", 0.0)]:
        for group in ("all", "Sales"):
            for dim, base in (("vision_execution", 20.0), ("people_process", -10.0)):
                o = base + shift + (5 if group == "Sales" else 0)
                rows.append(dict(wave=wave, wave_date=date, group=group, dimension=dim, n=30,
                                 leadership=3.5, management=3.0, orientation=o,
                                 orientation_ci_low=o - 4, orientation_ci_high=o + 6))
    return pd.DataFrame(rows)


def test_trend_lines_ordered_by_date_one_line_per_dimension():
    fig = trend_lines(trends_frame())
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    bands = [t for t in fig.data if t.fill == "toself"]
    assert [t.name for t in lines] == ["Vision vs Execution", "People vs Process"]
    assert list(lines[0].x) == ["Wave A", "Wave B"] and list(lines[0].y) == [20.0, 30.0]
    assert list(fig.layout.xaxis.categoryarray) == ["Wave A", "Wave B"]
    assert len(bands) == 2 and list(bands[0].y) == [26.0, 36.0, 26.0, 16.0]
    assert "n = 30" in lines[0].hovertext[0] and "95% CI" in lines[0].hovertext[0]


def test_trend_lines_per_group_for_one_dimension_and_single_wave():
    fig = trend_lines(trends_frame(), dimension="people_process")
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert [t.name for t in lines] == ["All respondents", "Sales"]
    assert list(lines[1].y) == [-5.0, 5.0]
    one = trend_lines(trends_frame().query("wave == 'Wave A'"))
    assert not [t for t in one.data if t.fill == "toself"] and one.layout.scattermode == "group"
    assert list(one.data[0].error_y.array) == [6.0]
    assert list(one.data[0].error_y.arrayminus) == [4.0]
    pole = trend_lines(trends_frame(), "leadership", scale_min=1, scale_max=5)
    assert list(pole.layout.yaxis.range) == [1, 5]


def test_figures_serialise(scores):
    for fig in (orientation_bars(scores), heatmap(scores), quadrant_map(scores, None, 1, 5),
                trend_lines(trends_frame())):
        assert fig.to_json()


# ---------------------------------------------------------------- 10 untrusted text
EVIL_GROUP, AMP_GROUP = "<img src=x onerror=alert(1)>", "A&B <b>"
EVIL_DIM = '<a href="javascript:alert(1)">x</a>'   # a custom dimension key from a file
RAW = ("<img", "<a href", "A&B", "B <b>", "<i>w")  # none may survive as live markup


def evil_scores():
    return pd.DataFrame([score_row(g, d, 10 + i, 4.0 - i / 4, 3.0 + i / 4)
                         for i, g in enumerate(("all", EVIL_GROUP, AMP_GROUP))
                         for d in ("vision_execution", EVIL_DIM)], columns=SCORE_COLS)


def evil_trends():
    rows = [dict(wave=w, wave_date=f"202{k}-01-01", **dict(zip(SCORE_COLS, r)))
            for k, w in enumerate(("<i>w</i> 1", "W & 2")) for r in evil_scores().values]
    return pd.DataFrame(rows)


def evil_items():
    dist = likert_frame([("L1", "leadership", False, EVIL_GROUP + " I lead", SHARES),
                         ("M1", "management", True, AMP_GROUP + " I plan", SHARES)])
    return dist.assign(label=[AMP_GROUP if v == 3 else f"<i>w {v}" for v in dist["value"]])


def strings(node):
    """Every string in a figure's JSON (to_json writes '<' as \\u003c, so decode first)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


@pytest.mark.parametrize("build", [
    lambda: orientation_bars(evil_scores()), lambda: pole_bars(evil_scores(), 1, 5),
    lambda: heatmap(evil_scores()), lambda: group_pole_bars(evil_scores(), EVIL_DIM, 1, 5),
    lambda: quadrant_map(evil_scores(), None, 1, 5),
    lambda: quadrant_map(evil_scores(), EVIL_DIM, 1, 5),
    lambda: archetype_mix(pd.DataFrame({"dimension": [EVIL_DIM] * 2, "n": [5, 5],
                                        "archetype": ["Integrator", AMP_GROUP],
                                        "share": [0.5, 0.5]})),
    lambda: likert_bars(evil_items(), 1, 5),
    lambda: compare_diff(pd.DataFrame({"dimension": [EVIL_DIM], "difference": [5.0],
                                       "ci_low": [1.0], "ci_high": [9.0]}),
                         EVIL_GROUP, AMP_GROUP),
    lambda: trend_lines(evil_trends()), lambda: trend_lines(evil_trends(), dimension=EVIL_DIM),
    lambda: group_pole_bars(evil_scores(), "nope<b>", 1, 5)])
def test_text_from_files_is_escaped_in_every_figure(build):
    texts_ = list(strings(json.loads(build().to_json())))
    assert [t for t in texts_ if any(raw in t for raw in RAW)] == []
    assert any("&lt;" in t for t in texts_)  # the names did reach the figure, escaped
    assert any("<b>" in t or "<br>" in t for t in texts_)  # our own markup still works


def test_escape_label_and_wrap():
    assert charts.style.escape_label(EVIL_DIM) == \
        "&lt;a href=&#34;javascript:alert(1)&#34;&gt;x&lt;/a&gt;"
    assert charts.style.escape_label("Tom's A&B") == "Tom&#39;s A&amp;B"
    # wrapped on the raw text, then escaped line by line (no entity cut in half)
    assert charts.style.wrap("Tom & Jerry <b>", 11) == "Tom &amp; Jerry<br>&lt;b&gt;"


# ---------------------------------------------------------------- 11 ranges and labels
@pytest.mark.parametrize("max_abs", [12.0, 43.6, 40.0, 97.0])
def test_heatmap_colour_range_is_fixed_whatever_the_data(scores, max_abs):
    """A colour means the same in every view: ±50 for orientation however small or large
    the values (issue 10: ±50 in one view, ±30 in another made colours incomparable)."""
    df = scores.assign(orientation=scores.orientation.clip(-max_abs, max_abs))
    df.loc[5, "orientation"] = -max_abs  # Ops, vision_execution: the largest |value|
    hm = heatmap(df).data[0]
    assert (hm.zmin, hm.zmax, hm.zmid) == (-50, 50, 0)
    assert hm.colorbar.ticktext[-1] == "+50 Leadership"
    lead = heatmap(df, "leadership").data[0]               # no scale given: the 1-5 default
    assert (lead.zmin, lead.zmax) == (1, 5) and lead.texttemplate == "%{z:.2f}"


def test_heatmap_hover_is_signed_and_shows_the_response_rate(scores):
    df = scores.assign(headcount=20.0, response_rate=0.6)
    hm = heatmap(df).data[0]
    assert "leadership): +25.0" in hm.hovertext[0][0]
    assert "response rate 60% of 20" in hm.hovertext[0][0]
    assert "response rate" not in heatmap(scores).data[0].hovertext[0][0]


def test_orientation_axis_never_zooms_below_30(scores):
    tiny = scores.assign(orientation=1.0, orientation_ci_low=-2.0, orientation_ci_high=4.0)
    assert list(orientation_bars(tiny).layout.xaxis.range) == [-30, 30]  # (4+2)/.85 -> 30


def test_quadrant_axis_range_keeps_the_midpoint_inside():
    axis_range = charts.quadrant.axis_range
    # 3.9..4.1 with the midpoint 3: 3..4.1 padded by 0.16 (4% of the scale) = 2.84..4.26;
    # the midpoint is then too near the left end, so lo = (3 - 0.25 * 4.26) / 0.75 = 2.58
    assert axis_range([3.9, 4.1], 1, 5) == pytest.approx([2.58, 4.26])
    assert axis_range([1.0, 5.0], 1, 5) == [1, 5]  # never beyond the scale


def test_quadrant_labels_at_most_12_largest_then_hover():
    rows = [score_row(f"Team {i:02d}", "d", 10 + i, 3.3 + (i % 6) * 0.1, 3.3 + (i // 6) * 0.1)
            for i in range(26)]
    fig = quadrant_map(pd.DataFrame(rows, columns=SCORE_COLS), "d", 1, 5)
    groups = fig.data[0]
    shown = [t for t in groups.text if t]
    assert 0 < len(shown) <= 12
    assert "Team 25" in shown  # the largest group is placed first
    assert all(f"Team {i:02d}" in groups.hovertext[i] for i in range(26))
    caption = [a.text for a in fig.layout.annotations if "hover" in a.text]
    assert caption == [f"Names shown for the {len(shown)} largest groups that fit without "
                       f"overlap; hover for the other {26 - len(shown)}."]
    ranges = [fig.layout.xaxis.range, fig.layout.yaxis.range]
    assert all(lo < 3 < hi for lo, hi in ranges)


def test_trend_bands_only_for_three_lines_or_fewer():
    four = pd.concat([trends_frame(), trends_frame().query("group == 'Sales'")
                      .assign(group="Ops"), trends_frame().query("group == 'Sales'")
                      .assign(group="HR")])
    fig = trend_lines(four, dimension="vision_execution")
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert len(lines) == 4 and not [t for t in fig.data if t.fill == "toself"]
    assert "95% CI" in lines[0].hovertext[0] and lines[0].error_y.array is None
    assert any("hover a point for its CI" in a.text for a in fig.layout.annotations)
    three = trend_lines(four[four.group != "HR"], dimension="vision_execution")
    assert len([t for t in three.data if t.fill == "toself"]) == 3
    assert fig.layout.yaxis.title.text == ("Vision vs Execution: orientation<br>"
                                           "(−100 management … +100 leadership)")


def test_every_figure_has_the_dashboard_template_even_if_the_default_changes(monkeypatch):
    """The template comes with plotly's default (cheap); if something in the process has
    changed the default since, ``apply_layout`` still sets the dashboard's own."""
    import plotly.graph_objects as go
    import plotly.io as pio
    from lvm_data.charts import style
    assert empty_figure().layout.template == style.TEMPLATE
    monkeypatch.setattr(pio.templates, "default", "plotly")
    fig = style.apply_layout(go.Figure())
    assert fig.layout.template == style.TEMPLATE
    assert fig.layout.template.layout.paper_bgcolor == "white"
