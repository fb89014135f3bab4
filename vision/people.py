"""Several people in the picture: where the pose track jumped to someone else, and who the runner is.

The pose model follows one person (``num_poses=1``): it keeps whoever it
found first and, when that person is lost or hidden, picks up whoever it
finds next.  The track then holds several people one after another, and
their strides would be measured as one runner's.  This check finds those
switches for free, from the track itself: from one frame to the next the
body jumps further than half a body height, which a runner's hips never do.

Each stretch between switches is one person.  The runner is the person whose
stretches score best on, in order of weight: how long they are followed, how
periodic their legs are (the gait cycle: autocorrelation of the ankles'
separation), how far they travel, their size and how central they are.  Stretches of anyone else
that plainly are not a runner (no gait rhythm in the legs, or a much smaller
body: a bystander, the starting block the model held on to) are left out
(their frames set to missing), so they are never measured as the runner; a
stride that crosses a missing frame is incomplete and is left out
downstream.  When another body with a gait rhythm was followed too, the
choice is marked unclear and nothing more is left out: the capture note
asks the user to check the replay.  What was found is plain data on ``PoseTrack.people`` for the
capture-quality notes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from vision.errors import InputError
from vision.landmarks import LEFT_ANKLE, LEFT_HIP, RIGHT_ANKLE, RIGHT_HIP
from vision.survey import NEAR, Person
from vision.track import PoseTrack

JUMP = 0.5
"""A frame-to-frame move of the hips larger than this many body heights is a switch of person."""
MAX_GAP = 2
"""Frames the body may be missing across a jump for it still to count as a switch."""
MIN_STRETCH_S = 0.5
SAME_SIZE = 0.25
"""Stretches whose body heights differ by less than this fraction may be the same person."""
MIN_RHYTHM = 0.2
"""Leg periodicity below which a stretch shows no gait cycle (a still bystander, an object)."""
SMALLER = 0.6
"""A body smaller than this fraction of the runner's is someone (or something) else."""
MIN_CYCLE_S, MAX_CYCLE_S = 0.25, 1.6
"""Lags searched for the legs' period (a step of a fast sprint to a stride of a slow walk)."""


def _hips(track: PoseTrack) -> np.ndarray:
    return (track.image_xy[:, LEFT_HIP] + track.image_xy[:, RIGHT_HIP]) / 2


def _heights(track: PoseTrack) -> np.ndarray:
    """[n] body height in pixels (NaN where nobody was found)."""
    y = np.where(track.detected[:, None], track.image_xy[:, :, 1], 0.0)
    return np.where(track.detected, y.max(axis=1) - y.min(axis=1), np.nan)


def stretches(track: PoseTrack) -> list[tuple[int, int]]:
    """``[start, stop)`` runs of frames between switches of person (missing frames belong to a run).

    A switch is a jump of the hips between two consecutive detected frames
    (the model never lost the body, so it cannot be the runner re-found after
    running on unseen) with at least ``MIN_STRETCH_S`` of track on either side
    (a small, blurred body makes the landmarks jitter, not change person).
    """
    hips = _hips(track)
    body = float(np.nanmedian(_heights(track))) if track.detected.any() else 0.0
    found = np.flatnonzero(np.isfinite(hips).all(axis=1))
    jumps = [int(b) for a, b in zip(found, found[1:])
             if b - a <= MAX_GAP and np.linalg.norm(hips[b] - hips[a]) > JUMP * body]
    shortest = MIN_STRETCH_S * (track.fps or 30.0)
    bounds = [0, *jumps, track.n_frames]
    cuts = [c for k, c in enumerate(jumps, start=1)
            if c - bounds[k - 1] >= shortest and bounds[k + 1] - c >= shortest]
    edges = [0, *cuts, track.n_frames]
    return list(zip(edges, edges[1:]))


def leg_periodicity(track: PoseTrack, start: int, stop: int) -> float:
    """0..1: how strongly the ankles' separation repeats, at the best lag of a gait cycle."""
    sep = (track.image_xy[start:stop, LEFT_ANKLE, 0] - track.image_xy[start:stop, RIGHT_ANKLE, 0]) \
        / np.maximum(_heights(track)[start:stop], 1)
    return periodicity(sep[np.isfinite(sep)], track.fps or 30.0)


def periodicity(sep: np.ndarray, rate_hz: float) -> float:
    """0..1: the best autocorrelation of ``sep`` (sampled at ``rate_hz``) at a lag of one gait cycle or step."""
    lags = np.arange(max(1, int(MIN_CYCLE_S * rate_hz)), int(MAX_CYCLE_S * rate_hz) + 1)
    if len(sep) < 2 * lags[0] + 2 or np.std(sep) == 0:
        return 0.0
    sep = sep - sep.mean()
    best = 0.0
    for lag in lags[lags < len(sep) // 2 + 1]:
        a, b = sep[:-lag], sep[lag:]
        if np.std(a) and np.std(b):
            best = max(best, float(np.corrcoef(a, b)[0, 1]))
    return best


def runner_scores(parts: list[dict], seen: str) -> list[float]:
    """How much each described body looks like the runner: followed longest (``seen``), a gait rhythm in the
    legs, travel, size, central; in that order of weight."""
    longest = max(p[seen] for p in parts) or 1
    largest = max(p["size"] for p in parts) or 1.0
    furthest = max(p["travel"] for p in parts) or 1.0
    return [round(p[seen] / longest + p["leg_periodicity"] + 0.5 * p["size"] / largest
                  + 0.5 * p["travel"] / furthest + 0.25 * p["centrality"], 3) for p in parts]


def _describe(track: PoseTrack, start: int, stop: int) -> dict:
    seen = track.detected[start:stop]
    w, h = track.frame_size
    hips = _hips(track)[start:stop][seen]
    centre_offset = np.linalg.norm(hips - (w / 2, h / 2), axis=1) / (np.hypot(w, h) / 2) if len(hips) else [1.0]
    return {
        "frames": [start, stop - 1],
        "followed_frames": int(seen.sum()),
        "leg_periodicity": round(leg_periodicity(track, start, stop), 3),
        "size": round(float(np.nanmedian(_heights(track)[start:stop][seen])) / h, 3) if seen.any() else 0.0,
        "centrality": round(1 - float(np.mean(centre_offset)), 3),
        "travel": round(float(np.linalg.norm(hips[-1] - hips[0]) / np.hypot(w, h)), 3) if len(hips) > 1 else 0.0,
    }


def keep_runner(track: PoseTrack) -> PoseTrack:
    """Find switches of person in ``track``; keep the runner's stretches, blank the others; say so on ``people``."""
    runs = stretches(track)
    if len(runs) < 2 or not track.detected.any():
        track.people = {"switches": [], "left_out_frames": []}
        return track
    parts = [_describe(track, a, b) for a, b in runs]
    for p, score in zip(parts, runner_scores(parts, "followed_frames")):
        p["score"] = score
    runner = max(range(len(parts)), key=lambda k: parts[k]["score"])
    size, rhythm = parts[runner]["size"], parts[runner]["leg_periodicity"]
    left_out = []
    for (a, b), p in zip(runs, parts):
        # Only what is plainly not a runner is left out: no gait rhythm, or a much smaller body.
        p["kept"] = p is parts[runner] or (p["leg_periodicity"] >= MIN_RHYTHM and p["size"] >= SMALLER * size)
        # A kept stretch of the runner's size and rhythm is taken for the runner re-found after a switch.
        p["like_runner"] = p is parts[runner] or (
            abs(p["size"] - size) <= SAME_SIZE * size and p["leg_periodicity"] >= 0.8 * rhythm)
        if not p["kept"]:
            left_out.append((a, b))
    for a, b in left_out:
        track.image_xy[a:b] = np.nan
        track.world_xyz[a:b] = np.nan
        track.visibility[a:b] = 0
        track.presence[a:b] = 0
    track.people = {
        "switches": [a for a, _ in runs[1:]],
        "stretches": parts,
        "runner": runner,
        # Unclear: another body that might be running was kept with the runner (the user must look).
        "clear": all(p["like_runner"] for p in parts if p["kept"]),
        "left_out_frames": [[a, b - 1] for a, b in left_out],
    }
    return track


CLEAR_MARGIN = 0.5
"""Runner scores closer than this leave the choice of runner to the user."""
ELSEWHERE = 0.1
"""Share of the runner's looks where the pose track was not on them above which the runner is followed anew
(below it, the frames where the track was on someone else are left out)."""
_REASONS = {"seen_s": "in view the longest", "leg_periodicity": "the clearest gait rhythm in the legs",
            "travel": "the furthest travelled", "size": "the largest", "centrality": "the most central"}


def describe_person(person: Person, frame_size: tuple[int, int]) -> dict:
    """Plain facts about one surveyed body: when seen, its legs' rhythm, size, travel, a box to show it by."""
    w, h = frame_size
    heights = np.maximum(person.heights, 1.0)
    rate = 1 / float(np.median(np.diff(person.time_s))) if len(person.time_s) > 1 else 1.0
    sep = (person.xy[:, LEFT_ANKLE, 0] - person.xy[:, RIGHT_ANKLE, 0]) / heights
    centres, mid = person.centres, len(person.frames) // 2
    return {
        "frames": [int(person.frames[0]), int(person.frames[-1])],
        "looks": len(person.frames),
        "seen_s": round(float(person.time_s[-1] - person.time_s[0]), 2),
        "leg_periodicity": round(periodicity(sep, rate), 3),
        "size": round(float(np.median(heights)) / h, 3),
        "centrality": round(1 - float(np.mean(np.linalg.norm(centres - (w / 2, h / 2), axis=1)))
                            / (np.hypot(w, h) / 2), 3),
        "travel": round(float(np.linalg.norm(centres[-1] - centres[0]) / np.hypot(w, h)), 3),
        "shown_at": {"frame": int(person.frames[mid]), "box": [round(float(v)) for v in person.boxes[mid]]},
    }


def _elsewhere(track: PoseTrack, person: Person) -> np.ndarray:
    """[n] frames where the pose track holds a body, but not at ``person``'s place (someone else's)."""
    off = np.zeros(track.n_frames, bool)
    for i in np.flatnonzero(track.detected):
        expected = person.where(i)
        centre = (track.image_xy[i].min(axis=0) + track.image_xy[i].max(axis=0)) / 2
        off[i] = expected is None or np.linalg.norm(centre - expected[0]) > NEAR * max(expected[1], 1.0)
    return off


def _ranges(mask: np.ndarray) -> list[list[int]]:
    """Runs of True in ``mask`` as ``[first, last]`` frame ranges."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [[int(a), int(b) - 1] for a, b in zip(edges[::2], edges[1::2])]


def follow_runner(track: PoseTrack, clip, *, model=None, capture_fps: float | None = None,
                  person: int | None = None, use_cache: bool = True,
                  progress: Callable[[int, int], None] | None = None) -> PoseTrack:
    """The runner's pose track: everyone in view is looked for, the runner chosen (or ``person``, an index
    into the people found, when the user chose), and followed if the pose track was on someone else.

    What was found and chosen is plain data on ``track.people`` (see :func:`keep_runner`) under
    ``"candidates"``, ``"chosen"``, ``"chosen_by"`` ("auto" or "user"), ``"choice_clear"``,
    ``"elsewhere_frames"`` (where the pose track had followed someone else) and ``"refollowed"``.
    """
    from vision.model import resolve_model
    from vision.survey import person_track, survey
    from vision.video import probe

    info = probe(clip, capture_fps=capture_fps)
    bundle = resolve_model(model)
    found = survey(info, bundle, track.source.get("sha256") or "", use_cache=use_cache, progress=progress)
    if person is not None and not 0 <= person < max(len(found), 1):
        raise InputError(f"{Path(info.path).name}: there is no person {person + 1} to measure; "
                         f"{len(found) or 1} {'people were' if len(found) > 1 else 'person was'} found in view")
    if len(found) < 2:
        track = keep_runner(track)
        track.people["candidates"] = [describe_person(p, track.frame_size) for p in found]
        return track
    parts = [describe_person(p, track.frame_size) for p in found]
    scores = runner_scores(parts, "seen_s")
    for p, score in zip(parts, scores):
        p["score"] = score
    best = int(np.argmax(scores))
    runner_up = max(s for k, s in enumerate(scores) if k != best)
    chosen = best if person is None else person
    elsewhere = _elsewhere(track, found[chosen])
    looks = found[chosen].frames[found[chosen].frames < track.n_frames]
    refollow = bool(np.mean(elsewhere[looks] | ~track.detected[looks]) > ELSEWHERE)
    if refollow:
        track = person_track(info, bundle, found[chosen], track, use_cache=use_cache)
    else:  # the pose track was on this person, but for a few frames on someone else: those are left out
        track = track.copy()
        track.image_xy[elsewhere], track.world_xyz[elsewhere] = np.nan, np.nan
        track.visibility[elsewhere], track.presence[elsewhere] = 0, 0
    track = keep_runner(track)
    track.people |= {
        "candidates": parts,
        "chosen": chosen,
        "chosen_by": "user" if person is not None and chosen == person else "auto",
        "reasons": [why for key, why in _REASONS.items() if parts[chosen][key] >= max(p[key] for p in parts)],
        "choice_clear": bool(scores[best] - runner_up >= CLEAR_MARGIN),
        "elsewhere_frames": _ranges(elsewhere),
        "refollowed": refollow,
        # Where the measured person's landmarks are, after following them anew or leaving frames out.
        "measured_frames": [int(i) for i in np.flatnonzero(track.detected)[[0, -1]]] if track.detected.any() else [],
    }
    return track
