"""`PoseTrack`: the landmarks of every frame of a clip, with each frame's real time.

It is the one object the vision layer hands to the metrics layer: plain numpy
arrays plus the facts about the clip and the model that made them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vision.landmarks import N_LANDMARKS
from vision.npz import read_npz, write_npz

_ARRAYS = ("time_s", "frame_index", "image_xy", "world_xyz", "visibility", "presence")


@dataclass
class PoseTrack:
    """Pose landmarks of one runner over a clip.

    Frames where the model found nobody are kept, with NaN landmarks, so that
    index ``i`` always means decoded frame ``frame_index[i]``.

    Attributes:
        time_s: [n] real time of each frame in seconds (capture time for
            slow-motion clips given their capture frame rate).
        frame_index: [n] 0-based index of the frame in decode order.
        image_xy: [n, 33, 2] landmark positions in pixels of the displayed
            (rotation-corrected) frame; NaN where not detected.
        world_xyz: [n, 33, 3] MediaPipe world landmarks in metres, origin
            between the hips; NaN where not detected.
        visibility: [n, 33] model's probability that the landmark is visible.
        presence: [n, 33] model's probability that the landmark is in frame.
        frame_size: (width, height) of the displayed frame in pixels.
        source: facts about the clip (see :class:`vision.video.VideoInfo`).
        model: identity of the pose model bundle (name and sha256).
        options: the extraction options that shaped the track.
        people: who else is in view and which frames were left out because
            the model followed someone other than the runner
            (:func:`vision.people.keep_runner`); empty if not checked.

    >>> t = PoseTrack.empty(3, frame_size=(640, 480))
    >>> t.n_frames, t.detected.tolist()
    (3, [False, False, False])
    """

    time_s: np.ndarray
    frame_index: np.ndarray
    image_xy: np.ndarray
    world_xyz: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    frame_size: tuple[int, int]
    source: dict = field(default_factory=dict)
    model: str = ""
    options: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)

    @classmethod
    def empty(cls, n: int, frame_size: tuple[int, int], **meta) -> PoseTrack:
        """A track of ``n`` frames with nothing detected yet."""
        nan = np.float32("nan")
        return cls(
            time_s=np.zeros(n),
            frame_index=np.arange(n),
            image_xy=np.full((n, N_LANDMARKS, 2), nan, np.float32),
            world_xyz=np.full((n, N_LANDMARKS, 3), nan, np.float32),
            visibility=np.zeros((n, N_LANDMARKS), np.float32),
            presence=np.zeros((n, N_LANDMARKS), np.float32),
            frame_size=frame_size,
            **meta,
        )

    def copy(self) -> PoseTrack:
        """An independent copy (arrays and facts)."""
        return PoseTrack(**{k: getattr(self, k).copy() for k in _ARRAYS}, frame_size=self.frame_size,
                         source=dict(self.source), model=self.model, options=dict(self.options),
                         people=copy.deepcopy(self.people))

    @property
    def n_frames(self) -> int:
        return len(self.time_s)

    @property
    def detected(self) -> np.ndarray:
        """[n] True where the model found a person in the frame."""
        return ~np.isnan(self.image_xy[:, :, 0]).all(axis=1)

    @property
    def detected_fraction(self) -> float:
        return float(self.detected.mean()) if self.n_frames else 0.0

    @property
    def fps(self) -> float:
        """Frames per second of real time, from the timestamps."""
        if self.n_frames < 2:
            return float(self.source.get("fps", 0.0))
        return float((self.n_frames - 1) / (self.time_s[-1] - self.time_s[0]))

    def save(self, path: str | Path) -> Path:
        """Write the track losslessly to a ``.npz`` file (written whole, then renamed)."""
        meta = {
            "frame_size": list(self.frame_size),
            "source": self.source,
            "model": self.model,
            "options": self.options,
            "people": self.people,
        }
        return write_npz(path, meta, {k: getattr(self, k) for k in _ARRAYS})

    @classmethod
    def load(cls, path: str | Path) -> PoseTrack:
        meta, stored = read_npz(path)
        arrays = {k: stored[k] for k in _ARRAYS}
        return cls(frame_size=tuple(meta["frame_size"]), source=meta["source"],
                   model=meta["model"], options=meta["options"], people=meta.get("people", {}), **arrays)
