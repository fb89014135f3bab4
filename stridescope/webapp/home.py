"""The first page: what to do first, and the latest sessions; the samples' background import."""

from __future__ import annotations

import streamlit as st

from stridescope.sample_import import ImportProgress, read_progress
from stridescope.settings import Settings
from stridescope.storage import Repository
from stridescope.webapp.common import STAGE_NAMES, go_to, open_session, plain


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
    importing = read_progress(repo.settings)
    if not sessions:
        if importing is not None and importing.running():
            st.info("The bundled sample clips are being analysed (progress in the sidebar); "
                    "their results appear here one by one, the first within about a minute.")
        else:
            st.info("No sessions yet. Start with **New analysis**; the bundled samples work without a camera.")
        return
    if importing is not None and importing.clips:
        first = next((s for s in reversed(sessions) if s.clip_label == importing.clips[0]), None)
        if first is not None and st.button(f"Open the results of the sample {first.clip_label}",
                                           key="open-first-sample"):
            open_session(first.id)
    st.subheader("Latest sessions")
    for s in sessions[:8]:
        left, right = st.columns([5, 1])
        left.write(plain(f"{s.label} — {s.clip_label}"))
        if right.button("Open", key=f"open-{s.id}"):
            open_session(s.id)


def sample_progress(settings: Settings) -> None:
    """While the bundled samples are analysed in the background: how far it is (refreshed every 2 s)."""
    progress = read_progress(settings)
    if progress is not None and progress.running():
        _live_progress(settings)
    elif progress is not None and progress.failed:
        for clip, why in progress.failed.items():
            st.warning(f"Sample {clip} could not be analysed: {why}")


@st.fragment(run_every=2)
def _live_progress(settings: Settings) -> None:
    progress = read_progress(settings) or ImportProgress()
    seen = st.session_state.setdefault("_samples_seen", len(progress.done))
    if len(progress.done) != seen or not progress.running():
        st.session_state["_samples_seen"] = len(progress.done)
        st.rerun(scope="app")  # a new session is stored: every list on the page should show it
    st.progress(progress.fraction, text=progress_text(progress))


def progress_text(progress: ImportProgress) -> str:
    """``"Analysing the samples: 1 of 6 ready · before_side.mp4: Drawing the annotated replay (300/600)"``."""
    text = f"Analysing the bundled samples: {len(progress.done)} of {len(progress.clips)} ready"
    if progress.current:
        stage = STAGE_NAMES.get(progress.stage, progress.stage[:1].upper() + progress.stage[1:])
        counts = f" ({progress.stage_done}/{progress.stage_total})" if progress.stage_total > 1 else ""
        text += f" · {progress.current}: {stage}{counts}"
    return text
