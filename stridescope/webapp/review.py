"""Reviewing a session's gait events: a timeline, a frame viewer, and controls to correct them.

Every correction is stored at once (:func:`stridescope.session_service.save_review`) and the
page shows the session measured again on the corrected events; the replay and report are
made again only when asked.  The same view makes labels: the events download in the
hand-label CSV format.
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
from matplotlib.figure import Figure

from metrics.analysis import Analysis, GaitEvent
from metrics.event_io import KIND_WORDS, events_csv_text
from metrics.review import add_event, delete_event, move_event, review_text
from reports.labels import title
from reports.plots import COLOURS, png
from stridescope import session_service as service
from stridescope.storage import Repository, SessionInfo
from stridescope.webapp.common import KEY_METRICS, fitted, progress_bar
from vision.errors import InputError
from vision.track import PoseTrack

USER_COLOUR = "#7b2cbf"  # events a person set
EXCLUDE_REASONS = ("stumble", "occlusion", "other")


# No spinners: these are called in the editing callbacks, where drawing anything is a point at which a newer
# click stops the callback (see _Editor).
@st.cache_resource(max_entries=4, show_spinner=False)
def _track(pose_file: str) -> PoseTrack:
    return PoseTrack.load(Path(pose_file))


@st.cache_resource(max_entries=4, show_spinner=False)
def _gait(session_id: int, _session: SessionInfo):
    """The session's stored gait (cleaned once), reused by each correction so it only measures again."""
    return service.session_gait(_session)


def event_key(e: GaitEvent) -> str:
    return f"{e.foot}|{e.kind}|{e.frame}"


def event_label(e: GaitEvent) -> str:
    mark = " ✎" if e.source == "user" else ""
    return f"frame {e.frame} · {e.foot} {KIND_WORDS[e.kind]} ({e.time_s:.3f} s){mark}"


_LABEL = re.compile(r"^frame (\d+) · (left|right) (.+?) \(")
_KINDS = {words: kind for kind, words in KIND_WORDS.items()}


def chosen_key(review: service.EventReview, value: str | None) -> str | None:
    """The key of the event the Event box's ``value`` names, where that event is now; None if it is gone.

    A click made while the page still shows the events before the last correction (the second click of a
    double click on "+1 frame") sends the box's value of then: the key, or the label, of the event at its
    frame of then.  That event is followed through the moves stored since, so the click edits what the user
    chose, and the box shows it where it went.
    >>> review = service.EventReview([], [GaitEvent("right", "toe_off", 8, 0.27)],
    ...                              history=[{"action": "move", "foot": "right", "kind": "toe_off", "frame": 7,
    ...                                        "to_frame": 8}])
    >>> chosen_key(review, "frame 7 · right toe-off (0.233 s)"), chosen_key(review, "left|toe_off|7")
    ('right|toe_off|8', None)
    """
    keys = {event_key(e) for e in review.events}
    if value is not None and (label := _LABEL.match(value)) and label[3] in _KINDS:
        value = f"{label[2]}|{_KINDS[label[3]]}|{label[1]}"
    if value in keys or value is None:
        return value
    moves = [(f"{h['foot']}|{h['kind']}|{h['frame']}", f"{h['foot']}|{h['kind']}|{h['to_frame']}")
             for h in review.history if h["action"] == "move"]
    last = max((i for i, (source, _) in enumerate(moves) if source == value), default=None)
    if last is None:
        return None
    for source, target in moves[last:]:
        value = target if source == value else value
    return value if value in keys else None


def chosen_event(review: service.EventReview, value: str | None) -> GaitEvent | None:
    """The event of ``review`` the Event box's ``value`` names (see :func:`chosen_key`)."""
    key = chosen_key(review, value)
    return next((e for e in review.events if event_key(e) == key), None)


class _Editor:
    """The edits behind the panel's buttons.

    Each reads the chosen event and the current frame when clicked (not when the button was drawn), so a
    click that races a rerun edits what the user sees now.  Reading, changing and storing the events is one
    step under :func:`stridescope.session_service.editing`, with nothing drawn and no session state touched
    inside it: Streamlit starts each click's run at once, in a new thread, and stops the run still going at
    its next such call, so the callbacks of a double click run side by side, and one stopped halfway could
    leave the store half-changed.  What the page shows next is set after the edit is stored; when a newer
    click stops that, :func:`chosen_key` finds the moved event from the stored history.
    """

    def __init__(self, repo: Repository, session: SessionInfo, n_frames: int):
        self.repo, self.session_id, self.last = repo, session.id, n_frames - 1
        self.frame_key, self.event_key = f"review-frame-{session.id}", f"review-event-{session.id}"
        self.foot_key, self.kind_key = f"review-foot-{session.id}", f"review-kind-{session.id}"
        self.stride_key, self.reason_key = f"review-stride-{session.id}", f"review-reason-{session.id}"
        self.message_key = f"review-message-{session.id}"

    def _state(self) -> tuple[SessionInfo, service.EventReview, PoseTrack]:
        session = self.repo.session(self.session_id)
        pose_file = str(session.file(service.POSE_FILE))
        return session, service.event_review(session), _track(pose_file)

    def show_frame(self, frame: int) -> None:
        st.session_state[self.frame_key] = min(max(frame, 0), self.last)

    def step(self, delta: int) -> None:
        self.show_frame(st.session_state[self.frame_key] + delta)

    def go_to_event(self) -> None:
        value = st.session_state.get(self.event_key)
        _, review, _ = self._state()
        if (e := chosen_event(review, value)) is not None:
            self.show_frame(e.frame)

    def _save(self, edit) -> None:
        """Apply ``edit(review, time_s) -> (events, excluded, action, event to choose or None, frame to show or
        None)``, or None for nothing to do, to the stored review and store it; then show what it did."""
        try:
            with service.editing(self.session_id):
                session, review, track = self._state()
                if (made := edit(review, track.time_s)) is None:
                    return
                events, excluded, action, choose, frame = made
                edited = service.EventReview(review.automatic, events, excluded, review.history)
                service.save_review(self.repo, session, edited, action, track, _gait(session.id, session))
        except InputError as e:
            st.session_state[self.message_key] = ("error", str(e))
            return
        st.session_state[self.message_key] = ("ok", f"Saved: {action['text']}. Measures updated.")
        if frame is not None:
            self.show_frame(frame)
        if choose is not None:
            st.session_state[self.event_key] = choose

    def move(self, delta: int) -> None:
        value = st.session_state.get(self.event_key)

        def edit(review, time_s):
            if (e := chosen_event(review, value)) is None:
                return None
            excluded = [(f, n + delta) if (f, n) == (e.foot, e.frame) and e.kind == "initial_contact" else (f, n)
                        for f, n in review.excluded]
            action = {"action": "move", "foot": e.foot, "kind": e.kind, "frame": e.frame, "to_frame": e.frame + delta,
                      "text": f"{describe_short(e)} moved to frame {e.frame + delta}"}
            return (move_event(review.events, e, delta, time_s), excluded, action,
                    f"{e.foot}|{e.kind}|{e.frame + delta}", e.frame + delta)

        self._save(edit)

    def delete(self) -> None:
        value = st.session_state.get(self.event_key)

        def edit(review, time_s):
            if (e := chosen_event(review, value)) is None:
                return None
            action = {"action": "delete", "foot": e.foot, "kind": e.kind, "frame": e.frame,
                      "text": f"{describe_short(e)} deleted"}
            return (delete_event(review.events, e, time_s), [x for x in review.excluded if x != (e.foot, e.frame)],
                    action, None, None)

        self._save(edit)

    def add(self) -> None:
        foot, kind = st.session_state[self.foot_key], st.session_state[self.kind_key]
        frame = st.session_state[self.frame_key]
        action = {"action": "add", "foot": foot, "kind": kind, "frame": frame,
                  "text": f"{foot} {KIND_WORDS[kind]} added at frame {frame}"}
        self._save(lambda review, time_s: (add_event(review.events, foot, kind, frame, time_s), review.excluded,
                                           action, f"{foot}|{kind}|{frame}", None))

    def exclude(self, include: bool) -> None:
        foot, frame = st.session_state[self.stride_key]
        reason = st.session_state.get(self.reason_key, "")
        if include:
            action = {"action": "include", "foot": foot, "frame": frame,
                      "text": f"{foot} stride from frame {frame} included again"}
        else:
            action = {"action": "exclude", "foot": foot, "frame": frame, "reason": reason,
                      "text": f"{foot} stride from frame {frame} excluded ({reason})"}
        self._save(lambda review, time_s: (
            review.events, [x for x in review.excluded if x != (foot, frame)] + ([] if include else [(foot, frame)]),
            action, None, None))

    def revert(self) -> None:
        service.revert_to_automatic(self.repo, self.repo.session(self.session_id))
        st.session_state[self.message_key] = ("ok", "Back to the automatic events.")


def show(repo: Repository, session: SessionInfo, analysis: Analysis, stepper) -> None:
    """The review panel of ``session`` (whose current analysis is ``analysis``)."""
    review = service.event_review(session)
    n_frames = len(_track(str(session.file(service.POSE_FILE))).time_s)
    edit = _Editor(repo, session, min(n_frames, stepper.n_frames))
    st.session_state.setdefault(edit.frame_key, 0)
    message = st.session_state.pop(edit.message_key, None)
    # Always drawn, so that a message does not move the widgets below it: a moved widget is drawn anew while
    # the old one stays on the page, greyed, until the run ends (two Event boxes during the run after an edit).
    notice = st.empty()
    if message:
        (notice.error if message[0] == "error" else notice.success)(message[1])

    st.markdown(measured_line(analysis))
    st.image(timeline_png(analysis, review, st.session_state[edit.frame_key], n_frames), width="stretch")
    viewer, controls = st.columns([5, 4])
    with viewer:
        prev, slider, nxt = st.columns([2, 8, 2])
        prev.button("◀", on_click=edit.step, args=(-1,), key=f"review-prev-{session.id}", help="previous frame")
        nxt.button("▶", on_click=edit.step, args=(1,), key=f"review-next-{session.id}", help="next frame")
        index = slider.slider("Frame", 0, edit.last, key=edit.frame_key, label_visibility="collapsed")
        frame = stepper.frame(index)
        with fitted(frame.shape[1], frame.shape[0], max_height_px=520, page_px=600):
            st.image(frame, caption=f"Frame {index} of {edit.last} · {stepper.time_of(index):.3f} s",
                     width="stretch")

    with controls:
        st.markdown("**Events**")
        by_key = {event_key(e): e for e in review.events}
        _chosen_event_in_box(edit, review, index)
        st.selectbox("Event", list(by_key), key=edit.event_key, format_func=lambda k: event_label(by_key[k]))
        if review.events:
            go, back, fwd, rm = st.columns(4)
            go.button("Go to", on_click=edit.go_to_event, key=f"review-goto-{session.id}", width="stretch")
            back.button("−1 frame", on_click=edit.move, args=(-1,), key=f"review-back-{session.id}", width="stretch")
            fwd.button("+1 frame", on_click=edit.move, args=(1,), key=f"review-fwd-{session.id}", width="stretch")
            rm.button("Delete", on_click=edit.delete, key=f"review-delete-{session.id}", width="stretch",
                      help="an initial contact is deleted with its toe-off")

        st.markdown(f"**Add at frame {index}**")
        foot_col, kind_col, add_col = st.columns([3, 4, 3])
        foot_col.radio("Foot", ("left", "right"), key=edit.foot_key)
        kind_col.radio("Event kind", ("initial_contact", "toe_off"), key=edit.kind_key,
                       format_func=lambda k: KIND_WORDS[k])
        add_col.button("Add", on_click=edit.add, key=f"review-add-{session.id}", width="stretch")

        _strides(edit, analysis, review)
        _provenance(edit, session, analysis, review)


def _chosen_event_in_box(edit: _Editor, review: service.EventReview, frame: int) -> None:
    """Point the Event box at an event of ``review`` before it is drawn: the one it names, followed to where
    it was moved (:func:`chosen_key`), else, as after a deletion, the event nearest ``frame``.

    A box whose value is not among its options would be reset by Streamlit to the first event of the clip.
    """
    value = st.session_state.get(edit.event_key)
    key = chosen_key(review, value)
    if key is None and review.events:
        key = event_key(min(review.events, key=lambda e: abs(e.frame - frame)))
    if key != value:
        st.session_state[edit.event_key] = key


def measured_line(analysis: Analysis) -> str:
    """The timing measures on these events, to more digits than the headline (a correction may move them little)."""
    parts = []
    for name, label, digits in (("cadence_spm", "cadence", 2), ("ground_contact_time_ms", "ground contact time", 1)):
        m = analysis.metrics.get(name)
        if m is not None and m.value is not None:
            parts.append(f"{label} **{m.value:.{digits}f} {m.unit}** ({m.n_strides} strides)")
    n_ic = sum(e.kind == "initial_contact" for e in analysis.events)
    return (f"On these events ({n_ic} initial contacts, {len(analysis.events) - n_ic} toe-offs): "
            + ", ".join(parts or ["no stride could be timed"]))


def describe_short(e: GaitEvent) -> str:
    """``"left toe-off at frame 11"``."""
    return f"{e.foot} {KIND_WORDS[e.kind]} at frame {e.frame}"


def _strides(edit: _Editor, analysis: Analysis, review: service.EventReview) -> None:
    """Leave a stride out of every measure (a stumble, an occlusion), or take it back in."""
    st.markdown("**Strides**")
    measured = [(s.foot, s.initial_contact_frame) for s in analysis.strides]
    options = sorted(set(measured) | set(review.excluded), key=lambda x: x[1])
    if not options:
        return
    pick, reason_col, button_col = st.columns([4, 3, 3])
    chosen = pick.selectbox("Stride", options, key=edit.stride_key,
                            format_func=lambda x: f"{x[0]} from frame {x[1]}"
                            + (" (excluded)" if x in review.excluded else ""))
    if chosen in review.excluded:
        button_col.button("Include", key=f"review-include-{edit.session_id}", width="stretch",
                          on_click=edit.exclude, args=(True,))
    else:
        reason_col.selectbox("Reason", EXCLUDE_REASONS, key=edit.reason_key)
        button_col.button("Exclude", key=f"review-exclude-{edit.session_id}", width="stretch",
                          on_click=edit.exclude, args=(False,))


def _provenance(edit: _Editor, session: SessionInfo, analysis: Analysis, review: service.EventReview) -> None:
    st.markdown("**Provenance**")
    text = review_text(analysis)
    st.caption(text[0].upper() + text[1:] if text else "Automatic events: nobody has changed them.")
    if review.history:
        with st.expander(f"History ({len(review.history)} changes)"):
            for h in reversed(review.history):
                st.caption(f"{h['at']} · {h.get('text', h['action'])}")
    st.download_button("Download events (CSV, label format)", events_csv_text(analysis.events), on_click="ignore",
                       file_name=f"{Path(session.clip_label).stem}.events.csv", mime="text/csv",
                       key=f"review-csv-{session.id}")
    if review.changed or analysis.events_review:
        st.button("Back to automatic events", key=f"review-revert-{session.id}", on_click=edit.revert)


def stale_reports_notice(repo: Repository, session: SessionInfo, where: str) -> None:
    """Offer to make the replay and report again when they show older events than the measures."""
    review = service.event_review(session)
    if review.reports_current:
        return
    st.warning("The replay, report and exports still show the events before your corrections.")
    if st.button("Regenerate replay and report", key=f"regenerate-{session.id}-{where}"):
        bar, progress = progress_bar("Drawing the replay…")
        service.regenerate_reports(repo, session, progress)
        bar.empty()
        st.rerun()


def live_plots(analysis: Analysis) -> None:
    """Per-stride values of the key measures on the corrected events, drawn by the browser (no waiting
    for the report's figures, which come with the report)."""
    st.caption("Per-stride values on the corrected events; the report's figures are made with the report.")
    for name in KEY_METRICS:
        rows = [{"start (s)": s.start_s, "value": s.values[name], "foot": s.foot}
                for s in analysis.strides if s.values.get(name) is not None]
        if rows:
            unit = analysis.metrics[name].unit if name in analysis.metrics else ""
            st.markdown(f"**{title(name)}** ({unit})")
            st.scatter_chart(rows, x="start (s)", y="value", color="foot", height=220)


def timeline_png(analysis: Analysis, review: service.EventReview, frame: int, n_frames: int) -> bytes:
    """Every initial contact and toe-off per foot over the clip: stance bars, event ticks, the current frame."""
    fig = Figure(figsize=(12, 1.6), dpi=100)
    ax = fig.subplots()
    rows = {"left": 1, "right": 0}
    excluded = set(review.excluded)
    for foot, y in rows.items():
        mine = sorted((e for e in analysis.events if e.foot == foot), key=lambda e: e.frame)
        start = 0 if mine and mine[0].kind == "toe_off" else None
        for e in mine:
            if e.kind == "initial_contact":
                start = e.frame
            elif start is not None:
                hatch = "//" if (foot, start) in excluded else None
                ax.barh(y, e.frame - start + 1, left=start, height=0.5, color=COLOURS[foot], alpha=0.35,
                        hatch=hatch, edgecolor="black" if hatch else None)
                start = None
            marker = "v" if e.kind == "initial_contact" else "^"
            ax.plot(e.frame, y + (0.33 if e.kind == "initial_contact" else -0.33), marker,
                    color=USER_COLOUR if e.source == "user" else COLOURS[foot], markersize=6,
                    markeredgecolor="black", markeredgewidth=0.5)
        if start is not None:
            ax.barh(y, n_frames - start, left=start, height=0.5, color=COLOURS[foot], alpha=0.2)
    ax.axvline(frame, color="black", linewidth=1.2)
    ax.set_yticks(list(rows.values()), [f"{f} foot" for f in rows])
    ax.set_xlim(0, n_frames - 1)
    ax.set_ylim(-0.7, 1.7)
    ax.set_xlabel("frame  (▼ initial contact, ▲ toe-off; purple = set by a person; hatched = stride excluded)")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    return png(fig, dpi=100)

