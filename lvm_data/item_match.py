"""Find the instrument item a column measures, from codebook, id or (normalised) text.

Tools wrap the statement in a question: Qualtrics "Question - Statement", Google Forms and
LimeSurvey "Question [Statement]", SurveyMonkey the same after the format layer, sometimes
with HTML. The fragments below undo those layouts before comparing normalised text.
"""
from __future__ import annotations

import html
import re
import unicodedata

from .instrument import Codebook, Instrument

_TAG = re.compile(r"<[^>]+>")
_BRACKETS = re.compile(r"\[([^\[\]]+)\]")
_SUBCODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\[([A-Za-z0-9_]+)\]$")
MIN_SUFFIX_CHARS = 20  # shorter item texts could end many unrelated questions


def norm_text(s: str) -> str:
    """Lower case, no HTML, punctuation or repeated whitespace: for comparing question texts."""
    s = str(s or "")
    if "<" in s or "&" in s:
        s = html.unescape(_TAG.sub(" ", s))
    s = unicodedata.normalize("NFKC", s).casefold().replace("\u2019", "'").replace("'", "")
    return " ".join(re.sub(r"[^\w]+", " ", s).split())


def squash(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(s or "").lower())


def fragments(s: str) -> list[str]:
    """Candidate statement texts inside a column heading (most specific first)."""
    s = str(s or "")
    out = _BRACKETS.findall(s)
    stem = _BRACKETS.sub(" ", s).strip()
    if stem != s.strip():
        out.append(stem)
    parts = s.split(" - ")
    for i in range(len(parts) - 1, 0, -1):
        out.append(" - ".join(parts[i:]))
        out.append(" - ".join(parts[:i]))
    return [f for f in out if f.strip()]


class ItemIndex:
    """Lookup tables over the instrument (and a codebook) for ``mapping.propose``."""

    def __init__(self, instrument: Instrument, codebook: Codebook | None = None, tool: str = "plain"):
        items = list(instrument.items)
        if codebook is not None and codebook.instrument is not None:
            items += [i for i in codebook.instrument.items if i.id not in instrument.by_id()]
        self.tool = tool
        self.known = {i.id for i in items}
        self.ids = {i.id.lower(): i.id for i in items}
        self.squashed = {squash(i.id): i.id for i in items}
        self.texts = {i.text.strip(): i.id for i in items}
        self.norm = {norm_text(i.text): i.id for i in items}
        mapping = codebook.mapping if codebook is not None else {}
        self.codebook = {q.strip(): v for q, v in mapping.items() if v in self.known}
        self.codebook_norm = {norm_text(q): v for q, v in self.codebook.items()}

    def exact(self, key: str, header: str, text: str):
        """(item id, confidence, how) by codebook, exact id or exact text; else None."""
        for s in (key, header, text):
            if s.strip() in self.codebook:
                return self.codebook[s.strip()], 1.0, "codebook"
        for s in (key, header, text):
            if norm_text(s) in self.codebook_norm:
                return self.codebook_norm[norm_text(s)], 0.99, "codebook (normalised text)"
        for s in (key, header):
            if s.strip().lower() in self.ids:
                return self.ids[s.strip().lower()], 0.98, "item id"
        for s in (header, text):
            if s.strip() in self.texts:
                return self.texts[s.strip()], 0.95, "item text"
        return None

    def fuzzy(self, key: str, header: str, text: str):
        """(item id, confidence, how) by normalised text, statement fragment, code or suffix."""
        for s in (text, header):
            if norm_text(s) in self.norm:
                return self.norm[norm_text(s)], 0.9, "normalised item text"
        for s in (text, header):
            for frag in fragments(s):
                if norm_text(frag) in self.norm:
                    return self.norm[norm_text(frag)], 0.85, f"statement {frag.strip()[:40]!r}"
        m = _SUBCODE.match(key.strip())
        if m and squash(m.group(1)) in self.squashed:
            return self.squashed[squash(m.group(1))], 0.85, "subquestion code"
        return self._suffix(text, header)

    def _suffix(self, text: str, header: str):
        for s in (text, header):
            n = norm_text(s)
            for item_norm, item_id in self.norm.items():
                if len(item_norm) >= MIN_SUFFIX_CHARS and n.endswith(" " + item_norm):
                    return item_id, 0.8, "heading ends with the item text"
        return None
