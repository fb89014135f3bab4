"""Several people in view: who was measured, a picture of each, and measuring another one instead."""

from __future__ import annotations

import streamlit as st

from metrics.crowd import person_label
from stridescope import session_service as service
from stridescope.pipeline import POSE_FILE
from stridescope.storage import Repository, SessionInfo
from stridescope.webapp.common import failure_message, progress_bar


@st.cache_data(max_entries=8)
def _thumbnails(clip: str, people: dict) -> list:
    return service.person_thumbnails(clip, people)


# Keyed by the stored pose file (named by its content), as the Results page keys its analysis.
@st.cache_data(max_entries=16)
def _people(pose_file: str, _session: SessionInfo) -> dict:
    return service.people_in_view(_session)


def show(repo: Repository, session: SessionInfo) -> None:
    """An expander with each person found; open at once when who the runner is was not clear."""
    people = _people(str(session.file(POSE_FILE)), session)
    if not people:
        return
    found, chosen = people["candidates"], people["chosen"]
    unclear = people.get("chosen_by") != "user" and not people.get("choice_clear", True)
    with st.expander(f"People in view ({len(found)}): measured {person_label(chosen, found[chosen])}",
                     expanded=unclear):
        st.write("Not the runner? Pick the person to measure; the clip is analysed again for them."
                 if not unclear else
                 "Two people look almost equally like the runner. Check the measured one, or pick another.")
        pictures = _thumbnails(str(session.clip_path), people)
        for column, (k, person), picture in zip(st.columns(len(found)), enumerate(found), pictures):
            with column:
                st.image(picture, caption=person_label(k, person).capitalize())
                if k == chosen:
                    st.success("Measured", icon="✅")
                elif st.button("Measure this person", key=f"person-{session.id}-{k}"):
                    _measure(repo, session, k)


def _measure(repo: Repository, session: SessionInfo, person: int) -> None:
    bar, progress = progress_bar("Analysing again for the person picked…")
    try:
        service.measure_person(repo, session, person, progress)
    except Exception as e:  # one message; Streamlit's own reruns are BaseExceptions
        bar.empty()
        st.error(failure_message(e, "Measuring that person"))
        return
    st.rerun()
