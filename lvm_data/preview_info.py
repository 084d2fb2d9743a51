"""What the preview adds about a file besides its checks: sample answers, the layout in
words, where the mapping came from, and the wave name and date it proposes."""
from __future__ import annotations

import pandas as pd

from . import formats, wave_naming
from .store import response_dates, write


def describe(cur, report, layout, sample, source, remembered_from, staged: bool) -> None:
    """Sample values per column, the layout, where the mapping came from, the default wave."""
    report.samples = {k: sample_text(sample[k]) for k in layout.keys}
    report.layout = formats.describe(layout)
    report.mapping_from = remembered_from
    key = wave_naming.date_column(layout.columns)
    dates = None
    if key is not None:
        dates = response_dates.date_range(cur, "staging", key) if staged else \
            response_dates.sample_range(cur, sample, key)
    taken = set(write.wave_names(cur))
    report.default_wave, report.default_date = wave_naming.default_wave(dates, source, taken)


def sample_text(values: pd.Series, n: int = 3, width: int = 24) -> str:
    """A few distinct answers of a column, cut short: enough to recognise it."""
    seen = [str(v).strip() for v in values.dropna().head(200) if str(v).strip()]
    shown = [v if len(v) <= width else v[:width - 1] + "…" for v in dict.fromkeys(seen)]
    return " · ".join(shown[:n])
