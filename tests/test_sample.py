"""The synthetic export generator: layout, realism, determinism and recoverable structure.

Expectations are computed with plain pandas here, independent of the scoring code, so a bug
in scoring cannot hide a bug in the generator (or the other way round).
"""
import numpy as np
import pandas as pd
import pytest

from lvm_data import sample
from lvm_data.instrument import load_default, parse_instrument
from lvm_data.sample import write_sample

INSTRUMENT = load_default()
ITEM_IDS = [i.id for i in INSTRUMENT.items]
ATTRS = ["Respondent ID", "Department", "Team", "Role", "Tenure band"]


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "single.csv"
    write_sample(path, 5000, seed=11)
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def waves(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "waves.csv"
    write_sample(path, 6000, seed=3, waves=3)
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def _corrected(df: pd.DataFrame) -> pd.DataFrame:
    """Answers with reverse-keyed items flipped, so high always means high on the pole."""
    out = df[ITEM_IDS].astype(float)
    for item in INSTRUMENT.items:
        if item.reverse:
            out[item.id] = 6 - out[item.id]
    return out


def _pole_mean(df: pd.DataFrame, pole: str, dimension: str | None = None) -> pd.Series:
    ids = [i.id for i in INSTRUMENT.items
           if i.pole == pole and (dimension is None or i.dimension == dimension)]
    return _corrected(df)[ids].mean(axis=1)


def test_header_and_row_count(single):
    assert list(single.columns) == ATTRS + ITEM_IDS
    assert len(single) == 5000
    assert single["Respondent ID"].is_unique


def test_answers_are_scale_points_or_blank(single):
    values = single[ITEM_IDS].to_numpy(dtype=float)
    answered = values[~np.isnan(values)]
    assert set(np.unique(answered)) == {1, 2, 3, 4, 5}
    blank_share = np.isnan(values).mean()
    assert 0.005 < blank_share < 0.05
    assert single[ATTRS].notna().all().all()


def test_organisation_structure(single):
    assert single["Department"].nunique() >= 6
    assert single["Team"].nunique() >= 20
    # teams are nested: each team belongs to one department and is named after it
    owners = single.groupby("Team")["Department"].nunique()
    assert (owners == 1).all()
    assert all(t.startswith(d + " - ") for t, d in zip(single["Team"], single["Department"]))
    assert set(single.groupby("Department")["Team"].nunique()) <= {3, 4, 5}


def test_roles_form_a_pyramid(single):
    counts = single["Role"].value_counts()
    assert set(counts.index) == {"Individual contributor", "Team lead", "Manager",
                                 "Director", "Executive"}
    assert counts.idxmax() == "Individual contributor"
    assert counts.idxmin() == "Executive"
    assert counts["Individual contributor"] > 0.5 * len(single)


def test_tenure_bands(single):
    assert set(single["Tenure band"]) == {"<1 year", "1-3 years", "3-5 years", "5+ years"}


def test_waves_column(waves):
    assert list(waves.columns[:6]) == ["Respondent ID", "Department", "Team", "Role", "wave",
                                       "Tenure band"]
    counts = waves["wave"].value_counts()
    assert sorted(counts.index) == ["2025-H1", "2025-H2", "2026-H1"]
    assert counts.min() >= 1900
    assert not waves.duplicated(["wave", "Respondent ID"]).any()


def test_deterministic_per_seed(tmp_path):
    a, b, c = (tmp_path / n for n in ("a.csv", "b.csv", "c.csv"))
    write_sample(a, 700, seed=5, waves=2)
    write_sample(b, 700, seed=5, waves=2)
    write_sample(c, 700, seed=6, waves=2)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_chunks_and_progress(tmp_path, monkeypatch):
    monkeypatch.setattr(sample, "CHUNK_ROWS", 1000)
    calls = []
    path = tmp_path / "chunked.csv"
    write_sample(path, 2500, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]
    df = pd.read_csv(path)
    assert len(df) == 2500 and df["Respondent ID"].is_unique
    assert not list(tmp_path.glob("*.part"))  # the chunk file is cleaned up


def test_reverse_items_are_answered_reversed(single):
    raw = single[ITEM_IDS].astype(float)
    # VE_L4 is reverse-keyed: raw answers run against the other vision items
    assert raw["VE_L4"].corr(raw["VE_L1"]) < -0.1
    assert _corrected(single)["VE_L4"].corr(raw["VE_L1"]) > 0.1


def test_management_higher_in_operations_than_marketing(single):
    m = _pole_mean(single, "management").groupby(single["Department"]).mean()
    assert m["Operations"] - m["Marketing"] > 0.2
    assert m["Finance"] > m["Marketing"]


def test_innovation_higher_in_marketing_and_engineering(single):
    inn = _pole_mean(single, "leadership", "innovation_stability")
    by_dept = inn.groupby(single["Department"]).mean()
    assert by_dept["Marketing"] > by_dept["Operations"] + 0.2
    assert by_dept["Engineering"] > by_dept["Finance"] + 0.2


def test_role_effects(single):
    vision = _pole_mean(single, "leadership", "vision_execution").groupby(single["Role"]).mean()
    assert vision["Executive"] > vision["Individual contributor"] + 0.2
    process = _pole_mean(single, "management", "people_process").groupby(single["Role"]).mean()
    assert process["Team lead"] > process["Individual contributor"] + 0.1


def test_improvement_trend_across_waves(waves):
    lead = _pole_mean(waves, "leadership").groupby(waves["wave"]).mean()
    assert lead["2025-H1"] < lead["2025-H2"] < lead["2026-H1"]


def test_custom_instrument_and_scale(tmp_path):
    text = ("id,dimension,pole,reverse,scale_min,scale_max\n"
            "A1,agility,leadership,false,1,7\nA2,agility,leadership,true,1,7\n"
            "B1,agility,management,false,1,7\n")
    inst = parse_instrument(text)
    path = tmp_path / "custom.csv"
    write_sample(path, 300, instrument=inst)
    df = pd.read_csv(path)
    assert list(df.columns) == ATTRS + ["A1", "A2", "B1"]
    values = df[["A1", "A2", "B1"]].stack().dropna()
    assert values.between(1, 7).all() and values.nunique() == 7


def test_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError):
        write_sample(tmp_path / "x.csv", 0)
    with pytest.raises(ValueError):
        write_sample(tmp_path / "x.csv", 10, waves=0)
