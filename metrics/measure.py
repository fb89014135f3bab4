"""The metrics layer's entry point: a pose track in, its :class:`Gait` and :class:`Analysis` out.

Pure computation on arrays: no video, no files except the optional CSV writer.
The :class:`Gait` is what was measured on (cleaned landmarks, events, angles);
the :class:`Analysis` is what was measured (``analysis.json``).
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import NamedTuple

import numpy as np

from metrics import foot_strike
from metrics.analysis import Analysis, GaitEvent, Metric, Stride
from metrics.crowd import crowd_notes
from metrics.event_io import contacts_from_events
from metrics.events import EventParams
from metrics.findings import assess, distrusted
from metrics.gait import Gait, build_gait, on_given_contacts
from metrics.quality import quality_notes
from metrics.registry import SPECS
from metrics.sufficiency import check_enough_running
from metrics.summary import per_stride_values, summarise


def measure(g: Gait) -> tuple[dict[str, Metric], dict[str, list[float | None]]]:
    """Clip metrics and per-stride values of every metric the view allows."""
    metrics, per_stride = {}, {}
    for spec in SPECS:
        if g.view.kind not in spec.views:
            continue
        values = per_stride_values(g, spec)
        metric = summarise(g, spec, values)
        if metric is not None:
            metrics[spec.name], per_stride[spec.name] = metric, values
    return metrics, per_stride


def events_of(g: Gait) -> list[GaitEvent]:
    """Initial contacts and toe-offs actually seen (not cut by the clip's ends), in time order."""
    events = []
    for c in g.contacts:
        digits = 6 if c.source == "user" else 4  # a person's events keep their frame's time exactly
        if c.initial_contact_frame > 0:
            events.append(GaitEvent(c.foot, "initial_contact", _ic_frame(g, c), round(c.initial_contact_s, digits),
                                    c.source))
        if c.complete or c.initial_contact_frame == 0:
            if c.toe_off_frame < len(g.time_s) - 1:
                events.append(GaitEvent(c.foot, "toe_off", _to_frame(g, c), round(c.toe_off_s, digits), c.source))
    return sorted(events, key=lambda e: e.time_s)


def _ic_frame(g: Gait, c) -> int:
    return g.clip_frame(c.initial_contact_frame, c.initial_contact_s, first_after=True)


def _to_frame(g: Gait, c) -> int:
    return g.clip_frame(c.toe_off_frame, c.toe_off_s, first_after=False)


def strides_of(g: Gait, per_stride: dict[str, list[float | None]]) -> list[Stride]:
    out = []
    for k, s in enumerate(g.strides):
        values = {name: (None if v[k] is None else round(v[k], 3)) for name, v in per_stride.items()}
        values["foot_strike_pattern"] = foot_strike.strike_pattern(values.get("foot_strike_angle_deg"))
        out.append(Stride(
            s.index, s.foot, _ic_frame(g, s.contact), _to_frame(g, s.contact) if s.contact.complete else None,
            _ic_frame(g, s.next) if s.next else None,
            round(s.start_s, 4), round(s.end_s, 4) if s.end_s is not None else None, values))
    return out


class Analysed(NamedTuple):
    """What :func:`analyze` returns: the gait measured on and the analysis of it."""

    gait: Gait
    analysis: Analysis


def slow_motion_factor(source: dict) -> float:
    """How many times slower a clip plays than it was filmed: its capture rate over its stored rate (1: real time).

    >>> slow_motion_factor({"fps": 29.97, "capture_fps": 299.7}), slow_motion_factor({"fps": 30.0})
    (10.0, 1.0)
    """
    fps, capture = source.get("fps"), source.get("capture_fps")
    return float(capture) / float(fps) if fps and capture else 1.0


def analyze(track, view: str | None = "auto", treadmill_speed_kmh: float | None = None,
            height_cm: float | None = None, params: EventParams = EventParams(),
            events: list[GaitEvent] | None = None, excluded: Collection[tuple[str, int]] = ()) -> Analysed:
    """The :class:`Gait` of a :class:`vision.track.PoseTrack` and everything Stridescope measures on it.

    ``events`` given (a person's, :mod:`metrics.event_io`) replace the detected ones; ``excluded``
    strides, named by ``(foot, initial_contact_frame)``, are left out of every measure.
    Raises :class:`vision.errors.NotEnoughRunningError` when too little of the runner is seen to measure anything.
    """
    check_enough_running(track.image_xy, track.time_s, Path(str(track.source.get("path", ""))).name,
                         tuple(track.frame_size))
    contacts = None if events is None else contacts_from_events(events, track.time_s)
    g = build_gait(track.image_xy, track.time_s, track.visibility, tuple(track.frame_size), view,
                   treadmill_speed_kmh, height_cm, params, contacts=contacts,
                   background_px_s=track.source.get("background_px_s"), camera_roll=track.source.get("camera_roll"),
                   slow_motion=slow_motion_factor(track.source))
    if contacts is not None:
        g = on_given_contacts(g)
    return Analysed(g, analysis_of(g, track, excluded))


def analysis_of(g: Gait, track, excluded: Collection[tuple[str, int]] = ()) -> Analysis:
    """Measures, findings and capture notes of a gait (``track``: the pose track it was built from),
    without the ``excluded`` strides."""
    if excluded:
        left_out = set(map(tuple, excluded))
        kept = [s for s in g.strides if (s.foot, s.contact.initial_contact_frame) not in left_out]
        g = replace(g, strides=[replace(s, index=k) for k, s in enumerate(kept)])
    metrics, per_stride = measure(g)
    quality = crowd_notes(getattr(track, "people", {})) + quality_notes(g, metrics, track.detected_fraction)
    metrics = distrusted(metrics, quality)  # the table says what the findings go by
    found, not_assessable = assess(metrics, per_stride, quality)
    view_dict = g.view.to_dict() | {"setting": g.setting, "ground_tilt_deg": round(g.ground_tilt_deg, 2),
                                    "step_period_s": g.step_period_s and round(g.step_period_s, 4),
                                    "camera_roll_deg": round(g.camera_roll_deg, 2),
                                    "camera_roll_source": g.camera_roll_source}
    return Analysis(
        clip=dict(track.source), view=view_dict, events=events_of(g), strides=strides_of(g, per_stride),
        metrics=metrics, findings=found, not_assessable=not_assessable,
        quality=quality, scale=g.scale.to_dict(),
        detected_fraction=round(track.detected_fraction, 4), model=track.model,
        software={"stridescope": _version(), "numpy": np.__version__},
    )


def analyze_track(track, view: str | None = "auto", treadmill_speed_kmh: float | None = None,
                  height_cm: float | None = None, params: EventParams = EventParams(),
                  events: list[GaitEvent] | None = None, excluded: Collection[tuple[str, int]] = ()) -> Analysis:
    """Everything Stridescope measures on a :class:`vision.track.PoseTrack` (the analysis of :func:`analyze`)."""
    return analyze(track, view, treadmill_speed_kmh, height_cm, params, events, excluded).analysis


def _version() -> str:
    try:
        return version("stridescope")
    except PackageNotFoundError:
        return "unknown"


def write_strides_csv(analysis: Analysis, path: str | Path) -> Path:
    """One row per stride: its events and every per-stride value (written whole, then renamed)."""
    path = Path(path)
    names = sorted({k for s in analysis.strides for k in s.values})
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["stride", "foot", "initial_contact_frame", "toe_off_frame", "next_initial_contact_frame",
                    "start_s", "end_s", *names])
        for s in analysis.strides:
            w.writerow([s.index, s.foot, s.initial_contact_frame, s.toe_off_frame, s.next_initial_contact_frame,
                        s.start_s, s.end_s, *("" if s.values.get(n) is None else s.values[n] for n in names)])
    tmp.replace(path)
    return path
