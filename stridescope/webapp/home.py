"""The first page: what to do first, and the latest sessions."""

from __future__ import annotations

import streamlit as st

from stridescope.storage import Repository
from stridescope.webapp.common import go_to, open_session


def show(repo: Repository) -> None:
    st.title("Stridescope")
    st.markdown("Running-gait analysis from a video: per-stride measures, an annotated replay, "
                "reports and before/after comparisons. Everything stays on this computer.")
    st.subheader("Start here")
    st.markdown(
        "1. **Film the runner**: from the side (hip height, whole body in the picture) or from behind, "
        "ideally 60 frames per second or more, 10–30 seconds of steady running.\n"
        "2. Open **New analysis**, drop the clip in (or pick a bundled sample), say who is running "
        "and, on a treadmill, the belt speed.\n"
        "3. Read the **Results**: findings first, then each measure with its reference range, "
        "the annotated replay and the downloads.\n"
        "4. After a change of shoes, cue or treatment, film again and open **Compare**."
    )
    if st.button("Start a new analysis", type="primary"):
        go_to("New analysis")
    sessions = repo.sessions()
    if not sessions:
        st.info("No sessions yet. Start with **New analysis**; the bundled samples work without a camera.")
        return
    st.subheader("Latest sessions")
    for s in sessions[:8]:
        left, right = st.columns([5, 1])
        left.write(f"{s.label} — {s.clip_label}")
        if right.button("Open", key=f"open-{s.id}"):
            open_session(s.id)
