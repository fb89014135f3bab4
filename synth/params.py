"""The synthetic runner's parameters, in the units a therapist uses.

:class:`RunnerParams` is how the runner moves; :class:`RenderSettings` is how
the camera films it.  Every field carries its unit and a one-line meaning in
its metadata, which the command line turns into ``--help`` text.

>>> p = RunnerParams(cadence_spm=180.0, belt_speed_kmh=10.8)
>>> round(p.stride_length(), 3)   # 3 m/s * (120 / 180) s
2.0
>>> p.at(0.0, duration_s=10.0).cadence_spm
180.0
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from synth.camera import Camera

FOOT_STRIKE_ANGLES_DEG = {"rearfoot": 15.0, "midfoot": 3.0, "forefoot": -8.0}
"""Typical foot-strike angle of each pattern (Altman & Davis 2012 bands: rearfoot > 8,
midfoot -1.6..8, forefoot < -1.6 degrees)."""

# Convenience names that set a per-side pair at once (command line and --drift).
BOTH_SIDES = {
    "pelvic_drop_deg": ("pelvic_drop_left_deg", "pelvic_drop_right_deg"),
    "knee_collapse_deg": ("knee_collapse_left_deg", "knee_collapse_right_deg"),
}


# Fixed for a whole clip: the body, and the belt (its marks move at one speed).
FIXED = ("drift", "variability_pct", "height_m", "belt_speed_kmh", "stride_length_m",
         "leg_length_scale", "hip_width_scale", "shoe_length_scale")


def _p(default, unit: str, help: str):
    return field(default=default, metadata={"unit": unit, "help": help})


@dataclass(frozen=True)
class RunnerParams:
    """How the synthetic runner runs (treadmill running, constant belt speed)."""

    height_m: float = _p(1.75, "m", "body height; segment lengths scale with it")
    leg_length_scale: float = _p(1.0, "x", "thigh and shank length relative to Winter's proportions")
    hip_width_scale: float = _p(1.0, "x", "pelvis width relative to Winter's proportions")
    shoe_length_scale: float = _p(1.0, "x", "shoe (heel to toe) length relative to a typical running shoe")
    cadence_spm: float = _p(170.0, "steps/min", "steps per minute")
    belt_speed_kmh: float = _p(10.0, "km/h", "treadmill belt speed")
    stride_length_m: float | None = _p(
        None, "m", "stride length (IC to IC of one foot); if given, the belt speed follows from it")
    contact_time_ms: float = _p(250.0, "ms", "ground contact time (initial contact to toe-off)")
    duty_factor: float | None = _p(
        None, "fraction", "contact time / stride time; if given, replaces the contact time")
    contact_time_asymmetry_pct: float = _p(
        0.0, "%", "right minus left contact time, in % of their mean")
    trunk_lean_deg: float = _p(6.0, "deg", "forward lean of the hip-to-shoulder line from vertical")
    overstride_cm: float = _p(6.0, "cm", "heel ahead of the mid-hip at initial contact")
    foot_strike_angle_deg: float = _p(
        3.0, "deg", "foot (heel-to-toe) to belt at initial contact; + toes up (rearfoot)")
    knee_flexion_at_contact_deg: float = _p(20.0, "deg", "knee flexion at initial contact")
    knee_flexion_midstance_deg: float = _p(42.0, "deg", "knee flexion at mid-stance")
    hip_extension_deg: float = _p(18.0, "deg", "thigh behind vertical at toe-off")
    knee_flexion_at_toe_off_deg: float = _p(30.0, "deg", "knee flexion at toe-off (sought, not forced)")
    pelvic_drop_left_deg: float = _p(
        4.0, "deg", "contralateral pelvic drop in LEFT stance (right hip lowers)")
    pelvic_drop_right_deg: float = _p(
        4.0, "deg", "contralateral pelvic drop in RIGHT stance (left hip lowers)")
    knee_collapse_left_deg: float = _p(3.0, "deg", "peak left-knee frontal-plane projection angle in stance")
    knee_collapse_right_deg: float = _p(3.0, "deg", "peak right-knee frontal-plane projection angle in stance")
    step_width_cm: float = _p(8.0, "cm", "lateral distance between the two feet's centre lines")
    knee_flexion_swing_deg: float = _p(105.0, "deg", "peak knee flexion in swing")
    hip_flexion_swing_deg: float = _p(38.0, "deg", "peak thigh angle ahead of vertical in swing")
    arm_swing_deg: float = _p(28.0, "deg", "amplitude of the upper arm's fore-aft swing")
    elbow_flexion_deg: float = _p(85.0, "deg", "mean elbow flexion")
    variability_pct: float = _p(
        1.0, "%", "stride-to-stride variation (coefficient of variation) of step time and contact geometry")
    drift: dict = field(default_factory=dict, metadata={
        "unit": "", "help": "fatigue drift: {parameter: (value at start, value at end)}, linear in time"})

    def stride_length(self) -> float:
        """Stride length in metres: given, or belt speed times stride time."""
        if self.stride_length_m is not None:
            return self.stride_length_m
        return self.belt_speed_kmh / 3.6 * 120.0 / self.cadence_spm

    def belt_speed(self) -> float:
        """Belt speed in m/s (from the stride length when that is given)."""
        if self.stride_length_m is not None:
            return self.stride_length_m * self.cadence_spm / 120.0
        return self.belt_speed_kmh / 3.6

    def contact_time(self) -> float:
        """Mean contact time in seconds."""
        if self.duty_factor is not None:
            return self.duty_factor * 120.0 / self.cadence_spm
        return self.contact_time_ms / 1000.0

    def at(self, t: float, duration_s: float) -> RunnerParams:
        """The parameters in force at time ``t`` of a clip of ``duration_s`` (drift applied)."""
        if not self.drift:
            return self
        u = min(max(t / duration_s, 0.0), 1.0) if duration_s > 0 else 0.0
        changes = {}
        for name, (start, end) in self.drift.items():
            for target in BOTH_SIDES.get(name, (name,)):
                changes[target] = start + (end - start) * u
        return replace(self, **changes)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["drift"] = {k: list(v) for k, v in sorted(self.drift.items())}
        return d

    def __post_init__(self):
        names = {f.name for f in fields(self)} | set(BOTH_SIDES)
        for name, pair in self.drift.items():
            if name not in names or name in FIXED:
                raise ValueError(f"cannot drift {name!r}: not a gait parameter that may change in a clip")
            if len(pair) != 2:
                raise ValueError(f"drift of {name} needs (start, end), got {pair!r}")


@dataclass(frozen=True)
class RenderSettings:
    """How the runner is filmed: a pinhole camera beside or behind the treadmill."""

    view: str = _p("side", "", "side (camera on the runner's right, running to the right) or rear")
    width: int = _p(1280, "px", "frame width")
    height: int = _p(720, "px", "frame height")
    fps: float = _p(60.0, "frames/s", "frame rate")
    duration_s: float = _p(10.0, "s", "clip length")
    camera_distance_m: float | None = _p(
        None, "m", "camera to the runner's mid-line (default 3.6 side, 3.4 rear)")
    camera_height_m: float = _p(1.0, "m", "camera height above the belt")
    camera_aim_height_m: float = _p(0.85, "m", "height the camera points at (sets its tilt)")
    camera_roll_deg: float = _p(0.0, "deg", "camera turned about its optical axis (a crooked phone), + clockwise")
    vertical_fov_deg: float = _p(40.0, "deg", "vertical field of view")
    noise_std: float = _p(0.0, "grey levels", "standard deviation of added sensor noise")
    motion_blur: int = _p(1, "sub-frames", "sub-frames averaged per frame (1 = no blur)")
    clutter: int = _p(0, "objects", "boxes and posters in the room behind the treadmill")
    skin_rgb: str = _p("#deaa86", "hex", "skin colour")
    hair_rgb: str = _p("#3a2618", "hex", "hair colour")
    shirt_rgb: str = _p("#265cac", "hex", "shirt colour")
    shorts_rgb: str = _p("#26262c", "hex", "shorts colour")
    sock_rgb: str = _p("#ececec", "hex", "sock colour")
    shoe_left_rgb: str = _p("#cd2828", "hex", "left shoe colour")
    shoe_right_rgb: str = _p("#1ea550", "hex", "right shoe colour")
    crf: int = _p(26, "", "H.264 constant rate factor (lower = larger, better)")
    seed: int = _p(0, "", "random seed: stride variability and noise")

    def camera(self) -> Camera:
        """The camera these settings film with."""
        return Camera.for_view(self.view, self.width, self.height, self.distance(), self.camera_height_m,
                               self.vertical_fov_deg, self.camera_aim_height_m, self.camera_roll_deg)

    def distance(self) -> float:
        if self.camera_distance_m is not None:
            return self.camera_distance_m
        return 3.6 if self.view == "side" else 3.4

    def __post_init__(self):
        if self.view not in ("side", "rear"):
            raise ValueError(f"view must be 'side' or 'rear', not {self.view!r}")
        if self.width % 2 or self.height % 2:
            raise ValueError("width and height must be even (H.264 4:2:0)")
        for f in fields(self):
            if f.name.endswith("_rgb"):
                rgb(getattr(self, f.name))


def rgb(text: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` as an (r, g, b) tuple.

    >>> rgb("#ff8000")
    (255, 128, 0)
    """
    h = text.lstrip("#")
    try:
        if len(h) != 6:
            raise ValueError
        return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        raise ValueError(f"colour must be #rrggbb, not {text!r}") from None
