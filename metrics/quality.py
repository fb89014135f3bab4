"""Capture check: what this clip can and cannot support, said in a runner's words."""

from __future__ import annotations

import numpy as np

from metrics.analysis import Metric, QualityNote
from metrics.gait import Gait, height_px
from metrics.legs import LOWER_BODY
from metrics.reference import STABLE_MEAN_STEPS
from metrics.registry import SPECS
from metrics.summary import MAX_SWAPPED_SHARE, TILT_DEG, swapped_share
from metrics.temporal import duty_factor

# What a user can give that the clip cannot tell, in words; the command line and the app each say how.
NEEDS = {
    "capture_fps": "the frame rate the camera recorded at",
    "height_cm": "the runner's height",
    "treadmill_speed_kmh": "the treadmill speed",
}
TIMED = [s.name for s in SPECS if s.event_timed]
CONTACT_METRICS = [s.name for s in SPECS if s.event_timed and s.high_confidence_fps >= 60]
ANGLES_FROM_VERTICAL = [s.name for s in SPECS if s.angle_from_vertical]
SAGITTAL = [s.name for s in SPECS if "side" in s.views and "rear" not in s.views]
FRONTAL = [s.name for s in SPECS if "side" not in s.views]
ALL_MEASURES = [s.name for s in SPECS]
WALKING_DUTY_FACTOR_PCT = 45.0
"""A foot on the ground for this share of the stride or more is taken for walking: running keeps it under 50 %
(a flight phase; Novacheck 1998, Gait Posture 7:77-95) and walking over 60 %, but toe-off is found early, so a
walk reads short (47-54 % on the four walking clips in ../shared; the running clips and samples read 17-34 %).
A slow jog near the line loses its findings, never gains a false one."""


def quality_notes(g: Gait, metrics: dict[str, Metric], detected_fraction: float) -> list[QualityNote]:
    """Every capture problem found, most serious first."""
    notes: list[QualityNote] = []
    w, h = g.frame_size
    fps = g.fps
    cadence = next((metrics[s.name] for s in SPECS if s.rate and s.name in metrics), None)  # the step rate
    duty = next((metrics[s.name] for s in SPECS if s.per_stride is duty_factor and s.name in metrics), None)
    walking = bool(duty and duty.value and duty.value >= WALKING_DUTY_FACTOR_PCT and duty.n_strides >= 2)
    if walking:
        notes.append(QualityNote(
            "not_running",
            f"Each foot is on the ground for {duty.value:.0f}% of the stride, so both feet are down together "
            "at times: this looks like walking, not running (a runner's foot is down for less than half the "
            "stride, with a flight between steps). The reference ranges are for running, so nothing is "
            "stated against them.", "error", ALL_MEASURES))
    if cadence and cadence.value and cadence.value < 120 and not walking:  # slow motion, unless walking
        notes.append(QualityNote(
            "cadence_implausible",
            f"The step rate measured is {cadence.value:.0f} steps/min, slower than running usually is. If this "
            f"is slow-motion footage, analyse it again giving {NEEDS['capture_fps']} (for example 120 or 240); "
            "otherwise all timings are stretched.",
            "error", TIMED, ["capture_fps"]))
    if len(g.strides) < STABLE_MEAN_STEPS:
        notes.append(QualityNote(
            "few_strides",
            f"Only {len(g.strides)} foot landings were found; {STABLE_MEAN_STEPS} or more per measure give "
            "stable averages. Film at least 10 seconds of steady running.", "warning"))
    if fps < 60:
        notes.append(QualityNote(
            "low_frame_rate",
            f"The clip was filmed at {fps:.0f} frames per second, so each landing and take-off is timed only "
            f"to within about {1000 / fps:.0f} ms. Ground contact and flight times need 60 fps or more "
            "(120 fps is better) to be trusted.", "warning" if fps < 50 else "info", CONTACT_METRICS))
    if detected_fraction < 0.9:
        notes.append(QualityNote(
            "detection_gaps",
            f"The runner was found in only {100 * detected_fraction:.0f}% of frames; check the whole body "
            "stays in view and nothing passes in front of the camera.", "warning"))
    runner = height_px(g.xy)
    if h and runner < 0.3 * h:
        notes.append(QualityNote(
            "runner_small",
            f"The runner is only about {100 * runner / h:.0f}% of the picture's height; move the camera "
            "closer or zoom in so the body fills at least half of it.", "warning"))
    out = _fraction_outside(g.xy, w, h)
    if out > 0.05:
        notes.append(QualityNote(
            "runner_cut_off",
            f"Feet or legs are outside the picture in {100 * out:.0f}% of frames; frame the whole body "
            "with some space below the feet.", "warning"))
    if abs(g.ground_tilt_deg) > TILT_DEG and not g.camera_roll_source:  # a measured roll was taken out
        notes.append(QualityNote(
            "camera_tilted",
            f"The line the feet land on slopes by about {abs(g.ground_tilt_deg):.0f} degrees in the picture. "
            "If the camera itself is tilted, angles measured from vertical (trunk lean, shank, thigh) are off "
            "by up to that much; keep the camera level and square to the runner.",
            "warning" if abs(g.ground_tilt_deg) > 6 else "info",
            ANGLES_FROM_VERTICAL))
    if g.camera_roll_source and abs(g.camera_roll_deg) >= 1:
        notes.append(QualityNote(
            "camera_roll_removed",
            f"The picture is turned about {abs(g.camera_roll_deg):.1f} degrees "
            f"{'clockwise' if g.camera_roll_deg > 0 else 'anticlockwise'} (read from the room's upright edges); "
            "angles are measured from the true vertical.", "info"))
    jitter = _jitter(g)
    if jitter > 0.03:
        notes.append(QualityNote(
            "landmark_jitter",
            f"Body points jump about from frame to frame ({100 * jitter:.1f}% of leg length), as with a blurred "
            "or dark clip. More light or a faster shutter will make the angles steadier.", "warning"))
    swapped = swapped_share(g)
    if swapped > MAX_SWAPPED_SHARE:
        notes.append(QualityNote(
            "legs_swapped",
            f"The pose model mixed up left and right legs in {100 * swapped:.0f}% of frames; these were "
            "repaired, but left/right values deserve a second look.", "info"))
    if g.view.kind == "side":
        notes.append(QualityNote(
            "side_view_only", "Filmed from the side: pelvic drop and knee collapse need a clip filmed from "
            "behind the runner.", "info", FRONTAL))
    else:
        notes.append(QualityNote(
            "frontal_view_only", f"Filmed from the {g.view.kind}: foot strike, overstride, trunk lean and knee "
            "angles need a clip filmed from the side.", "info", SAGITTAL))
    if g.scale.px_per_m is None:
        notes.append(QualityNote(
            "no_scale", "No height or treadmill speed was given, so distances are in % of leg length rather "
            f"than centimetres; give {NEEDS['height_cm']} (or, on a treadmill, {NEEDS['treadmill_speed_kmh']}).",
            "info", [s.name for s in SPECS if s.unit in ("cm", "m")], ["height_cm", "treadmill_speed_kmh"]))
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(notes, key=lambda n: order[n.severity])


def _fraction_outside(xy: np.ndarray, w: int, h: int) -> float:
    """Fraction of frames with a lower-body landmark outside the picture."""
    if not (w and h):
        return 0.0
    p = xy[:, list(LOWER_BODY)]
    outside = (p[..., 0] < 0) | (p[..., 0] > w) | (p[..., 1] < 0) | (p[..., 1] > h)
    return float(outside.any(axis=1).mean())


def _jitter(g: Gait) -> float:
    """Median distance between raw and filtered lower-body positions, in leg lengths."""
    raw = g.cleaned.raw_xy[:, list(LOWER_BODY)]
    smooth = g.cleaned.xy[:, list(LOWER_BODY)]
    d = np.linalg.norm(raw - smooth, axis=-1)
    return float(np.nanmedian(d)) / g.scale.leg_length_px
