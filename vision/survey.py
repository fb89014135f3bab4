"""Everyone in the picture: the pose model run for several people, each followed over the clip.

The pose track follows one person (:mod:`vision.extract`).  To know who else
is in view, the model is also run with ``num_poses`` > 1 on a few frames a
second (:data:`SURVEY_HZ`: enough for the legs' rhythm, a third of the cost of
every frame), and the bodies it finds are joined over time into
:class:`Person` records by where each was heading (a small tracker: the body
nearest to where a person was going, at a similar size).  When the runner
turns out to be someone the pose track did not follow, :func:`person_track`
runs the model on every frame again and keeps, in each, the body at that
person's place.  Both passes are cached by clip content, like pose tracks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vision.extract import PoseEstimator
from vision.model import ModelBundle, cache_dir
from vision.npz import read_npz, write_npz
from vision.track import PoseTrack
from vision.video import VideoInfo, iter_frames

SURVEY_HZ = 6.0
"""Frames a second looked at for people (a gait cycle lasts 0.6-1.4 s: 6 or more looks a cycle)."""
TILE_EVERY = 3
"""Every this many looks, the frame is also looked at in tiles, for people too small in the whole frame."""
MIN_TILE, MAX_TILES = 256, 5
MAX_PEOPLE = 4
MAX_GAP_S = 1.0
"""A person unseen for longer than this is a new person when someone appears again."""
MAX_MOVE = 1.0
"""Furthest a body may be from where its person was heading, in body sizes (box diagonals), to be that person."""
SIZE_RATIO = 2.5
"""Most a body's size may differ (either way) from its person's recent size to be that person."""
OVERLAP_S = 0.35
"""Longest two pieces of one person's track may overlap in time and still be joined (two looks at 6 a second)."""
EDGE_LOOKS = 3
"""How many looks' time a person is still expected in view before their first look and after their last."""
RECENT = 4
"""Looks a person's heading and height are taken from."""
SAME_BODY = 0.6
"""Boxes in one frame the smaller of which lies this much inside the other are one body found twice."""
SAME_PLACE = 0.3
"""Bodies in one frame whose centres are closer than this, in body sizes, are one body found twice (a narrow
side-on box and a wider one of the same walker overlap little)."""
NEAR = 0.5
"""Furthest a body's centre may be from where a person is expected, in body sizes, to be that person."""
CROP = 1.6
"""Side of the square a followed person is looked for in, in their body sizes."""
MIN_SEEN_S = 0.5
"""A body seen for less time than this is a flicker of the detector, not a person."""
VERSION = 3
"""Part of the cache keys: bump when the looks or a followed person's track change (not for the tracker)."""


@dataclass
class Person:
    """One body followed through the surveyed frames.

    Attributes:
        frames: [k] decoded frame indices where the body was found.
        time_s: [k] their times in seconds.
        xy: [k, 33, 2] its landmarks in pixels there.
    """

    frames: np.ndarray
    time_s: np.ndarray
    xy: np.ndarray

    @property
    def boxes(self) -> np.ndarray:
        """[k, 4] ``x0, y0, x1, y1`` around the landmarks."""
        return np.concatenate([self.xy.min(axis=1), self.xy.max(axis=1)], axis=1)

    @property
    def centres(self) -> np.ndarray:
        return (self.xy.min(axis=1) + self.xy.max(axis=1)) / 2

    @property
    def sizes(self) -> np.ndarray:
        """[k] diagonal of the box: steadier than the height while a runner crouches, rises, leans."""
        return np.hypot(*(self.xy.max(axis=1) - self.xy.min(axis=1)).T)

    @property
    def heights(self) -> np.ndarray:
        return self.xy[:, :, 1].max(axis=1) - self.xy[:, :, 1].min(axis=1)

    def where(self, frame: int) -> tuple[np.ndarray, float] | None:
        """Expected centre and size at ``frame``: between looks, or up to ``EDGE_LOOKS`` looks before the
        first or after the last, carried on at the speed it came or went with; None if not in view then."""
        c, sizes = self.centres, self.sizes
        if self.frames[0] <= frame <= self.frames[-1]:
            return (np.array([np.interp(frame, self.frames, c[:, 0]), np.interp(frame, self.frames, c[:, 1])]),
                    float(np.interp(frame, self.frames, sizes)))
        step = float(np.median(np.diff(self.frames))) if len(self.frames) > 1 else 1.0
        edge, inner = (0, 1) if frame < self.frames[0] else (-1, -2)
        if abs(frame - self.frames[edge]) > EDGE_LOOKS * step:
            return None
        velocity = (c[edge] - c[inner]) / (self.frames[edge] - self.frames[inner]) if len(self.frames) > 1 else 0
        return c[edge] + velocity * (frame - self.frames[edge]), float(sizes[edge])


def survey(info: VideoInfo, bundle: ModelBundle, sha256: str, use_cache: bool = True,
           progress: Callable[[int, int], None] | None = None) -> list[Person]:
    """Everyone the model finds in the clip, followed over time (cached by clip content and model);
    ``progress(frames_done, frames_total)`` is called as the clip is looked through."""
    key = hashlib.sha256(json.dumps([sha256, bundle.identity, info.capture_fps, SURVEY_HZ, TILE_EVERY, MAX_PEOPLE,
                                     VERSION]).encode()).hexdigest()[:32]
    cached = cache_dir() / "people" / f"{key}.npz"
    if use_cache and cached.is_file():
        _, arrays = read_npz(cached)
        frames, times, xy = arrays["frames"], arrays["time_s"], arrays["xy"]
    else:
        frames, times, xy = _look(info, bundle, progress)
        if use_cache:
            cached.parent.mkdir(parents=True, exist_ok=True)
            write_npz(cached, {}, {"frames": frames, "time_s": times, "xy": xy})
    inside = np.array([_in_frame(body, info.width, info.height) for body in xy], bool)
    return follow(frames[inside], times[inside], xy[inside])


def _in_frame(xy: np.ndarray, width: int, height: int) -> bool:
    """Whether at least half of the box around a body lies in the picture (the model also "finds" bodies
    mostly outside it, at the edges: those are not people that can be measured)."""
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    area = float(np.prod(hi - lo))
    inside = float(np.prod(np.clip(np.minimum(hi, (width, height)) - np.maximum(lo, 0), 0, None)))
    return area > 0 and inside >= 0.5 * area


def _look(info: VideoInfo, bundle: ModelBundle,
          progress: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every body found on the surveyed frames: ``frames [m]``, ``time_s [m]``, ``xy [m, 33, 2]`` (one row a body).

    The model shrinks the whole frame to 224 pixels, where a person far away
    in a wide frame is too small to be found, so every ``TILE_EVERY``-th look
    also runs on overlapping square tiles of the frame (each tile with its own
    estimator, so it keeps following whom it found).
    """
    step = max(1, round((info.fps or 30.0) / SURVEY_HZ))
    squares = tiles(info.width, info.height)
    frames, times, xy = [], [], []
    with contextlib.ExitStack() as stack:
        estimate = stack.enter_context(PoseEstimator(bundle, num_poses=MAX_PEOPLE))
        in_tiles = [stack.enter_context(PoseEstimator(bundle, num_poses=2)) for _ in squares]
        for i, t, rgb in iter_frames(info, only=range(0, sys.maxsize, step)):
            if progress:
                progress(i, info.n_frames)
            found = [pose[0] for pose in estimate.all_poses(rgb, t)]
            if i % (step * TILE_EVERY) == 0:
                for (x0, y0, side), tile in zip(squares, in_tiles):
                    for pose in tile.all_poses(rgb[y0:y0 + side, x0:x0 + side], t):
                        body = pose[0] + (x0, y0)
                        if _whole_in_tile(body, (x0, y0, side), (info.width, info.height)):
                            found.append(body)
            frames += [i] * len(found)
            times += [t] * len(found)
            xy += found
    if progress:
        progress(info.n_frames, info.n_frames)
    return (np.asarray(frames, np.int64), np.asarray(times, np.float64),
            np.asarray(xy, np.float32).reshape(-1, 33, 2))


def tiles(width: int, height: int) -> list[tuple[int, int, int]]:
    """``(x0, y0, side)`` of square tiles overlapping by half (or less, at most ``MAX_TILES``) along the frame's
    long side; none for a squarish frame, or one smaller than the model's input, where tiles find no one more."""
    side = min(width, height)
    length = max(width, height)
    if length < 1.5 * side or side < MIN_TILE:
        return []
    stride = max(side // 2, -(-(length - side) // (MAX_TILES - 1)))
    starts = sorted({*range(0, length - side, stride), length - side})
    return [(s, 0, side) if width > height else (0, s, side) for s in starts]


def _whole_in_tile(xy: np.ndarray, tile: tuple[int, int, int], size: tuple[int, int]) -> bool:
    """Whether a body found in a tile is clear of the tile's inner edges (a body cut there is found whole
    in the next tile, which overlaps this one by half)."""
    x0, y0, side = tile
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    margin = 0.02 * side
    inner_lo = np.array([x0, y0]) > 0
    inner_hi = np.array([x0 + side, y0 + side]) < np.asarray(size)
    return not (np.any(inner_lo & (lo < np.array([x0, y0]) + margin))
                or np.any(inner_hi & (hi > np.array([x0 + side, y0 + side]) - margin)))


def follow(frames: np.ndarray, times: np.ndarray, xy: np.ndarray) -> list[Person]:
    """Join the bodies found frame by frame into people: each body goes to the person it is nearest to,
    where that person was heading, if at a similar size; the rest start new people. Pieces of one person's
    track are joined (:func:`_stitched`); flickers are dropped."""
    open_: list[dict] = []
    done: list[dict] = []
    for frame in np.unique(frames):
        rows = _distinct(xy, np.flatnonzero(frames == frame))
        t = float(times[rows[0]])
        for p in [p for p in open_ if t - p["t"][-1] > MAX_GAP_S]:
            open_.remove(p)
            done.append(p)
        pairs = sorted((_cost(p, xy[r], t), k, r) for k, p in enumerate(open_) for r in rows)
        taken_people, taken_rows = set(), set()
        for cost, k, r in pairs:
            if cost <= MAX_MOVE and k not in taken_people and r not in taken_rows:
                taken_people.add(k)
                taken_rows.add(r)
                open_[k]["f"].append(int(frame))
                open_[k]["t"].append(t)
                open_[k]["xy"].append(xy[r])
        open_ += [{"f": [int(frame)], "t": [t], "xy": [xy[r]]} for r in rows if r not in taken_rows]
    people = [Person(np.array(p["f"]), np.array(p["t"]), np.array(p["xy"])) for p in _stitched(done + open_)]
    return sorted((p for p in people if p.time_s[-1] - p.time_s[0] >= MIN_SEEN_S), key=lambda p: p.frames[0])


def _stitched(people: list[dict]) -> list[dict]:
    """Pieces of one person's track joined: a person first seen within ``MAX_GAP_S`` of another's last look
    (or up to ``OVERLAP_S`` before it), near where that one was heading, at a similar size, is that one (lost
    by the tracker, or found as two part-bodies for a moment, say while a sprinter rises and speeds up); with
    no competitor for the join, twice the usual distance is allowed."""
    joined: list[dict] = []
    for p in sorted(people, key=lambda p: p["t"][0]):
        t0 = p["t"][0]
        ended = [q for q in joined if q["t"][0] < t0 and q["t"][-1] - OVERLAP_S <= t0 <= q["t"][-1] + MAX_GAP_S]
        costs = [_cost(_before(q, t0), p["xy"][0], t0) for q in ended]
        if costs and min(costs) <= 2 * MAX_MOVE:
            q = ended[int(np.argmin(costs))]
            q |= {k: _before(q, t0)[k] + p[k] for k in ("f", "t", "xy")}  # from t0 on, the newer piece
        else:
            joined.append(p)
    return joined


def _before(person: dict, t: float) -> dict:
    """``person``'s looks before time ``t``."""
    n = int(np.searchsorted(person["t"], t))
    return {k: person[k][:n] for k in ("f", "t", "xy")}


def _distinct(xy: np.ndarray, rows: np.ndarray) -> list[int]:
    """``rows`` without bodies that mostly overlap an earlier one or stand at its place: the model sometimes
    finds one person twice (also as part of a body: a crouched runner's legs and trunk)."""
    kept: list[int] = []
    for r in rows:
        if all(_overlap(xy[r], xy[k]) < SAME_BODY and _apart(xy[r], xy[k]) > SAME_PLACE for k in kept):
            kept.append(int(r))
    return kept


def _apart(a: np.ndarray, b: np.ndarray) -> float:
    """Distance between the centres of two bodies, in the larger one's size."""
    centre = lambda xy: (xy.min(axis=0) + xy.max(axis=0)) / 2  # noqa: E731
    return float(np.linalg.norm(centre(a) - centre(b))) / max(_size(a), _size(b))


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    """How much of the smaller of the boxes around two sets of landmarks lies in the other (0..1)."""
    lo, hi = np.maximum(a.min(axis=0), b.min(axis=0)), np.minimum(a.max(axis=0), b.max(axis=0))
    inter = float(np.prod(np.clip(hi - lo, 0, None)))
    smaller = min(float(np.prod(np.ptp(a, axis=0))), float(np.prod(np.ptp(b, axis=0))))
    return inter / smaller if smaller > 0 else 0.0


def _size(xy: np.ndarray) -> float:
    """Diagonal of the box around a body's landmarks (see :attr:`Person.sizes`)."""
    return float(np.hypot(*np.ptp(xy, axis=0))) or 1.0


def _cost(person: dict, xy: np.ndarray, t: float) -> float:
    """Distance of a body from where ``person`` was heading at time ``t``, in body sizes.

    Heading and size come from the person's last few looks, so one odd pose
    (two people found as one body, a half body) does not send the person astray.
    """
    recent = np.asarray(person["xy"][-RECENT:])
    centres = (recent.min(axis=1) + recent.max(axis=1)) / 2
    size = float(np.median([_size(b) for b in recent]))
    heading = centres[-1]
    dt = person["t"][-1] - person["t"][-len(recent)]
    if dt > 0:
        heading = heading + (centres[-1] - centres[0]) / dt * (t - person["t"][-1])
    body = _size(xy)
    if not 1 / SIZE_RATIO <= body / size <= SIZE_RATIO:
        return np.inf
    return float(np.linalg.norm((xy.min(axis=0) + xy.max(axis=0)) / 2 - heading)) / min(size, body)


def person_track(info: VideoInfo, bundle: ModelBundle, person: Person, like: PoseTrack,
                 use_cache: bool = True) -> PoseTrack:
    """The pose track of ``person``: on every frame, the body the model finds at that person's place.

    ``like`` is the clip's ordinary pose track (its times, size and facts are
    kept).  Frames where the person is not found are missing, so strides
    there are left out downstream.
    """
    key = hashlib.sha256(json.dumps([like.source.get("sha256"), bundle.identity, info.capture_fps, VERSION,
                                     person.frames.tolist(), np.round(person.centres).tolist()])
                         .encode()).hexdigest()[:32]
    cached = cache_dir() / "people" / f"{key}.track.npz"
    if use_cache and cached.is_file():
        found = PoseTrack.load(cached)
    else:
        found = _track_of(info, bundle, person, like)
        if use_cache:
            cached.parent.mkdir(parents=True, exist_ok=True)
            found.save(cached)
    found.source, found.options = like.source, like.options | {"person_followed": True}
    return found


def _track_of(info: VideoInfo, bundle: ModelBundle, person: Person, like: PoseTrack) -> PoseTrack:
    """Run the model on a square around the person's expected place in each frame (so a far, small person is
    found at a useful size, and others in the frame do not compete), keeping the body nearest that place."""
    track = PoseTrack.empty(like.n_frames, like.frame_size, source=like.source, model=like.model,
                            options=like.options)
    track.time_s, track.frame_index = like.time_s.copy(), like.frame_index.copy()
    w, h = info.width, info.height
    with PoseEstimator(bundle, num_poses=2) as estimate:
        for i, t, rgb in iter_frames(info):
            expected = person.where(i) if i < track.n_frames else None
            if expected is None:
                continue
            centre, height = expected
            side = int(min(max(CROP * height, 96), w, h))
            x0 = int(np.clip(centre[0] - side / 2, 0, w - side))
            y0 = int(np.clip(centre[1] - side / 2, 0, h - side))
            poses = [(xy + (x0, y0), *rest) for xy, *rest in estimate.all_poses(rgb[y0:y0 + side, x0:x0 + side], t)]
            distance = [np.linalg.norm((p[0].min(axis=0) + p[0].max(axis=0)) / 2 - centre) for p in poses]
            if distance and min(distance) <= NEAR * max(height, 1.0):
                (track.image_xy[i], track.world_xyz[i], track.visibility[i],
                 track.presence[i]) = poses[int(np.argmin(distance))]
    return track
