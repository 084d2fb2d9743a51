"""Streamlit-side helpers of the dashboard (lvm_data stays free of any UI code)."""
