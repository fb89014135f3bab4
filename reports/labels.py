"""How metric names and values read in reports.

>>> title("knee_flexion_at_contact_deg")
'Knee flexion at contact'
>>> fmt(12.345, "deg")
'12.3°'
"""

from __future__ import annotations

import math

_TITLES = {
    "cadence_spm": "Cadence",
    "ground_contact_time_ms": "Ground contact time",
    "foot_strike_angle_deg": "Foot strike angle",
    "overstride_cm": "Overstride",
    "overstride_pct_leg": "Overstride (% leg length)",
    "shank_angle_at_contact_deg": "Shank angle at contact",
    "trunk_lean_deg": "Trunk lean",
    "hip_extension_deg": "Hip extension at toe-off",
    "vertical_oscillation_cm": "Vertical oscillation",
    "stride_length_m": "Stride length",
    "pelvic_drop_deg": "Contralateral pelvic drop",
    "stride_length_leg": "Stride length (leg lengths)",
    "vertical_oscillation_pct_leg": "Vertical oscillation (% leg length)",
    "peak_knee_flexion_stance_deg": "Peak knee flexion in stance",
    "knee_collapse_deg": "Knee collapse (frontal angle)",
}
_UNIT_SUFFIXES = ("_deg", "_ms", "_cm", "_m", "_spm", "_pct", "_pct_leg", "_s", "_hz")
_UNIT_TEXT = {"deg": "°", "%": " %", "": "", "steps/min": " spm", "leg lengths": " × leg"}


def title(name: str) -> str:
    """A metric's name as a person reads it."""
    if name in _TITLES:
        return _TITLES[name]
    base = name
    for suffix in sorted(_UNIT_SUFFIXES, key=len, reverse=True):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return base.replace("_", " ").capitalize()


def unit_text(unit: str) -> str:
    return _UNIT_TEXT.get(unit, f" {unit}")


def fmt(value: float | None, unit: str = "", signed: bool = False) -> str:
    """A value with its unit, to a sensible precision; "n/a" when missing."""
    if value is None or not math.isfinite(value):
        return "n/a"
    digits = 0 if abs(value) >= 100 else 2 if abs(value) < 1 and unit in ("m", "") else 1
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{value:.{digits}f}{unit_text(unit)}"


def reference_text(ref) -> str:
    """A reference range as text: "10-25 deg", "< 15 cm", "> 2 deg" or "none"."""
    if ref is None or (ref.low is None and ref.high is None):
        return "none"
    u = unit_text(ref.unit)
    if ref.low is not None and ref.high is not None:
        return f"{ref.low:g}–{ref.high:g}{u}"
    return f"≤ {ref.high:g}{u}" if ref.high is not None else f"≥ {ref.low:g}{u}"
