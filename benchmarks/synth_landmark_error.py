"""Pose-model landmark error on the synthetic clips, against the generator's ground truth.

Prints, per clip (side/rear view), the detection rate and the median and 90th
percentile distance between detected and true landmarks, in pixels and in % of
body height, overall, for the lower limb (hips to toes) and per landmark group.
For a rear view it also prints how the model's stance-leg pelvic obliquity and
knee FPPA follow the true ones in the true stances (gain: 1 = every true change
seen at full size; correlation): frame by frame, as labelled and with whole-body
side flips undone, and stride by stride (each stance's peak against the truth's
value, what a drift over the clip needs; :func:`synth.accuracy.frontal_following`):
where pelvic drop and knee collapse lose their size before event detection.

    STRIDESCOPE_CACHE=/tmp/sscache python benchmarks/synth_landmark_error.py [CLIP.mp4 ...]
    python benchmarks/synth_landmark_error.py --runs rear   # the cached varied rear runs (synth.runs)

Default clips: every ``sample_videos/*.mp4`` with a ``.truth.json`` beside it.
``--runs VIEW`` takes the varied-look runners of :func:`synth.runs.runs` in that
view that are already rendered (``benchmarks/drift.py --render`` renders them).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth.accuracy import (  # noqa: E402
    GROUPS,
    LOWER_LIMB,
    body_height_px,
    frontal_following,
    landmark_errors,
    summarise,
)
from synth.cache import default_dir, key, truth_of  # noqa: E402
from synth.clip import truth_path  # noqa: E402
from synth.runs import runs  # noqa: E402
from vision.extract import pose_track  # noqa: E402


def report(name: str, clip: Path, truth: dict) -> dict | None:
    """Print the clip's landmark errors (and frontal following in a rear view); return the latter."""
    track = pose_track(clip)
    errors = landmark_errors(track, truth)
    height = body_height_px(truth)
    view = truth["render"]["view"]
    print(f"\n{name}  view={view}  detected {100 * track.detected.mean():.1f}% "
          f"of {track.n_frames} frames  body height {height:.0f} px")
    print(f"  {'group':<12}{'median px':>10}{'p90 px':>9}{'median %h':>11}{'p90 %h':>9}")
    rows = [("ALL", None), ("lower limb", LOWER_LIMB)] + [(g, (g,)) for g in GROUPS]
    for label, groups in rows:
        s = summarise(errors, height, groups)
        print(f"  {label:<12}{s['median_px']:>10.1f}{s['p90_px']:>9.1f}"
              f"{s['median_pct_height']:>11.2f}{s['p90_pct_height']:>9.2f}")
    if view != "rear":
        return None
    following = frontal_following(track, truth)
    for quantity, by in following.items():
        print(f"  {quantity:<18}" + "  ".join(f"{label}: gain {g:5.2f} r {r:5.2f}" for label, (g, r) in by.items()))
    return following


def _median(values: list[float]) -> float:
    finite = [v for v in values if np.isfinite(v)]
    return float(np.median(finite)) if finite else float("nan")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="*", type=Path)
    ap.add_argument("--runs", choices=("side", "rear"), help="the cached varied-look runners of this view")
    args = ap.parse_args(argv)
    if args.runs:
        chosen = [(r.name, default_dir() / f"{key(r.params, r.settings)}.mp4", r) for r in runs()
                  if r.settings.view == args.runs]
        todo = [(name, clip, truth_of(r.params, r.settings)) for name, clip, r in chosen if clip.is_file()]
    else:
        clips = args.clips or sorted(p for p in (ROOT / "sample_videos").glob("*.mp4") if truth_path(p).is_file())
        todo = [(clip.name, clip, json.loads(truth_path(clip).read_text())) for clip in clips]
    found = [f for name, clip, truth in todo if (f := report(name, clip, truth))]
    if found:
        print(f"\nmedian over {len(found)} rear clips (in the true stances)")
        for quantity, by in found[0].items():
            print(f"  {quantity:<18}" + "  ".join(
                f"{label}: gain {_median([f[quantity][label][0] for f in found]):5.2f} "
                f"r {_median([f[quantity][label][1] for f in found]):5.2f}" for label in by))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
