"""Video in, pose track out: decoding with real timestamps and MediaPipe pose landmarks.

Names load on first use (PEP 562), so ``import vision.landmarks`` (which the
metrics layer needs) pulls in neither PyAV nor OpenCV nor the pose model.
"""

from importlib import import_module

_WHERE = {"InputError": "vision.errors", "pose_track": "vision.extract", "PoseTrack": "vision.track",
          "VideoInfo": "vision.video", "iter_frames": "vision.video", "probe": "vision.video"}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'vision' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
