import pytest

from lvm_data.instrument import (DIMENSIONS, InstrumentError, load_default, parse_codebook,
                                 parse_instrument)


def test_default_instrument_covers_every_pole():
    inst = load_default()
    assert len(inst.items) >= 30
    assert set(inst.dimensions) == set(DIMENSIONS)
    for dim in inst.dimensions:
        for pole in ("leadership", "management"):
            assert len(inst.items_for(dim, pole)) >= 3, (dim, pole)
        assert any(i.reverse for i in inst.items if i.dimension == dim), dim
    assert len({i.id for i in inst.items}) == len(inst.items)
    assert (inst.scale_min, inst.scale_max) == (1, 5)


def test_codebook_mapping_only():
    cb = parse_codebook("question,item\nHow clear is the vision?,VE_L1\n")
    assert cb.mapping == {"How clear is the vision?": "VE_L1"}
    assert cb.instrument is None


def test_codebook_defines_custom_instrument_beyond_five_dimensions():
    text = ("question,item,dimension,pole,reverse,scale_min,scale_max\n"
            "Q1,x1,ethics_results,leadership,false,1,7\n"
            "Q2,x2,ethics_results,management,TRUE,1,7\n")
    cb = parse_codebook(text)
    assert cb.instrument.dimensions == ["ethics_results"]
    assert cb.instrument.by_id()["x2"].reverse is True
    assert (cb.instrument.scale_min, cb.instrument.scale_max) == (1, 7)


@pytest.mark.parametrize("text, message", [
    ("id,dimension,pole,reverse\nx1,d,boss,false\nx2,d,management,false\n", "row 2: pole"),
    ("id,dimension,pole,reverse\n1x,d,leadership,false\nx2,d,management,false\n", "row 2: item id"),
    ("id,dimension,pole,reverse\nx1,d,leadership,maybe\nx2,d,management,false\n", "reverse"),
    ("id,dimension,pole,reverse\nx1,d,leadership,0\nx1,d,management,0\n", "appears twice"),
])
def test_bad_instruments_name_the_problem(text, message):
    with pytest.raises(InstrumentError, match=message):
        parse_instrument(text)


def test_item_id_with_sql_is_rejected():
    with pytest.raises(InstrumentError):
        parse_codebook('question,item,dimension,pole,reverse\nq,"x; DROP TABLE t",d,leadership,0\n')


def test_a_custom_dimension_may_have_a_single_pole():
    """A plain scale (e.g. a Big Five trait) is one pole of its own dimension: it gets
    reliability and a pole score, but no orientation."""
    inst = parse_instrument("id,dimension,pole,reverse,scale_min,scale_max\n"
                            "x1,trait,leadership,false,1,6\nx2,trait,leadership,true,1,6\n"
                            "y1,d,leadership,false,1,6\ny2,d,management,false,1,6\n")
    assert inst.poles_of("trait") == ["leadership"]
    assert inst.poles_of("d") == ["leadership", "management"]
    assert (inst.scale_min, inst.scale_max) == (1, 6)
