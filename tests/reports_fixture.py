"""TEST FIXTURE: an ``Analysis`` assembled from hand-labelled events, not from the metrics code.

The reports layer only reads analyses; to test it on a real clip without
depending on the metrics pipeline, the gait events come from the hand labels
in ``groundtruth/*.events.csv`` and each stride's values are simple
landmark geometry at those events.  These values are fixture data, not
Stridescope measurements.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from metrics.analysis import Analysis, Confidence, Finding, GaitEvent, Metric, QualityNote, Reference, Stride
from metrics.gait import Gait
from vision.track import PoseTrack

UNITS = {"ground_contact_time_ms": "ms", "knee_flexion_at_contact_deg": "deg",
         "shank_angle_at_contact_deg": "deg", "foot_strike_angle_deg": "deg", "trunk_lean_deg": "deg",
         "cadence_spm": "spm"}


def labelled_events(csv_path: Path) -> list[GaitEvent]:
    kinds = {"IC": "initial_contact", "TO": "toe_off"}
    with open(csv_path) as f:
        return [GaitEvent(foot=r["foot_body_side"], kind=kinds[r["event"]], frame=int(r["frame"]),
                          time_s=float(r["time_s"])) for r in csv.DictReader(f)]


def labelled_analysis(csv_path: Path, gait: Gait, track: PoseTrack) -> Analysis:
    """An Analysis of ``track``'s clip whose events are the hand labels in ``csv_path``
    (values: ``gait``'s angle curves at the labelled frames)."""
    events = labelled_events(csv_path)
    forward, angles = gait.forward, gait.angles
    strides = []
    for foot in ("left", "right"):
        ics = [e for e in events if e.foot == foot and e.kind == "initial_contact"]
        tos = [e for e in events if e.foot == foot and e.kind == "toe_off"]
        for ic, nxt in zip(ics, ics[1:] + [None]):
            to = next((t for t in tos if t.frame > ic.frame), None)
            f = ic.frame
            end = nxt.frame if nxt else None
            trunk = float(np.nanmean(angles["trunk_lean"][foot][f:end])) if end else None
            strides.append(Stride(
                index=0, foot=foot, initial_contact_frame=f, toe_off_frame=to.frame if to else None,
                next_initial_contact_frame=end, start_s=ic.time_s, end_s=nxt.time_s if nxt else None,
                values={
                    "ground_contact_time_ms": 1000 * (to.time_s - ic.time_s) if to else None,
                    "knee_flexion_at_contact_deg": float(angles["knee_flexion"][foot][f]),
                    "shank_angle_at_contact_deg": float(angles["shank"][foot][f]),
                    "foot_strike_angle_deg": float(angles["foot"][foot][f]),
                    "trunk_lean_deg": trunk,
                }))
    strides.sort(key=lambda s: s.start_s)
    for k, s in enumerate(strides):
        s.index = k
    ic_times = sorted(e.time_s for e in events if e.kind == "initial_contact")
    cadence = 60.0 / float(np.mean(np.diff(ic_times)))
    metrics = {"cadence_spm": Metric("cadence_spm", cadence, "spm", "steps per minute", n_strides=len(strides),
                                     reference=Reference(160, 190, "spm", "fixture reference"),
                                     confidence=Confidence("high", 0.9, ["fixture"]))}
    for name in UNITS:
        if name == "cadence_spm":
            continue
        per_side = {foot: [s.values[name] for s in strides if s.foot == foot and s.values[name] is not None]
                    for foot in ("left", "right")}
        allv = per_side["left"] + per_side["right"]
        q1, q3 = np.percentile(allv, [25, 75])
        metrics[name] = Metric(
            name, float(np.median(allv)), UNITS[name], f"fixture: {name}",
            left=float(np.median(per_side["left"])), right=float(np.median(per_side["right"])),
            spread=float(q3 - q1), n_strides=len(allv),
            reference=Reference(None, 20.0, UNITS[name], "fixture reference") if name.endswith("deg") else None,
            confidence=Confidence("medium", 0.6, ["fixture geometry at labelled events"]))
    worst = max((s for s in strides if s.values["knee_flexion_at_contact_deg"] is not None),
                key=lambda s: -s.values["knee_flexion_at_contact_deg"])
    return Analysis(
        clip=dict(track.source), view={"kind": "side", "direction": "left" if forward < 0 else "right",
                                       "near_side": "left", "source": "user"},
        events=events, strides=strides, metrics=metrics,
        findings=[Finding("straight_knee_at_contact", "Fixture finding: the knee is fairly straight at contact.",
                          ["knee_flexion_at_contact_deg"], "flag", worst_stride=worst.index)],
        quality=[QualityNote("fixture", "Events are hand labels; values are fixture geometry.", "info")],
        scale={}, detected_fraction=track.detected_fraction, model=track.model,
        software={"stridescope": "test fixture"})
