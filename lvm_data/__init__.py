"""Leadership-vs-Management survey data: import, storage, scoring, statistics, charts.

This package never imports streamlit; the app in ``app.py`` and ``pages/`` is a thin
layer over it.
"""
__version__ = "0.1.0"
