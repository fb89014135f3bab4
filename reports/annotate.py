"""Composable frame annotators: ``annotator.annotate(scene, state) -> scene``.

Each annotator draws one idea (the skeleton, the angles at contact, the
moment of an event, the stride count, a live readout) on an RGB frame, in
the shape the ``supervision`` library uses, so a replay is a list of them:

    for a in (SkeletonAnnotator(), EventFlashAnnotator()):
        scene = a.annotate(scene, state)

Numbers drawn are the analysis' measured values for the stride shown;
geometry (where a line or arc goes) comes from the frame's landmarks.
Left is drawn orange, right blue (colour-blind safe), the midline white.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from metrics.geometry import midpoint
from metrics.registry import SPECS
from reports.kinematics import SIDES, joint
from reports.labels import fmt, short_label
from reports.state import FrameState
from reports.text import blend_rect, draw_text, text_size
from vision import landmarks as L

LEFT = (245, 130, 32)
RIGHT = (40, 160, 245)
MIDLINE = (245, 245, 245)
SIDE_COLOUR = {"left": LEFT, "right": RIGHT}
INK = (255, 255, 255)
PANEL = (20, 20, 20)
ACCENT = (255, 220, 60)


def _scale(scene: np.ndarray) -> float:
    """Drawing scale: 1.0 for a 720-pixel short side."""
    return min(scene.shape[:2]) / 720.0


def _pt(p: np.ndarray) -> tuple[int, int] | None:
    return (int(round(p[0])), int(round(p[1]))) if np.isfinite(p).all() else None


def _side_of(index: int) -> str | None:
    name = L.LANDMARK_NAMES[index]
    return "left" if name.startswith("left") else "right" if name.startswith("right") else None


@dataclass
class SkeletonAnnotator:
    """Bones and joints, left and right in distinct colours."""

    thickness: float = 4.0
    radius: float = 5.0

    def annotate(self, scene: np.ndarray, state: FrameState) -> np.ndarray:
        s = _scale(scene)
        t, r = max(1, int(self.thickness * s)), max(2, int(self.radius * s))
        for a, b in L.SKELETON:
            pa, pb = _pt(state.xy[a]), _pt(state.xy[b])
            if pa and pb:
                side = _side_of(a) if _side_of(a) == _side_of(b) else None
                colour = SIDE_COLOUR.get(side, MIDLINE)
                cv2.line(scene, pa, pb, (0, 0, 0), t + 2, cv2.LINE_AA)
                cv2.line(scene, pa, pb, colour, t, cv2.LINE_AA)
        for side in SIDES:
            for index in (L.LEFT_SHOULDER if side == "left" else L.RIGHT_SHOULDER,
                          *(joint(side, j) for j in ("hip", "knee", "ankle", "heel", "toe"))):
                p = _pt(state.xy[index])
                if p:
                    cv2.circle(scene, p, r, SIDE_COLOUR[side], -1, cv2.LINE_AA)
                    cv2.circle(scene, p, r, (0, 0, 0), 1, cv2.LINE_AA)
        return scene


def _arc(scene, centre, radius, a0_deg, a1_deg, colour, thickness) -> None:
    """Arc from image angle a0 to a1 (degrees, cv2 convention: 0 = +x, clockwise)."""
    lo, hi = sorted((a0_deg, a1_deg))
    if hi - lo > 180:
        lo, hi = hi, lo + 360
    cv2.ellipse(scene, centre, (radius, radius), 0, lo, hi, colour, thickness, cv2.LINE_AA)


def _direction_deg(p: np.ndarray, q: np.ndarray) -> float:
    return math.degrees(math.atan2(q[1] - p[1], q[0] - p[0]))


def _dashed(scene, p, q, colour, thickness, dash=10) -> None:
    p, q = np.asarray(p, float), np.asarray(q, float)
    n = max(int(np.linalg.norm(q - p) / dash), 1)
    for k in range(0, n, 2):
        a, b = p + (q - p) * k / n, p + (q - p) * min(k + 1, n) / n
        cv2.line(scene, _pt(a), _pt(b), colour, thickness, cv2.LINE_AA)


@dataclass
class AngleArcAnnotator:
    """Angles that matter, drawn where they are measured.

    Side view: at each initial contact (held ``hold_s``) the knee angle, the
    shank against the vertical and the foot against the horizontal; the trunk
    line against the vertical throughout.  Rear view: the pelvis line against
    the horizontal, and the stance knee's frontal angle (collapse).
    """

    hold_s: float = 0.1  # short: by toe-off the leg no longer shows the landing

    def annotate(self, scene: np.ndarray, state: FrameState) -> np.ndarray:
        if not state.detected:
            return scene
        if state.view == "side":
            self._trunk(scene, state)
            for foot, (stride, age) in state.last_contact.items():
                if 0 <= age <= self.hold_s:
                    self._contact(scene, state, foot, stride.values)
        else:
            self._pelvis(scene, state)
            for foot, on_ground in state.stance.items():
                if on_ground and foot in state.last_contact:
                    self._knee_frontal(scene, state, foot, state.last_contact[foot][0].values)
        return scene

    def _label(self, scene, at, text, colour, toward: int = 1) -> None:
        """Label starting at ``at`` and running toward image-right (+1) or ending there (-1)."""
        s = _scale(scene)
        size = int(20 * s)
        x = at[0] if toward > 0 else at[0] - text_size(text, size)[0]
        draw_text(scene, text, (int(x), int(at[1]) - size // 2), size, colour, background=PANEL)

    def _trunk(self, scene, state) -> None:
        s = _scale(scene)
        hip = midpoint(state.xy, L.LEFT_HIP, L.RIGHT_HIP)
        sho = midpoint(state.xy, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
        if not (np.isfinite(hip).all() and np.isfinite(sho).all()):
            return
        length = np.linalg.norm(sho - hip)
        up = hip + np.array([0.0, -length])
        _dashed(scene, hip, up, INK, max(1, int(2 * s)))
        cv2.line(scene, _pt(hip), _pt(sho), ACCENT, max(2, int(3 * s)), cv2.LINE_AA)
        _arc(scene, _pt(hip), int(0.45 * length), -90, _direction_deg(hip, sho), ACCENT, max(2, int(2 * s)))
        lean = state.values.get("trunk_lean_deg")
        if lean is not None:
            at = hip + (sho - hip) * 0.5 + np.array([state.forward * 0.35 * length, 0])
            self._label(scene, at, f"trunk {fmt(lean, 'deg')}", ACCENT, state.forward)

    def _contact(self, scene, state, foot, values) -> None:
        s = _scale(scene)
        colour = SIDE_COLOUR[foot]
        hip, knee, ankle, heel, toe = (state.xy[joint(foot, j)] for j in ("hip", "knee", "ankle", "heel", "toe"))
        th = max(2, int(3 * s))
        if np.isfinite([hip, knee, ankle]).all():
            r = int(0.3 * np.linalg.norm(hip - knee))
            # Knee: arc between the thigh's extension and the shank = flexion.
            straight = knee + (knee - hip)
            _dashed(scene, knee, straight, INK, max(1, int(2 * s)))
            _arc(scene, _pt(knee), r, _direction_deg(knee, straight), _direction_deg(knee, ankle), colour, th)
            self._label(scene, knee + np.array([state.forward * (r + 12 * s), -r]),
                        f"knee {fmt(values.get('knee_flexion_at_contact_deg'), 'deg')}", colour, state.forward)
            # Shank against the vertical through the knee.
            below = knee + np.array([0.0, np.linalg.norm(ankle - knee)])
            _dashed(scene, knee, below, INK, max(1, int(2 * s)))
            _arc(scene, _pt(knee), int(1.6 * r), 90, _direction_deg(knee, ankle), colour, th)
            shank = values.get("shank_angle_at_contact_deg")
            if shank is not None:
                self._label(scene, (knee + ankle) / 2 + np.array([state.forward * 1.2 * r, 0]),
                            f"shank {fmt(shank, 'deg')}", colour, state.forward)
        if np.isfinite([heel, toe]).all():
            ground = heel + np.array([state.forward * np.linalg.norm(toe - heel) * 1.3, 0.0])
            _dashed(scene, heel, ground, INK, max(1, int(2 * s)))
            cv2.line(scene, _pt(heel), _pt(toe), colour, th + 1, cv2.LINE_AA)
            strike = values.get("foot_strike_angle_deg")
            if strike is not None:
                ahead = heel if state.forward * (heel[0] - toe[0]) > 0 else toe
                self._label(scene, ahead + np.array([state.forward * 30 * s, -10 * s]),
                            f"foot {fmt(strike, 'deg')}", colour, state.forward)
        over = values.get("overstride_cm", values.get("overstride_pct_leg"))
        mid_hip = midpoint(state.xy, L.LEFT_HIP, L.RIGHT_HIP)
        if over is not None and np.isfinite([mid_hip, heel]).all():
            # Arrow from under the hip to the heel, just above the belt; label beside the hip plumb line.
            y = int(heel[1] - 12 * s)
            cv2.line(scene, _pt(mid_hip), (int(mid_hip[0]), y), INK, 1, cv2.LINE_AA)
            cv2.arrowedLine(scene, (int(mid_hip[0]), y), (int(heel[0]), y), colour, th, cv2.LINE_AA,
                            tipLength=0.2)
            unit = "cm" if "overstride_cm" in values else "% leg"
            self._label(scene, (mid_hip[0] - state.forward * 12 * s, (mid_hip[1] + heel[1]) / 2),
                        f"overstride {fmt(over, unit)}", colour, -state.forward)

    def _pelvis(self, scene, state) -> None:
        s = _scale(scene)
        lh, rh = state.xy[L.LEFT_HIP], state.xy[L.RIGHT_HIP]
        if not np.isfinite([lh, rh]).all():
            return
        mid = (lh + rh) / 2
        half = np.linalg.norm(rh - lh) * 0.9
        _dashed(scene, mid - [half, 0], mid + [half, 0], INK, max(1, int(2 * s)))
        d = (rh - lh) / np.linalg.norm(rh - lh)
        cv2.line(scene, _pt(mid - d * half), _pt(mid + d * half), ACCENT, max(2, int(4 * s)), cv2.LINE_AA)
        stance = [f for f, on in state.stance.items() if on]
        if len(stance) == 1 and stance[0] in state.last_contact:
            drop = state.last_contact[stance[0]][0].values.get("pelvic_drop_deg")
            self._label(scene, mid + [half + 10 * s, -30 * s], f"pelvic drop {fmt(drop, 'deg')}", ACCENT)

    def _knee_frontal(self, scene, state, foot, values) -> None:
        s = _scale(scene)
        hip, knee, ankle = (state.xy[joint(foot, j)] for j in ("hip", "knee", "ankle"))
        if not np.isfinite([hip, knee, ankle]).all():
            return
        colour = SIDE_COLOUR[foot]
        _dashed(scene, hip, ankle, INK, max(1, int(2 * s)))
        straight = knee + (knee - hip)
        _arc(scene, _pt(knee), int(0.3 * np.linalg.norm(hip - knee)), _direction_deg(knee, straight),
             _direction_deg(knee, ankle), colour, max(2, int(3 * s)))
        outward = -1 if (knee[0] < midpoint(state.xy, L.LEFT_HIP, L.RIGHT_HIP)[0]) else 1
        self._label(scene, knee + [outward * 40 * s - (0 if outward > 0 else 200 * s), 0],
                    f"knee {fmt(values.get('knee_collapse_deg'), 'deg')}", colour)


@dataclass
class EventFlashAnnotator:
    """A ring that flashes and fades at each initial contact (at the heel) and toe-off (at the toe)."""

    fade_s: float = 0.2

    def annotate(self, scene: np.ndarray, state: FrameState) -> np.ndarray:
        s = _scale(scene)
        for event, age in state.recent_events:
            if not 0 <= age <= self.fade_s:
                continue
            strength = 1.0 - age / self.fade_s
            where = state.xy[joint(event.foot, "heel" if event.kind == "initial_contact" else "toe")]
            p = _pt(where)
            if p is None:
                continue
            colour = SIDE_COLOUR[event.foot]
            radius = int((28 + 30 * (1 - strength)) * s)
            overlay = scene.copy()
            cv2.circle(overlay, p, radius, colour, max(2, int(6 * s)), cv2.LINE_AA)
            cv2.circle(overlay, p, int(8 * s), INK, -1, cv2.LINE_AA)
            cv2.addWeighted(overlay, strength, scene, 1 - strength, 0, dst=scene)
            label = f"{event.foot[0].upper()} {'contact' if event.kind == 'initial_contact' else 'toe-off'}"
            size = int(22 * s)
            w, _ = text_size(label, size)
            draw_text(scene, label, (p[0] - w // 2, p[1] + radius + int(6 * s)), size, colour,
                      background=PANEL, alpha=max(strength, 0.4))
        return scene


@dataclass
class StrideCounterAnnotator:
    """Which stride of which foot is under way, and the clip time."""

    def annotate(self, scene: np.ndarray, state: FrameState) -> np.ndarray:
        s = _scale(scene)
        size = int(26 * s)
        if state.stride is not None:
            text = f"{state.stride.foot.capitalize()} stride {state.stride_number} of {state.strides_of_foot}"
            colour = SIDE_COLOUR[state.stride.foot]
        else:
            text, colour = "before the first contact", INK
        x, y = int(16 * s), int(16 * s)
        draw_text(scene, text, (x, y), size, colour, background=PANEL)
        draw_text(scene, f"{state.time_s:6.2f} s", (x, y + int(40 * s)), int(20 * s), INK, background=PANEL)
        return scene


def readout(view: str) -> list[str]:
    """The key measures of a view, in registry order (the panel's rows)."""
    return [s.name for s in SPECS if s.key and view in s.views]


@dataclass
class ReadoutAnnotator:
    """A small panel, top right, of the current stride's measured values (clip median where a stride has none)."""

    def annotate(self, scene: np.ndarray, state: FrameState) -> np.ndarray:
        s = _scale(scene)
        size = int(19 * s)
        rows = []
        for name in readout(state.view):
            value = state.values.get(name)
            if value is None:
                value = state.clip_values.get(name)
            if value is not None or name in state.units:
                rows.append((short_label(name), fmt(value, state.units.get(name, ""))))
        if not rows:
            return scene
        colour = SIDE_COLOUR[state.stride.foot] if state.stride else INK
        label_w = max(text_size(k, size)[0] for k, _ in rows)
        value_w = max(text_size(v, size)[0] for _, v in rows)
        gap, line = int(12 * s), int(size * 1.45)
        x1 = scene.shape[1] - int(16 * s)
        x0, y0 = x1 - label_w - gap - value_w, int(16 * s)
        blend_rect(scene, (x0 - 8, y0 - 8, x1 + 8, y0 + len(rows) * line), PANEL, 0.65)
        for k, (label, value) in enumerate(rows):
            y = y0 + k * line
            draw_text(scene, label, (x0, y), size, INK)
            draw_text(scene, value, (x1 - text_size(value, size)[0], y), size, colour)
        return scene


def strip_height(frame_shape: tuple[int, ...]) -> int:
    """Height of the timeline strip added below a frame of this shape."""
    return int(64 * min(frame_shape[:2]) / 720.0)


def with_strip(rgb: np.ndarray) -> np.ndarray:
    """The frame with a dark strip below it for the timeline, so nothing covers the feet."""
    strip = np.full((strip_height(rgb.shape), rgb.shape[1], 3), 24, np.uint8)
    return np.vstack([rgb, strip])


def annotated_frame(rgb: np.ndarray, state, layers) -> np.ndarray:
    """A clip frame as the replay shows it: timeline strip below, then every layer drawn in order."""
    scene = with_strip(rgb)
    for layer in layers:
        scene = layer.annotate(scene, state)
    return scene


class TimelineAnnotator:
    """The strip below the frame: each foot's ground contacts as bars, and a cursor at the current time.

    Draw on a scene made by :func:`with_strip`.
    """

    def __init__(self, stance: dict[str, list[tuple[float, float]]], window_s: float = 3.0):
        self.stance, self.window = stance, window_s

    def annotate(self, scene: np.ndarray, state: FrameState) -> np.ndarray:
        s = _scale(scene)
        h, w = scene.shape[:2]
        x0, x1 = int(40 * s), w - int(16 * s)
        row = int(20 * s)
        y0 = h - 2 * row - int(14 * s)
        t0 = state.time_s - self.window / 2

        def x_of(t: float) -> int:
            return int(x0 + (t - t0) / self.window * (x1 - x0))

        for k, foot in enumerate(SIDES):
            y = y0 + k * (row + int(6 * s))
            cv2.rectangle(scene, (x0, y), (x1, y + row), (50, 50, 50), -1)
            for a, b in self.stance.get(foot, []):
                if b >= t0 and a <= t0 + self.window:
                    cv2.rectangle(scene, (max(x_of(a), x0), y), (min(x_of(b), x1), y + row), SIDE_COLOUR[foot], -1)
            draw_text(scene, foot[0].upper(), (int(14 * s), y + 2), int(row * 0.8), SIDE_COLOUR[foot])
        cx = x_of(state.time_s)
        cv2.line(scene, (cx, y0 - int(4 * s)), (cx, h - int(4 * s)), INK, max(1, int(2 * s)))
        return scene


def default_annotators(stance: dict[str, list[tuple[float, float]]]) -> list:
    """The replay's standard layers, bottom to top (for a scene made by :func:`with_strip`)."""
    return [SkeletonAnnotator(), AngleArcAnnotator(), EventFlashAnnotator(), StrideCounterAnnotator(),
            ReadoutAnnotator(), TimelineAnnotator(stance)]
