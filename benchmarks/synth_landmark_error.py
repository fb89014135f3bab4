"""Pose-model landmark error on the synthetic clips, against the generator's ground truth.

Prints, per clip (side/rear view), the detection rate and the median and 90th
percentile distance between detected and true landmarks, in pixels and in % of
body height, overall, for the lower limb (hips to toes) and per landmark group.

    STRIDESCOPE_CACHE=/tmp/sscache python benchmarks/synth_landmark_error.py [CLIP.mp4 ...]

Default clips: every ``sample_videos/*.mp4`` with a ``.truth.json`` beside it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from synth.accuracy import GROUPS, LOWER_LIMB, body_height_px, landmark_errors, summarise
from synth.clip import truth_path
from vision.extract import pose_track

ROOT = Path(__file__).resolve().parents[1]


def report(clip: Path) -> None:
    truth = json.loads(truth_path(clip).read_text())
    track = pose_track(clip)
    errors = landmark_errors(track, truth)
    height = body_height_px(truth)
    print(f"\n{clip.name}  view={truth['render']['view']}  detected {100 * track.detected.mean():.1f}% "
          f"of {track.n_frames} frames  body height {height:.0f} px")
    print(f"  {'group':<12}{'median px':>10}{'p90 px':>9}{'median %h':>11}{'p90 %h':>9}")
    rows = [("ALL", None), ("lower limb", LOWER_LIMB)] + [(g, (g,)) for g in GROUPS]
    for label, groups in rows:
        s = summarise(errors, height, groups)
        print(f"  {label:<12}{s['median_px']:>10.1f}{s['p90_px']:>9.1f}"
              f"{s['median_pct_height']:>11.2f}{s['p90_pct_height']:>9.2f}")


def main(argv: list[str]) -> int:
    clips = [Path(a) for a in argv] or sorted(p for p in (ROOT / "sample_videos").glob("*.mp4")
                                               if truth_path(p).is_file())
    for clip in clips:
        report(clip)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
