"""Pose extraction throughput per clip: decode-only, inference-only, end-to-end serial and parallel.

Prints, for every clip in ``../shared/videos/incoming`` (or the clips given):
decode-only fps, single-stream inference-only fps (frames already in memory),
end-to-end fps of the serial ``extract_pose`` (decoding overlapped with
inference; target >= 0.9 x inference) and of the chunked
``extract_pose_parallel`` on every core (target >= 1.7 x inference on 2
cores), both measured in the same run, and the peak resident memory of the
main process and of the largest worker.  ``idle×`` is a projection, not a
measurement: the serial run's CPU time over the parallel run's CPU time per
worker, i.e. the parallel/serial speed-up the chunking allows when every
worker has a core of its own (it counts warm-up frames, process start-up and
decoding; it cannot see memory-bandwidth contention).  Each clip runs in a fresh process so
peak memory is its own.  The machine's load average is printed first and
last: figures from a busy machine understate the speed-up.

    python benchmarks/pose_throughput.py [--workers N] [CLIP ...]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INCOMING = ROOT.parent / "shared" / "videos" / "incoming"
INFERENCE_FRAMES = 150  # frames held in memory for the inference-only figure


def measure(clip: str, workers: int) -> dict:
    from vision.extract import PoseEstimator, extract_pose
    from vision.model import resolve_model
    from vision.parallel import extract_pose_parallel
    from vision.video import iter_frames, probe

    info, bundle = probe(clip), resolve_model()
    start, cpu = time.perf_counter(), _cpu_s()
    chunked = extract_pose_parallel(info, bundle, workers)
    parallel = chunked.n_frames / (time.perf_counter() - start)
    parallel_cpu = _cpu_s() - cpu
    worker_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    start, cpu = time.perf_counter(), _cpu_s()
    track = extract_pose(info, bundle)
    end_to_end = track.n_frames / (time.perf_counter() - start)
    serial_cpu = _cpu_s() - cpu
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
        "parallel_fps": parallel, "speedup": parallel / inference, "worker_peak_mb": worker_peak_mb,
        "chunks": 1 + len(chunked.options.get("chunk_starts", [])),
        # On idle cores the chunks run side by side: the serial CPU time over the parallel CPU time per worker.
        "projected": serial_cpu / (parallel_cpu / workers) if chunked.options.get("chunk_starts") else 1.0,
        "detected_pct": 100 * track.detected_fraction,
    }


def _cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children (the pose workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str]) -> None:
    workers = os.cpu_count() or 1
    if argv[:1] == ["--workers"]:
        workers, argv = int(argv[1]), argv[2:]
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(argv[1], workers)))
        return
    clips = argv or sorted(str(p) for p in INCOMING.glob("*.mp4"))
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; parallel runs {workers} workers")
    print(f"{'clip':44} {'frames':>6} {'size':>10} {'decode':>7} {'infer':>6} {'e2e':>6} {'e2e/inf':>7} "
          f"{'par':>6} {'par/inf':>7} {'chunks':>6} {'idle×':>6} {'peak MB':>7} {'worker':>6} {'detected':>8}")
    speedups = []
    for clip in clips:
        out = subprocess.run([sys.executable, __file__, "--workers", str(workers), "--one", clip],
                             capture_output=True, text=True)
        if out.returncode:
            print(f"{Path(clip).name:44} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        speedups.append(r["speedup"])
        worker = f"{r['worker_peak_mb']:.0f}" if r["chunks"] > 1 else "-"  # too short to split: no workers
        print(f"{r['clip'][:44]:44} {r['frames']:6d} {r['size']:>10} {r['decode_fps']:7.0f} "
              f"{r['inference_fps']:6.1f} {r['end_to_end_fps']:6.1f} {r['ratio']:7.2f} "
              f"{r['parallel_fps']:6.1f} {r['speedup']:7.2f} {r['chunks']:6d} {r['projected']:6.2f} "
              f"{r['peak_mb']:7.0f} {worker:>6} {r['detected_pct']:7.1f}%")
    if speedups:
        print(f"median parallel/inference {sorted(speedups)[len(speedups) // 2]:.2f} (target >= 1.7 on 2 cores); "
              f"load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
