"""The gait object: built once from landmarks, saved and loaded whole, read by reports without cleaning.

Model-free: the input is the synthetic runner's true landmarks (``sample_videos/*.truth.json``),
so these run in the fast tier.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from conftest import SAMPLES

import metrics.clean
import metrics.events
import metrics.gait
from metrics.gait import Gait, build_gait
from metrics.measure import analysis_of, analyze


@cache
def truth(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.truth.json").read_text())


class TrueTrack:
    """The synthetic runner's true landmarks as a pose track would carry them (seen everywhere)."""

    def __init__(self, name: str, keep: np.ndarray | None = None):
        t = truth(name)
        xy = np.array(t["landmarks"]["image_xy_px"], float)
        keep = np.arange(len(xy)) if keep is None else keep
        self.image_xy = xy[keep]
        self.time_s = (np.arange(len(xy)) / t["render"]["fps"])[keep]
        self.visibility = np.ones(self.image_xy.shape[:2])
        self.frame_size = (t["render"]["width"], t["render"]["height"])
        self.source = {"path": f"{name}.mp4", "fps": t["render"]["fps"]}
        self.detected_fraction, self.model = 1.0, "true landmarks"
        self.belt_kmh, self.height_cm = t["params"]["belt_speed_kmh"], 100 * t["params"]["height_m"]


@cache
def side() -> tuple[Gait, object]:
    track = TrueTrack("runner_side")
    return analyze(track, treadmill_speed_kmh=track.belt_kmh, height_cm=track.height_cm)


def test_the_gait_holds_what_every_reader_needs():
    g, analysis = side()
    assert (g.view.kind, g.direction, g.setting) == ("side", "right", "treadmill")
    # Height given: it sets the scale before the belt (the pose model's feet lag the belt, metrics/gait.py).
    assert g.near_side in ("left", "right") and g.scale.source == "runner height"
    assert len(g.contacts) >= 20 and all(c.foot in ("left", "right") for c in g.contacts)
    for name in ("knee_flexion", "thigh", "shank", "foot", "trunk_lean"):
        for foot in ("left", "right"):
            assert g.angles[name][foot].shape == g.time_s.shape
    assert np.nanmax(g.angles["knee_flexion"]["left"]) > 60  # swing flexion of a runner
    # analysis.json's events are the gait's contacts, frame for frame
    ics = sorted(c.initial_contact_frame for c in g.contacts if c.initial_contact_frame > 0)
    assert ics == sorted(e.frame for e in analysis.events if e.kind == "initial_contact")


def same(a, b) -> bool:
    """Equal, looking into arrays, dataclasses, dicts and lists (NaN equals NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and all(same(getattr(a, f.name), getattr(b, f.name))
                                           for f in dataclasses.fields(a))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def test_gait_npz_round_trip_keeps_every_field(tmp_path):
    """Every field, so one added to Gait without a place in gait.npz fails here."""
    g, _ = side()
    back = Gait.load(g.save(tmp_path / "gait.npz"))
    for f in dataclasses.fields(Gait):
        assert same(getattr(back, f.name), getattr(g, f.name)), f.name
    assert not back.resampled


def test_a_gait_is_cleaned_once_and_its_foot_velocity_computed_once(count_calls):
    count_calls("clean", metrics.clean.clean, (metrics.gait, "clean"))
    calls = count_calls("foot_velocity", metrics.events.foot_velocity, (metrics.gait, "foot_velocity"),
                        (metrics.events, "foot_velocity"))
    track = TrueTrack("runner_side")
    analyze(track, treadmill_speed_kmh=track.belt_kmh)
    assert calls == {"clean": 1, "foot_velocity": 1}


def test_given_contacts_are_used_instead_of_detected_ones():
    g, _ = side()
    track = TrueTrack("runner_side")
    fewer = g.contacts[::2]
    again = build_gait(track.image_xy, track.time_s, track.visibility, track.frame_size, contacts=fewer)
    assert again.contacts == fewer
    assert [s.contact for s in again.strides] == [c for c in fewer if c.initial_contact_frame > 0]


def contact_times(g: Gait, kind: str) -> dict[str, np.ndarray]:
    return {foot: np.array([c.initial_contact_s if kind == "initial_contact" else c.toe_off_s
                            for c in g.contacts if c.foot == foot and c.complete]) for foot in ("left", "right")}


def test_a_variable_frame_rate_clip_is_measured_on_an_even_grid():
    """The frame rate drops from 60 to 30 fps halfway, as a phone's may.  Resampled onto even
    1/60 s steps, every contact lands within 0.25 frame of the full-rate clip's and the contact
    time within 5 ms (measured: 0.10 / 0.17 frame, 252.0 vs 253.0 ms; measured on the uneven
    frames as if even: up to 42 frames off and 81 ms); analysis.json's frames index the clip's
    own frames."""
    n = len(truth("runner_side")["landmarks"]["image_xy_px"])
    keep = np.r_[np.arange(n // 2), np.arange(n // 2, n, 2)]
    track = TrueTrack("runner_side", keep)
    g, analysis = analyze(track, treadmill_speed_kmh=track.belt_kmh)
    full, full_analysis = side()
    assert g.resampled and np.allclose(np.diff(g.time_s), 1 / 60, rtol=1e-6)
    np.testing.assert_array_equal(g.frame_time_s, track.time_s)
    for kind in ("initial_contact", "toe_off"):
        for foot, times in contact_times(g, kind).items():
            dense = contact_times(full, kind)[foot]
            assert len(times) == len(dense)
            assert np.max(np.abs(times - dense)) <= 0.25 / 60
    gct = "ground_contact_time_ms"
    assert analysis.metrics[gct].value == pytest.approx(full_analysis.metrics[gct].value, abs=5)
    t = track.time_s
    for e in analysis.events:  # the first frame in contact, the last frame in contact
        if e.kind == "initial_contact":
            assert t[e.frame] >= e.time_s - 1e-3 and t[e.frame - 1] < e.time_s
        else:
            assert t[e.frame] <= e.time_s + 1e-3 and t[e.frame + 1] > e.time_s
    assert len(g.on_frames(g.xy)) == len(keep)
    # contacts given on the clip's own frames (a person's events) move onto the grid by time
    own = [replace(c, initial_contact_frame=e_ic, toe_off_frame=e_to) for c, e_ic, e_to in
           ((c, int(np.searchsorted(t, c.initial_contact_s - 1e-9)), int(np.searchsorted(t, c.toe_off_s + 1e-9)) - 1)
            for c in g.contacts)]
    given = build_gait(track.image_xy, track.time_s, track.visibility, track.frame_size, contacts=own)
    assert given.contacts == g.contacts


def test_reports_read_the_gait_and_clean_nothing(monkeypatch):
    from reports.cycle import cycle_curves
    from reports.state import ClipStates

    def forbidden(*args, **kwargs):
        raise AssertionError("a report cleaned landmarks")

    g, analysis = side()
    for module in (metrics.clean, metrics.gait):
        monkeypatch.setattr(module, "clean", forbidden)
    states = ClipStates(analysis, g)
    mid = states[len(states) // 2]
    np.testing.assert_array_equal(mid.xy, g.xy[len(states) // 2])
    assert mid.forward == g.forward and states.stance_intervals() == g.stance_intervals()
    curves = cycle_curves(analysis, g)
    assert curves["knee_flexion"]["left"].n >= 10


def test_recomputing_from_a_gait_gives_the_same_analysis():
    g, analysis = side()
    again = analysis_of(replace(g), TrueTrack("runner_side"))
    assert again.to_dict() | {"software": {}} == analysis.to_dict() | {"software": {}}


def test_an_analysis_folder_from_before_gait_npz_gets_its_gait_rebuilt_as_analysed(tmp_path):
    from reports.report import ANALYSIS_FILE, POSE_FILE, AnalysisFiles
    from vision.track import PoseTrack

    true = TrueTrack("runner_rear")
    track = PoseTrack.empty(len(true.time_s), true.frame_size, source=true.source)
    track.time_s, track.image_xy[:], track.visibility[:] = true.time_s, true.image_xy, 1.0
    g, analysis = analyze(track, view="rear")
    analysis.save(tmp_path / ANALYSIS_FILE)
    track.save(tmp_path / POSE_FILE)
    loaded = AnalysisFiles.load(tmp_path)
    assert loaded.gait.view.kind == "rear" and loaded.gait.contacts == g.contacts
