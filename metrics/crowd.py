"""Capture note for a pose track that followed more than one person (see :mod:`vision.people`)."""

from __future__ import annotations

from metrics.analysis import QualityNote


def _frames(ranges: list[list[int]]) -> str:
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in ranges)


def crowd_notes(people: dict) -> list[QualityNote]:
    """``several_people`` when the pose model switched person during the clip: who was kept, which frames not."""
    stretches = people.get("stretches") or []
    if len(stretches) < 2:
        return []
    runner = stretches[people["runner"]]
    kept = [s["frames"] for s in stretches if s.get("kept")]
    message = (f"The pose model followed {len(stretches)} different bodies one after another (it switched at frame"
               f"{'s' if len(people['switches']) > 1 else ''} {', '.join(map(str, people['switches']))}): another "
               "person, or something it took for one, is in the picture. Measured as the runner: frames "
               f"{_frames(kept)} (the body followed longest, with a gait rhythm in its legs, its size and travel); "
               + (f"frames {_frames(people['left_out_frames'])} were left out, so strides there are not measured."
                  if people["left_out_frames"] else "no frame was left out."))
    if not people.get("clear", True):
        message += (" Another body moving its legs in a rhythm was followed too and could not be told apart, so "
                    "the measures may mix two people: check the replay, or film the runner alone.")
    elif runner["leg_periodicity"] < 0.5:
        message += " Check in the replay that the measured person is the runner."
    return [QualityNote("several_people", message, "warning")]
