"""Streamlit app for drills, call review and team dashboards (``streamlit run training_app/app.py``)."""
