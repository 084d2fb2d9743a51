"""Page runs asking for the same cached figure at once take turns (the first computes it,
the others then find it cached); runs asking for different figures do not wait."""
from __future__ import annotations

import threading
import time

from lvm_ui import common


def _overlap(keys: list[tuple]) -> int:
    """The most runs inside the block at the same moment, one thread per key."""
    inside, most, lock = [0], [0], threading.Lock()
    start = threading.Barrier(len(keys))

    def run(key):
        start.wait()
        with common._flights.one_at_a_time([key]):
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.2)
            with lock:
                inside[0] -= 1
    threads = [threading.Thread(target=run, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return most[0]


def test_same_figure_one_at_a_time_different_figures_together():
    assert _overlap([("db", "v1", "group_scores", "{}", None)] * 4) == 1
    assert _overlap([("db", "v1", "group_scores", f'{{"by": "{b}"}}', None)
                     for b in ("team", "role", "department", "tenure")]) == 4
    assert common._flights.idle()         # nothing kept once the runs are done


def test_a_figure_is_built_once_per_table_and_shared(monkeypatch):
    """Building a plotly figure was most of the Overview's run (lvm_ui.common.figure):
    an equal table (another session's copy of the cached query) gets the same figure,
    a different table its own, and the figure is the builder's."""
    import pandas as pd

    from lvm_data import charts
    from lvm_data.instrument import load_default

    built = []
    real = charts.archetype_mix
    monkeypatch.setattr(charts, "archetype_mix", lambda table: built.append(1) or real(table))
    dims = load_default().dimensions[:2]
    table = pd.DataFrame({"dimension": dims * 2,
                          "archetype": ["Integrator"] * 2 + ["Developing"] * 2,
                          "share": [0.6, 0.5, 0.4, 0.5], "n": [30, 25, 20, 25]})
    common._figure.clear()
    first = common.figure("archetype_mix", table)
    assert common.figure("archetype_mix", table.copy()) is first and len(built) == 1
    other = table.assign(share=[0.5, 0.5, 0.5, 0.5])
    assert common.figure("archetype_mix", other) is not first and len(built) == 2
    assert first.to_json() == real(table).to_json()
