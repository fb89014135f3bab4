"""How differently a change over the clip, and a clip value, read when the same real run is filmed a little differently.

The synthetic runners measure the error of a change against a known truth
(``change`` in metrics/accuracy.json), but a rendered runner lacks what makes
the pose model wander on real video.  A real clip has no true change, yet the
same run filmed a little differently must read the same change: each real side
running clip with enough strides is analysed as it is and under the metamorphic
transforms of :data:`benchmarks.metamorphic.TRANSFORMS` (mirrored, 30 and 25
fps, start trimmed by 1 s, x264 CRF 35, letterboxed; a frame rate at or above the
clip's own is skipped, it would be a plain re-encode), each encoded once per
machine and kept (``tests/conftest.py`` :func:`kept_transform`) and tracked by the
real pose model (cached).  Per measure, each version's change over the clip
(:func:`metrics.trend.drift`, both legs' strides: the change a finding states;
a trimmed version's scaled back to the whole clip's span) is compared with the
median over that run's versions; the 90th percentile of these deviations,
pooled over the clips, is the measure's real-video floor of a change
(:func:`metrics.trend.filming_floor`): a change's uncertainty takes the larger of
it and the synthetic runners' error of a change (:func:`metrics.accuracy.change_floor`).  Also printed: the
same per clip, left out in turn
(leave-one-clip-out: the floor a clip's own findings would get from the other
clip alone), the near leg's own change (the side-view confirmation), and which
versions' findings differ from the clip's own (under the floors in force when the
run started: after ``--write``, run again to see them under the new ones).

The same for the clip value of each measure with a reference band (``values`` in
the file): each version's value against the median over that run's versions, the
90th percentile pooled over the clips is the measure's real-video floor of a
value (:func:`metrics.accuracy.value_floor`), which a value's uncertainty, and so
a band finding, takes in (:func:`metrics.accuracy.error_floor`).  Printed beside it:
leave-one-clip-out, and the near leg's own value (which a side view's band
finding must also clear).  The measures in cm need a scale: each version is also
analysed given a runner of :data:`NOMINAL_HEIGHT_CM` (the clips' runners' heights
are not known; such a floor scales with the height), for the values only a scale gives.

Clips used (both TUNING clips of the event detector): zzzhushi_treadmill_side_portrait_30fps,
mhuang24_treadmill_side_portrait_60fps.  ``--write`` stores the figures in
metrics/filming_change.json.

    python benchmarks/filming_change.py [--write]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.metamorphic import TRANSFORMS  # noqa: E402
from metrics.measure import analyze_track  # noqa: E402
from metrics.registry import spec  # noqa: E402
from metrics.trend import FILMING_PATH  # noqa: E402
from tests.conftest import INCOMING, kept_transform  # noqa: E402
from vision.extract import pose_track  # noqa: E402

CLIPS = ("zzzhushi_treadmill_side_portrait_30fps.mp4", "mhuang24_treadmill_side_portrait_60fps.mp4")
PERCENTILE = 90
NOMINAL_HEIGHT_CM = 175.0  # the scale given for the measures in cm (overstride_cm, vertical_oscillation_cm)


Versions = dict[str, dict[str, dict[str, float | None]]]


def banded(name: str) -> bool:
    """Whether measure ``name`` has a reference band (its rules, the patterns and the foot-strike class compare
    values with it)."""
    r = (s := spec(name)) and s.reference
    return bool(r and (r.low is not None or r.high is not None))


def changes(clip: str) -> tuple[Versions, Versions, dict[str, list[str]]]:
    """``{version: {measure: {"change", "near_change"}}}`` of one real clip and its transformed versions,
    ``{version: {measure: {"value", "near_value"}}}`` of its measures with a band (those only a scale gives with
    :data:`NOMINAL_HEIGHT_CM`), and each version's findings (under the floors in force when the run started)."""
    src = INCOMING / clip
    out, values, findings, own_span, own_fps = {}, {}, {}, None, None
    for name in ("original", *TRANSFORMS):
        transform = TRANSFORMS.get(name)
        if transform is not None and transform.fps and own_fps and transform.fps >= own_fps - 0.5:
            continue
        track = pose_track(src if transform is None else kept_transform(src, name))
        span = float(track.time_s[-1] - track.time_s[0])
        if transform is None:
            own_span, own_fps = span, float(track.source["fps"])
        scale = own_span / span  # a trimmed clip's change, over the whole clip's span
        analysis = analyze_track(track)
        out[name] = {m: {"change": x.drift["change"] * scale,
                         "near_change": None if x.drift.get("near_change") is None else x.drift["near_change"] * scale}
                     for m, x in analysis.metrics.items() if x.drift}
        scaled = analyze_track(track, height_cm=NOMINAL_HEIGHT_CM).metrics
        values[name] = {m: {"value": x.value, "near_value": {"left": x.left, "right": x.right}.get(x.near_side)}
                        for m, x in (scaled | analysis.metrics).items() if x.value is not None and banded(m)}
        findings[name] = sorted(f.id for f in analysis.findings)
    return out, values, findings


def deviations(versions: dict[str, dict], measure: str, key: str = "change") -> list[float]:
    """|a version's change (or value, ``key``) - the median over the run's versions| of one measure."""
    values = [v[measure][key] for v in versions.values() if measure in v and v[measure][key] is not None]
    if len(values) < 3:
        return []
    mid = float(np.median(values))
    return [abs(x - mid) for x in values]


def stem(clip: str) -> str:
    return clip.removesuffix(".mp4")


def floor(devs: list[float]) -> float | None:
    return round(float(np.percentile(devs, PERCENTILE)), 3) if devs else None


def floors(runs: dict[str, Versions], key: str, near_key: str, title: str) -> dict[str, dict]:
    """Per measure, the pooled 90th percentile of ``key``'s deviations from each run's median (printed with the
    largest, leave-one-clip-out and the near leg's own), and each version's ``key``."""
    measures = sorted({m for versions in runs.values() for v in versions.values() for m in v})
    table = {}
    print(f"{title:32s} {'p90 pooled':>10s} {'max':>7s} {'n':>3s}  "
          + "  ".join(f"{'LOCO ' + c[:8]:>14s}" for c in CLIPS) + "  near leg p90")
    for m in measures:
        per_clip = {c: deviations(runs[c], m, key) for c in CLIPS}
        pooled = [d for devs in per_clip.values() for d in devs]
        if not pooled:
            continue
        near = [d for c in CLIPS for d in deviations(runs[c], m, near_key)]
        loco = {c: floor([d for o in CLIPS if o != c for d in per_clip[o]]) for c in CLIPS}
        table[m] = {"p90_abs": floor(pooled), "max_abs": round(max(pooled), 3), "runs": len(pooled),
                    "leave_one_clip_out": {stem(c): f for c, f in loco.items()},
                    f"{key}s": {stem(c): {v: round(x[m][key], 3) for v, x in runs[c].items() if m in x}
                                for c in CLIPS}}
        if near:
            table[m]["near_p90_abs"] = floor(near)
        print(f"{m:32s} {table[m]['p90_abs']:10.2f} {max(pooled):7.2f} {len(pooled):3d}  "
              + "  ".join(f"{loco[c] if loco[c] is not None else float('nan'):14.2f}" for c in CLIPS)
              + (f"  {floor(near):.2f}" if near else "  -"))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"store the figures in {FILMING_PATH.name}")
    args = parser.parse_args()
    runs, values, findings = {}, {}, {}
    for clip in CLIPS:
        runs[clip], values[clip], findings[clip] = changes(clip)
        differ = {v: f for v, f in findings[clip].items() if f != findings[clip]["original"]}
        print(f"{clip}: findings {findings[clip]['original']}; versions that differ: {differ or 'none'}")
    table = floors(runs, "change", "near_change", "change over the clip")
    value_table = floors(values, "value", "near_value", "clip value (measures with a band)")
    if args.write:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        FILMING_PATH.write_text(json.dumps({
            "date": date.today().isoformat(), "commit": commit, "clips": [stem(c) for c in CLIPS],
            "versions": ["original", *TRANSFORMS], "percentile": PERCENTILE, "measures": table,
            "values": value_table, "values_height_cm": NOMINAL_HEIGHT_CM}, indent=1, sort_keys=True) + "\n")
        print(f"wrote {FILMING_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
