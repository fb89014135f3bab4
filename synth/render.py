"""Drawing the synthetic runner on a treadmill with numpy and OpenCV.

Every body part is a 3D solid (tapered capsule, ellipsoid, or a point cloud
for the shirt, shorts and shoes) whose silhouette is the convex hull of its
projected outline.  Parts are painted far to near by camera depth (painter's
algorithm), each with a darker rim and a lit core so limbs read as round, and
parts on the far side of the body are darker than near ones.  The treadmill
(deck, belt with moving marks, rails, console) and the room are drawn first.
Frames are RGB ``uint8``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from synth.kinematics import Pose, RunnerModel
from synth.params import RenderSettings, rgb
from vision.landmarks import INDEX

SHIFT = 4  # sub-pixel bits for OpenCV polygon filling
ONE = 1 << SHIFT
FLOOR_Z = -0.20  # belt surface is z = 0, 20 cm above the floor

SOLE_SHADE = 0.72  # the sole is a darker tone of the shoe
BELT = (52, 52, 56)
BELT_MARK = (92, 92, 96)
EYE_WHITE = (245, 245, 240)
IRIS = (50, 35, 25)
LIPS = (160, 80, 75)


def _unit_sphere(n: int = 240) -> np.ndarray:
    """``n`` nearly even points on the unit sphere (Fibonacci lattice)."""
    i = np.arange(n) + 0.5
    z = 1 - 2 * i / n
    r = np.sqrt(1 - z ** 2)
    a = np.pi * (1 + 5 ** 0.5) * i
    return np.stack([r * np.cos(a), r * np.sin(a), z], -1)


SPHERE = _unit_sphere()
CIRCLE = np.stack([np.cos(np.linspace(0, 2 * np.pi, 20, endpoint=False)),
                   np.sin(np.linspace(0, 2 * np.pi, 20, endpoint=False))], -1)


def _scaled(rgb, factor: float) -> tuple[int, int, int]:
    return tuple(int(np.clip(c * factor, 0, 255)) for c in rgb)


def _hull(points_2d: np.ndarray) -> np.ndarray:
    pts = np.round(points_2d * ONE).astype(np.int32)
    return cv2.convexHull(pts.reshape(-1, 1, 2))


def _fill(img: np.ndarray, poly: np.ndarray, rgb) -> None:
    cv2.fillPoly(img, [poly], rgb, cv2.LINE_AA, SHIFT)


def _shaded(img: np.ndarray, points_2d: np.ndarray, rgb, light=(-0.18, -0.22)) -> None:
    """Fill the hull of ``points_2d`` with a dark rim and a lit core toward the light."""
    _fill(img, _hull(points_2d), _scaled(rgb, 0.80))
    c = points_2d.mean(0)
    span = np.ptp(points_2d, axis=0)
    core = c + (points_2d - c) * 0.66 + np.array(light) * span * 0.35
    _fill(img, _hull(core), _scaled(rgb, 1.0))
    hi = c + (points_2d - c) * 0.30 + np.array(light) * span * 0.55
    _fill(img, _hull(hi), _scaled(rgb, 1.08))


@dataclass
class Part:
    """Something to paint: its depth (m from the camera) and how to draw it."""

    depth: float
    draw: callable


class Renderer:
    """Frames of ``model`` as filmed under ``settings``."""

    def __init__(self, model: RunnerModel, settings: RenderSettings):
        self.model, self.settings = model, settings
        self.camera = settings.camera()
        self.skin, self.hair, self.shirt, self.shorts, self.sock = (
            rgb(getattr(settings, f"{n}_rgb")) for n in ("skin", "hair", "shirt", "shorts", "sock"))
        self.shoe = {f: rgb(getattr(settings, f"shoe_{f}_rgb")) for f in ("left", "right")}
        self.background = self._background()

    # -------------------------------------------------------------- geometry
    def _px(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.camera.project(points)

    def _capsule(self, centres: np.ndarray, radii) -> tuple[np.ndarray, float]:
        """Outline points of a tapered capsule through 3D ``centres`` with ``radii`` (m)."""
        uv, depth = self._px(centres)
        r_px = np.asarray(radii) * self.camera.focal_px / depth
        pts = (uv[:, None, :] + r_px[:, None, None] * CIRCLE[None]).reshape(-1, 2)
        return pts, float(depth.mean())

    def _cloud(self, points: np.ndarray) -> tuple[np.ndarray, float]:
        uv, depth = self._px(points)
        return uv, float(depth.mean())

    def _facing(self, point: np.ndarray, normal: np.ndarray, slack: float = 0.0) -> bool:
        to_cam = self.camera.position - point
        return float(normal @ to_cam) > -slack * np.linalg.norm(to_cam) * np.linalg.norm(normal)

    # ------------------------------------------------------------ background
    def _box_faces(self, lo, hi, rgb) -> list[Part]:
        """Camera-facing faces of an axis-aligned box, shaded by their orientation."""
        lo, hi = np.asarray(lo, float), np.asarray(hi, float)
        parts = []
        for axis in range(3):
            for sign, val in ((-1, lo[axis]), (1, hi[axis])):
                normal = np.zeros(3)
                normal[axis] = sign
                centre = (lo + hi) / 2
                centre[axis] = val
                if not self._facing(centre, normal):
                    continue
                a, b = [i for i in range(3) if i != axis]
                corners = []
                for ca, cb in ((0, 0), (1, 0), (1, 1), (0, 1)):
                    p = centre.copy()
                    p[a] = (lo, hi)[ca][a]
                    p[b] = (lo, hi)[cb][b]
                    corners.append(p)
                uv, depth = self._px(np.array(corners))
                shade = {2: 1.0, 1: 0.82, 0: 0.9}[axis] * (1.0 if sign > 0 or axis != 2 else 0.6)
                col = _scaled(rgb, shade)
                poly = np.round(uv * ONE).astype(np.int32)
                parts.append(Part(float(depth.mean()), lambda img, p=poly, c=col: _fill(img, p, c)))
        return parts

    def _background(self) -> np.ndarray:
        w, h = self.settings.width, self.settings.height
        img = np.zeros((h, w, 3), np.uint8)
        # Room: a wall 4 m beyond the treadmill's centre line, the floor below it.
        far = 4.0
        wall_foot = np.array([0.0, far, FLOOR_Z] if self.settings.view == "side" else [far, 0.0, FLOOR_Z])
        horizon = int(np.clip(self._px(wall_foot[None])[0][0, 1], 0, h))
        ramp = np.linspace(0, 1, h)[:, None]
        wall = np.array([222, 216, 204]) * (0.92 + 0.08 * ramp)
        floor = np.array([150, 134, 112]) * (0.85 + 0.15 * ramp)
        img[:] = np.where(np.arange(h)[:, None] < horizon, wall, floor)[:, None, :].astype(np.uint8)
        img[max(horizon - 6, 0):horizon] = (190, 184, 172)
        parts = []
        deck, rail, dark = (150, 150, 156), (196, 196, 200), (72, 72, 78)
        parts += self._box_faces([-0.95, -0.37, FLOOR_Z], [0.95, 0.37, -0.03], deck)
        parts += self._box_faces([-0.95, -0.37, -0.03], [0.95, -0.25, 0.004], rail)
        parts += self._box_faces([-0.95, 0.25, -0.03], [0.95, 0.37, 0.004], rail)
        parts += self._box_faces([-0.88, -0.25, -0.03], [0.88, 0.25, 0.0], BELT)
        parts += self._box_faces([0.88, -0.37, FLOOR_Z], [1.28, 0.37, 0.09], dark)
        for y in (-0.37, 0.31):
            parts += self._box_faces([1.12, y, 0.0], [1.19, y + 0.06, 1.16], rail)
            parts += self._box_faces([0.55, y, 0.95], [1.15, y + 0.05, 1.0], rail)
        parts += self._box_faces([1.05, -0.40, 1.12], [1.30, 0.40, 1.36], dark)
        parts += self._clutter(far)
        for part in sorted(parts, key=lambda p: -p.depth):
            part.draw(img)
        return img

    def _clutter(self, far: float) -> list[Part]:
        """``settings.clutter`` boxes on the floor and posters on the wall, behind the treadmill."""
        rng = np.random.default_rng([self.settings.seed, 7])
        parts = []
        for _ in range(self.settings.clutter):
            colour = tuple(int(c) for c in rng.integers(20, 236, 3))
            along, size = rng.uniform(-2.5, 2.5), rng.uniform(0.2, 0.8, 3)
            if rng.random() < 0.5:  # a box standing on the floor
                depth = rng.uniform(1.0, far - size[1])
                z0, z1 = FLOOR_Z, FLOOR_Z + size[2] * 1.5
            else:  # a poster on the wall
                depth, z0 = far - 0.01, rng.uniform(0.6, 1.6)
                z1 = z0 + size[2]
                size[1] = 0.005
            lo, hi = [along, depth, z0], [along + size[0], depth + size[1], z1]
            if self.settings.view != "side":  # the rear camera looks along +x
                lo, hi = [lo[1], -hi[0], z0], [hi[1], -lo[0], z1]
            parts += self._box_faces(lo, hi, colour)
        return parts

    def _belt_marks(self, img: np.ndarray, t: float) -> None:
        """Marks across the belt, moving backward at belt speed (show the belt runs)."""
        v = self.model.params.belt_speed()
        spacing = 0.45
        for x0 in np.arange(-0.9, 0.9 + spacing, spacing):
            x = (x0 - v * t + 0.9) % (1.8) - 0.9
            if not -0.86 < x < 0.84:
                continue
            quad = np.array([[x, -0.25, 0.0], [x + 0.025, -0.25, 0.0], [x + 0.025, 0.25, 0.0], [x, 0.25, 0.0]])
            _fill(img, np.round(self._px(quad)[0] * ONE).astype(np.int32), BELT_MARK)

    def _shadow(self, img: np.ndarray, centre: np.ndarray, radii: tuple[float, float], strength: float) -> None:
        ring = np.stack([centre[0] + radii[0] * CIRCLE[:, 0], centre[1] + radii[1] * CIRCLE[:, 1],
                         np.full(len(CIRCLE), 0.001)], -1)
        _fill(img, _hull(self._px(ring)[0]), _scaled(BELT, 1 - strength))

    # ------------------------------------------------------------------ body
    def _shade_for(self, depth: float, ref: float) -> float:
        """Depth cue: parts behind the body's mid-plane are darker."""
        return float(np.clip(1.0 - 1.6 * (depth - ref), 0.6, 1.15))

    def _body_parts(self, pose: Pose, i: int) -> list[Part]:
        lm = pose.landmarks[i]
        b = self.model.body
        sc = b.scale
        ref = float(self._px(pose.mid_hip[i][None])[1][0])
        parts: list[Part] = []

        def add(points, depth, rgb, shaded=True, bias=0.0):
            col = _scaled(rgb, self._shade_for(depth, ref))
            if shaded:
                parts.append(Part(depth + bias, lambda img, p=points, c=col: _shaded(img, p, c)))
            else:
                parts.append(Part(depth + bias, lambda img, p=points, c=col: _fill(img, _hull(p), c)))

        def group(depth, draws):
            parts.append(Part(depth, lambda img: [d(img) for d in draws]))

        up = pose.trunk_up[i]
        lat = lm[INDEX["left_hip"]] - lm[INDEX["right_hip"]]
        lat /= np.linalg.norm(lat)
        fwd = np.cross(lat, up)
        fwd /= np.linalg.norm(fwd)
        pelvis_up = np.cross(fwd, lat)
        mid_hip = pose.mid_hip[i]

        def rings(origin, axis_up, sections):
            pts = [origin + h * axis_up + a * CIRCLE[:, :1] * fwd + w * CIRCLE[:, 1:] * lat
                   for h, w, a in sections]
            return np.concatenate(pts)

        # Legs: thigh with the shorts' leg over it, shank, sock, shoe with its sole.
        for f in ("left", "right"):
            hip, knee, ankle = (lm[INDEX[f"{f}_{n}"]] for n in ("hip", "knee", "ankle"))
            thigh, d_th = self._capsule(np.array([hip, hip + 0.45 * (knee - hip), knee]),
                                        np.array([0.095, 0.08, 0.058]) * sc)
            short_leg, _ = self._capsule(np.array([hip + 0.05 * (hip - knee), hip + 0.40 * (knee - hip)]),
                                         np.array([0.102, 0.088]) * sc)
            calf = knee + 0.3 * (ankle - knee)
            shank, d_sh = self._capsule(np.array([knee, calf + 0.012 * sc * -fwd, ankle]),
                                        np.array([0.055, 0.062, 0.034]) * sc)
            shade_th, shade_sh = self._shade_for(d_th, ref), self._shade_for(d_sh, ref)
            group(d_th, [lambda img, p=thigh, s=shade_th: _shaded(img, p, _scaled(self.skin, s)),
                         lambda img, p=short_leg, s=shade_th: _shaded(img, p, _scaled(self.shorts, s))])
            sock, _ = self._capsule(np.array([ankle, ankle + 0.16 * (knee - ankle)]), np.array([0.036, 0.036]) * sc)
            shoe, sole, d_shoe = self._shoe(lm, f, pose.foot_pitch[f][i])
            shade_ft = self._shade_for(d_shoe, ref)
            group(d_sh, [lambda img, p=shank, s=shade_sh: _shaded(img, p, _scaled(self.skin, s)),
                         lambda img, p=sock, s=shade_sh: _fill(img, _hull(p), _scaled(self.sock, s))])
            sole_rgb = _scaled(self.shoe[f], shade_ft * SOLE_SHADE)
            group(d_shoe - 0.02, [lambda img, p=shoe, s=shade_ft, f=f: _shaded(img, p, _scaled(self.shoe[f], s)),
                                  lambda img, p=sole, c=sole_rgb: _fill(img, _hull(p), c)])

        # Trunk: shorts (pelvis frame) under the shirt (trunk frame).
        shorts_pts, d_shorts = self._cloud(rings(mid_hip, pelvis_up, [
            (-0.07 * sc, 0.15 * sc, 0.10 * sc), (0.0, 0.165 * sc, 0.115 * sc), (0.16 * sc, 0.15 * sc, 0.105 * sc)]))
        shirt_pts, d_shirt = self._cloud(rings(mid_hip, up, [
            (0.13 * b.trunk, 0.152 * sc, 0.108 * sc), (0.45 * b.trunk, 0.148 * sc, 0.105 * sc),
            (0.78 * b.trunk, 0.165 * sc, 0.118 * sc), (0.98 * b.trunk, 0.158 * sc, 0.085 * sc)]))
        group(min(d_shorts, d_shirt), [lambda img: _shaded(img, shorts_pts, self.shorts),
                                        lambda img: _shaded(img, shirt_pts, self.shirt)])

        # Arms: upper arm with a sleeve, forearm, fist.
        for f in ("left", "right"):
            sh, el, wr = (lm[INDEX[f"{f}_{n}"]] for n in ("shoulder", "elbow", "wrist"))
            upper, d_up = self._capsule(np.array([sh, el]), np.array([0.05, 0.04]) * sc)
            sleeve, _ = self._capsule(np.array([sh, sh + 0.42 * (el - sh)]), np.array([0.062, 0.055]) * sc)
            fore, d_fo = self._capsule(np.array([el, wr]), np.array([0.038, 0.028]) * sc)
            fist, _ = self._capsule(np.array([wr + 0.5 * (lm[INDEX[f"{f}_index"]] - wr)]), np.array([0.043]) * sc)
            s_up, s_fo = self._shade_for(d_up, ref), self._shade_for(d_fo, ref)
            group(d_up, [lambda img, p=upper, s=s_up: _shaded(img, p, _scaled(self.skin, s)),
                         lambda img, p=sleeve, s=s_up: _shaded(img, p, _scaled(self.shirt, s))])
            group(d_fo - 0.01, [lambda img, p=fore, s=s_fo: _shaded(img, p, _scaled(self.skin, s)),
                                lambda img, p=fist, s=s_fo: _shaded(img, p, _scaled(self.skin, s * 0.97))])

        # Neck and head (face features only where they face the camera).
        head = pose.head_centre[i]
        neck, d_neck = self._capsule(np.array([pose.mid_shoulder[i], head - np.array([0.01, 0, 0.07]) * sc]),
                                     np.array([0.055, 0.05]) * sc)
        add(neck, d_neck + 0.02, self.skin)
        parts.append(Part(float(self._px(head[None])[1][0]) - 0.05, lambda img: self._head(img, pose, i)))
        return parts

    def _shoe(self, lm: np.ndarray, foot: str, pitch: float):
        """(shoe outline, sole outline, depth) of a running shoe on ``foot``."""
        b = self.model.body
        sc = b.scale
        ankle = lm[INDEX[f"{foot}_ankle"]]
        # Profile in the foot frame (x forward, z up from the ankle, foot flat), half-width at each x.
        hx, hz = b.heel
        tx, tz = b.toe
        sole = [(hx, hz, 0.036), (hx + 0.02 * sc, hz, 0.040), (tx - 0.06 * sc, tz, 0.050),
                (tx, tz + 0.006 * sc, 0.034), (tx + 0.012 * sc, tz + 0.02 * sc, 0.028),
                (hx - 0.006 * sc, hz + 0.015 * sc, 0.034)]
        sole_top = [(x, z + 0.028 * sc, w) for x, z, w in sole]
        upper = [(hx - 0.004 * sc, 0.01 * sc, 0.034), (0.03 * sc, 0.005 * sc, 0.040),
                 (tx - 0.05 * sc, tz + 0.065 * sc, 0.048), (tx - 0.005 * sc, tz + 0.045 * sc, 0.034)]

        def world(profile):
            c, s = np.cos(pitch), np.sin(pitch)
            pts = []
            for x, z, w in profile:
                for y in (-w * sc, w * sc):
                    pts.append(ankle + np.array([c * x - s * z, y, s * x + c * z]))
            return np.array(pts)

        shoe_uv, depth = self._cloud(world(sole + sole_top + upper))
        sole_uv, _ = self._cloud(world(sole + sole_top))
        return shoe_uv, sole_uv, depth

    def _head(self, img: np.ndarray, pose: Pose, i: int) -> None:
        b = self.model.body
        sc = b.scale
        c = pose.head_centre[i]
        rx, ry, rz = b.head_radii
        surface = c + SPHERE * [rx, ry, rz]
        _shaded(img, self._px(surface)[0], self.skin)
        # Ears first so hair can overlap their tops.
        lm = pose.landmarks[i]
        for f in ("left", "right"):
            ear = lm[INDEX[f"{f}_ear"]]
            if self._facing(ear, ear - c):
                pts = ear + SPHERE * np.array([0.022, 0.01, 0.032]) * sc
                _shaded(img, self._px(pts)[0], _scaled(self.skin, 0.9))
        hair_dir = np.array([-0.55, 0.0, 0.83])
        cap = SPHERE[SPHERE @ hair_dir > 0.05]
        # Hair sits on the upper back of the head and down behind the ears.
        _shaded(img, self._px(c + cap * np.array([rx, ry, rz]) * 1.07)[0], self.hair)
        f_px = self.camera.focal_px
        for f in ("left", "right"):
            eye = lm[INDEX[f"{f}_eye"]]
            if not self._facing(eye, eye - c):
                continue
            uv, depth = self._px(eye[None])
            r = 0.011 * sc * f_px / depth[0]
            centre = tuple(int(round(v * ONE)) for v in uv[0])
            cv2.ellipse(img, centre, (int(r * ONE), int(0.6 * r * ONE)), 0, 0, 360, EYE_WHITE, -1, cv2.LINE_AA, SHIFT)
            cv2.circle(img, centre, int(0.5 * r * ONE), IRIS, -1, cv2.LINE_AA, SHIFT)
            brow = self._px(np.array([eye + np.array([0.005, 0.012, 0.018]) * sc,
                                      eye + np.array([0.0, -0.012, 0.02]) * sc]))[0]
            cv2.line(img, *[tuple(int(round(v * ONE)) for v in p) for p in brow], self.hair,
                     max(1, int(round(0.005 * sc * f_px / depth[0]))), cv2.LINE_AA, SHIFT)
        nose_tip = lm[INDEX["nose"]]
        if self._facing(nose_tip, nose_tip - c, slack=0.15):
            base = np.array([[0.085, 0.0, 0.03], [0.092, 0.016, -0.03], [0.092, -0.016, -0.03],
                             [0.096, 0.0, -0.035]]) * sc + c
            _shaded(img, self._px(np.vstack([base, nose_tip]))[0], _scaled(self.skin, 0.96))
        ml, mr = lm[INDEX["mouth_left"]], lm[INDEX["mouth_right"]]
        mid = (ml + mr) / 2 + np.array([0.008, 0, -0.004]) * sc
        if self._facing(mid, mid - c, slack=0.2):
            uv, depth = self._px(np.array([ml, mid, mr]))
            poly = np.round(uv * ONE).astype(np.int32).reshape(-1, 1, 2)
            cv2.polylines(img, [poly], False, LIPS, max(1, int(round(0.008 * sc * f_px / depth[1]))),
                          cv2.LINE_AA, SHIFT)

    # ----------------------------------------------------------------- frames
    def draw(self, t: float) -> np.ndarray:
        """One instant, without blur or noise."""
        pose = self.model.pose([t])
        img = self.background.copy()
        self._belt_marks(img, t)
        lm = pose.landmarks[0]
        sc = self.model.body.scale
        self._shadow(img, pose.mid_hip[0], (0.28 * sc, 0.16 * sc), 0.25)
        for f in ("left", "right"):
            foot = (lm[INDEX[f"{f}_heel"]] + lm[INDEX[f"{f}_foot_index"]]) / 2
            strength = 0.35 * float(np.clip(1 - foot[2] / 0.3, 0, 1))
            self._shadow(img, foot, (0.13 * sc, 0.05 * sc), strength)
        for part in sorted(self._body_parts(pose, 0), key=lambda p: -p.depth):
            part.draw(img)
        return img

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` of the clip (time ``index / fps``), with motion blur and noise if asked."""
        s = self.settings
        t = index / s.fps
        if s.motion_blur > 1:
            # Sub-frames spread over half the frame interval (a 180-degree shutter).
            offsets = (np.arange(s.motion_blur) / s.motion_blur - 0.5) * 0.5 / s.fps
            img = np.mean([self.draw(t + dt).astype(np.float32) for dt in offsets], axis=0)
        else:
            img = self.draw(t).astype(np.float32)
        if s.noise_std > 0:
            img += np.random.default_rng([s.seed, index]).normal(0, s.noise_std, img.shape)
        return np.clip(np.round(img), 0, 255).astype(np.uint8)

    def n_frames(self) -> int:
        return int(round(self.settings.duration_s * self.settings.fps))
