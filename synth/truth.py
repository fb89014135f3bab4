"""Ground truth of a synthetic clip: events, per-stride metric values and image landmarks.

Metric names and definitions are those of ``analysis.json`` (see
``metrics/analysis.py``), computed here from the 3D model: sagittal-plane
quantities in the x-z plane, frontal-plane ones in the y-z plane.  Frame
``i`` of a clip shows time ``i / fps``; an event's ``frame`` is the frame a
person labelling the clip would mark (:func:`event_frame`), its exact time is
``time_s_exact``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from synth.camera import Camera
from synth.kinematics import (
    RunnerModel,
    frontal_projection_angle,
    sagittal_angles,
    signed_peak,
)
from vision.landmarks import INDEX, LANDMARK_NAMES

SAMPLE_S = 0.001  # time step for peaks and means within a stride
FRAME_TIME_TOLERANCE_S = 1e-9  # float noise must not move an event by a frame (as in metrics.gait.Gait.clip_frame)
UNITS = {
    "cadence_spm": "steps/min", "ground_contact_time_ms": "ms", "foot_strike_angle_deg": "deg",
    "overstride_cm": "cm", "shank_angle_at_contact_deg": "deg", "trunk_lean_deg": "deg",
    "knee_flexion_at_contact_deg": "deg", "peak_knee_flexion_stance_deg": "deg",
    "hip_extension_deg": "deg", "vertical_oscillation_cm": "cm", "stride_length_m": "m",
    "pelvic_drop_deg": "deg", "knee_collapse_deg": "deg", "step_time_ms": "ms", "stride_time_ms": "ms",
    "flight_time_ms": "ms", "duty_factor_pct": "%", "vertical_ratio_pct": "%",
    "overstride_pct_leg": "% leg", "vertical_oscillation_pct_leg": "% leg", "stride_length_leg": "leg lengths",
}


def _lm(pose, foot: str, name: str) -> np.ndarray:
    return pose.landmarks[:, INDEX[f"{foot}_{name}"]]


def event_frame(kind: str, t: float, fps: float) -> int:
    """The frame of an event at ``t`` s, in the convention of the hand labels and of the detector: the first
    frame in contact for an initial contact (at or after ``t``), the last frame in contact for a toe-off (at or
    before ``t``).

    The labels mark frames seen in contact (``../shared/videos/groundtruth/LABELS.md``) and the analysis
    reports its events so (:meth:`metrics.gait.Gait.clip_frame`); the nearest frame instead would make an
    exactly timed detector read half a frame late at initial contact and half a frame early at toe-off.

    >>> event_frame("initial_contact", 0.51, 10.0), event_frame("toe_off", 0.59, 10.0)
    (6, 5)

    Float noise is forgiven: ``31 / 30 * 30`` is 31.000000000000004 and ``4.1 * 30`` 122.99999999999999.

    >>> event_frame("initial_contact", 31 / 30, 30.0), event_frame("toe_off", 4.1, 30.0)
    (31, 123)
    """
    if kind == "initial_contact":
        return int(np.ceil((t - FRAME_TIME_TOLERANCE_S) * fps))
    return int(np.floor((t + FRAME_TIME_TOLERANCE_S) * fps))


def events(model: RunnerModel, fps: float) -> list[dict]:
    """Initial contacts and toe-offs inside the clip, in time order (``time_s`` the time of the event's frame)."""
    out = []
    for step in model.steps:
        for kind, t in (("initial_contact", step.t_ic), ("toe_off", step.t_to)):
            frame = event_frame(kind, t, fps)
            if 0 <= t and frame < int(round(model.duration_s * fps)):
                out.append({"foot": step.foot, "kind": kind, "frame": frame,
                            "time_s": frame / fps, "time_s_exact": t})
    return sorted(out, key=lambda e: e["time_s_exact"])


def stride_values(model: RunnerModel, step_index: int) -> dict[str, float]:
    """Every metric of the stride starting at the initial contact of ``model.steps[step_index]``."""
    step, nxt = model.steps[step_index], model.steps[step_index + 2]
    step_time = model.steps[step_index + 1].t_ic - step.t_ic
    f, other = step.foot, "right" if step.foot == "left" else "left"
    at_ic = model.pose([step.t_ic])
    stride = model.pose(np.arange(step.t_ic, nxt.t_ic, SAMPLE_S))
    stance = model.pose(np.linspace(step.t_ic, step.t_to, int(step.contact / SAMPLE_S) + 1))
    stride_time = nxt.t_ic - step.t_ic

    heel, toe = _lm(at_ic, f, "heel")[0], _lm(at_ic, f, "foot_index")[0]
    hip, knee, ankle = (_lm(at_ic, f, n)[0] for n in ("hip", "knee", "ankle"))
    _, flex_ic = sagittal_angles(hip, knee, ankle)
    # Hip extension: thigh behind vertical minus trunk lean, peak from mid-stance to a tenth of
    # the stride after toe-off (metrics/hip.py).
    late = model.pose(np.arange((step.t_ic + step.t_to) / 2, step.t_to + 0.1 * (nxt.t_ic - step.t_ic), SAMPLE_S))
    thigh_late, _ = sagittal_angles(*(_lm(late, f, n) for n in ("hip", "knee", "ankle")))
    trunk_late = late.mid_shoulder - late.mid_hip
    hip_ext = -thigh_late - np.degrees(np.arctan2(trunk_late[:, 0], trunk_late[:, 2]))
    first_step = model.pose(np.arange(step.t_ic, model.steps[step_index + 1].t_ic, SAMPLE_S))
    _, flex_stance = sagittal_angles(*(_lm(stance, f, n) for n in ("hip", "knee", "ankle")))
    trunk = stride.mid_shoulder - stride.mid_hip
    stance_hip, swing_hip = _lm(stance, f, "hip"), _lm(stance, other, "hip")
    oscillation = float(np.ptp(first_step.mid_hip[:, 2]))
    leg = model.body.thigh + model.body.shank  # the straight leg, hip to ankle joint centres
    overstride = float(heel[0] - at_ic.mid_hip[0, 0])
    drop = np.degrees(np.arctan2(stance_hip[:, 2] - swing_hip[:, 2], np.abs(stance_hip[:, 1] - swing_hip[:, 1])))
    fppa = frontal_projection_angle(*(_lm(stance, f, n) for n in ("hip", "knee", "ankle")), step.side)
    return {
        "cadence_spm": 60.0 / step_time,
        "ground_contact_time_ms": 1000.0 * step.contact,
        "foot_strike_angle_deg": float(np.degrees(np.arctan2(toe[2] - heel[2], toe[0] - heel[0]))),
        "overstride_cm": 100.0 * overstride,
        "overstride_pct_leg": 100.0 * overstride / leg,
        "vertical_oscillation_pct_leg": 100.0 * oscillation / leg,
        "stride_length_leg": step.v * stride_time / leg,
        "shank_angle_at_contact_deg": float(np.degrees(np.arctan2(ankle[0] - knee[0], knee[2] - ankle[2]))),
        "trunk_lean_deg": float(np.degrees(np.arctan2(trunk[:, 0], trunk[:, 2])).mean()),
        "knee_flexion_at_contact_deg": float(flex_ic),
        "peak_knee_flexion_stance_deg": float(flex_stance.max()),
        "hip_extension_deg": float(hip_ext.max()),
        "vertical_oscillation_cm": 100.0 * oscillation,
        "step_time_ms": 1000.0 * step_time,
        "stride_time_ms": 1000.0 * stride_time,
        "flight_time_ms": 1000.0 * (step_time - step.contact),
        "duty_factor_pct": 100.0 * step.contact / stride_time,
        "vertical_ratio_pct": 100.0 * oscillation / (step.v * step_time),
        "stride_length_m": step.v * stride_time,
        "pelvic_drop_deg": float(signed_peak(drop)),
        "knee_collapse_deg": float(signed_peak(fppa)),
    }


def strides(model: RunnerModel, fps: float) -> list[dict]:
    """Strides (initial contact to the next of the same foot) wholly inside the clip, in the
    shape of ``analysis.json`` strides."""
    out = []
    for k, step in enumerate(model.steps[:-2]):
        nxt = model.steps[k + 2]
        if step.t_ic < 0 or nxt.t_ic > model.duration_s:
            continue
        out.append({
            "index": len(out), "foot": step.foot,
            "initial_contact_frame": event_frame("initial_contact", step.t_ic, fps),
            "toe_off_frame": event_frame("toe_off", step.t_to, fps),
            "next_initial_contact_frame": event_frame("initial_contact", nxt.t_ic, fps),
            "start_s": step.t_ic, "end_s": nxt.t_ic,
            "values": stride_values(model, k),
        })
    return out


def summary(stride_list: list[dict]) -> dict:
    """Mean of each metric over all strides and per foot, with its unit.

    Cadence, like ``analysis.json``'s, is 60 / mean step time rather than the mean of per-step rates.
    """
    out = {}
    for name, unit in UNITS.items():
        vals = {f: np.array([s["values"][name] for s in stride_list if f in (None, s["foot"])])
                for f in (None, "left", "right")}
        center = _cadence_mean if name == "cadence_spm" else np.mean
        out[name] = {"unit": unit, "value": float(center(vals[None])),
                     "left": float(center(vals["left"])), "right": float(center(vals["right"])),
                     "n_strides": len(vals[None])}
    return out


def _cadence_mean(cadences: np.ndarray) -> float:
    """Cadence of several steps: 60 / mean step time.

    >>> _cadence_mean(np.array([120.0, 240.0]))
    160.0
    """
    return 60.0 / float(np.mean(60.0 / cadences))


def image_landmarks(model: RunnerModel, camera: Camera, times: np.ndarray) -> np.ndarray:
    """True image positions [n, 33, 2] (px) of the landmarks at ``times``."""
    return camera.project(model.pose(times).landmarks)[0]


def _rounded(x, digits: int = 4):
    """Floats rounded (so the file's bytes do not depend on the last bits of arithmetic)."""
    if isinstance(x, float):
        return round(x, digits) + 0.0
    if isinstance(x, dict):
        return {k: _rounded(v, digits) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_rounded(v, digits) for v in x]
    return x


def ground_truth(model: RunnerModel, camera: Camera, render: dict) -> dict:
    """The whole ground-truth document of one clip."""
    fps = render["fps"]
    n = int(round(model.duration_s * fps))
    xy = image_landmarks(model, camera, np.arange(n) / fps)
    stride_list = strides(model, fps)
    return {
        "generator": "stridescope synth",
        "params": model.params.to_dict(),
        "render": render,
        "camera": camera.to_dict(),
        "events": events(model, fps),
        "strides": stride_list,
        "metrics": summary(stride_list),
        "landmarks": {
            "names": list(LANDMARK_NAMES),
            "modelled": list(LANDMARK_NAMES),
            "image_xy_px": np.round(xy, 2).tolist(),
        },
    }


def write_truth(path: str | Path, truth: dict) -> None:
    """Write ``truth`` as JSON with sorted keys and rounded floats: same input, same bytes."""
    text = json.dumps(_rounded(truth), sort_keys=True, separators=(",", ":"))
    Path(path).write_text(text + "\n")
