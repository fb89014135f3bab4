"""Validation table: detected gait events and metrics against every labelled clip.

Real clips: hand-labelled events in ``../shared/videos/groundtruth/*.events.csv``
(and the pixel-measured cadence of the zzzhushi clip).  Synthetic samples:
``sample_videos/*.truth.json`` beside their clips, when present.

    STRIDESCOPE_CACHE=/tmp/sscache python benchmarks/validate.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from metrics.analysis import GaitEvent  # noqa: E402
from metrics.measure import SPECS, analyze_track  # noqa: E402
from metrics.validation import (  # noqa: E402
    event_errors,
    labelled_contact_time_ms,
    read_event_labels,
    truth_events,
)
from vision.extract import pose_track  # noqa: E402

VIDEOS = ROOT.parent / "shared" / "videos"
# Independent whole-clip truths (measured without a pose model; see SOURCES.md).
CLIP_TRUTH = {"zzzhushi_treadmill_side_portrait_30fps": {"cadence_spm": 168.9}}


def real_clips() -> list[tuple[Path, list[GaitEvent], dict, dict]]:
    out = []
    for labels in sorted((VIDEOS / "groundtruth").glob("*.events.csv")):
        stem = labels.name.removesuffix(".events.csv")
        clip = VIDEOS / "incoming" / f"{stem}.mp4"
        if clip.is_file():
            events = read_event_labels(labels)
            truth = {"ground_contact_time_ms": labelled_contact_time_ms(events)} | CLIP_TRUTH.get(stem, {})
            out.append((clip, events, truth, {}))
    return out


def synthetic_clips() -> list[tuple[Path, list[GaitEvent], dict, dict]]:
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
        out.append((clip, truth_events(truth), values, options))
    return out


def main() -> int:
    rows = [("clip", "fps", "event", "n", "median abs error (frames)", "within 1 frame", "within 2 frames",
             "mean bias (frames)", "missed")]
    metric_rows = [("clip", "metric", "measured", "truth", "error")]
    for clip, events, truth, options in real_clips() + synthetic_clips():
        track = pose_track(clip)
        analysis = analyze_track(track, **options)
        for kind in ("initial_contact", "toe_off"):
            e = event_errors(analysis.events, events, kind)
            if not e.errors:
                continue
            rows.append((clip.stem, f"{track.fps:.0f}", kind, str(len(e.errors)), f"{e.median_abs:.1f}",
                         f"{100 * e.within(1):.0f}%", f"{100 * e.within(2):.0f}%", f"{e.bias:+.2f}",
                         str(sum(x is None for x in e.errors))))
        for name, value in truth.items():
            if not _measurable(name, analysis.view["kind"]):
                continue
            m = analysis.metrics.get(name)
            measured = m.value if m else None
            error = f"{measured - value:+.2f}" if measured is not None else "not measured"
            shown = f"{measured:.2f}" if measured is not None else "-"
            metric_rows.append((clip.stem, name, shown, f"{value:.2f}", error))
    print(_table(rows))
    print()
    print(_table(metric_rows))
    return 0


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
