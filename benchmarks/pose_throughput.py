"""Pose extraction throughput per clip: single-stream inference against chunked extraction on every core.

For every clip given (default: a representative few of ``../shared/videos/incoming``
and of ``sample_videos``), each in a fresh process so start-up and peak memory are its own:

  infer    single-stream inference fps: 150 frames already decoded, one landmarker (the first frame,
           graph start-up, not counted); ``ms`` is its CPU time per frame, all threads counted
  dec, rgb load-insensitive: CPU ms per frame to decode the clip on one thread (as a chunk does) and to
           turn a decoded frame into the upright RGB array the model takes; with ``ms`` they make up
           nearly all of a serial frame's CPU, so they set ``limit``
  serial   end-to-end ``extract_pose`` fps (decoding in a thread ahead of the model) / infer
  cold     ``PosePool.extract`` on a new pool, worker spawn, imports and model load included
           (a one-off ``stridescope analyze``) / infer
  warm     the same clip again on the pool now warm (what the app and a batch see after their
           first clip) / infer;  target >= 1.7 on 2 cores (the limit is 2)
  cores    CPU seconds of parent + workers over the warm run's wall time: 2.0 on two cores means both
           were ours all the time; less means waiting, or other programs on the machine
  extra    CPU time of the warm run's chunks over that of the serial run: the work chunking adds
           (warm-ups, lead-ins, a landmarker's first frame per chunk); load-insensitive
  limit    load-insensitive: the most ``workers`` cores can give over single-stream inference once
           decoding is counted: workers x inference CPU / the serial run's CPU (decoding included)
  proj     load-insensitive: frames x single-stream inference CPU per frame / CPU time of the busiest
           chunk, i.e. the warm speed-up if each chunk had an idle core of its own (it counts decoding,
           warm-up and lead-in frames, a landmarker's first frame; not memory-bandwidth contention)
  peak MB  peak resident memory of the parent plus the largest worker's times the workers (an upper
           bound of their sum), over the parallel runs
  load     the machine's 1-minute load average when the clip started and ended (wall-clock ratios
           from a loaded machine understate the speed-up; ``proj`` does not depend on it)

Then, per clip, where the warm run's time went chunk by chunk, and the cold workers' start-up.

    python benchmarks/pose_throughput.py [--workers N] [CLIP ...]
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INCOMING = ROOT.parent / "shared" / "videos" / "incoming"
DEFAULT_CLIPS = [INCOMING / "mhuang24_treadmill_side_lab_slowed.mp4",  # 949 frames, 480x360
                 INCOMING / "sports2d_walk_side_demo4.mp4",  # 401 frames, 1280x720
                 INCOMING / "mhuang24_treadmill_side_portrait_60fps.mp4",  # 388 frames, 1080x1920
                 INCOMING / "zzzhushi_treadmill_side_portrait_30fps.mp4",  # 360 frames, 720x1280
                 INCOMING / "hato72_sprintstart_side_a1.mp4",  # 228 frames, 1280x720
                 INCOMING / "omartarek_overground_front_2people.mp4",  # 169 frames: too short to split
                 ROOT / "sample_videos" / "runner_side.mp4"]  # 600 frames, 1280x720, synthetic
INFERENCE_FRAMES = 150


def _cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _children_cpu_s() -> float:
    """CPU seconds of the living children (the pool workers), all threads."""
    import psutil

    total = 0.0
    for p in psutil.Process().children(recursive=True):
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            continue
    return total


def reading_cpu_ms(info) -> tuple[float, float]:
    """CPU ms per frame to decode the clip on one thread, and to convert a decoded frame to upright RGB."""
    from vision.video import _open, _video_stream, upright_rgb

    spent = {}
    for convert in (False, True):
        with _open(Path(info.path)) as container:
            stream = _video_stream(container, Path(info.path))
            stream.thread_count = 1
            cpu, n = _cpu_s(), 0
            for frame in container.decode(stream):
                if convert:
                    upright_rgb(frame, info.rotation)
                n += 1
            spent[convert] = (_cpu_s() - cpu) / max(n, 1)
    return 1000 * spent[False], 1000 * (spent[True] - spent[False])


def measure(clip: str, workers: int) -> dict:
    import psutil

    from vision.extract import PoseEstimator, extract_pose
    from vision.model import resolve_model
    from vision.parallel import PosePool, plan
    from vision.video import iter_frames, probe

    load_start = os.getloadavg()[0]
    Path(clip).read_bytes()  # into the page cache: the first run should not pay for the disk
    info, bundle = probe(clip), resolve_model()
    start = time.perf_counter()
    chunking = plan(info, workers)
    plan_s = time.perf_counter() - start
    pool = PosePool(workers)
    created = time.time()
    start = time.perf_counter()
    cold = pool.extract(info, bundle, chunking=chunking)
    cold_s = time.perf_counter() - start
    pool.start(bundle, wait=True)  # the spare landmarkers built after the cold run
    starts = [{"spawn_import_s": w.initialised - max(created, psutil.Process(w.pid).create_time()),
               "landmarker_s": w.ready - w.initialised} for w in pool.started]
    runs, cpu, children = [], _cpu_s(), _children_cpu_s()
    start = time.perf_counter()
    warm = pool.extract(info, bundle, chunking=chunking, runs=runs)
    warm_s, returned = time.perf_counter() - start, time.time()
    warm_cpu = _cpu_s() - cpu + _children_cpu_s() - children
    pool.close()
    peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
               + (workers - 1) * resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024

    start, cpu = time.perf_counter(), _cpu_s()
    serial = extract_pose(info, bundle)
    serial_s, serial_cpu = time.perf_counter() - start, _cpu_s() - cpu
    frames = [(t, rgb) for (_, t, rgb), _ in zip(iter_frames(info), range(INFERENCE_FRAMES))]
    with PoseEstimator(bundle) as estimate:
        estimate(*frames[0][::-1])  # graph start-up is not throughput
        start, cpu = time.perf_counter(), _cpu_s()
        for t, rgb in frames[1:]:
            estimate(rgb, t)
        inference_s, inference_cpu = time.perf_counter() - start, _cpu_s() - cpu
    decode_ms, rgb_ms = reading_cpu_ms(info)
    per_frame_s, per_frame_cpu = inference_s / (len(frames) - 1), inference_cpu / (len(frames) - 1)
    half = {k: getattr(warm, k)[: warm.n_frames // 2] for k in ("time_s", "frame_index", "image_xy", "world_xyz",
                                                                 "visibility", "presence")}
    start = time.perf_counter()
    pickled = len(pickle.dumps(half))
    pickle_s = time.perf_counter() - start
    ends = [r.began + r.wall_s for r in runs]
    inference_fps = 1 / per_frame_s
    return {
        "clip": Path(clip).name, "frames": info.n_frames, "size": f"{info.width}x{info.height}",
        "chunks": [[c.warmup, c.start, c.stop] for c in chunking.chunks],
        "parallel": bool(warm.options.get("chunk_starts")),
        "inference_fps": inference_fps, "inference_cpu_ms": 1000 * per_frame_cpu,
        "inference_cpu_share": inference_cpu / inference_s,
        "decode_cpu_ms": decode_ms, "rgb_cpu_ms": rgb_ms,
        "serial_fps": serial.n_frames / serial_s, "cold_fps": cold.n_frames / cold_s,
        "warm_fps": warm.n_frames / warm_s,
        "cores": warm_cpu / warm_s, "peak_mb": peak_mb, "extra": sum(r.cpu_s for r in runs) / serial_cpu,
        "projected": info.n_frames * per_frame_cpu / max((r.cpu_s for r in runs), default=float("nan")),
        "limit": workers * info.n_frames * per_frame_cpu / serial_cpu,
        "plan_s": plan_s, "stitch_s": returned - max(ends, default=returned), "pickle_kb": pickled / 1024,
        "pickle_ms": 1000 * pickle_s, "worker_starts": starts,
        "runs": [{"process": "parent" if r.pid == os.getpid() else "worker", "inferred": r.chunk.stop - r.chunk.warmup,
                  "warmup": r.chunk.start - r.chunk.warmup, "lead_in": r.lead_in, "landmarker_s": r.landmarker_s,
                  "seek_s": r.first_frame_s, "loop_s": r.wall_s - r.landmarker_s - r.first_frame_s,
                  "cpu_s": r.cpu_s, "idle_end_s": max(ends) - (r.began + r.wall_s)} for r in runs],
        "load": [load_start, os.getloadavg()[0]],
    }


def main(argv: list[str]) -> None:
    workers = os.cpu_count() or 1
    if argv[:1] == ["--workers"]:
        workers, argv = int(argv[1]), argv[2:]
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(argv[1], workers)))
        return
    clips = argv or [str(c) for c in DEFAULT_CLIPS if c.is_file()]
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; parallel on {workers} cores")
    print(f"{'':34} {'':6} {'':9} {'fps':>10} {'':8} {'':6} {'fps':>11} {'fps':>11}")
    print(f"{'clip':34} {'frames':>6} {'size':>9} {'infer':>5} {'ms':>4} {'dec':>3} {'rgb':>4} {'serial':>6} "
          f"{'cold':>5} {'/inf':>5} "
          f"{'warm':>5} {'/inf':>5} {'cores':>5} {'extra':>5} {'limit':>5} {'proj':>5} {'peak MB':>7} {'load':>9}")
    results = []
    for clip in clips:
        out = subprocess.run([sys.executable, __file__, "--workers", str(workers), "--one", clip],
                             capture_output=True, text=True)
        if out.returncode:
            print(f"{Path(clip).name[:34]:34} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        results.append(r := json.loads(out.stdout.strip().splitlines()[-1]))
        ratio = {k: r[f"{k}_fps"] / r["inference_fps"] for k in ("serial", "cold", "warm")}
        print(f"{r['clip'][:34]:34} {r['frames']:6d} {r['size']:>9} {r['inference_fps']:5.1f} "
              f"{r['inference_cpu_ms']:4.0f} {r['decode_cpu_ms']:3.0f} {r['rgb_cpu_ms']:4.1f} {ratio['serial']:6.2f} "
              f"{r['cold_fps']:5.1f} {ratio['cold']:5.2f} "
              f"{r['warm_fps']:5.1f} {ratio['warm']:5.2f} "
              f"{r['cores']:5.2f} {r['extra']:5.2f} {r['limit']:5.2f} {r['projected'] if r['parallel'] else 1:5.2f} "
              f"{r['peak_mb']:7.0f} "
              f"{r['load'][0]:4.1f}-{r['load'][1]:<4.1f}")
    split = [r for r in results if r["parallel"]]
    if split:
        def median(key):
            values = sorted(r[key] / (r["inference_fps"] if key.endswith("fps") else 1) for r in split)
            return values[len(values) // 2]
        print(f"clips split in chunks: median warm/inference {median('warm_fps'):.2f} (target >= 1.7 on 2 cores), "
              f"cold/inference {median('cold_fps'):.2f}, projection on idle cores {median('projected'):.2f}")
    print(f"load average now {os.getloadavg()[0]:.2f}\n\nwhere the warm run's time went (seconds; frames inferred "
          "include the warm-up; lead-in: frames decoded only to reach the warm-up from a key frame)")
    for r in results:
        if not r["parallel"]:
            print(f"{r['clip']}: one chunk (too short to split), serial extraction")
            continue
        print(f"{r['clip']}: chunks {r['chunks']}; plan (demux) {r['plan_s']:.3f}, stitch {r['stitch_s']:.3f}, "
              f"landmarks back {r['pickle_kb']:.0f} kB pickled in {r['pickle_ms']:.1f} ms; single-stream inference "
              f"uses {r['inference_cpu_share']:.2f} of a core")
        for w in r["worker_starts"]:
            print(f"  cold worker start: spawn + imports {w['spawn_import_s']:.2f}, MediaPipe + landmarker "
                  f"{w['landmarker_s']:.2f}")
        for c in r["runs"]:
            print(f"  {c['process']:6} inferred {c['inferred']:5d} (warm-up {c['warmup']:3d}) "
                  f"lead-in {c['lead_in']:4d}  "
                  f"landmarker {c['landmarker_s']:.2f}  seek+lead-in {c['seek_s']:.2f}  frames {c['loop_s']:6.2f}  "
                  f"cpu {c['cpu_s']:6.2f} ({1000 * c['cpu_s'] / c['inferred']:.1f} ms/frame)  idle at end "
                  f"{c['idle_end_s']:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
