"""``stridescope pose CLIP``: the pose track of a clip, saved as ``.npz``."""

from __future__ import annotations

import time
from pathlib import Path

from stridescope.progress import ProgressBar
from vision.extract import pose_track

HELP = "detect body landmarks in every frame of a clip and save the track"


def add_arguments(parser) -> None:
    parser.add_argument("clip", help="video file of a runner")
    parser.add_argument("--model", help="pose .task bundle (default: the provisioned one)")
    parser.add_argument("--capture-fps", type=float, default=None,
                        help="frame rate the camera recorded at, for slow-motion clips stored at a lower rate")
    parser.add_argument("-o", "--output",
                        help="track file to write (default: CLIP_STEM.pose.npz in the current folder)")
    parser.add_argument("--no-cache", action="store_true", help="run the model even if this clip was seen before")


def default_output(clip: Path) -> Path:
    return Path.cwd() / f"{clip.stem}.pose.npz"


def run(args) -> int:
    clip = Path(args.clip)
    start = time.monotonic()
    track = pose_track(clip, model=args.model, capture_fps=args.capture_fps,
                       progress=ProgressBar("pose"), use_cache=not args.no_cache)
    elapsed = time.monotonic() - start
    out = Path(args.output) if args.output else default_output(clip)
    out.parent.mkdir(parents=True, exist_ok=True)
    track.save(out)
    src = track.source
    print(f"{clip.name}: {track.n_frames} frames, {src['width']}x{src['height']}, "
          f"{src['capture_fps']:.2f} fps ({src['codec']}, rotation {src['rotation']} deg)")
    print(f"runner detected in {100 * track.detected_fraction:.1f}% of frames; "
          f"processed at {track.n_frames / max(elapsed, 1e-9):.1f} frames/s")
    print(f"track written to {out}")
    return 0
