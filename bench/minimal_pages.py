"""The first-chart floor opened at a page's own path: the minimal page of
``minimal_app.py`` as the one page of a multipage app, at /chart. A deep link like the
dashboard's /overview pays Streamlit's probe of /chart/_stcore/health and its retry
before the websocket opens; this floor pays it too, so the difference between the two
floors is what Streamlit's deep links cost (reported for information, not the target)."""
import plotly.graph_objects as go
import streamlit as st


def home() -> None:
    st.switch_page(CHART)


def chart() -> None:
    st.title("Minimal")
    st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])))


CHART = st.Page(chart, title="Chart", url_path="chart")
st.navigation([st.Page(home, title="Home", default=True), CHART], position="hidden").run()
