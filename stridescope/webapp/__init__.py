"""The Streamlit pages of ``app.py``: layout only, calling :mod:`stridescope.session_service`."""
