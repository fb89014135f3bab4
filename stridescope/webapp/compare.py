"""Compare: two stored sessions side by side, the change in each measure, overlaid curves."""

from __future__ import annotations

import streamlit as st

from reports.compare import MetricChange, compare
from reports.labels import fmt, title
from stridescope import session_service as service
from stridescope.storage import Repository, SessionInfo
from stridescope.webapp.common import failure_message, fitted, plain, progress_bar, session_picker, table
from vision.video import probe


def show(repo: Repository) -> None:
    st.title("Compare")
    sessions = repo.sessions()
    if len(sessions) < 2:
        st.info("Comparing needs two sessions; analyse another clip first.")
        return
    left, right = st.columns(2)
    with right:
        after = session_picker(sessions, "After", key="compare_after", default_index=0)
    with left:
        before = session_picker(sessions, "Before", key="compare_before",
                                default_index=sessions.index(default_before(sessions, after)))
    if before.id == after.id:
        st.warning("Choose two different sessions.")
        return
    st.caption(f"{plain(before.clip_label)} → {plain(after.clip_label)}"
               + ("" if before.athlete_id == after.athlete_id else " (two different athletes)")
               + ("" if before.view_kind == after.view_kind else
                  f" ({before.view_kind} view against {after.view_kind} view: few measures compare)"))
    # The table needs only the two analyses; it shows while the side-by-side replay is drawn.
    st.subheader("What changed")
    table(change_rows(compare(service.load_analysis(before), service.load_analysis(after)).changes))
    st.subheader("Side by side, aligned at initial contact")
    bar, progress = progress_bar("Drawing the side-by-side replay…")
    try:
        comparison = service.compare_sessions(repo, before, after, progress)
    except Exception as e:  # every failure is one message; Streamlit's own reruns are BaseExceptions
        bar.empty()
        st.error(failure_message(e, "The comparison"))
        return
    bar.empty()
    info = probe(comparison.replay)
    with fitted(info.width, info.height):
        st.video(str(comparison.replay), format="video/mp4")
    st.subheader("Curves over the gait cycle")
    for path in comparison.curves:
        st.image(str(path))
    st.download_button("Comparison report (HTML)", comparison.report.read_bytes, on_click="ignore",
                       file_name=f"stridescope-compare-{before.id}-{after.id}.html", mime="text/html")


def default_before(sessions: list[SessionInfo], after: SessionInfo) -> SessionInfo:
    """What ``after`` is compared with first: the oldest session of the same athlete and view.

    ``sessions`` is newest first.  Without such a session, the next older one of
    the same athlete, else the next session in the list.
    """
    same = [s for s in sessions if s.athlete_id == after.athlete_id and s.id != after.id]
    for candidates in ([s for s in same if s.view_kind == after.view_kind], same):
        if candidates:
            return candidates[-1]
    return next((s for s in sessions if s.id != after.id), after)


def change_rows(changes: list[MetricChange]) -> list[dict]:
    """The change table: each measure before and after, and whether the change is beyond noise."""
    beyond = {True: "yes", False: "no (within noise)", None: "—"}
    return [{
        "Measure": title(c.name),
        "Before": fmt(c.before, c.unit),
        "After": fmt(c.after, c.unit),
        "Change": fmt(c.change, c.unit, signed=True),
        "Relative to reference": c.direction,
        "Beyond detectable change": beyond[c.exceeds_mdc],
    } for c in changes]
