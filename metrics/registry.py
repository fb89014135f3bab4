"""Every measure Stridescope knows, in reading order: the one list everything else reads.

>>> spec("cadence_spm").unit
'steps/min'
>>> spec("overstride_cm").still
'contact'
"""

from __future__ import annotations

from metrics import foot_strike, frontal, hip, knee, oscillation, overstride, temporal, trunk
from metrics.spec import MetricSpec

SPECS: list[MetricSpec] = [
    *temporal.SPECS, *foot_strike.SPECS, *overstride.SPECS, *trunk.SPECS, *knee.SPECS, *hip.SPECS,
    *oscillation.SPECS, *frontal.SPECS,
]
BY_NAME: dict[str, MetricSpec] = {s.name: s for s in SPECS}


def spec(name: str) -> MetricSpec | None:
    """The spec of a measure by name, or None for a name Stridescope does not know (e.g. an old analysis)."""
    return BY_NAME.get(name)
