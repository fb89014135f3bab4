"""Visit: a runner's side and rear clips of one day as one set of results and one report.

A visit is not stored: it is the sessions of one athlete recorded on the same
(local) calendar day, in recording order, where a clip of a view the visit
already holds starts the next visit (a clinic films each view once per visit; a
second side clip that day is a re-test after a cue or treatment).  The merged
report is made on demand and kept under ``visits/`` in the data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from reports.visit import Visit, VisitClip, merge_visit, render_visit_html, source_text, visit_rows, write_visit_pdf
from stridescope import session_service as service
from stridescope.slow_motion import slow_motion_found
from stridescope.storage import Repository, SessionInfo
from stridescope.webapp.common import open_session, table
from stridescope.webapp.notes import note_text

SEVERITY = {"flag": st.warning, "notice": st.info, "info": st.info}
QUALITY = {"error": st.error, "warning": st.warning, "info": st.caption}


def group_visits(sessions: list[SessionInfo]) -> list[list[SessionInfo]]:
    """The visits among ``sessions``, newest first; each visit's sessions in recording order."""
    visits: list[list[SessionInfo]] = []
    open_visit: dict[tuple[int, object], list[SessionInfo]] = {}
    for s in sorted(sessions, key=lambda s: (s.recorded_at, s.id)):
        key = (s.athlete_id, s.recorded_at.astimezone().date())
        current = open_visit.get(key)
        if current is None or s.view_kind in {c.view_kind for c in current}:
            current = open_visit[key] = []
            visits.append(current)
        current.append(s)
    return visits[::-1]


def visit_label(visit: list[SessionInfo]) -> str:
    first = visit[0]
    views = " + ".join(s.view_kind for s in visit)
    return (f"{first.athlete_name} · {first.recorded_at.astimezone():%d %b %Y} · {views} "
            f"({', '.join(f'#{s.id}' for s in visit)})")


def merged(visit: list[SessionInfo]) -> Visit:
    clips = []
    for s in visit:
        plot = s.file("plots/gait_cycle.png")
        clips.append(VisitClip(s.clip_label, service.load_analysis(s), plot.read_bytes() if plot else None))
    return merge_visit(clips, athlete=visit[0].athlete_name,
                       date=f"{visit[0].recorded_at.astimezone():%d %b %Y}")


def report_files(repo: Repository, visit: list[SessionInfo], merged_visit: Visit) -> tuple[Path, Path]:
    """The visit's HTML and PDF reports, made once per set of analyses."""
    folder = repo.settings.data_dir / "visits" / "-".join(str(s.analysis_id) for s in visit)
    html, pdf = folder / "visit.html", folder / "visit.pdf"
    if not (html.is_file() and pdf.is_file()):
        folder.mkdir(parents=True, exist_ok=True)
        part = folder / "visit.html.part"
        part.write_text(render_visit_html(merged_visit), encoding="utf-8")
        os.replace(part, html)
        write_visit_pdf(merged_visit, folder / "visit.pdf.part")
        os.replace(folder / "visit.pdf.part", pdf)
    return html, pdf


def show(repo: Repository) -> None:
    st.title("Visit")
    visits = group_visits(repo.sessions())
    if not visits:
        st.info("No sessions yet: start with **New analysis**, with a clip from the side and one from behind.")
        return
    labels = {visit_label(v): v for v in visits}
    both = next((k for k, v in labels.items() if len({s.view_kind for s in v}) > 1), next(iter(labels)))
    chosen = st.selectbox("Visit", list(labels), index=list(labels).index(both), key="visit")
    visit = labels[chosen]
    st.caption("A visit is one athlete's clips of one day, one per camera view; each measure below comes "
               "from the clip whose view measures it.")
    merged_visit = merged(visit)
    if len({c.view for c in merged_visit.clips}) < 2:
        st.info("This visit has clips of one view only: add a clip filmed "
                + ("from behind" if merged_visit.clips[0].view == "side" else "from the side")
                + " the same day to see every measure.")
    st.subheader("Findings")
    if not merged_visit.findings:
        st.write("Nothing stands out against the reference ranges.")
    for f, clip in merged_visit.findings:
        SEVERITY.get(f.severity, st.info)(f"{f.text} — *{source_text(clip)}*")
    st.subheader("Measures")
    table(visit_rows(merged_visit))
    st.subheader("Clips")
    for s, clip in zip(visit, merged_visit.clips):
        left, right = st.columns([6, 1])
        left.markdown(f"**{source_text(clip)}** · {s.recorded_at.astimezone():%H:%M}")
        if right.button("Open", key=f"visit-open-{s.id}"):
            open_session(s.id)
        if (found := slow_motion_found(clip.analysis.clip)) is not None:
            st.caption(found)
        for note, c in merged_visit.notes:
            if c is clip:
                QUALITY.get(note.severity, st.warning)(note_text(note, clip.analysis))
    html, pdf = report_files(repo, visit, merged_visit)
    stem = "stridescope-visit-" + "-".join(str(s.id) for s in visit)
    left, right = st.columns(2)
    left.download_button("Visit report (HTML)", html.read_bytes, file_name=f"{stem}.html", mime="text/html",
                         on_click="ignore", key="visit-html")
    right.download_button("Visit report (PDF)", pdf.read_bytes, file_name=f"{stem}.pdf", mime="application/pdf",
                          on_click="ignore", key="visit-pdf")
