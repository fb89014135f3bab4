"""Minimal detectable change: how big a before/after difference must be to exceed measurement noise.

Published values (``MetricSpec.detectable_change``) come from test-retest studies of 2D video running analysis
(raters measuring by hand; a pose model's error differs, so these are a
floor, not a guarantee).  Where no study reports one for a measure, or the
clips' own stride-to-stride spread says more, the detectable change is
derived from the strides:

    SEM   = 1.2533 * SD_strides / sqrt(n)      (standard error of a median of n strides)
    MDC95 = 1.96 * sqrt(2) * SEM               (pooled over the two sessions)

The threshold used is the larger of the published and the derived value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from metrics.analysis import Analysis
from metrics.registry import SPECS
from metrics.spec import PublishedChange

PUBLISHED: dict[str, PublishedChange] = {s.name: s.detectable_change for s in SPECS if s.detectable_change}
NO_PUBLISHED = "no published MDC found for this 2D-video measure"


@dataclass(frozen=True)
class DetectableChange:
    """The threshold a change must exceed, and where it comes from."""

    value: float | None
    published: float | None
    derived: float | None
    source: str


def stride_values(analysis: Analysis, name: str) -> np.ndarray:
    """The per-stride values of one metric (finite ones only)."""
    v = np.array([s.values.get(name) for s in analysis.strides if s.values.get(name) is not None], float)
    return v[np.isfinite(v)]


def derived_mdc(a: np.ndarray, b: np.ndarray) -> float | None:
    """MDC95 of the difference of two session medians from their strides' spread.

    >>> round(derived_mdc(np.array([1., 2, 3, 4]), np.array([1., 2, 3, 4])), 2)
    2.24
    """
    if len(a) < 2 or len(b) < 2:
        return None
    sem_a = 1.2533 * np.std(a, ddof=1) / math.sqrt(len(a))
    sem_b = 1.2533 * np.std(b, ddof=1) / math.sqrt(len(b))
    sem = math.sqrt((sem_a**2 + sem_b**2) / 2)
    return float(1.96 * math.sqrt(2) * sem)


def detectable_change(name: str, a: Analysis, b: Analysis) -> DetectableChange:
    """The larger of the published and the stride-derived MDC for ``name``."""
    pub = PUBLISHED.get(name)
    derived = derived_mdc(stride_values(a, name), stride_values(b, name))
    candidates = [x for x in (pub.value if pub else None, derived) if x is not None]
    value = max(candidates) if candidates else None
    if pub and (derived is None or pub.value >= derived):
        source = f"published: {pub.source}"
    elif derived is not None:
        source = "derived from the strides' spread" + (f" (exceeds published {pub.value:g}, {pub.source})"
                                                        if pub else f"; {NO_PUBLISHED}")
    else:
        source = NO_PUBLISHED + "; too few strides to derive one"
    return DetectableChange(value, pub.value if pub else None, derived, source)
