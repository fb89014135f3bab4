"""Capture notes when several people are in view: who was measured, why, which frames (see :mod:`vision.people`)."""

from __future__ import annotations

from metrics.analysis import QualityNote


def _frames(ranges: list[list[int]]) -> str:
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in ranges)


def crowd_notes(people: dict) -> list[QualityNote]:
    """``other_people`` when more than one person is in view: who was measured and why;
    ``several_people`` when the pose model switched person during the clip: who was kept, which frames not."""
    return _chosen_note(people) + _switch_notes(people)


def person_label(k: int, person: dict) -> str:
    """How the notes and the app name a person found in the clip (numbered in order of appearance)."""
    first, last = person["frames"]
    return f"person {k + 1} (frames {first}-{last})"


def _chosen_note(people: dict) -> list[QualityNote]:
    found = people.get("candidates") or []
    if len(found) < 2:
        return []
    k = people["chosen"]
    chosen, others = found[k], [person_label(j, p) for j, p in enumerate(found) if j != k]
    why = ("chosen by the user" if people.get("chosen_by") == "user"
           else "chosen as the runner: " + (", ".join(people.get("reasons") or []) or "the best overall"))
    message = (f"{len(found)} people were found in view (or shapes the pose model took for people). "
               f"Measured: {person_label(k, chosen)}, {why}. "
               f"Not measured: {', '.join(others)}.")
    if people.get("elsewhere_frames"):
        message += (f" The pose model had followed someone else in frames {_frames(people['elsewhere_frames'])}; "
                    + ("the measured person was followed anew." if people.get("refollowed")
                       else "those frames were left out."))
    if people.get("refollowed") and people.get("measured_frames"):
        first, last = people["measured_frames"]
        message += f" The measured person was found in frames {first}-{last} only; strides outside are not measured."
    if people.get("chosen_by") != "user" and not people.get("choice_clear", True):
        message += (" Another person looks nearly as much like the runner: check the replay, or pick the person "
                    "to measure (in the app: Results, People in view).")
    return [QualityNote("other_people", message, "warning" if people.get("chosen_by") != "user" else "info")]


def _switch_notes(people: dict) -> list[QualityNote]:
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
