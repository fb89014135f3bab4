"""Stridescope in the browser: ``streamlit run app.py`` (or ``stridescope app``).

Only page layout lives here and in :mod:`stridescope.webapp`; the work is
done by :mod:`stridescope.session_service` and the layers below it.
"""

import streamlit as st

from stridescope.settings import load_settings
from stridescope.webapp import athletes, common, compare, home, new_analysis, results, visit

st.set_page_config(page_title="Stridescope", page_icon="🏃", layout="wide")

PAGES = {
    "Start": home.show,
    "New analysis": new_analysis.show,
    "Results": results.show,
    "Visit": visit.show,
    "Compare": compare.show,
    "Athletes": athletes.show,
}

if common.password_ok(settings := load_settings()):
    page = common.current_page(list(PAGES))
    with st.sidebar:
        home.sample_progress(settings)
    PAGES[page](common.repository())
