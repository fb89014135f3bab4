"""Pose extraction throughput per clip: decode-only, inference-only and end-to-end.

Prints, for every clip in ``../shared/videos/incoming`` (or the clips given):
decode-only fps, inference-only fps (frames already in memory), end-to-end fps
(``extract_pose``: decoding overlapped with inference), their ratio
(target >= 0.9) and the peak resident memory of the end-to-end run.
Each clip runs in a fresh process so peak memory is its own.

    python benchmarks/pose_throughput.py [CLIP ...]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INCOMING = ROOT.parent / "shared" / "videos" / "incoming"
INFERENCE_FRAMES = 150  # frames held in memory for the inference-only figure


def measure(clip: str) -> dict:
    from vision.extract import PoseEstimator, extract_pose
    from vision.model import resolve_model
    from vision.video import iter_frames, probe

    info, bundle = probe(clip), resolve_model()
    start = time.perf_counter()
    track = extract_pose(info, bundle)
    end_to_end = track.n_frames / (time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    start = time.perf_counter()
    frames = [(t, rgb) for _, t, rgb in iter_frames(info)]
    decode = len(frames) / (time.perf_counter() - start)
    frames = frames[:INFERENCE_FRAMES]

    with PoseEstimator(bundle) as estimate:
        estimate(*frames[0][::-1])  # graph start-up is not throughput
        start = time.perf_counter()
        for t, rgb in frames[1:]:
            estimate(rgb, t)
        inference = (len(frames) - 1) / (time.perf_counter() - start)
    return {
        "clip": Path(clip).name, "frames": track.n_frames, "size": f"{info.width}x{info.height}",
        "decode_fps": decode, "inference_fps": inference, "end_to_end_fps": end_to_end,
        "ratio": end_to_end / inference, "peak_mb": peak_mb,
        "detected_pct": 100 * track.detected_fraction,
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(argv[1])))
        return
    clips = argv or sorted(str(p) for p in INCOMING.glob("*.mp4"))
    print(f"{'clip':44} {'frames':>6} {'size':>10} {'decode':>8} {'infer':>7} {'e2e':>7} "
          f"{'e2e/inf':>7} {'peak MB':>8} {'detected':>8}")
    for clip in clips:
        out = subprocess.run([sys.executable, __file__, "--one", clip], capture_output=True, text=True)
        if out.returncode:
            print(f"{Path(clip).name:44} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['clip'][:44]:44} {r['frames']:6d} {r['size']:>10} {r['decode_fps']:8.0f} "
              f"{r['inference_fps']:7.1f} {r['end_to_end_fps']:7.1f} {r['ratio']:7.2f} "
              f"{r['peak_mb']:8.0f} {r['detected_pct']:7.1f}%")


if __name__ == "__main__":
    main(sys.argv[1:])
