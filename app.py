"""Stridescope in the browser: ``streamlit run app.py`` (or ``stridescope app``).

Only page layout lives here and in :mod:`stridescope.webapp`; the work is
done by :mod:`stridescope.session_service` and the layers below it.
"""

import importlib

import streamlit as st

from stridescope.settings import load_settings
from stridescope.webapp import common, home

st.set_page_config(page_title="Stridescope", page_icon="🏃", layout="wide")

# Each page's module, imported when first shown: the Start page appears without waiting for the
# analysis and report code (about 10 s on a busy machine) that the other pages load.
PAGES = {
    "Start": "home",
    "New analysis": "new_analysis",
    "Results": "results",
    "Visit": "visit",
    "Compare": "compare",
    "Athletes": "athletes",
}

if common.password_ok(settings := load_settings()):
    page = common.current_page(list(PAGES))
    with st.sidebar:
        home.sample_progress(settings)
    importlib.import_module(f"stridescope.webapp.{PAGES[page]}").show(common.repository())
