"""Real exports from survey tools, imported with a codebook where their questions are not
the instrument's, with scores checked against an independent computation (plain Python
over the file, no lvm_data code)."""
import csv
import statistics
from pathlib import Path

import pytest

from lvm_data import ingest, store
from lvm_data.instrument import load_codebook

FIX = Path(__file__).parent / "fixtures"
EXT = FIX / "external"


def independent_scores(rows, codebook_rows, smin, smax):
    """Respondent (leadership, management) per dimension by the README's rules."""
    by_pole = {}
    for r in codebook_rows:
        by_pole.setdefault((r["dimension"], r["pole"]), []).append(
            (r["question"], r["reverse"].lower() == "true"))
    out = []
    for row in rows:
        scores = {}
        for dim in {d for d, _ in by_pole}:
            poles = []
            for pole in ("leadership", "management"):
                items = by_pole[(dim, pole)]
                vals = [smin + smax - float(row[q]) if rev else float(row[q])
                        for q, rev in items if row[q].strip() != ""]
                poles.append(sum(vals) / len(vals) if len(vals) >= -(-len(items) // 2) else None)
            if None not in poles:
                scores[dim] = poles
        out.append(scores)
    return out


def test_bfi_big_five_as_custom_instrument(tmp_path, con):
    book = FIX / "codebooks" / "bfi.csv"
    summary = ingest.import_file(con, EXT / "bfi.csv",
                                 ingest.Options(wave="bfi", codebook=load_codebook(book)))
    assert summary.waves == [("bfi", 2800)]
    with open(EXT / "bfi.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(book, newline="") as fh:
        cb = list(csv.DictReader(fh))
    expected = independent_scores(rows, cb, 1, 6)
    res = store.group_scores(con.cursor(), by="gender").table
    for gender in ("1", "2"):
        for dim in ("people_process", "innovation_stability"):
            picked = [s[dim] for s, r in zip(expected, rows) if r["gender"] == gender and dim in s]
            orient = [100 * (lead - man) / 5 for lead, man in picked]
            got = res[(res["group"] == gender) & (res["dimension"] == dim)].iloc[0]
            assert got["n"] == len(picked)
            assert got["leadership"] == pytest.approx(statistics.fmean(p[0] for p in picked))
            assert got["management"] == pytest.approx(statistics.fmean(p[1] for p in picked))
            assert got["orientation"] == pytest.approx(statistics.fmean(orient))
