"""Results of one stored session: findings, the replay, frame stepping, event review, measures, plots, downloads."""

from __future__ import annotations

import streamlit as st

from metrics.analysis import Analysis
from metrics.review import review_text
from reports.content import not_assessable_lines
from reports.labels import fmt, reference_text, title
from stridescope import session_service as service
from stridescope.pipeline import ANALYSIS_FILE
from stridescope.slow_motion import slow_motion_found
from stridescope.storage import Repository, SessionInfo
from stridescope.webapp import people, review
from stridescope.webapp.common import KEY_METRICS, fitted, go_to, plain, session_picker, table
from stridescope.webapp.notes import note_text

SEVERITY = {"flag": st.warning, "notice": st.info, "info": st.info}
QUALITY = {"error": st.error, "warning": st.warning, "info": st.caption}
CONFIDENCE = {"high": "● high", "medium": "◐ medium", "low": "○ low"}


# Keyed by the stored analysis file (named by its content): a correction of the events stores a
# newer analysis, and a restored or re-created database reuses ids for other sessions.
@st.cache_resource(max_entries=4)
def _stepper(analysis_file: str, _session: SessionInfo) -> service.FrameStepper:
    return service.FrameStepper(_session)


@st.cache_data(max_entries=16)
def _analysis(analysis_file: str, _session: SessionInfo) -> Analysis:
    return service.load_analysis(_session)


def show(repo: Repository) -> None:
    st.title("Results")
    sessions = repo.sessions()
    if not sessions:
        st.info("No sessions yet: start with **New analysis**.")
        return
    session = session_picker(sessions, "Session", key="results_session")
    analysis = _analysis(str(session.file(ANALYSIS_FILE)), session)
    _header(session, analysis)
    people.show(repo, session)
    _findings(analysis)
    _headline(analysis)
    sections = {
        "Replay": lambda: _replay(repo, session),
        "Frame by frame": lambda: _frames(session),
        "Review events": lambda: review.show(repo, session, analysis,
                                             _stepper(str(session.file(ANALYSIS_FILE)), session)),
        "Measures": lambda: table(metric_rows(analysis), wide=("Value",)),  # room for "18.8° (rearfoot or midfoot)"
        "Strides": lambda: table(stride_rows(analysis)),
        "Plots": lambda: _plots(session, analysis),
        "Downloads": lambda: _downloads(repo, session),
    }
    # The server keeps the open tab, so the rerun after a correction stays on the tab it was made in (the
    # browser alone lost it under load), and only the open tab's section runs.
    tabs = st.tabs(list(sections), key=f"results-tab-{session.id}", on_change="rerun")
    for tab, section in zip(tabs, sections.values()):
        if tab.open:
            with tab:
                section()


def _header(session: SessionInfo, analysis: Analysis) -> None:
    facts = [f"**{plain(session.athlete_name)}**", f"{session.recorded_at.astimezone():%d %b %Y %H:%M}",
             f"clip *{plain(session.clip_label)}*", f"{session.view_kind} view"]
    if session.treadmill_speed_kmh:
        facts.append(f"treadmill {session.treadmill_speed_kmh:g} km/h")
    if session.height_cm:
        facts.append(f"height {session.height_cm:g} cm")
    st.markdown(" · ".join(facts))
    if session.notes:
        st.caption(f"Notes: {plain(session.notes)}")
    st.caption(f"Analysed by Stridescope {session.code_version} with pose model {session.model}; "
               f"runner seen in {100 * analysis.detected_fraction:.0f}% of frames.")
    if reviewed := review_text(analysis):
        st.info(reviewed[0].upper() + reviewed[1:] + ".")
    if (found := slow_motion_found(analysis.clip)) is not None:
        st.caption(found)
    for note in analysis.quality:
        QUALITY.get(note.severity, st.warning)(note_text(note, analysis))


def _findings(analysis: Analysis) -> None:
    st.subheader("Findings")
    if not analysis.findings:
        st.write("Nothing stands out against the reference ranges.")
    for f in analysis.findings:
        SEVERITY.get(f.severity, st.info)(f.text)
    if analysis.not_assessable:
        with st.expander(f"Not assessable on this clip ({len(analysis.not_assessable)})"):
            for line in not_assessable_lines(analysis):
                st.markdown(f"- {line}")


def _headline(analysis: Analysis) -> None:
    shown = [analysis.metrics[k] for k in KEY_METRICS if k in analysis.metrics][:5]
    for col, m in zip(st.columns(max(len(shown), 1)), shown):
        col.metric(title(m.name), fmt(m.value, m.unit), help=m.definition, border=True)


def metric_rows(analysis: Analysis) -> list[dict]:
    """The measures as table rows: value, sides, reference range and confidence."""
    rows = []
    for m in analysis.metrics.values():
        rows.append({
            "Measure": title(m.name),
            "Value": fmt(m.value, m.unit) + (f" ({m.category})" if m.category else ""),
            "Left": fmt(m.left, m.unit),
            "Right": fmt(m.right, m.unit),
            "Confidence": CONFIDENCE.get(m.confidence.level, m.confidence.level) if m.confidence else "—",
            "Reference": reference_text(m.reference),
            "Strides": m.n_strides,
            "Definition": m.definition,
            "Source": m.reference.source if m.reference else "",
        })
    return rows


def stride_rows(analysis: Analysis) -> list[dict]:
    """The per-stride table: each stride's events and the key measures."""
    names = [k for k in KEY_METRICS if any(s.values.get(k) is not None for s in analysis.strides)]
    return [{"Stride": s.index + 1, "Foot": s.foot, "Initial contact": s.initial_contact_frame,
             "Toe-off": s.toe_off_frame, "Next contact": s.next_initial_contact_frame,
             **{title(k): s.values.get(k) for k in names}} for s in analysis.strides]


def _replay(repo: Repository, session: SessionInfo) -> None:
    review.stale_reports_notice(repo, session, "replay")
    replay = session.file("replay.mp4")
    if replay is None:
        st.info("This session has no annotated replay.")
        return
    with fitted(*_clip_size(session)):
        st.video(str(replay), format="video/mp4")


def _clip_size(session: SessionInfo) -> tuple[int, int]:
    clip = _analysis(str(session.file(ANALYSIS_FILE)), session).clip
    return clip["width"], clip["height"]


def _frames(session: SessionInfo) -> None:
    stepper = _stepper(str(session.file(ANALYSIS_FILE)), session)
    key = f"frame-{session.id}"
    last = stepper.n_frames - 1
    st.session_state.setdefault(key, 0)

    def step(delta: int) -> None:
        st.session_state[key] = min(max(st.session_state[key] + delta, 0), last)

    prev, slider, nxt = st.columns([2, 8, 2])
    prev.button("◀ Previous", on_click=step, args=(-1,), key=f"prev-{session.id}")
    nxt.button("Next ▶", on_click=step, args=(1,), key=f"next-{session.id}")
    index = slider.slider("Frame", 0, last, key=key, label_visibility="collapsed")
    frame = stepper.frame(index)
    with fitted(frame.shape[1], frame.shape[0]):
        st.image(frame, caption=f"frame {index} of {last} · {stepper.time_of(index):.3f} s", width="stretch")


def _plots(session: SessionInfo, analysis: Analysis) -> None:
    if not service.event_review(session).reports_current:
        review.live_plots(analysis)
        return
    plots = sorted((role, path) for role, path in session.files.items()
                   if role.endswith(".png") and "plot" in role)
    if not plots:
        st.info("This session has no plots.")
    for role, path in plots:
        st.image(str(path), caption=role.rsplit("/", 1)[-1].removesuffix(".png").replace("_", " "))


DOWNLOADS = [  # (label, role, MIME type)
    ("Report (HTML)", "report.html", "text/html"),
    ("Report (PDF)", "report.pdf", "application/pdf"),
    ("Strides (CSV)", "strides.csv", "text/csv"),
    ("Motion capture (C3D)", "landmarks.c3d", "application/octet-stream"),
    ("OpenSim markers (TRC)", "landmarks.trc", "text/plain"),
    ("OpenSim angles (MOT)", "angles.mot", "text/plain"),
    ("Annotated replay (MP4)", "replay.mp4", "video/mp4"),
    ("Analysis data (JSON)", "analysis.json", "application/json"),
]


def _downloads(repo: Repository, session: SessionInfo) -> None:
    review.stale_reports_notice(repo, session, "downloads")
    stem = f"stridescope-{session.id}"
    for label, role, mime in DOWNLOADS:
        path = session.file(role)
        if path is not None:
            # A callable is read only when clicked: replays are too big to hold per browser tab.
            st.download_button(label, path.read_bytes, file_name=f"{stem}-{role}", mime=mime,
                               key=f"dl-{role}", on_click="ignore")
    _delete(repo, session)


def _delete(repo: Repository, session: SessionInfo) -> None:
    st.divider()
    if not st.checkbox("Delete this session…", key=f"delete-{session.id}"):
        return
    st.warning(f"This permanently deletes {plain(session.label)}, its clip and its reports.")
    if st.button("Yes, delete permanently", type="primary", key=f"confirm-delete-{session.id}"):
        repo.delete_session(session.id)
        go_to("Start")
