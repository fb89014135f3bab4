"""The bundled samples analysed in the background, so the app opens at once.

``stridescope app --samples`` starts :func:`start` (a child process running
this module) and then the app; the child analyses each sample not stored yet
and writes where it is to ``samples-progress.json`` in the data folder, which
the app reads to show a progress bar.  The side-view sample the Results page
shows first is analysed first.

``python -m stridescope.sample_import`` runs the import in the foreground.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from stridescope.settings import Settings, load_settings

if TYPE_CHECKING:
    from stridescope.storage import NewSession

PROGRESS_FILE = "samples-progress.json"
# The plain runner first (its side view is what a new user should see first), then the
# before/after pair, each visit's side clip before its rear clip: the recording order a clinic has.
ORDER = ("runner", "before", "after")
VIEW_ORDER = ("side", "rear")
PATIENT = "Sample patient"
"""The athlete of the before/after samples (the plain runner is ``SAMPLE_ATHLETE``)."""


@dataclass
class ImportProgress:
    """Where the background import of the samples is."""

    pid: int = 0
    clips: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    current: str = ""
    stage: str = ""
    stage_done: int = 0
    stage_total: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    finished: bool = False
    updated: float = 0.0

    @property
    def fraction(self) -> float:
        """Share of the work done, counting the current clip's stage."""
        if not self.clips:
            return 1.0
        part = self.stage_done / self.stage_total if self.stage_total else 0.0
        return min(1.0, (len(self.done) + len(self.failed) + (0 if self.finished else part)) / len(self.clips))

    def running(self) -> bool:
        """True while the importing process is alive and not finished."""
        return not self.finished and _alive(self.pid)


def progress_path(settings: Settings) -> Path:
    return settings.data_dir / PROGRESS_FILE


def read_progress(settings: Settings) -> ImportProgress | None:
    """The last progress written, or None if no import was started in this data folder."""
    try:
        return ImportProgress(**json.loads(progress_path(settings).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def importing(settings: Settings) -> bool:
    """Whether the samples are being imported now (then their work folders must not be swept)."""
    progress = read_progress(settings)
    return progress is not None and progress.running()


def _write(settings: Settings, progress: ImportProgress) -> None:
    progress.updated = time.time()
    path = progress_path(settings)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(asdict(progress)))
    os.replace(part, path)  # the app never reads half a file


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a finished child the app never waits for is a zombie: not alive)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def ordered(clips: list[Path]) -> list[Path]:
    """The samples in the order to analyse them: runner, before, after; side before rear.

    >>> [p.name for p in ordered([Path(n) for n in ("after_rear.mp4", "before_side.mp4", "runner_rear.mp4",
    ...                                               "runner_side.mp4", "other.mp4")])]
    ['runner_side.mp4', 'runner_rear.mp4', 'before_side.mp4', 'after_rear.mp4', 'other.mp4']
    """
    def key(p: Path) -> tuple:
        who, _, view = p.stem.partition("_")
        return (ORDER.index(who) if who in ORDER else len(ORDER),
                VIEW_ORDER.index(view) if view in VIEW_ORDER else len(VIEW_ORDER), p.name)
    return sorted(clips, key=key)


def sample_new_session(clip: Path) -> NewSession:
    """What a therapist would type for a sample; the before/after clips are another athlete's visits."""
    from stridescope.session_service import sample_session

    new = sample_session(clip)
    return replace(new, athlete_name=PATIENT) if clip.stem.startswith(("before_", "after_")) else new


def import_in_foreground(settings: Settings) -> ImportProgress:
    """Analyse every bundled sample not stored yet, recording progress as it goes."""
    # Imported here so that the app's pages can read progress without loading the pipeline.
    from stridescope.session_service import analyse_file, sample_clips
    from stridescope.storage import Repository
    from vision.errors import InputError
    from vision.extract import file_sha256

    repo = Repository(settings)
    todo = [c for c in ordered(sample_clips(settings.samples_dir)) if not repo.has_clip(file_sha256(c))]
    state = ImportProgress(pid=os.getpid(), clips=[c.name for c in todo])
    _write(settings, state)
    last = 0.0
    for clip in todo:
        state.current, state.stage, state.stage_done, state.stage_total = clip.name, "starting", 0, 1

        def report(stage: str, done: int, total: int) -> None:
            nonlocal last
            state.stage, state.stage_done, state.stage_total = stage, done, total
            if time.monotonic() - last > 0.5 or done == total:  # a few writes a second at most
                last = time.monotonic()
                _write(settings, state)

        try:
            analyse_file(repo, clip, sample_new_session(clip), report)
            state.done.append(clip.name)
        except InputError as e:
            state.failed[clip.name] = str(e)
        except BaseException as e:  # end the progress bar rather than leave one that never moves
            if isinstance(e, Exception):  # a fault to report; Ctrl+C simply resumes at the next start
                state.failed[clip.name] = f"stopped: {type(e).__name__}: {e}"
            state.finished = True
            _write(settings, state)
            raise
        _write(settings, state)
    state.current, state.stage, state.finished = "", "", True
    _write(settings, state)
    return state


def start(settings: Settings) -> subprocess.Popen | None:
    """Start the import in a child process unless one is already running; returns it."""
    if importing(settings):
        return None
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "samples-import.log", "ab") as log:
        child = subprocess.Popen([sys.executable, "-m", "stridescope.sample_import"], stdout=log,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    _write(settings, ImportProgress(pid=child.pid))  # "running" from this moment, before the child starts
    return child


if __name__ == "__main__":
    import_in_foreground(load_settings())
