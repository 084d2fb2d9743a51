"""The floor of the first-chart benchmark: the least a Streamlit page with one Plotly chart
can be (served by the same Streamlit, same config, same machine as the dashboard)."""
import plotly.graph_objects as go
import streamlit as st

st.title("Minimal")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])))
