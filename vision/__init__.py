"""Video in, pose track out: decoding with real timestamps and MediaPipe pose landmarks."""

from vision.errors import InputError
from vision.extract import pose_track
from vision.track import PoseTrack
from vision.video import VideoInfo, iter_frames, probe

__all__ = ["InputError", "PoseTrack", "VideoInfo", "iter_frames", "pose_track", "probe"]
