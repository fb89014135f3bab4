"""Everything for one analysed clip: replay, stills, plots, HTML, PDF and data exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from metrics.analysis import Analysis
from metrics.gait import Gait, build_gait
from reports import plots
from reports.content import ReportAssets
from reports.cycle import cycle_curves
from reports.export import export_all
from reports.html import render_html
from reports.pdf import write_pdf
from vision.track import PoseTrack

ANALYSIS_FILE, GAIT_FILE, POSE_FILE = "analysis.json", "gait.npz", "pose.npz"
StepProgress = Callable[[str], Callable[[int, int], None]]
"""Given a step's name, a ``progress(done, total)`` callback for it."""


@dataclass
class AnalysisFiles:
    """An analysis, the gait it was measured on and the raw pose track, as loaded from a folder."""

    analysis: Analysis
    gait: Gait
    track: PoseTrack
    folder: Path | None = None  # None for a stored session (its files are named by hash)

    @classmethod
    def load(cls, folder: str | Path) -> AnalysisFiles:
        folder = Path(folder)
        analysis, track = Analysis.load(folder / ANALYSIS_FILE), PoseTrack.load(folder / POSE_FILE)
        gait = Gait.load(folder / GAIT_FILE) if (folder / GAIT_FILE).is_file() else legacy_gait(analysis, track)
        return cls(analysis, gait, track, folder)


def legacy_gait(analysis: Analysis, track: PoseTrack) -> Gait:
    """The gait of an analysis folder written before ``gait.npz`` existed: rebuilt from its track
    with the view and scale it recorded (the only case where a report cleans landmarks)."""
    return build_gait(track.image_xy, track.time_s, track.visibility, tuple(track.frame_size),
                      analysis.view.get("kind"), analysis.scale.get("treadmill_speed_kmh"),
                      analysis.scale.get("height_cm"))


def report_plots(analysis: Analysis, gait: Gait) -> dict[str, bytes]:
    """The report's figures as PNG bytes, by name."""
    return {
        "gait_cycle": plots.png(plots.plot_gait_cycle({"": cycle_curves(analysis, gait)})),
        "per_stride": plots.png(plots.plot_per_stride(analysis)),
        "left_right": plots.png(plots.plot_left_right(analysis)),
        "timeline": plots.png(plots.plot_timeline(analysis, gait.stance_intervals())),
    }


def build_report(analysis: Analysis, gait: Gait, track: PoseTrack, out_dir: str | Path, clip: str | Path | None = None,
                 athlete: str = "", date: str | None = None, slow_motion: float = 1.0,
                 progress: StepProgress | None = None) -> dict[str, Path]:
    """Write ``replay.mp4``, ``stills/``, ``plots/``, ``report.html``, ``report.pdf`` and exports into ``out_dir``.

    Everything drawn comes from ``gait`` (cleaned landmarks, contacts, angles); ``track``
    (the raw landmarks) is only exported."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    step = progress or (lambda name: None)
    # Decoding and drawing (PyAV, OpenCV) load here, so tables and plots import without them.
    from reports.replay import write_replay
    from reports.stills import render_stills

    replay = write_replay(analysis, gait, out / "replay.mp4", clip=clip, slow_motion=slow_motion,
                                        progress=step("replay"))
    stills = render_stills(analysis, gait, out / "stills", clip=clip)
    figures = report_plots(analysis, gait)
    (out / "plots").mkdir(exist_ok=True)
    for name, data in figures.items():
        (out / "plots" / f"{name}.png").write_bytes(data)
    assets = ReportAssets(figures, stills, replay.path.name)
    html = out / "report.html"
    html.write_text(render_html(analysis, assets, athlete=athlete, date=date), encoding="utf-8")
    pdf = write_pdf(analysis, assets, out / "report.pdf", athlete=athlete, date=date)
    files = {"replay": replay.path, "html": html, "pdf": pdf, **export_all(analysis, gait, track, out)}
    files["stills"] = out / "stills"
    files["plots"] = out / "plots"
    return files
