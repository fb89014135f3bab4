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
from metrics.measure import analyze_track  # noqa: E402
from metrics.validation import event_errors, labelled_contact_time_ms, read_event_labels  # noqa: E402
from vision.extract import pose_track  # noqa: E402

VIDEOS = ROOT.parent / "shared" / "videos"
# Independent whole-clip truths (measured without a pose model; see SOURCES.md).
CLIP_TRUTH = {"zzzhushi_treadmill_side_portrait_30fps": {"cadence_spm": 168.9}}


def real_clips() -> list[tuple[Path, list[GaitEvent], dict]]:
    out = []
    for labels in sorted((VIDEOS / "groundtruth").glob("*.events.csv")):
        stem = labels.name.removesuffix(".events.csv")
        clip = VIDEOS / "incoming" / f"{stem}.mp4"
        if clip.is_file():
            events = read_event_labels(labels)
            truth = {"ground_contact_time_ms": labelled_contact_time_ms(events)} | CLIP_TRUTH.get(stem, {})
            out.append((clip, events, truth))
    return out


def synthetic_clips() -> list[tuple[Path, list[GaitEvent], dict]]:
    """Samples with a ``.truth.json``: events as ``{"foot", "kind", "frame", "time_s"}`` and metric values."""
    out = []
    for truth_path in sorted((ROOT / "sample_videos").glob("*.truth.json")):
        truth = json.loads(truth_path.read_text())
        clip = truth_path.with_name(truth_path.name.removesuffix(".truth.json") + ".mp4")
        if not clip.is_file():
            continue
        events = [GaitEvent(e["foot"], e["kind"], int(e["frame"]), float(e["time_s"])) for e in truth.get("events", [])]
        values = {k: v for k, v in truth.get("metrics", {}).items() if isinstance(v, (int, float))}
        out.append((clip, events, values))
    return out


def main() -> int:
    rows = [("clip", "fps", "event", "n", "median abs error (frames)", "within 1 frame", "within 2 frames", "mean bias (frames)")]
    metric_rows = [("clip", "metric", "measured", "truth", "error")]
    for clip, events, truth in real_clips() + synthetic_clips():
        track = pose_track(clip)
        analysis = analyze_track(track)
        for kind in ("initial_contact", "toe_off"):
            e = event_errors(analysis.events, events, kind)
            if not e.errors:
                continue
            rows.append((clip.stem, f"{track.fps:.0f}", kind, str(len(e.errors)), f"{e.median_abs:.1f}",
                         f"{100 * e.within(1):.0f}%", f"{100 * e.within(2):.0f}%", f"{e.bias:+.2f}"))
        for name, value in truth.items():
            m = analysis.metrics.get(name)
            measured = m.value if m else None
            error = f"{measured - value:+.2f}" if measured is not None else "not measured"
            metric_rows.append((clip.stem, name, f"{measured:.2f}" if measured is not None else "-", f"{value:g}", error))
    print(_table(rows))
    print()
    print(_table(metric_rows))
    return 0


def _table(rows: list[tuple[str, ...]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
