"""mapping.propose: synonyms, personal data, item matching order, codebook round trip."""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

from lvm_data.formats import Column, detect
from lvm_data.instrument import load_default, parse_codebook
from lvm_data.mapping import KINDS, Match, attribute_name, propose, to_codebook_csv

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "fixtures"))
import tool_exports as tx  # noqa: E402

INST = load_default()
ITEMS = INST.items


def by_key(matches):
    return {m.key: m for m in matches}


@pytest.mark.parametrize("header,kind", [
    ("Respondent ID", "respondent_id"), ("RespondentID", "respondent_id"), ("ResponseId", "respondent_id"),
    ("ResponseID", "respondent_id"), ("Response ID", "respondent_id"), ("ID", "respondent_id"),
    ("id", "respondent_id"), ("#", "respondent_id"),
    ("Department", "department"), ("Dept", "department"), ("Business unit", "department"),
    ("Division", "department"), ("Team", "team"), ("Group", "team"), ("Squad", "team"),
    ("Role", "role"), ("Job title", "role"), ("Position", "role"), ("Level", "role"),
    ("wave", "wave"), ("Wave", "wave"), ("Finished", "finished"), ("Progress", "progress"),
    ("Status", "status"),
    ("Name", "personal"), ("First Name", "personal"), ("Last Name", "personal"),
    ("RecipientFirstName", "personal"), ("RecipientLastName", "personal"), ("IPAddress", "personal"),
    ("IP Address", "personal"), ("LocationLatitude", "personal"), ("LocationLongitude", "personal"),
    ("LocationAccuracy", "personal"), ("Location", "personal"),
    ("StartDate", "metadata"), ("EndDate", "metadata"), ("RecordedDate", "metadata"),
    ("Duration (in seconds)", "metadata"), ("Timestamp", "metadata"), ("Collector ID", "metadata"),
    ("DistributionChannel", "metadata"), ("UserLanguage", "metadata"), ("ResponseSet", "metadata"),
    ("ExternalReference", "metadata"), ("Custom Data 1", "metadata"), ("Start time", "metadata"),
    ("Completion time", "metadata"), ("Last modified time", "metadata"), ("Submit Date (UTC)", "submitted"),
    ("Network ID", "metadata"), ("lastpage", "metadata"), ("startlanguage", "metadata"),
    ("seed", "metadata"), ("datestamp", "metadata"), ("Q_RecaptchaScore", "metadata"),
])
def test_header_synonyms(header, kind):
    m = propose([header], INST)[0]
    assert m.kind == kind, (header, m)
    assert m.kind in KINDS


def test_targets_and_single_roles():
    matches = by_key(propose(["Respondent ID", "Dept", "Division", "Squad", "Job title", "Wave"], INST))
    assert matches["Respondent ID"].target == "respondent_id"
    assert matches["Dept"].target == "department" and matches["Division"].kind == "attribute"
    assert matches["Division"].target == "division"
    assert (matches["Squad"].target, matches["Job title"].target, matches["Wave"].target) == ("team", "role", "wave")


def test_email_is_personal_unless_it_is_the_only_key():
    with_id = by_key(propose(["ID", "Email", "Team"], INST))
    assert with_id["Email"].kind == "personal" and with_id["ID"].kind == "respondent_id"
    only = by_key(propose(["Email Address", "Team"], INST))
    assert only["Email Address"].kind == "respondent_id" and only["Email Address"].how == "email"


def test_email_values_detected_from_samples():
    m = propose(["Contact"], INST, samples={"Contact": ["a@example.org", "b@example.com"]})[0]
    assert m.kind == "respondent_id" and m.how == "email"  # only key -> kept, hashed by the importer


def test_item_matching_order_and_confidence():
    it = ITEMS[0]
    cb = parse_codebook(f"question,item\nMy custom heading,{ITEMS[5].id}\n")
    cols = [Column(0, it.id, it.id, it.id), Column(1, "Q1", "Q1", ITEMS[1].text),
            Column(2, "Q2", "Q2", ITEMS[2].text.upper().rstrip(".")),
            Column(3, "Q3", "Q3", f"Please rate - {ITEMS[3].text}"),
            Column(4, "Q4", "Q4", "My custom heading"),
            Column(5, "Q5", "Q5", "How many coffees per day?")]
    m = propose(cols, INST, codebook=cb)
    assert [x.target for x in m[:5]] == [ITEMS[0].id, ITEMS[1].id, ITEMS[2].id, ITEMS[3].id, ITEMS[5].id]
    assert [x.how for x in m[:5]] == ["item id", "item text", "normalised item text",
                                      f"statement {ITEMS[3].text[:40]!r}", "codebook"]
    conf = [x.confidence for x in m]
    assert conf[4] == 1.0 > conf[0] > conf[1] > conf[2] > conf[3] >= 0.8
    assert m[5].kind == "ignored" and m[5].target is None


def test_codebook_takes_precedence_over_text():
    it = ITEMS[0]
    cb = parse_codebook(f"question,item\nQ9,{ITEMS[7].id}\n")
    (m,) = propose([Column(0, "Q9", "Q9", it.text)], INST, codebook=cb)
    assert (m.target, m.how, m.confidence) == (ITEMS[7].id, "codebook", 1.0)


def test_one_column_per_item():
    it = ITEMS[0]
    m = propose([it.id, f"Rate [{it.text}]"], INST)
    assert m[0].kind == "item" and m[1].kind == "ignored" and "better matched" in m[1].how


def test_google_grid_and_html_and_subquestion_codes():
    it = ITEMS[4]
    m = propose([f"How true is this of you? [{it.text}]", f"Rate<br>yourself: <b>{ITEMS[6].text}</b>",
                 Column(2, "LVM[" + ITEMS[8].id.replace("_", "") + "]", "x", "x")], INST)
    assert [x.target for x in m] == [it.id, ITEMS[6].id, ITEMS[8].id]


def test_grouping_questions_by_wording():
    m = propose(["Which department do you work in?", "What is your role?", "Which team are you in?",
                 "How long have you been in your team?", "Dept"], INST)
    assert [x.kind for x in m] == ["attribute", "role", "team", "ignored", "department"]
    assert m[1].confidence == 0.7 and m[0].how == "second department column ('Dept' is used)"


def test_attributes_from_samples():
    samples = {"Tenure band": ["0-2", "3-5", "0-2", "6+", "3-5", "0-2"],
               "Comments": [f"free text answer number {i}" for i in range(6)]}
    m = by_key(propose(["Tenure band", "Comments", "Other"], INST, samples=samples))
    assert (m["Tenure band"].kind, m["Tenure band"].target, m["Tenure band"].confidence) == \
        ("attribute", "tenure_band", 0.5)
    assert m["Comments"].kind == "free_text" and m["Other"].kind == "ignored"


@pytest.mark.parametrize("header,name", [
    ("Tenure band", "tenure_band"), ("Années d'expérience", "annees_d_experience"),
    ("2nd language", "a_2nd_language"), ("  ", None), ("!!!", None), ("x" * 80, "x" * 63),
])
def test_attribute_name(header, name):
    assert attribute_name(header) == name


def _samples(layout):
    fragment, params = layout.read_csv_sql()
    rows = duckdb.connect().execute(f"SELECT * FROM {fragment}", params).fetchall()
    return {k: [r[i] for r in rows] for i, k in enumerate(layout.keys)}


def test_qualtrics_sample_mapping():
    layout = detect(HERE / "fixtures" / "external" / "qualtRics_sample.csv")
    m = by_key(propose(layout.columns, INST, samples=_samples(layout), tool=layout.tool))
    assert m["ResponseId"].kind == "respondent_id"
    assert {m[k].kind for k in ("IPAddress", "RecipientLastName", "RecipientFirstName",
                                "RecipientEmail", "LocationLatitude")} == {"personal"}
    assert (m["Finished"].kind, m["Progress"].kind, m["Status"].kind) == ("finished", "progress", "status")
    assert m["Duration (in seconds)"].kind == "metadata"


def test_generated_exports_map_items_and_groups(tmp_path):
    for name, build in tx.BUILDERS.items():
        with detect(build(tmp_path / name)) as layout:
            matches = propose(layout.columns, INST, samples=_samples(layout), tool=layout.tool)
        items = [m.target for m in matches if m.kind == "item"]
        assert items == ["VE_L1", "VE_L2", "VE_M1"], (name, matches)
        kinds = [m.kind for m in matches]
        assert kinds.count("respondent_id") == 1 and kinds.count("department") == 1, (name, matches)


def test_codebook_round_trip():
    matches = [Match(f"Q{i}", i_.text, "item", i_.id, 0.9, "x") for i, i_ in enumerate(ITEMS)]
    matches.append(Match("Dept", "Dept", "department", "department", 0.95, "header"))
    text = to_codebook_csv(matches, INST)
    assert text.splitlines()[0] == "question,item"
    assert parse_codebook(text).mapping == {f"Q{i}": it.id for i, it in enumerate(ITEMS)}
    custom = parse_codebook(to_codebook_csv(matches, INST, custom=True))
    assert custom.instrument is not None
    assert [(i.id, i.dimension, i.pole, i.reverse, i.text) for i in custom.instrument.items] == \
        [(i.id, i.dimension, i.pole, i.reverse, i.text) for i in ITEMS]
    assert (custom.instrument.scale_min, custom.instrument.scale_max) == (1, 5)
