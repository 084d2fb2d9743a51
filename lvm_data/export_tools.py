"""Which survey tool wrote an export, and what its header records mean.

Each tool lays out its header differently (Qualtrics: 3 rows, SurveyMonkey: 2 rows with
the question over its statements, LimeSurvey: codes or "code. text"), so the column key
(the tool's stable id) and the human text come from different places per tool.
"""
from __future__ import annotations

import ast
import html
import json
import re

from .import_types import Column, ImportProblem

TOOLS: dict[str, str] = {
    "plain": "Plain CSV (one header row)",
    "qualtrics": "Qualtrics (CSV/TSV, 3 header rows)",
    "qualtrics_legacy": "Qualtrics legacy export (V1, V2, ... header)",
    "surveymonkey": "SurveyMonkey (2 header rows)",
    "google_forms": "Google Forms",
    "ms_forms": "Microsoft Forms (Excel)",
    "limesurvey": "LimeSurvey",
    "typeform": "Typeform",
}
HEADER_ROWS = {"qualtrics": 3, "qualtrics_legacy": 2, "surveymonkey": 2}
SM_PLAIN_SUBHEADERS = {"", "response", "open-ended response"}
TIMESTAMP_HEADERS = {"timestamp", "zeitstempel", "horodateur", "marca temporal", "marca de tiempo",
                     "carimbo de data/hora", "tijdstempel", "informazioni cronologiche"}
MS_FORMS_HEADERS = {"id", "start time", "completion time"}
TYPEFORM_HEADERS = {"submit date (utc)", "network id", "start date (utc)"}
LS_META_PAIRS = ({"id", "submitdate"}, {"response id", "date submitted"},
                 {"antwort id", "datum abgeschickt"})
_LS_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\[[A-Za-z0-9_#]+\])+$")
_LS_GQ = re.compile(r"^G\d+Q\d+", re.I)
_LS_CODE_TEXT = re.compile(r"^([A-Za-z][A-Za-z0-9_]*(?:\[[A-Za-z0-9_#]+\])*)\. (.*)$", re.S)
_TAG = re.compile(r"<[^>]+>")


def clean_text(text: str) -> str:
    """Human text without HTML tags/entities and runs of whitespace (Qualtrics, SurveyMonkey)."""
    if "<" in text or "&" in text:
        text = html.unescape(_TAG.sub(" ", text))
    return " ".join(text.split())


def _low(cells: list[str]) -> list[str]:
    return [c.strip().lower() for c in cells]


def _is_import_id_row(row: list[str]) -> bool:
    filled = [c.strip() for c in row if c.strip()]
    hits = sum(1 for c in filled if c.startswith("{") and "importid" in c.lower())
    return bool(filled) and hits * 2 >= len(filled)


def _is_limesurvey(header: list[str]) -> bool:
    low = set(_low(header))
    if any(pair <= low for pair in LS_META_PAIRS) or (header and header[0].strip() == "id. Response ID"):
        return True
    codes = sum(1 for h in header if _LS_CODE.match(h.strip()) or _LS_GQ.match(h.strip()))
    return codes >= max(2, len(header) // 5)


def _is_sm_subheader(r0: list[str], r1: list[str]) -> bool:
    """SurveyMonkey's row 2: empty under the id, "Response" or statements under merged questions."""
    if not r1 or r1[0].strip():
        return False
    subs = [c.strip().lower() for c in r1]
    merged = any(not q.strip() and s for q, s in zip(r0[1:], subs[1:]))
    return merged or any(s in SM_PLAIN_SUBHEADERS - {""} for s in subs)


def detect_tool(records: list[list[str]]) -> str:
    """Tool key for the first records of a file (see TOOLS); 'plain' when nothing fits."""
    r0 = records[0]
    low0 = _low(r0)
    if len(records) >= 3 and _is_import_id_row(records[2]):
        return "qualtrics"
    if low0[:2] == ["v1", "v2"]:
        return "qualtrics_legacy"
    if low0[0] in ("respondent id", "respondentid") and len(records) >= 2 \
            and _is_sm_subheader(r0, records[1]):
        return "surveymonkey"
    if MS_FORMS_HEADERS <= set(low0):
        return "ms_forms"
    if low0[0] in TIMESTAMP_HEADERS:
        return "google_forms"
    if low0[0] == "#" and TYPEFORM_HEADERS & set(low0):
        return "typeform"
    if _is_limesurvey(r0):
        return "limesurvey"
    return "plain"


def _row(records: list[list[str]], i: int, width: int) -> list[str]:
    row = records[i] if i < len(records) else []
    return (row + [""] * width)[:width]


def _import_id(cell: str) -> str | None:
    """``{"ImportId":"QID1"}`` (JSON) or ``{'ImportId': 'QID2-1'}`` (2016 Python-dict style)."""
    cell = cell.strip()
    if not cell.startswith("{"):
        return None
    try:
        value = json.loads(cell)
    except ValueError:
        try:
            value = ast.literal_eval(cell)
        except (ValueError, SyntaxError):
            return None
    return str(value.get("ImportId")) if isinstance(value, dict) and value.get("ImportId") else None


def _qualtrics(records, width):
    tags, texts, ids = (_row(records, i, width) for i in range(3))
    return [(t, t, clean_text(x) or t, _import_id(q)) for t, x, q in zip(tags, texts, ids)]


def _qualtrics_legacy(records, width):
    """Row 1 is V1..V10 then export tags; the V columns are keyed by their row-2 name."""
    tags, names = _row(records, 0, width), _row(records, 1, width)
    out = []
    for tag, name in zip(tags, names):
        key = name.strip() if re.fullmatch(r"V\d+", tag.strip()) and name.strip() else tag
        out.append((key, tag, clean_text(name) or tag, None))
    return out


def _surveymonkey(records, width):
    """Questions sit over their first column only (a merged cell); statements are in row 2."""
    questions, subs = _row(records, 0, width), _row(records, 1, width)
    out, question = [], ""
    for q, sub in zip(questions, subs):
        question = q if q.strip() else question
        if sub.strip().lower() in SM_PLAIN_SUBHEADERS:
            key = question if q.strip() else ""
        else:
            key = f"{question} [{sub.strip()}]" if question.strip() else sub.strip()
        out.append((key, q, clean_text(key), None))
    return out


def _limesurvey(records, width):
    header = _row(records, 0, width)
    split = sum(1 for h in header if _LS_CODE_TEXT.match(h.strip())) * 2 >= len(header)
    out = []
    for h in header:
        m = _LS_CODE_TEXT.match(h.strip()) if split else None
        out.append((m.group(1), h, clean_text(m.group(2)), None) if m else (h, h, clean_text(h), None))
    return out


def _single_row(records, width):
    return [(h, h, clean_text(h), None) for h in _row(records, 0, width)]


_BUILDERS = {"qualtrics": _qualtrics, "qualtrics_legacy": _qualtrics_legacy,
             "surveymonkey": _surveymonkey, "limesurvey": _limesurvey}


def unique_keys(raw: list[str]) -> tuple[list[str], list[str]]:
    """Non-empty, unique keys: blanks become ``_blank_<n>``, repeats get ``_2``, ``_3``..."""
    keys, notes, seen, repeats = [], [], set(), {}
    for n, key in enumerate(raw, start=1):
        key = key.strip() or f"_blank_{n}"
        if key in seen:
            base, k = key, 2
            while f"{base}_{k}" in seen:
                k += 1
            key = f"{base}_{k}"
            repeats.setdefault(base, []).append(key)
        seen.add(key)
        keys.append(key)
    for base, copies in repeats.items():
        notes.append(f"Column name {base!r} appears {len(copies) + 1} times; the repeats were "
                     f"renamed {', '.join(copies)}.")
    return keys, notes


def build_columns(tool: str, records: list[list[str]]) -> tuple[list[Column], int, list[str]]:
    """(columns, header records to skip, notes) for ``tool``'s header layout."""
    skip = HEADER_ROWS.get(tool, 1)
    if len(records) < skip:
        raise ImportProblem(f"A {TOOLS[tool]} export has {skip} header rows, but the file has "
                            f"only {len(records)} rows.")
    width = len(records[0])
    parts = _BUILDERS.get(tool, _single_row)(records, width)
    keys, notes = unique_keys([p[0] for p in parts])
    columns = [Column(i, key, header, text or key, import_id)
               for i, (key, (_, header, text, import_id)) in enumerate(zip(keys, parts))]
    return columns, skip, notes
