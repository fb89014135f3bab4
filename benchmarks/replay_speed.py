"""Annotated-replay encode speed on the real treadmill clip (prints frames per second).

Usage: STRIDESCOPE_CACHE=/tmp/sscache python benchmarks/replay_speed.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from reports.replay import write_replay
from reports.report import AnalysisFiles
from stridescope.pipeline import analyze_clip

CLIP = Path(__file__).resolve().parents[1].parent / "shared" / "videos" / "incoming" / \
    "zzzhushi_treadmill_side_portrait_30fps.mp4"


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    analyze_clip(CLIP, out / "analysis")
    files = AnalysisFiles.load(out / "analysis")
    result = write_replay(files.analysis, files.gait, out / "replay.mp4")
    w, h = files.analysis.clip["width"], files.analysis.clip["height"]
    print(f"{result.frames} frames {w}x{h}: {result.seconds:.1f} s, {result.encode_fps:.1f} frames/s "
          f"(decode + annotate + H.264 encode)")


if __name__ == "__main__":
    main()
