"""3D joint trajectories of a runner on a treadmill, over the whole clip.

How the model is built (all times in seconds, lengths in metres, world axes as
in :mod:`synth.body`):

* **Schedule.** Feet alternate; each step lasts ``60 / cadence`` and each
  stance the contact time, with the parameters in force at its initial
  contact (so a ``drift`` changes them stride by stride).  Initial contact and
  toe-off times are therefore exact by construction.
* **Stance.** The foot is a rigid sole that touches the belt and moves
  backward with it at belt speed: it lands on the heel (toes up by the
  foot-strike angle) or on the toes (forefoot strike), rolls flat, then pivots
  on the toes until toe-off.  The heel lands ``overstride`` ahead of the
  mid-hip, which stays over x = 0.
* **Pelvis height** passes through knots chosen so the knee is flexed by the
  requested angles at contact and at mid-stance, and so the thigh is extended
  by the requested angle at toe-off; a ballistic apex in flight.
* **Frontal plane.** During each stance the pelvis rolls about the stance hip
  (contralateral pelvic drop) and the knee swings medially about the
  hip-ankle axis (knee collapse), each as a smooth bump peaking at 40% of
  stance, sized so the frontal-plane angles peak at the requested values.
* **Swing** follows smooth thigh, knee and ankle angle curves between the
  toe-off and the next initial contact states.  Over the last ``LANDING_S``
  the foot is steered onto its contact state instead: the ankle (relative to
  the hip) follows a cubic Hermite curve ending with the heel moving at belt
  speed and descending at ``TOUCHDOWN_SPEED`` (swing-leg retraction), and
  the foot pitch settles on the foot-strike angle ``HOLD_S`` before contact,
  so a rearfoot striker keeps the toes up until the heel lands and only then
  rolls flat.
* The knee always comes from two-link inverse kinematics, so thigh and shank
  keep their lengths in stance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.interpolate import CubicHermiteSpline, PchipInterpolator
from scipy.optimize import brentq, minimize

from synth.body import Body
from synth.params import RunnerParams
from vision.landmarks import INDEX, N_LANDMARKS

G = 9.81
SIDE = {"left": 1.0, "right": -1.0}  # sign of the runner's left (+y)
PEAK_FRACTION = 0.4  # where in stance pelvic drop and knee collapse peak
MIDSTANCE_FRACTION = 0.45
STANCE_KNOTS = (0.0, 0.2, MIDSTANCE_FRACTION, 0.65, 0.8, 0.9, 1.0)  # stance fractions of hip-height knots
HEEL_OFF_FRACTION = 0.55
SWING_LIFT = 0.045  # m: extra foot clearance in swing, zero at toe-off and contact
MARGIN_S = 2.5  # steps are scheduled this long before and after the clip
LANDING_S = 0.12  # s: the foot is steered onto its contact state over this end of swing
HOLD_S = 0.04  # s: the foot pitch equals the strike angle over this end of swing
TOUCHDOWN_SPEED = 1.0  # m/s: the heel's (or toes') downward speed at initial contact


def stance_bump(s: np.ndarray) -> np.ndarray:
    """Smooth 0→1→0 over stance fraction ``s`` in [0, 1], peaking at PEAK_FRACTION.

    >>> float(stance_bump(np.array(PEAK_FRACTION)))
    1.0
    """
    p = np.log(0.5) / np.log(PEAK_FRACTION)
    s = np.clip(s, 0.0, 1.0)
    return np.sin(np.pi * s ** p) ** 2


def rot_xz(angle: np.ndarray, x: float, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate the sagittal vector (x, z) by ``angle`` rad counter-clockwise (toes up)."""
    c, s = np.cos(angle), np.sin(angle)
    return c * x - s * z, s * x + c * z


def knee_position(body: Body, hip: np.ndarray, ankle: np.ndarray, psi: np.ndarray, side: float) -> np.ndarray:
    """Knee from two-link inverse kinematics, bending forward, turned ``psi`` rad medially.

    ``hip``/``ankle`` are [n, 3]; the knee lies in the plane through the
    hip-ankle axis that contains the forward direction, rotated about that
    axis toward the body's midline by ``psi`` (knee collapse).
    """
    d = ankle - hip
    dist = np.linalg.norm(d, axis=-1, keepdims=True)
    u = d / np.maximum(dist, 1e-9)
    span = np.clip(dist, 1e-6, body.reach())
    a = (body.thigh ** 2 - body.shank ** 2 + span ** 2) / (2 * span)
    h = np.sqrt(np.maximum(body.thigh ** 2 - a ** 2, 0.0))
    fwd = np.array([1.0, 0.0, 0.0])
    p = fwd - (u @ fwd)[..., None] * u
    p /= np.linalg.norm(p, axis=-1, keepdims=True)
    medial = side * np.cross(u, p)
    psi = np.asarray(psi)[..., None]
    pole = p * np.cos(psi) + medial * np.sin(psi)
    return hip + a * u + h * pole


def sagittal_angles(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(thigh angle ahead of vertical, knee flexion) in degrees, in the sagittal (x-z) projection."""
    thigh = np.degrees(np.arctan2(knee[..., 0] - hip[..., 0], hip[..., 2] - knee[..., 2]))
    shank = np.degrees(np.arctan2(ankle[..., 0] - knee[..., 0], knee[..., 2] - ankle[..., 2]))
    return thigh, thigh - shank


def frontal_projection_angle(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, side: float) -> np.ndarray:
    """Knee frontal-plane projection angle in degrees (y-z plane), + when the knee is medial (valgus)."""
    a = hip[..., 1:] - knee[..., 1:]
    b = ankle[..., 1:] - knee[..., 1:]
    cos = (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
    fppa = 180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1)))
    # Lateral offset of the knee from the hip-ankle line at the knee's height, + toward the midline.
    frac = (knee[..., 2] - hip[..., 2]) / (ankle[..., 2] - hip[..., 2])
    line_y = hip[..., 1] + frac * (ankle[..., 1] - hip[..., 1])
    medial = -side * (knee[..., 1] - line_y)
    return np.where(medial < 0, -fppa, fppa)


@dataclass
class Step:
    """One stance of one foot and the geometry solved for it."""

    index: int
    foot: str
    t_ic: float
    t_to: float
    v: float  # belt speed, m/s
    alpha: float  # foot-strike angle, rad (+ toes up)
    overstride: float  # heel ahead of the mid-hip at contact, m
    foot_y: float
    f_flat: float  # stance fraction at which the sole is flat
    targets: RunnerParams
    knots: list = field(default_factory=list)  # (time, stance-hip height) through the stance
    phi_to: float = 0.0  # foot pitch at toe-off, rad (negative: heel up)
    drop: float = 0.0  # peak pelvic drop, rad
    psi: float = 0.0  # peak medial knee rotation about the hip-ankle axis, rad

    @property
    def side(self) -> float:
        return SIDE[self.foot]

    @property
    def contact(self) -> float:
        return self.t_to - self.t_ic

    def fraction(self, t: np.ndarray) -> np.ndarray:
        return (np.asarray(t) - self.t_ic) / self.contact

    def pitch(self, t: np.ndarray, phi_to: float | np.ndarray | None = None) -> np.ndarray:
        """Foot pitch in rad (+ toes up): strike angle → flat → heel rise to ``phi_to``."""
        phi_to = self.phi_to if phi_to is None else phi_to
        s = self.fraction(t)
        u = np.clip(s / self.f_flat, 0, 1)
        # 1 - smoothstep: the foot leaves its held landing angle without a jolt.
        early = self.alpha * (1 - u) ** 2 * (1 + 2 * u)
        w = np.clip((s - HEEL_OFF_FRACTION) / (1 - HEEL_OFF_FRACTION), 0, 1)
        return np.where(s < self.f_flat, early, phi_to * w ** 2)

    def foot_points(self, body: Body, t: np.ndarray, phi_to: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        """(ankle [n,3], heel [n,3], toe [n,3], pitch [n]) in stance: the sole rides on the belt.

        ``phi_to`` (rad, broadcast against ``t``) replaces the solved toe-off pitch, for the solver.
        """
        t = np.atleast_1d(np.asarray(t, float))
        if phi_to is not None:
            t, phi_to = np.broadcast_arrays(t, np.asarray(phi_to, float))
        tau = t - self.t_ic
        s = tau / self.contact
        phi = self.pitch(t, phi_to)
        lf = body.foot_length
        # Belt-fixed position of the heel once the sole is flat.
        flat_heel_x0 = self.overstride + (lf * (np.cos(self.alpha) - 1) if self.alpha < 0 else 0.0)
        heel_pivot = (s < self.f_flat) & (self.alpha >= 0)
        toe_pivot = ((s < self.f_flat) & (self.alpha < 0)) | (s >= HEEL_OFF_FRACTION)
        heel_x = flat_heel_x0 - self.v * tau
        heel_z = np.zeros_like(tau)
        # Forefoot landing: the toe is the belt point; late stance: the toe again.
        toe_x_early = self.overstride + lf * np.cos(self.alpha) - self.v * tau
        toe_x_late = flat_heel_x0 + lf - self.v * tau
        toe_x = np.where(s < self.f_flat, toe_x_early, toe_x_late)
        heel_x = np.where(toe_pivot, toe_x - lf * np.cos(phi), heel_x)
        heel_z = np.where(toe_pivot, -lf * np.sin(phi), heel_z)
        heel_x = np.where(heel_pivot, self.overstride - self.v * tau, heel_x)
        hx, hz = body.heel
        dx, dz = rot_xz(phi, -hx, -hz)
        ankle = np.stack([heel_x + dx, np.full_like(tau, self.foot_y), heel_z + dz], -1)
        return (ankle, *_sole_points(body, ankle, phi), phi)


def _sole_points(body: Body, ankle: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(heel, toe) landmarks [n,3] of a foot at ``ankle`` with pitch ``phi``."""
    out = []
    for x, z in (body.heel, body.toe):
        dx, dz = rot_xz(phi, x, z)
        out.append(ankle + np.stack([dx, np.zeros_like(dx), dz], -1))
    return out[0], out[1]


@dataclass
class Swing:
    """One swing of one foot, from its toe-off to its next initial contact."""

    foot: str
    t0: float
    t1: float
    thigh: CubicHermiteSpline  # deg, of u = (t - t0) / (t1 - t0)
    knee: CubicHermiteSpline  # deg
    ankle: CubicHermiteSpline  # foot pitch minus shank angle, deg
    err0: np.ndarray  # stance ankle minus forward-kinematics ankle at toe-off (x, z)
    err1: np.ndarray  # ... at the next initial contact
    rel1: np.ndarray  # ankle minus hip at contact (x, z), m
    vel1: np.ndarray  # d(ankle minus hip)/dt at contact (x, z), m/s: heel at belt speed
    alpha: float  # foot pitch held from HOLD_S before contact, rad


@dataclass
class RunnerModel:
    """The runner's motion over a clip of ``duration_s`` seconds; evaluate with :meth:`pose`."""

    params: RunnerParams
    duration_s: float
    seed: int = 0
    body: Body = field(init=False)
    steps: list[Step] = field(init=False)
    swings: list[Swing] = field(init=False)

    def __post_init__(self):
        p = self.params
        self.body = Body.from_height(p.height_m, p.leg_length_scale, p.hip_width_scale, p.shoe_length_scale)
        rng = np.random.default_rng(self.seed)
        self.steps = self._schedule(rng)
        for step in self.steps:
            self._solve_heights(step)
        self._pelvis_z = self._pelvis_height_curve()
        for step in self.steps:
            self._solve_knee_collapse(step)
            step.drop = np.radians(step.targets.pelvic_drop_left_deg if step.foot == "left"
                                   else step.targets.pelvic_drop_right_deg)
        self.swings = [self._swing(a, b) for a, b in zip(self.steps, self.steps[2:])]

    # ----------------------------------------------------------------- schedule
    def _schedule(self, rng: np.random.Generator) -> list[Step]:
        cv = self.params.variability_pct / 100.0
        steps, t, k = [], -MARGIN_S, 0
        while t < self.duration_s + MARGIN_S:
            p = self.params.at(t, self.duration_s)
            foot = "left" if k % 2 == 0 else "right"
            asym = p.contact_time_asymmetry_pct / 200.0 * (1 if foot == "right" else -1)
            contact = p.contact_time() * (1 + asym) * (1 + cv * rng.standard_normal())
            step_time = 60.0 / p.cadence_spm * (1 + cv * rng.standard_normal())
            alpha = np.radians(p.foot_strike_angle_deg + 100 * cv * rng.standard_normal())
            overstride = p.overstride_cm / 100 + cv * rng.standard_normal()
            if step_time - contact < 0.02:
                raise ValueError(
                    f"no flight phase: contact time {1000 * contact:.0f} ms is not shorter than the "
                    f"step time {1000 * step_time:.0f} ms (raise cadence or shorten contact)")
            steps.append(Step(
                index=k, foot=foot, t_ic=t, t_to=t + contact, v=p.belt_speed(), alpha=alpha,
                overstride=overstride, foot_y=SIDE[foot] * p.step_width_cm / 200,
                f_flat=min(0.3, 0.06 + 0.012 * abs(np.degrees(alpha))), targets=p))
            t += step_time
            k += 1
        return steps

    # ------------------------------------------------------------ stance solving
    def _hip_over(self, step: Step, zs: np.ndarray | float) -> np.ndarray:
        zs = np.atleast_1d(np.asarray(zs, float))
        return np.stack([np.zeros_like(zs), np.full_like(zs, step.side * self.body.hip_half_width), zs], -1)

    def _height_for_flexion(self, step: Step, t: float, flexion_deg: float) -> float:
        """Stance-hip height that puts the knee at ``flexion_deg`` (3D) at time ``t`` of stance."""
        ankle = step.foot_points(self.body, t)[0][0]
        hip = self._hip_over(step, 0.0)[0]
        d = ankle - hip
        span = min(float(self.body.knee_span(flexion_deg)), self.body.reach())
        dz2 = span ** 2 - d[0] ** 2 - d[1] ** 2
        if dz2 <= 0:
            raise ValueError(
                f"{step.foot} foot at {t:.2f} s is {abs(d[0]) * 100:.0f} cm from the hip horizontally: "
                "out of the leg's reach (reduce overstride or contact time, or raise cadence)")
        return float(ankle[2] + np.sqrt(dz2))

    def _solve_heights(self, step: Step) -> None:
        """Hip-height knots over stance from a smooth knee-flexion profile.

        Contact and mid-stance flexion are the requested ones; toe-off comes
        from :meth:`_solve_toe_off`; knots between keep the stance leg within
        reach while the heel rises.
        """
        p = step.targets
        step.phi_to, zs_to = self._solve_toe_off(step)
        ankle = step.foot_points(self.body, step.t_to)[0][0]
        span = np.linalg.norm(ankle - self._hip_over(step, zs_to)[0])
        flex_to = np.degrees(np.arccos(np.clip(
            (span ** 2 - self.body.thigh ** 2 - self.body.shank ** 2) / (2 * self.body.thigh * self.body.shank),
            -1, 1)))
        profile = PchipInterpolator([0.0, MIDSTANCE_FRACTION, 1.0],
                                    [p.knee_flexion_at_contact_deg, p.knee_flexion_midstance_deg, flex_to])
        step.knots = [(step.t_ic + f * step.contact,
                       zs_to if f == 1.0 else self._height_for_flexion(step, step.t_ic + f * step.contact,
                                                                       float(profile(f))))
                      for f in STANCE_KNOTS]

    def _toe_off_angles(self, step: Step, phi_to: np.ndarray, zs: np.ndarray):
        """Sagittal (thigh angle, knee flexion) at toe-off for arrays of foot pitch and hip height."""
        phi_to, zs = np.broadcast_arrays(np.asarray(phi_to, float), np.asarray(zs, float))
        flat_phi, flat_zs = phi_to.ravel(), zs.ravel()
        ankles = step.foot_points(self.body, step.t_to, flat_phi)[0]
        step_hips = self._hip_over(step, flat_zs)
        knees = knee_position(self.body, step_hips, ankles, np.zeros(len(flat_zs)), step.side)
        thigh, flex = sagittal_angles(step_hips, knees, ankles)
        reach = np.linalg.norm(ankles - step_hips, axis=-1) <= self.body.reach()
        return thigh.reshape(zs.shape), flex.reshape(zs.shape), reach.reshape(zs.shape)

    def _solve_toe_off(self, step: Step) -> tuple[float, float]:
        """Foot pitch and hip height at toe-off giving the requested hip extension and knee flexion.

        Hip extension is matched first (weighted), knee flexion as nearly as the
        stride's geometry allows.
        """
        p = step.targets
        phis = np.radians(np.linspace(-75, -5, 36))
        zss = np.linspace(0.6, 1.2, 121) * self.body.height / 1.75
        P, Z = np.meshgrid(phis, zss, indexing="ij")
        thigh, flex, ok = self._toe_off_angles(step, P, Z)

        def cost(t, f, reachable):
            return np.where(reachable, 10 * (t + p.hip_extension_deg) ** 2
                            + (f - p.knee_flexion_at_toe_off_deg) ** 2, np.inf)

        i, j = np.unravel_index(np.argmin(cost(thigh, flex, ok)), P.shape)

        def objective(x):
            t, f, r = self._toe_off_angles(step, np.array([x[0]]), np.array([x[1]]))
            return float(cost(t, f, r)[0]) if r[0] else 1e9

        res = minimize(objective, [P[i, j], Z[i, j]], method="Nelder-Mead",
                       options={"xatol": 1e-5, "fatol": 1e-6, "maxiter": 200})
        best = res.x if res.fun <= objective([P[i, j], Z[i, j]]) else [P[i, j], Z[i, j]]
        return float(best[0]), float(best[1])

    def _pelvis_height_curve(self) -> PchipInterpolator:
        """Stance-hip height through the stance knots and a ballistic apex in each flight."""
        knots = []
        for a, b in zip(self.steps, self.steps[1:]):
            flight = b.t_ic - a.t_to
            apex = (a.knots[-1][1] + b.knots[0][1]) / 2 + G * flight ** 2 / 8
            knots += a.knots + [((a.t_to + b.t_ic) / 2, apex)]
        t, z = np.array(knots + self.steps[-1].knots).T
        return PchipInterpolator(t, z)

    def _stance_leg(self, step: Step, t: np.ndarray, psi: float | None = None):
        """(hip, knee, ankle, heel, toe, pitch) of the stance leg at times ``t`` of its stance."""
        t = np.atleast_1d(np.asarray(t, float))
        ankle, heel, toe, phi = step.foot_points(self.body, t)
        hip = self._hip_over(step, self._pelvis_z(t))
        bump = stance_bump(step.fraction(t))
        knee = knee_position(self.body, hip, ankle, (step.psi if psi is None else psi) * bump, step.side)
        return hip, knee, ankle, heel, toe, phi

    def _solve_knee_collapse(self, step: Step) -> None:
        target = (step.targets.knee_collapse_left_deg if step.foot == "left"
                  else step.targets.knee_collapse_right_deg)
        t = np.linspace(step.t_ic, step.t_to, 61)

        def peak(psi: float) -> float:
            hip, knee, ankle, *_ = self._stance_leg(step, t, psi)
            return float(signed_peak(frontal_projection_angle(hip, knee, ankle, step.side)))

        step.psi = 0.0 if abs(target) < 1e-9 else brentq(lambda x: peak(x) - target, -1.0, 1.2, xtol=1e-7)

    # -------------------------------------------------------------------- swing
    def _swing(self, prev: Step, nxt: Step) -> Swing:
        """Swing of ``prev.foot`` from its toe-off to its next contact (``nxt``)."""
        hip0, knee0, ankle0, *_, phi0 = self._stance_leg(prev, prev.t_to)
        hip1, knee1, ankle1, *_, phi1 = self._stance_leg(nxt, nxt.t_ic)
        th0, k0 = (float(x[0]) for x in sagittal_angles(hip0, knee0, ankle0))
        th1, k1 = (float(x[0]) for x in sagittal_angles(hip1, knee1, ankle1))
        p = prev.targets
        th_max, k_max = p.hip_flexion_swing_deg, p.knee_flexion_swing_deg
        k_min = max(k1 - 10.0, 4.0)
        thigh = CubicHermiteSpline([0, 0.8, 1], [th0, th_max, th1],
                                   [1.1 * (th_max - th0) / 0.8, 0.0, 1.5 * (th1 - th_max) / 0.2])
        k_late = k_min + 0.6 * (k_max - k_min)
        knee = CubicHermiteSpline([0, 0.42, 0.72, 0.93, 1], [k0, k_max, k_late, k_min, k1],
                                  [1.4 * (k_max - k0) / 0.42, 0.0, 1.3 * (k_min - k_max) / 0.51, 0.0,
                                   1.2 * (k1 - k_min) / 0.07])
        a0 = np.degrees(phi0[0]) - (th0 - k0)
        a1 = np.degrees(phi1[0]) - (th1 - k1)
        # Dorsiflexed mid-swing; the end of swing is steered onto the contact state (_landing_path).
        ankle = CubicHermiteSpline([0, 0.5, 1], [a0, 18.0, a1], [(18.0 - a0) / 0.5, 0.0, 0.0])
        err0 = ankle0[0, [0, 2]] - (hip0[0, [0, 2]] + self._shank_tip(th0, k0))
        err1 = ankle1[0, [0, 2]] - (hip1[0, [0, 2]] + self._shank_tip(th1, k1))
        # The hip moves only vertically, so the ankle's velocity relative to it is the
        # heel's landing velocity (pitch held) minus the hip's sink.
        vel1 = np.array([-nxt.v, -TOUCHDOWN_SPEED - float(self._pelvis_z.derivative()(nxt.t_ic))])
        return Swing(prev.foot, prev.t_to, nxt.t_ic, thigh, knee, ankle, err0, err1,
                     rel1=ankle1[0, [0, 2]] - hip1[0, [0, 2]], vel1=vel1, alpha=nxt.alpha)

    def _shank_tip(self, thigh_deg, knee_deg) -> np.ndarray:
        """Ankle from the hip by sagittal forward kinematics, [..., (x, z)]."""
        th, sh = np.radians(thigh_deg), np.radians(np.asarray(thigh_deg) - knee_deg)
        x = self.body.thigh * np.sin(th) + self.body.shank * np.sin(sh)
        z = -self.body.thigh * np.cos(th) - self.body.shank * np.cos(sh)
        return np.stack([x, z], -1)

    # --------------------------------------------------------------------- pose
    def pose(self, t: np.ndarray) -> Pose:
        """Every landmark (and what the renderer needs) at times ``t`` (s)."""
        t = np.atleast_1d(np.asarray(t, float))
        n, b = len(t), self.body
        zs = self._pelvis_z(t)
        hips = {f: np.stack([np.zeros(n), np.full(n, s * b.hip_half_width), zs], -1) for f, s in SIDE.items()}
        psi = {f: np.zeros(n) for f in SIDE}
        in_stance = {f: np.zeros(n, bool) for f in SIDE}
        for step in self.steps:
            m = (t >= step.t_ic) & (t <= step.t_to)
            if not m.any():
                continue
            in_stance[step.foot] |= m
            bump = stance_bump(step.fraction(t[m]))
            psi[step.foot][m] = step.psi * bump
            # Pelvis rolls about the stance hip: the swing-side hip drops.
            other = "right" if step.foot == "left" else "left"
            d = step.drop * bump
            w = 2 * b.hip_half_width
            hips[other][m] = hips[step.foot][m] + w * np.stack(
                [np.zeros(m.sum()), -step.side * np.cos(d), -np.sin(d)], -1)
        ankle = {f: np.zeros((n, 3)) for f in SIDE}
        pitch = {f: np.zeros(n) for f in SIDE}
        for step in self.steps:
            m = (t >= step.t_ic) & (t <= step.t_to)
            if m.any():
                a, _, _, phi = step.foot_points(b, t[m])
                ankle[step.foot][m], pitch[step.foot][m] = a, phi
        for sw in self.swings:
            m = (t > sw.t0) & (t < sw.t1)
            if m.any():
                ankle[sw.foot][m], pitch[sw.foot][m] = self._swing_foot(sw, t[m], hips[sw.foot][m])
        covered = in_stance["left"] | in_stance["right"]
        for sw in self.swings:
            covered |= (t > sw.t0) & (t < sw.t1)
        lm = np.full((n, N_LANDMARKS, 3), np.nan)
        for f in SIDE:
            knee = knee_position(b, hips[f], ankle[f], psi[f], SIDE[f])
            heel, toe = _sole_points(b, ankle[f], pitch[f])
            for name, pts in (("hip", hips[f]), ("knee", knee), ("ankle", ankle[f]),
                              ("heel", heel), ("foot_index", toe)):
                lm[:, INDEX[f"{f}_{name}"]] = pts
        mid_hip = (hips["left"] + hips["right"]) / 2
        upper = self._upper_body(t, mid_hip, lm)
        return Pose(t=t, landmarks=lm, foot_pitch=pitch, in_stance=in_stance, **upper)

    def _swing_angles_path(self, sw: Swing, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ankle minus hip [n, (x, z)], foot pitch [n] rad) from the swing's joint-angle curves."""
        u = (t - sw.t0) / (sw.t1 - sw.t0)
        th, kn = sw.thigh(u), sw.knee(u)
        rel = self._shank_tip(th, kn) + (1 - u)[:, None] * sw.err0 + u[:, None] * sw.err1
        # Lift the foot off the belt at toe-off and set it down at contact (and clear it between).
        rel[:, 1] += SWING_LIFT * self.body.scale * np.sin(np.pi * u)
        return rel, np.radians(th - kn + sw.ankle(u))

    def _landing_path(self, sw: Swing, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ankle minus hip, pitch) over swing: the angle curves, steered onto the contact state at the end.

        Cubic Hermite curves keep position and velocity continuous where the
        steering starts and give the landing velocity and held pitch at contact.
        """
        rel, phi = self._swing_angles_path(sw, t)
        t_a = max(sw.t1 - LANDING_S, (sw.t0 + sw.t1) / 2)
        t_h = sw.t1 - min(HOLD_S, (sw.t1 - t_a) / 2)
        dt = 1e-5
        (r_a, r_b), (p_a, p_b) = self._swing_angles_path(sw, np.array([t_a, t_a + dt]))
        late = t >= t_a
        if late.any():
            rel[late] = CubicHermiteSpline([t_a, sw.t1], [r_a, sw.rel1], [(r_b - r_a) / dt, sw.vel1])(t[late])
            pitch = CubicHermiteSpline([t_a, t_h], [p_a, sw.alpha], [(p_b - p_a) / dt, 0.0])
            phi[late] = np.where(t[late] < t_h, pitch(np.minimum(t[late], t_h)), sw.alpha)
        return rel, phi

    def _swing_foot(self, sw: Swing, t: np.ndarray, hip: np.ndarray):
        u = (t - sw.t0) / (sw.t1 - sw.t0)
        rel, phi = self._landing_path(sw, t)
        xz = hip[:, [0, 2]] + rel
        side = SIDE[sw.foot]
        p = self.params.at(sw.t0, self.duration_s)
        y = side * (p.step_width_cm / 200 + 0.012 * np.sin(np.pi * u))
        # Keep the ankle within the leg's reach (late swing, knee nearly straight).
        a = np.stack([xz[:, 0], y, xz[:, 1]], -1)
        d = a - hip
        dist = np.linalg.norm(d, axis=-1, keepdims=True)
        a = hip + d * np.minimum(1.0, self.body.reach() / dist)
        return a, phi

    def _upper_body(self, t: np.ndarray, mid_hip: np.ndarray, lm: np.ndarray) -> dict:
        """Trunk, arms and head; fills ``lm`` and returns the frames the renderer needs."""
        b, n = self.body, len(t)
        lean = np.radians(np.array([self.params.at(x, self.duration_s).trunk_lean_deg for x in t]))
        phase = {f: self.stride_phase(f, t) for f in SIDE}
        lean = lean + np.radians(1.0) * np.cos(4 * np.pi * phase["left"])  # small bob twice a stride
        up = np.stack([np.sin(lean), np.zeros(n), np.cos(lean)], -1)
        mid_sh = mid_hip + b.trunk * up
        # Thorax counter-rotation: the left shoulder comes forward with the right leg.
        yaw = np.radians(7.0) * np.cos(2 * np.pi * phase["right"])
        across = np.stack([np.sin(yaw), np.cos(yaw), np.zeros(n)], -1)
        amp = np.radians(np.array([self.params.at(x, self.duration_s).arm_swing_deg for x in t]))
        elbow_mean = np.radians(np.array([self.params.at(x, self.duration_s).elbow_flexion_deg for x in t]))
        for f, s in SIDE.items():
            other = "right" if f == "left" else "left"
            shoulder = mid_sh + s * b.shoulder_half_width * across
            swing = np.radians(4.0) + amp * np.cos(2 * np.pi * phase[other] - 0.3)
            beta = swing + lean * 0.5
            abd = np.radians(10.0)
            upper_dir = np.stack([np.sin(beta) * np.cos(abd), s * np.full(n, np.sin(abd)),
                                  -np.cos(beta) * np.cos(abd)], -1)
            elbow = shoulder + b.upper_arm * upper_dir
            flex = elbow_mean + np.radians(12.0) * np.cos(2 * np.pi * phase[other] - 0.3)
            inward = np.radians(22.0)
            fa = beta + flex
            fore_dir = np.stack([np.sin(fa) * np.cos(inward), -s * np.full(n, np.sin(inward)),
                                 -np.cos(fa) * np.cos(inward)], -1)
            wrist = elbow + b.forearm * fore_dir
            medial = np.array([0.0, -s, 0.0])
            thumb_dir = np.cross(fore_dir, medial * s)  # roughly upward, along the fist's top
            thumb_dir /= np.linalg.norm(thumb_dir, axis=-1, keepdims=True)
            sc = b.scale
            hand = {
                "index": wrist + sc * (0.075 * fore_dir + 0.012 * medial),
                "pinky": wrist + sc * (0.065 * fore_dir - 0.02 * medial - 0.01 * thumb_dir),
                "thumb": wrist + sc * (0.045 * fore_dir + 0.025 * medial + 0.02 * thumb_dir),
            }
            for name, pts in (("shoulder", shoulder), ("elbow", elbow), ("wrist", wrist), *hand.items()):
                lm[:, INDEX[f"{f}_{name}"]] = pts
        head = mid_sh + np.array([b.head_centre[0], 0.0, b.head_centre[1]])
        for name, (x, y, z) in b.face().items():
            lm[:, INDEX[name]] = head + np.array([x, y, z])
        return {"head_centre": head, "trunk_up": up, "mid_shoulder": mid_sh, "mid_hip": mid_hip}

    def stride_phase(self, foot: str, t: np.ndarray) -> np.ndarray:
        """Fraction of the current stride of ``foot`` (0 at its initial contact)."""
        ics = np.array([s.t_ic for s in self.steps if s.foot == foot])
        k = np.clip(np.searchsorted(ics, t, side="right") - 1, 0, len(ics) - 2)
        return (t - ics[k]) / (ics[k + 1] - ics[k])


def signed_peak(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """The value of largest magnitude, with its sign.

    >>> float(signed_peak(np.array([1.0, -3.0, 2.0])))
    -3.0
    """
    i = np.argmax(np.abs(x), axis=axis)
    return np.take_along_axis(x, np.expand_dims(i, axis), axis).squeeze(axis)


@dataclass
class Pose:
    """The runner at ``n`` instants."""

    t: np.ndarray  # [n] s
    landmarks: np.ndarray  # [n, 33, 3] world metres (BlazePose order)
    foot_pitch: dict  # foot -> [n] rad, + toes up
    in_stance: dict  # foot -> [n] bool
    head_centre: np.ndarray  # [n, 3]
    trunk_up: np.ndarray  # [n, 3] unit mid-hip -> mid-shoulder direction
    mid_shoulder: np.ndarray
    mid_hip: np.ndarray
