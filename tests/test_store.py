"""Read queries: filters, comparisons, distributions and trends, checked by hand."""
import pytest

from conftest import write_plain
from lvm_data import ingest, store
from lvm_data.instrument import load_default
from lvm_data.store import Selection

ITEMS = load_default().items


def uniform(pid, dept, lead, man, role="IC", team="T"):
    """Every leadership item answered `lead`, every management item `man` (reverse items
    mirrored), so each pole score is exactly that value."""
    row = {"Respondent ID": pid, "Department": dept, "Team": team, "Role": role}
    for item in ITEMS:
        want = lead if item.pole == "leadership" else man
        row[item.id] = 6 - want if item.reverse else want
    return row


@pytest.fixture
def two_depts(tmp_path, con):
    # A: L = 4,4,5,3,4 with M = 2 -> orientation 100 (L - 2) / 4 = 50,50,75,25,50
    # B: L = 3 with M = 3,4,3,2,3 -> orientation 0,-25,0,25,0
    rows = [uniform(f"a{i}", "A", lead, 2) for i, lead in enumerate([4, 4, 5, 3, 4])]
    rows += [uniform(f"b{i}", "B", 3, man) for i, man in enumerate([3, 4, 3, 2, 3])]
    ingest.import_file(con, write_plain(tmp_path / "d.csv", rows), ingest.Options(wave="w"))
    return con


def test_compare_welch_by_hand(two_depts):
    res = store.compare(two_depts.cursor(), Selection(where={"department": ["A"]}, label="A"),
                        Selection(where={"department": ["B"]}, label="B"))
    row = res.table.iloc[0]
    assert (row["n_a"], row["n_b"]) == (5, 5)
    assert row["difference"] == pytest.approx(50.0)
    # both sd^2 = 312.5; se = sqrt(312.5/5 * 2) = 11.1803; Welch df = 8; t(0.975, 8) = 2.3060
    assert row["ci_low"] == pytest.approx(50 - 2.3060 * 11.18034, abs=1e-3)
    assert row["ci_high"] == pytest.approx(50 + 2.3060 * 11.18034, abs=1e-3)
    assert len(res.table) == 5


def test_compare_side_below_minimum(two_depts):
    res = store.compare(two_depts.cursor(), Selection(where={"department": ["A"]}, label="A"),
                        Selection(where={"department": ["Nope"]}, label="Nope"))
    assert res.table.empty and "Nope cannot be shown" in res.message
    assert "anonymity minimum of 5" in res.message


def test_hostile_filters(two_depts):
    cur = two_depts.cursor()
    res = store.group_scores(cur, where={"department": ["A' OR '1'='1"]})
    assert res.table.empty and res.population == 0
    with pytest.raises(store.QueryError):
        store.group_scores(cur, where={'department" OR 1=1 --': ["A"]})
    with pytest.raises(store.QueryError):
        store.group_scores(cur, by="role; DROP TABLE respondents")
    with pytest.raises(store.QueryError):
        store.group_scores(cur, wave="no such wave")
    assert two_depts.execute("SELECT count(*) FROM respondents").fetchone()[0] == 10


def test_filter_any_of_values_and_attribute_values(two_depts):
    cur = two_depts.cursor()
    res = store.group_scores(cur, by="department", where={"department": ["A", "B"]})
    assert sorted(set(res.table["group"])) == ["A", "B"]
    assert store.attribute_values(cur, "department") == ["A", "B"]


def test_archetype_mix_by_hand(two_depts):
    mix = store.archetype_mix(two_depts.cursor()).table
    ve = mix[mix["dimension"] == "vision_execution"].set_index("archetype")
    # A: L >= 3 and M = 2 -> Leadership-led x5; B: L = 3, M = 3,4,3,3 high -> Integrator x4,
    # M = 2 -> Leadership-led x1
    assert ve.loc["Leadership-led", "n"] == 6 and ve.loc["Integrator", "n"] == 4
    assert ve["share"].sum() == pytest.approx(1.0)


def test_item_distribution_counts(tmp_path, con):
    rows = [uniform(f"p{i}", "A", 4, 2) for i in range(6)]
    for i, v in enumerate([1, 2, 2, 5, 5, 5]):
        rows[i]["VE_L1"] = v
    ingest.import_file(con, write_plain(tmp_path / "i.csv", rows), ingest.Options(wave="w"))
    dist = store.item_distribution(con.cursor(), "vision_execution").table
    ve1 = dist[dist["item_id"] == "VE_L1"]
    assert ve1["value"].tolist() == [1, 2, 5]
    assert ve1["count"].tolist() == [1, 2, 3]
    assert ve1["share"].tolist() == pytest.approx([1 / 6, 2 / 6, 3 / 6])
    assert ve1["label"].tolist() == ["Strongly disagree", "Disagree", "Strongly agree"]
    assert list(dict.fromkeys(dist["item_id"]))[:4] == ["VE_L1", "VE_L2", "VE_L3", "VE_L4"]


def test_trends_per_wave(tmp_path, con):
    first = [uniform(f"p{i}", "A", 3, 3) for i in range(5)]      # orientation 0
    second = [uniform(f"p{i}", "A", 5, 3) for i in range(5)]     # 100 * 2 / 4 = 50
    ingest.import_file(con, write_plain(tmp_path / "1.csv", first),
                       ingest.Options(wave="spring", wave_date=__import__("datetime").date(2025, 3, 1)))
    ingest.import_file(con, write_plain(tmp_path / "2.csv", second),
                       ingest.Options(wave="autumn", wave_date=__import__("datetime").date(2025, 9, 1)))
    t = store.trends(con.cursor()).table
    ve = t[t["dimension"] == "vision_execution"]
    assert ve["wave"].tolist() == ["spring", "autumn"]
    assert ve["orientation"].tolist() == pytest.approx([0.0, 50.0])
    assert store.wave_row(con.cursor(), None)["name"] == "autumn"


def test_rename_and_delete_wave(two_depts):
    cur = two_depts.cursor()
    store.rename_wave(cur, "w", "2026 pulse")
    assert store.waves(cur)["wave"].tolist() == ["2026 pulse"]
    with pytest.raises(ValueError):
        store.rename_wave(cur, "missing", "x")
    store.delete_wave(cur, "2026 pulse")
    for table in ("respondents", "waves", "items"):
        assert cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    assert not cur.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_name LIKE 'answers_%'").fetchone()[0]


def test_attribute_values_under_a_filter(tmp_path, con):
    """Options list only values held by at least k (5) respondents of the wave."""
    rows = [uniform(f"a{i}", "A", 3, 3, team=f"A-{i % 2}") for i in range(10)]
    rows += [uniform(f"b{i}", "B", 3, 3, team="B-1") for i in range(5)]
    rows += [uniform(f"c{i}", "B", 3, 3, team="B-2") for i in range(4)]       # 4 < 5
    ingest.import_file(con, write_plain(tmp_path / "t.csv", rows), ingest.Options(wave="w"))
    cur = con.cursor()
    assert store.attribute_values(cur, "team", where={"department": ["A"]}) == ["A-0", "A-1"]
    assert store.attribute_values(cur, "team", wave="w") == ["A-0", "A-1", "B-1"]
    assert store.attribute_values(cur, "team", wave="w", min_group_size=6) == []
    assert store.attribute_values(cur, "team", wave="other") == []
    assert store.attribute_labels(cur)["department"] == "Department"


def test_overview_below_minimum_gives_no_counts(two_depts):
    res = store.overview(two_depts.cursor(), where={"department": ["A"]}, min_group_size=6)
    assert res.table.empty and "anonymity minimum of 6" in res.message


def test_one_connection_many_threads(two_depts):
    """Streamlit serves each session on its own thread: a cursor per thread is safe."""
    from concurrent.futures import ThreadPoolExecutor

    def work(i):
        cur = two_depts.cursor()
        dept = "A" if i % 2 else "B"
        return store.group_scores(cur, by="department", where={"department": [dept]}).table

    with ThreadPoolExecutor(max_workers=8) as pool:
        tables = list(pool.map(work, range(40)))
    assert {t["group"].iloc[0] for t in tables} == {"A", "B"}
    assert all(len(t) == 5 for t in tables)


def test_a_file_from_an_older_version_gains_the_missing_tables_and_the_stamp(tmp_path):
    """Page runs skip the DDL once the file carries this version's stamp; a file without
    it (made by an older version) still gets every table on the next connect."""
    from lvm_data.store import schema
    path = tmp_path / "old.duckdb"
    con = schema.connect(path)
    con.execute("DROP TABLE headcounts")
    con.execute("DELETE FROM meta WHERE key = 'schema'")
    con.close()
    con = schema.connect(path)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    stamp = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    con.close()
    assert "headcounts" in tables and stamp is not None and len(stamp[0]) == 16
