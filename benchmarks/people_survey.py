"""What looking for everyone in view costs, next to the pose model's own pass over the clip.

For each clip: seconds of the ordinary pose pass (one person, every frame), of the survey (several people,
10 looks a second, tiles on wide frames) and, for the clips where the runner is followed anew, of that pass;
each without caches.  Prints each time and its ratio to the pose pass, and the load average, since other
work on the machine slows every figure.

    python benchmarks/people_survey.py [CLIP ...]   (default: three real clips in ../shared/videos/incoming)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.extract import pose_track  # noqa: E402
from vision.model import resolve_model  # noqa: E402
from vision.people import follow_runner  # noqa: E402
from vision.survey import survey  # noqa: E402
from vision.video import probe  # noqa: E402

INCOMING = ROOT.parent / "shared" / "videos" / "incoming"
CLIPS = ["zzzhushi_treadmill_side_portrait_30fps.mp4", "omartarek_overground_front_2people.mp4",
         "sports2d_walk_side_multiperson_demo.mp4"]


def seconds(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def main(clips: list[str]) -> None:
    bundle = resolve_model()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    print(f"{'clip':45} {'frames':>6} {'pose s':>7} {'survey s':>9} {'ratio':>6} {'refollow s':>11} {'ratio':>6}")
    for name in clips:
        path = Path(name) if Path(name).is_file() else INCOMING / name
        info = probe(path)
        pose_s, track = seconds(lambda: pose_track(path, use_cache=False))  # noqa: B023
        survey_s, _ = seconds(lambda: survey(info, bundle, track.source["sha256"], use_cache=False))  # noqa: B023
        total_s, followed = seconds(lambda: follow_runner(track.copy(), path, use_cache=False))  # noqa: B023
        refollow = f"{total_s - survey_s:11.1f} {(total_s - survey_s) / pose_s:6.2f}" \
            if followed.people.get("refollowed") else f"{'-':>11} {'-':>6}"
        print(f"{path.name:45} {track.n_frames:6d} {pose_s:7.1f} {survey_s:9.1f} {survey_s / pose_s:6.2f} {refollow}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(sys.argv[1:] or CLIPS)
