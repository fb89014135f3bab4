"""What every page shares: the repository, moving between pages, the password gate."""

from __future__ import annotations

import logging
import re

import streamlit as st

from metrics.registry import SPECS
from stridescope.passwords import LoginThrottle
from stridescope.sample_import import importing
from stridescope.settings import Settings, load_settings
from stridescope.storage import Repository, SessionInfo
from vision.errors import InputError

# The measures shown first and trended over time, in the order a therapist reads them.
KEY_METRICS = tuple(s.name for s in SPECS if s.key)

@st.cache_resource
def _repository(settings: Settings) -> Repository:
    repo = Repository(settings)
    if not importing(settings):  # the samples' import owns its work in progress
        repo.collect_garbage()  # leftovers of an analysis interrupted by a crash or restart
    return repo


def repository() -> Repository:
    """The process's repository for the configured data folder (opened once; upgraded if older)."""
    try:
        return _repository(load_settings())
    except InputError as e:  # a database from a newer Stridescope: say so, change nothing
        st.error(plain(str(e)))
        st.stop()


# Markdown's active characters; "_" unless between letters or digits (as in before_side.mp4), where it
# cannot start or end emphasis; ":" before a word or "//" (Streamlit's :red[...] and :emoji:, and links
# made of typed URLs); the "." of "www." (ditto).
_MARKDOWN = re.compile(r"([\\`*{}\[\]<>()#+\-!|~$]|(?<![^\W_])_|_(?![^\W_])|:(?=[\w/])|(?<=www)\.)")


def plain(text: str) -> str:
    r"""``text`` from a user (a name, a note, a file name) made to show as typed where Streamlit reads Markdown.

    >>> print(plain("<b>Jo</b> *x* [a](javascript:1) my_run.mp4: http://x.org"))
    \<b\>Jo\</b\> \*x\* \[a\]\(javascript\:1\) my_run.mp4: http\://x.org
    """
    return _MARKDOWN.sub(r"\\\1", str(text))


def failure_message(error: Exception, what: str) -> str:
    """One message for any failure of ``what`` ("The analysis"): the input's problem, or an internal error.

    Internal errors are logged with their traceback for the server's operator, never shown as one.
    """
    if isinstance(error, InputError):
        return plain(str(error))
    logging.getLogger("stridescope").exception("%s failed", what)
    return plain(f"{what} failed because of an internal error ({type(error).__name__}: {error}). "
                 "Nothing was stored. Please report it, with the clip if you can share it.")


def go_to(page: str, **state) -> None:
    """Switch to ``page`` on the next run, setting session ``state`` first (e.g. ``session_id``)."""
    st.session_state.update(state)
    st.session_state["_goto"] = page
    st.rerun()


def current_page(pages: list[str]) -> str:
    """The page chosen in the sidebar (or by :func:`go_to`)."""
    if "_goto" in st.session_state:
        st.session_state["page"] = st.session_state.pop("_goto")
    return st.sidebar.radio("Go to", pages, key="page")


# The New analysis page's fields for what a capture note may say is needed (metrics.quality.NEEDS).
FIELDS = {
    "capture_fps": "Slow motion: frames per second the camera recorded at",
    "height_cm": "Runner's height (cm)",
    "treadmill_speed_kmh": "Treadmill speed (km/h)",
}


def how_to_give(needs: list[str]) -> str:
    """How the app takes what a capture note needs: "" when it needs nothing.

    >>> how_to_give(["height_cm"])
    "Analyse the clip again from *New analysis*, filling in: Runner's height (cm)."
    """
    if not needs:
        return ""
    return "Analyse the clip again from *New analysis*, filling in: " + "; ".join(FIELDS[n] for n in needs) + "."


# Stage names of the pipeline and reports, as a progress bar says them.
STAGE_NAMES = {
    "pose": "Finding the runner in each frame",
    "people": "Looking for everyone in view",
    "metrics": "Measuring each stride",
    "write": "Writing the measures",
    "replay": "Drawing the annotated replay",
}


def progress_bar(first_text: str):
    """A progress bar and its ``progress(stage, done, total)`` callback."""
    bar = st.progress(0.0, text=first_text)

    def update(stage: str, done: int, total: int) -> None:
        name = STAGE_NAMES.get(stage, stage[:1].upper() + stage[1:])
        counts = f" ({done}/{total})" if total > 1 else ""
        bar.progress(min(done / total, 1.0) if total else 0.0, text=name + counts)

    return bar, update


def table(rows: list[dict], wide: tuple[str, ...] = ()) -> None:
    """A table tall enough to show every row without scrolling inside it; the ``wide`` columns are drawn wider."""
    st.dataframe(rows, hide_index=True, width="stretch", height=36 * (len(rows) + 1) + 4,
                 column_config={name: st.column_config.Column(width="medium") for name in wide})


def fitted(width: int, height: int, max_height_px: int = 620, page_px: int = 1100):
    """A container narrow enough that a ``width`` x ``height`` picture is at most ``max_height_px`` tall.

    Portrait phone clips would otherwise fill several screens.
    """
    share = min(1.0, max_height_px * width / max(height, 1) / page_px)
    if share > 0.95:
        return st.container()
    return st.columns([share, 1 - share])[0]


@st.cache_resource
def _login_throttle() -> LoginThrottle:
    return LoginThrottle()  # one per process: more browser sessions do not buy more guesses


def password_ok(settings: Settings) -> bool:
    """True if no password is configured or this browser session gave the right one."""
    if not settings.password_hash or st.session_state.get("authenticated"):
        return True
    st.title("Stridescope")
    with st.form("login"):
        password = st.text_input("Access password", type="password")
        if st.form_submit_button("Enter"):
            throttle = _login_throttle()
            if throttle.check(password, settings.password_hash):
                st.session_state["authenticated"] = True
                st.rerun()
            st.error("That password is not right.")
            st.caption(f"After a wrong password the next attempt waits {throttle.wait_s():.0f} s.")
    return False


def session_picker(sessions: list[SessionInfo], label: str, key: str, default_index: int = 0) -> SessionInfo:
    """A select box of ``sessions`` returning the chosen one.

    The choice is remembered across pages (``{key}_last``) and can be set by
    :func:`open_session` or :func:`go_to` with ``{key}_open``.
    """
    ids = [s.id for s in sessions]
    wanted = st.session_state.pop(f"{key}_open", None)
    if wanted in ids:
        st.session_state[key] = wanted
    elif st.session_state.get(key) not in ids:
        last = st.session_state.get(f"{key}_last")
        st.session_state[key] = last if last in ids else ids[min(default_index, len(ids) - 1)]
    by_id = {s.id: s for s in sessions}
    chosen = st.selectbox(label, ids, key=key, format_func=lambda i: by_id[i].label)
    st.session_state[f"{key}_last"] = chosen
    return by_id[chosen]


def open_session(session_id: int) -> None:
    """Show the results of a stored session."""
    go_to("Results", results_session_open=session_id)
