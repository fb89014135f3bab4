"""How long a correction of the events takes to show: a 30 s clip measured again from its pose track.

The 30 s track is the zzzhushi treadmill clip's pose track (12 s, 30 fps) played 2.5 times in a
row, so the work per frame is that of a real clip; no pose model runs.  Prints seconds per step
and the ratio to the one-second target of issue 11.

    PYTHONPATH=$PWD python benchmarks/review_recompute.py
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from metrics.measure import analyze, analyze_track
from metrics.review import move_event, reviewed_analysis
from stridescope import session_service as service
from stridescope.pipeline import analyze_clip
from stridescope.settings import load_settings
from stridescope.storage import NewSession, Repository
from vision.extract import pose_track

CLIP = Path(__file__).resolve().parents[1].parent / "shared/videos/incoming/zzzhushi_treadmill_side_portrait_30fps.mp4"
TARGET_S = 1.0


def long_track(seconds: float = 30.0):
    """The clip's track repeated to ``seconds``, timestamps continuing."""
    track = pose_track(CLIP)
    period = track.time_s[-1] + (track.time_s[1] - track.time_s[0])
    n = int(np.ceil(seconds / period))
    take = int(round(seconds * len(track.time_s) / period))
    tile = lambda a: np.concatenate([a] * n)[:take]  # noqa: E731
    time_s = np.concatenate([track.time_s + k * period for k in range(n)])[:take]
    return replace(track, time_s=time_s, frame_index=np.arange(take), image_xy=tile(track.image_xy),
                   world_xyz=tile(track.world_xyz), visibility=tile(track.visibility), presence=tile(track.presence))


def best_of(f, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    track = long_track()
    auto = analyze_track(track)
    edited = move_event(auto.events, auto.events[10], 1, track.time_s)
    print(f"track: {len(track.time_s)} frames, {track.time_s[-1]:.1f} s; {len(auto.events)} events")
    start = time.perf_counter()
    gait = analyze(track).gait
    print(f"the gait, cleaned once when the clip is analysed (stored as gait.npz): {time.perf_counter() - start:.3f} s")
    measure = best_of(lambda: reviewed_analysis(track, edited, source="benchmark", automatic=auto.events, gait=gait))
    print(f"measure again on corrected events: {measure:.3f} s  ({measure / TARGET_S:.2f} x the 1 s target)")

    with tempfile.TemporaryDirectory() as tmp:
        repo = Repository(load_settings({"STRIDESCOPE_DATA": str(Path(tmp) / "data")}))
        work = Path(tmp) / "work"
        _, analysis = analyze_clip(CLIP, work / "analysis")
        track.save(work / "analysis" / "pose.npz")  # the session holds the 30 s track and its gait
        gait.save(work / "analysis" / "gait.npz")
        (work / "clip").write_bytes(CLIP.read_bytes())
        sid = repo.add_session(NewSession("Benchmark", CLIP.name), work / "clip", work / "analysis",
                               service.analysis_meta(analysis))
        review = service.EventReview(auto.events, edited, [], [])
        stored = best_of(lambda: service.save_review(repo, repo.session(sid), review, {"action": "benchmark"},
                                                     track, gait))
        print(f"correction stored (measure again + write analysis.json, gait.npz, strides.csv, review; "
              f"new analysis row): {stored:.3f} s  ({stored / TARGET_S:.2f} x the 1 s target)")


if __name__ == "__main__":
    main()
