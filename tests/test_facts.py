"""Small facts remembered for one page run (``store.facts``): read once, and never stale
after a write made in the same run."""
from __future__ import annotations

import random
import threading
from datetime import date

import pytest

from conftest import write_plain
from lvm_data import ingest, store
from lvm_data.instrument import load_default
from lvm_data.store import facts, schema, views

ITEMS = load_default().items


class Counting:
    """A cursor that counts the statements it is given."""

    def __init__(self, cur):
        self.cur, self.statements = cur, 0

    def execute(self, *args):
        self.statements += 1
        return self.cur.execute(*args)


def people(n: int, seed: int, dept: str = "D") -> list[dict]:
    rng = random.Random(seed)
    return [{"Respondent ID": f"s{seed}-{i}", "Department": dept, "Team": "T", "Role": "IC",
             **{item.id: rng.randint(1, 5) for item in ITEMS}} for i in range(n)]


def add_wave(tmp_path, con, name: str, seed: int, day: int) -> None:
    ingest.import_file(con, write_plain(tmp_path / f"{name}.csv", people(6, seed)),
                       ingest.Options(wave=name, wave_date=date(2025, 1, day)))


@pytest.fixture
def spring(tmp_path, con):
    add_wave(tmp_path, con, "spring", 1, 1)
    return con


def test_each_fact_is_read_once_within_a_run(spring):
    counting = Counting(spring.cursor())
    with facts.held():
        for _ in range(3):
            store.attribute_names(counting)
            store.waves(counting)
            store.wave_row(counting, None)
            store.recorded_minimum(counting)
            schema.wave_dimensions(counting, [1])
            store.demo.names(counting)
            views.stamps(counting, [1])
    assert counting.statements == 7


def test_outside_a_run_nothing_is_remembered(spring):
    cur = spring.cursor()
    assert store.recorded_minimum(cur) == 5
    cur.execute("UPDATE meta SET value = '9' WHERE key = 'min_group_size'")
    assert store.recorded_minimum(cur) == 9


def test_what_a_caller_changes_is_not_what_the_next_one_reads(spring):
    cur = spring.cursor()
    with facts.held():
        store.attribute_names(cur).append("salary")
        table = store.waves(cur)
        table["wave"] = "changed"
        assert "salary" not in store.attribute_names(cur)
        assert list(store.waves(cur)["wave"]) == ["spring"]


def test_every_write_in_the_run_is_seen_by_the_rest_of_it(spring, tmp_path):
    cur = spring.cursor()
    with facts.held():
        assert list(store.waves(cur)["wave"]) == ["spring"]
        add_wave(tmp_path, spring, "autumn", 2, 9)
        assert list(store.waves(cur)["wave"]) == ["spring", "autumn"]
        autumn = int(store.wave_row(cur, "autumn")["wave_id"])
        assert views.stamps(cur, [autumn])[autumn][3] == 6          # its respondents
        assert store.wave_row(cur, None)["name"] == "autumn"
        store.rename_wave(cur, "autumn", "fall")
        assert store.wave_row(cur, None)["name"] == "fall"
        store.delete_wave(cur, "fall")
        assert list(store.waves(cur)["wave"]) == ["spring"]
        assert views.stamps(cur, [autumn])[autumn][3] is None        # no such wave now
        store.set_minimum(cur, 7)
        assert store.recorded_minimum(cur) == 7
        schema.ensure_attribute(cur, "tenure_band", "Tenure band")
        assert "tenure_band" in store.attribute_names(cur)


def test_each_thread_has_its_own_run(spring):
    """Sessions run in threads of one server: one run's facts are not another's."""
    seen = []

    def other_run():
        with facts.held():
            seen.append(store.recorded_minimum(spring.cursor()))
    with facts.held():
        assert store.recorded_minimum(spring.cursor()) == 5
        spring.cursor().execute("UPDATE meta SET value = '8' WHERE key = 'min_group_size'")
        thread = threading.Thread(target=other_run)
        thread.start()
        thread.join()
    assert seen == [8]
