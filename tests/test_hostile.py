"""Names full of Markdown, HTML and formulas, shown on every page: every label, button,
caption, warning and title reads exactly as the data, and every download is formula-safe.

Each hostile name carries a marker (``Zq1``...) that survives escaping, so an element built
from a name can be found; its text is then rendered the way Streamlit's Markdown does
(CommonMark, GitHub autolinks, strikethrough, plus Streamlit's ``:colour[...]``,
``:material/...:``, ``:emoji:`` and ``$math$``) and must contain the name verbatim.
"""
from __future__ import annotations

import csv
import html
import io
import random
import re

import pytest
from markdown_it import MarkdownIt
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from conftest import write_plain
from lvm_data import ingest, store
from lvm_data.instrument import load_default
from test_app import APP

BIG = "[Sales](http://evil.com) Zq1"
SMALL = "![pic](http://evil.com/x.png) <img src=x onerror=alert(1)> Zq2"
DEPTS = [BIG, SMALL, "**Ops** _HR_ ~~Fin~~ `code` Zq3"]
TEAMS = ["# Team :red[Red] Zq4", "- Team $x^2$ Zq5", "1. Team www.evil.com a@evil.com Zq6",
         '=HYPERLINK("http://evil.com","x") Zq9']
ROLES = ["<b>Lead</b> &amp; :material/home: :smile: Zq7", "> quote | pipe \\ Zq8"]
SITE = "<script>alert(1)</script> {braces} Zq12"
WAVES = ["![w](http://evil.com/w.png) Zq10", "2026 **bold** [l](http://evil.com) Zq11"]
NAMES = [*DEPTS, *TEAMS, *ROLES, SITE, *WAVES]
MARKER = re.compile(r"Zq\d+")
BY_MARKER = {MARKER.search(n).group(): n for n in NAMES}

MD = MarkdownIt("commonmark", {"linkify": True}).enable(["linkify", "strikethrough", "table"])
MD.linkify.set({"fuzzy_link": True, "fuzzy_email": True})
DIRECTIVE = re.compile(r"(?<!\\)(?::[a-z]+(?:-[a-z]+)*\[|:material/[a-z0-9_]+:|:[a-z0-9_+-]+:|\$)")
MARKDOWN_VALUES = {"markdown", "caption", "title", "header", "subheader", "error", "warning",
                   "info", "success", "toast"}


def _rows(wave_seed: int) -> list[dict]:
    """23 people: 10 in BIG, 3 in SMALL (below the minimum), 10 in the third department."""
    rng = random.Random(wave_seed)
    rows = []
    for i in range(23):
        dept = BIG if i < 10 else SMALL if i < 13 else DEPTS[2]
        row = {"Respondent ID": f"w{wave_seed}-{i}", "Department": dept,
               "Team": TEAMS[i % len(TEAMS)], "Role": ROLES[i % 2], "Site": SITE}
        row.update({item.id: rng.randint(1, 5) for item in load_default().items})
        rows.append(row)
    return rows


def _header() -> list[str]:
    return ["Respondent ID", "Department", "Team", "Role", "Site",
            *(i.id for i in load_default().items)]


@pytest.fixture
def hostile_db(tmp_path):
    from lvm_data.settings import load_settings
    con = store.connect(load_settings().db_path)
    for n, wave in enumerate(WAVES):
        path = write_plain(tmp_path / f"w{n}.csv", _rows(n), _header())
        ingest.import_file(con, path, ingest.Options(wave=wave))
    con.close()


def rendered(source: str) -> tuple[str, str]:
    """(HTML, visible text) of Markdown as Streamlit shows it; a Streamlit directive the
    source really uses becomes U+FFFC, so text that turned into one no longer matches."""
    out = MD.render(DIRECTIVE.sub("\ufffc", source))
    return out, html.unescape(re.sub(r"<[^>]+>", "", out)).replace("\n", " ")


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def markdown_texts(at: AppTest) -> list[str]:
    """Every text Streamlit renders as Markdown: bodies, labels and tooltips."""
    texts = []
    for node in _walk(at._tree):
        if getattr(node, "type", None) in MARKDOWN_VALUES:
            texts.append(str(node.value))
        proto = getattr(node, "proto", None)
        for field in ("label", "help"):
            if proto is not None and field in getattr(type(proto), "DESCRIPTOR").fields_by_name:
                texts.append(getattr(proto, field))
        if getattr(node, "type", None) == "radio":          # radio options are Markdown too
            texts += list(node.options)
    return [t for t in texts if t]


def assert_shown_as_data(at: AppTest) -> set[str]:
    """No element renders a name differently from the data; returns the markers seen."""
    assert not at.exception, [e.value for e in at.exception]
    seen = set()
    for source in markdown_texts(at):
        out, text = rendered(source)
        assert "<a " not in out and "<img" not in out, source
        for marker in MARKER.findall(source):
            assert BY_MARKER[marker] in text, (BY_MARKER[marker], source, text)
            seen.add(marker)
    return seen


def _app(page: str, **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(f"pages/{page}.py")
    at.run()
    return at


@pytest.mark.parametrize("page", ["overview", "teams", "dimensions", "compare", "map",
                                  "trends", "data"])
def test_every_page_shows_hostile_names_as_data(hostile_db, page):
    # (two of the three departments would leave out SMALL's 3 people: refused as a whole)
    chosen = {"department": [BIG], "role": list(ROLES), "site": [SITE]}
    seen = assert_shown_as_data(_app(page, **chosen))
    assert {"Zq1", "Zq7", "Zq8", "Zq12"} <= seen     # the filter caption


def test_compare_warning_and_wave_labels(hostile_db):
    # SMALL (3 people) is no option at all; raised to 11, BIG's 10 are too few
    at = _app("compare", compare_by="department", side_a=BIG, side_b=DEPTS[2], min_group=11.0)
    assert any("anonymity minimum" in w.value for w in at.warning)
    assert "Zq1" in assert_shown_as_data(at)
    at = _app("compare", compare_by="wave", side_a=WAVES[1], side_b=WAVES[0])
    assert {"Zq10", "Zq11"} <= assert_shown_as_data(at)


def test_delete_wave_button_and_its_question(hostile_db):
    at = _app("data", admin_wave=WAVES[0])
    assert "Zq10" in assert_shown_as_data(at)
    next(b for b in at.button if b.label.startswith("Delete wave")).click()
    at.run()
    assert any("Zq10" in w.value for w in at.warning)
    assert_shown_as_data(at)


@pytest.fixture
def downloads(monkeypatch):
    """Every file a page hands to a download button, by file name."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, data, mimetype, kind, filename=None):
        files[filename] = data
        return original(self, data, mimetype, kind, filename)
    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return files


def _formula_cells(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return [c for row in rows for c in row if c.startswith(("=", "+", "-", "@", "\t", "\r"))
            and not re.fullmatch(r"-\d+(\.\d+)?", c)]


def test_downloads_of_hostile_groups_are_formula_safe(hostile_db, downloads):
    _app("teams", group="team")
    _app("data", group="team")
    scores = [data for name, data in downloads.items() if (name or "").startswith("lvm-scores")]
    assert len(scores) == 2
    for data in scores:
        groups = {row["group"] for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
        assert {"'" + TEAMS[3], "'" + TEAMS[1], TEAMS[0]} <= groups
        assert _formula_cells(data) == []


def test_import_preview_of_a_repeated_hostile_wave(hostile_db, tmp_path):
    """The preview names the wave the file repeats, in a warning and in the replace choice."""
    rows = [{**r, "wave": WAVES[1]} for r in _rows(1)] + [{**_rows(5)[0], "wave": WAVES[1],
                                                           "Respondent ID": "late"}]
    data = write_plain(tmp_path / "again.csv", rows, [*_header(), "wave"]).read_bytes()
    at = _app("data")
    at.file_uploader[0].upload("again.csv", data, "text/csv")
    at.run()
    assert any("Zq11" in w.value for w in at.warning)
    assert "Zq11" in at.radio[0].options[0]
    assert "Zq11" in assert_shown_as_data(at)
