"""Validation table: detected gait events and cadence against every labelled clip.

Real clips, each marked TUNING (the event detector's constants were set on
it) or CHECKING (never tuned on; the figures that say how far to trust the
product).  The split was fixed before the gait-cycle prior was added:

* TUNING: ``zzzhushi_treadmill_side_portrait_30fps``, ``mhuang24_treadmill_side_portrait_60fps``
  (hand labels, ``../shared/videos/groundtruth/*.events.csv``);
* CHECKING: ``mhuang24_treadmill_side_lab_slowed`` (hand labels, heavy slow motion: cadence in
  video time), ``hato72_sprintstart_side_a1`` / ``_b13`` (the author's marks of one foot, no foot or
  event type given: see :func:`metrics.validation.author_marked_events`).

Synthetic samples (``sample_videos/*.truth.json``) follow, then, with
``--metamorphic``, the same clips transformed (mirrored, decimated, trimmed,
re-encoded, letterboxed): events must map onto the original's and cadence stay
within 1 %.  Each transformed clip costs a pose-model run.

    python benchmarks/validate.py [--metamorphic] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from metrics.analysis import GaitEvent  # noqa: E402
from metrics.measure import SPECS, analyze_track  # noqa: E402
from metrics.validation import (  # noqa: E402
    author_marked_events,
    event_errors,
    labelled_contact_time_ms,
    read_event_labels,
    truth_events,
)
from vision.extract import pose_track  # noqa: E402

VIDEOS = ROOT.parent / "shared" / "videos"
GROUNDTRUTH = VIDEOS / "groundtruth"
TUNING = ("zzzhushi_treadmill_side_portrait_30fps", "mhuang24_treadmill_side_portrait_60fps")
CHECKING = ("mhuang24_treadmill_side_lab_slowed", "hato72_sprintstart_side_a1", "hato72_sprintstart_side_b13")
# Independent whole-clip truths (measured without a pose model; see SOURCES.md).
CLIP_TRUTH = {"zzzhushi_treadmill_side_portrait_30fps": {"cadence_spm": 168.9}}


@dataclass
class Labelled:
    """A clip with its labelled events and whatever clip-level truths it has."""

    clip: Path
    events: list[GaitEvent]
    truth: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    role: str = "synthetic"
    one_foot: bool = False  # the labels follow one foot only (cadence from its strides)


def real_clips() -> list[Labelled]:
    out = []
    for stem in TUNING + CHECKING:
        clip = VIDEOS / "incoming" / f"{stem}.mp4"
        hand = GROUNDTRUTH / f"{stem}.events.csv"
        if not clip.is_file():
            continue
        if hand.is_file():
            events = read_event_labels(hand)
            truth = {"ground_contact_time_ms": labelled_contact_time_ms(events)} | CLIP_TRUTH.get(stem, {})
            one_foot = False
        else:
            events = author_marked_events(GROUNDTRUTH / "hato72_author_marked_contact_events.csv", clip.name)
            truth, one_foot = {}, True
        role = "TUNING" if stem in TUNING else "CHECKING"
        out.append(Labelled(clip, events, truth, {}, role, one_foot))
    return out


def synthetic_clips() -> list[Labelled]:
    """Samples with a ``.truth.json``: exact events, clip-level metric values, and the belt
    speed and height the analysis is given (as a therapist would type them)."""
    out = []
    for truth_path in sorted((ROOT / "sample_videos").glob("*.truth.json")):
        truth = json.loads(truth_path.read_text())
        clip = truth_path.with_name(truth_path.name.removesuffix(".truth.json") + ".mp4")
        if not clip.is_file():
            continue
        values = {name: m["value"] for name, m in truth["metrics"].items()}
        options = {"treadmill_speed_kmh": truth["params"]["belt_speed_kmh"],
                   "height_cm": 100 * truth["params"]["height_m"]}
        out.append(Labelled(clip, truth_events(truth), values, options))
    return out


def labelled_cadence(events: list[GaitEvent], one_foot: bool) -> float | None:
    """Steps per minute from labelled initial contacts: 60 (n-1) / (t_last - t_first), doubled
    when the labels follow one foot (their intervals are strides)."""
    times = sorted(e.time_s for e in events if e.kind == "initial_contact")
    if len(times) < 2:
        return None
    return (2 if one_foot else 1) * 60 * (len(times) - 1) / (times[-1] - times[0])


def match_tolerance(events: list[GaitEvent], one_foot: bool) -> int:
    """Frames within which a detection counts as the labelled event: a third of a step, 3 at least."""
    frames = sorted(e.frame for e in events if e.kind == "initial_contact")
    step = np.median(np.diff(frames)) / (2 if one_foot else 1) if len(frames) > 1 else 9
    return int(max(3, round(step / 3)))


def event_row(item: Labelled, analysis, fps: float) -> tuple[str, ...]:
    tol = match_tolerance(item.events, item.one_foot)
    ic = event_errors(analysis.events, item.events, "initial_contact", tol)
    to = event_errors(analysis.events, item.events, "toe_off", tol)
    cadence = analysis.metrics.get("cadence_spm")
    measured = cadence.value if cadence else None
    steps = [s.values["step_time_ms"] for s in analysis.strides if s.values.get("step_time_ms")]
    from_events = 60000 / np.mean(steps) if steps else None
    truth = item.truth.get("cadence_spm") or labelled_cadence(item.events, item.one_foot)
    cad_err = f"{100 * (measured - truth) / truth:+.1f}%" if measured and truth else "-"
    bridged = sum(e.kind == "initial_contact" and e.source == "interpolated" for e in analysis.events)
    return (item.clip.stem, item.role, f"{fps:.0f}", str(len(ic.errors)), str(bridged), _pct(ic.precision),
            _pct(ic.recall), _num(ic.median_abs), _pct(ic.within(2)), f"{ic.bias:+.1f}" if len(ic.matched) else "-",
            str(len(to.errors)), _pct(to.within(2)) if to.errors else "-",
            _num(measured), _num(from_events), _num(truth), cad_err, str(tol))


def _pct(x: float) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{100 * x:.0f}%"


def _num(x: float | None) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{x:.1f}"


EVENT_HEADER = ("clip", "role", "fps", "IC n", "IC bridged (interpolated)", "IC precision", "IC recall",
                "IC median abs err (fr)",
                "IC within 2 fr", "IC bias (fr)", "TO n", "TO within 2 fr", "cadence",
                "cadence from steps (check)", "cadence (labels)", "cadence error", "match tol (fr)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metamorphic", action="store_true", help="also transform each real clip (slow)")
    parser.add_argument("--only", metavar="TEXT", default="", help="only clips whose name contains TEXT")
    args = parser.parse_args()
    rows, metric_rows = [EVENT_HEADER], [("clip", "role", "metric", "measured", "truth", "error")]
    for item in [i for i in real_clips() + synthetic_clips() if args.only in i.clip.stem]:
        track = pose_track(item.clip)
        analysis = analyze_track(track, **item.options)
        rows.append(event_row(item, analysis, track.fps))
        for name, value in item.truth.items():
            if not _measurable(name, analysis.view["kind"]):
                continue
            m = analysis.metrics.get(name)
            if m is None and "(no scale given)" in next(sp.definition for sp in SPECS if sp.name == name) \
                    and analysis.scale.get("px_per_m"):
                continue  # a leg-length measure is given only where no scale is (its cm / m twin is)
            measured = m.value if m else None
            error = f"{measured - value:+.2f}" if measured is not None else "not measured"
            metric_rows.append((item.clip.stem, item.role, name, "-" if measured is None else f"{measured:.2f}",
                                f"{value:.2f}", error))
    print(_table(rows))
    print()
    print(_table(metric_rows))
    if args.metamorphic:
        print()
        print(_table(metamorphic_rows(args.only)))
    return 0


def metamorphic_rows(only: str = "") -> list[tuple[str, ...]]:
    """Every real labelled clip under every transform: events mapped back onto the original's."""
    from benchmarks.metamorphic import TRANSFORMS, compare_events, transform_clip

    rows = [("clip", "role", "transform", "IC mapped", "IC median abs shift (fr)", "cadence", "cadence change")]
    with tempfile.TemporaryDirectory() as tmp:
        for item in [i for i in real_clips() if only in i.clip.stem]:
            base = analyze_track(pose_track(item.clip))
            for name, transform in TRANSFORMS.items():
                out = transform_clip(item.clip, transform, Path(tmp) / f"{item.clip.stem}.{name}.mp4")
                changed = analyze_track(pose_track(out))
                c = compare_events(base, changed, transform)
                rows.append((item.clip.stem, item.role, name, _pct(c.mapped), _num(c.median_abs_shift),
                             _num(c.cadence), f"{c.cadence_change_pct:+.2f}%" if c.cadence else "-"))
    return rows


def _measurable(name: str, view: str) -> bool:
    """Whether Stridescope measures ``name`` in this view (truth files hold every metric for every view)."""
    return any(spec.name == name and view in spec.views for spec in SPECS)


def _table(rows: list[tuple[str, ...]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
