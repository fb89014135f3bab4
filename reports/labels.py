"""How metric names and values read in reports.

>>> title("knee_flexion_at_contact_deg")
'Knee flexion at contact'
>>> fmt(12.345, "deg")
'12.3°'
"""

from __future__ import annotations

import math

from metrics.registry import spec
from metrics.spec import words

_UNIT_TEXT = {"deg": "°", "%": " %", "": "", "steps/min": " spm", "leg lengths": " × leg"}


def title(name: str) -> str:
    """A metric's name as a person reads it (its registry title; words from the name for unknown ones)."""
    s = spec(name)
    return s.title if s else words(name)


def short_label(name: str) -> str:
    """The short form drawn on frames.

    >>> short_label("ground_contact_time_ms")
    'contact'
    """
    s = spec(name)
    return s.label if s else words(name).lower()


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
