"""New analysis: a clip in (upload or bundled sample), who and how, then a progress bar."""

from __future__ import annotations

import streamlit as st

from stridescope import session_service as service
from stridescope.storage import NewSession, Repository
from stridescope.uploads import ACCEPTED_SUFFIXES
from stridescope.webapp.common import FIELDS, failure_message, open_session, progress_bar

NEW_ATHLETE = "New athlete…"
VIEW_HELP = {"auto": "Auto-detect", "side": "Side (sagittal)", "rear": "From behind (frontal)"}
UPLOAD, SAMPLE = "Upload a clip", "Use a bundled sample"


def show(repo: Repository) -> None:
    st.title("New analysis")
    samples = service.sample_clips(repo.settings.samples_dir)
    source = st.radio("Clip", [UPLOAD, SAMPLE] if samples else [UPLOAD], horizontal=True, key="source")
    upload = sample = None
    if source == UPLOAD:
        upload = st.file_uploader(
            f"Drop a video here (MP4, MOV, AVI, M4V, WebM; up to {repo.settings.max_upload_mb:.0f} MB)",
            type=[s[1:] for s in ACCEPTED_SUFFIXES], key="upload",
        )
    else:
        sample = st.selectbox("Sample", samples, format_func=lambda p: p.name, key="sample")

    names = [a.name for a in repo.athletes()]
    choice = st.selectbox("Athlete", [NEW_ATHLETE, *names], index=1 if names else 0, key="athlete")
    athlete = st.text_input("New athlete's name", key="athlete_name") if choice == NEW_ATHLETE else choice
    view = st.radio("Camera view", service.VIEWS, format_func=VIEW_HELP.get, horizontal=True, key="view")
    left, right = st.columns(2)
    speed = left.number_input(FIELDS["treadmill_speed_kmh"], min_value=0.0, max_value=40.0, value=None, step=0.5,
                              placeholder="not on a treadmill", key="speed",
                              help="Gives stride length in metres; leave empty for overground running.")
    height = right.number_input(FIELDS["height_cm"], min_value=80.0, max_value=230.0, value=None, step=1.0,
                                placeholder="unknown", key="height",
                                help="Sets the scale for distances such as overstride in centimetres.")
    capture_fps = st.number_input(
        FIELDS["capture_fps"], min_value=1.0, max_value=1000.0, value=None,
        step=1.0, placeholder="as stored in the clip", key="capture_fps",
        help="A phone's 240 fps slow-motion clip is often stored for 30 fps playback; give 240 here "
             "so that every time is real time.")
    notes = st.text_area("Notes", placeholder="shoes, cue, pain, treadmill incline…", key="notes")

    if not st.button("Analyse", type="primary", disabled=not (upload or sample)):
        return
    if not (athlete or "").strip():
        st.error("Please give the athlete's name.")
        return
    new = NewSession(athlete_name=athlete, clip_label="", view_requested=view,
                     treadmill_speed_kmh=speed or None, height_cm=height, capture_fps=capture_fps,
                     notes=notes.strip())
    bar, progress = progress_bar("Starting…")
    try:
        if upload is not None:
            session_id = service.analyse_upload(repo, upload, upload.name, new, progress)
        else:
            session_id = service.analyse_file(repo, sample, new, progress)
    except Exception as e:  # every failure is one message; Streamlit's own reruns are BaseExceptions
        bar.empty()
        st.error(failure_message(e, "The analysis"))
        return
    open_session(session_id)
