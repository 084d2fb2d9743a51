"""Remembered mappings: keyed by the set of headers, named by the wave (even renamed)."""
from datetime import datetime

from lvm_data import ingest, remembered, store
from lvm_data.import_types import Column
from lvm_data.instrument import load_default, parse_codebook
from tools.example_exports import limesurvey_codebook, limesurvey_codes

LAST = load_default().items[-1].id


def cols(*keys):
    return [Column(i, k, k, k) for i, k in enumerate(keys)]


def test_header_key_ignores_order_case_and_spacing_not_content():
    a = remembered.header_key(cols("id", "G01Q01", "G02Q01[VE_L1]"))
    assert a == remembered.header_key(cols("G02Q01[VE_L1]", " g01q01 ", "ID"))
    assert a != remembered.header_key(cols("id", "G01Q01", "G02Q01[VE_L2]"))
    assert a != remembered.header_key(cols("id", "G01Q01"))


def test_mapping_from_a_renamed_wave_and_a_user_codebook_first(tmp_path, con):
    first = limesurvey_codes(tmp_path / "a.csv", 20, datetime(2026, 10, 2, 9))
    second = limesurvey_codes(tmp_path / "b.csv", 20, datetime(2027, 1, 6, 9), seed=2)
    ingest.import_file(con, first, ingest.Options(codebook=parse_codebook(
        limesurvey_codebook())))
    store.rename_wave(con.cursor(), "2026-10", "Autumn pulse")
    report = ingest.import_file(con, second, ingest.Options(), dry_run=True)
    assert report.mapping_from == "Autumn pulse" and report.blocker is None
    kinds = {m.key: (m.kind, m.target) for m in report.matches}
    assert kinds["G01Q01"] == ("department", "department") and kinds["G03Q01"] == ("item", LAST)
    own = parse_codebook(f"question,item\nG01Q01,attribute:site\nG03Q01,{LAST}\n")
    report = ingest.import_file(con, second, ingest.Options(codebook=own), dry_run=True)
    assert report.mapping_from is None
    kinds = {m.key: (m.kind, m.target) for m in report.matches}
    assert kinds["G01Q01"] == ("attribute", "site")


def test_a_demo_import_remembers_nothing(tmp_path, con):
    path = limesurvey_codes(tmp_path / "a.csv", 20, datetime(2026, 10, 2, 9))
    ingest.import_file(con, path, ingest.Options(codebook=parse_codebook(
        limesurvey_codebook()), demo=True))
    assert store.demo.names(con.cursor()) == ["2026-10"]
    assert ingest.import_file(con, path, ingest.Options(), dry_run=True).mapping_from is None
