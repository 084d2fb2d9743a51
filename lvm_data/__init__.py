"""Leadership-vs-Management survey data: import, storage, scoring, statistics, charts.

This package never imports streamlit; the app in ``app.py`` and ``pages/`` is a thin
layer over it.
"""
__version__ = "0.1.0"

import pandas as _pd

# pandas keeps text in Arrow arrays by default; the frames here are small (groups x
# dimensions), where each Arrow call costs more than the data: under 25 sessions they were
# a quarter of the dashboard server's time (py-spy, bench/bench_load.py). The same ``str``
# type, kept in Python objects instead. Set where the package is imported, so the app, the
# command line and the tests run alike.
_pd.set_option("mode.string_storage", "python")
