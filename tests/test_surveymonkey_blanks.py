"""SurveyMonkey exports carry no completion flag: a respondent with blank questions counts
by the pole rule like everyone else, and only one who answered no item is left out (and
reported). On the real FiveThirtyEight SurveyMonkey file, whose yes/no answers are turned
into agreement labels here (every blank stays where it is) so they can be scored."""
import csv
from pathlib import Path

import pandas as pd
import pytest

from lvm_data import ingest, store
from lvm_data.instrument import load_codebook

EXT = Path(__file__).parent / "fixtures" / "external"
FILE = EXT / "steak-risk-survey_first41lines.csv"
LEAD = ["Do you ever smoke cigarettes?", "Do you ever drink alcohol?", "Do you ever gamble?"]
MAN = ["Have you ever been skydiving?", "Do you ever drive above the speed limit?",
       "Have you ever cheated on your significant other?"]
LABEL = {"Yes": "Strongly agree", "No": "Strongly disagree"}
VALUE = {"Yes": 5.0, "No": 1.0}


@pytest.fixture
def export(tmp_path) -> Path:
    with open(FILE, newline="") as fh:
        rows = list(csv.reader(fh))
    cols = [rows[0].index(q) for q in LEAD + MAN]
    for row in rows[2:]:
        for c in cols:
            row[c] = LABEL.get(row[c], row[c])
    out = tmp_path / "steak-risk-survey.csv"
    with open(out, "w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return out


@pytest.fixture
def codebook(tmp_path):
    lines = ["question,item,dimension,pole,reverse"]
    lines += [f'"{q}",L{i},risk,leadership,false' for i, q in enumerate(LEAD)]
    lines += [f'"{q}",M{i},risk,management,false' for i, q in enumerate(MAN)]
    path = tmp_path / "steak_codebook.csv"
    path.write_text("\n".join(lines) + "\n")
    return load_codebook(path)


def test_blank_questions_count_by_the_pole_rule(export, codebook, con):
    raw = pd.read_csv(FILE, skiprows=[1], dtype=str)
    answered = raw[LEAD + MAN].notna()
    none = int((~answered.any(axis=1)).sum())
    kept = raw[answered.any(axis=1)]
    counted = kept[(kept[LEAD].notna().sum(axis=1) >= 2) & (kept[MAN].notna().sum(axis=1) >= 2)]
    blank_last = int(kept[MAN[-1]].isna().sum())
    assert blank_last >= 1            # respondents the old "blank last question" rule dropped

    report = ingest.import_file(con, export, ingest.Options(codebook=codebook), dry_run=True)
    assert report.tool == "surveymonkey"
    assert report.problems == ({"no answers": none} if none else {})
    assert "unfinished" not in report.problems
    summary = ingest.import_file(con, export, ingest.Options(wave="steak", codebook=codebook))
    assert summary.waves == [("steak", len(kept))] == [("steak", len(raw) - none)]
    row = store.group_scores(con.cursor()).table.iloc[0]
    lead = counted[LEAD].apply(lambda s: s.map(VALUE)).mean(axis=1)
    man = counted[MAN].apply(lambda s: s.map(VALUE)).mean(axis=1)
    assert row["n"] == len(counted)
    assert row["leadership"] == pytest.approx(lead.mean())
    assert row["management"] == pytest.approx(man.mean())
