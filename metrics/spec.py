"""What a metric is: its name, unit, definition, where it applies, and how one stride's value is computed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from metrics.gait import Gait, StrideTiming

PerStride = Callable[[Gait, StrideTiming], "float | None"]


@dataclass(frozen=True)
class MetricSpec:
    """A per-stride measure.

    Attributes:
        views: the camera views it can be measured from.
        landmarks: landmarks it depends on (their visibility sets part of its confidence).
        high_confidence_fps: frame rate needed for a high-confidence value.
        ratio_scale: True for positive quantities where a % symmetry index means something.
        max_confidence: cap for measures the pose model cannot really see.
    """

    name: str
    unit: str
    definition: str
    views: tuple[str, ...]
    per_stride: PerStride
    landmarks: tuple[int, ...] = ()
    high_confidence_fps: float = 25.0
    ratio_scale: bool = False
    max_confidence: str = "high"
