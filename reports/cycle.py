"""Angle curves over the gait cycle: each stride time-normalised to 0-100 %, averaged per side.

A stride runs from a foot's initial contact (0 %) to its next one (100 %);
toe-off falls where that stride's contact ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metrics.analysis import Analysis
from metrics.gait import Gait
from metrics.joint_angles import SIDES

CYCLE_PCT = np.linspace(0.0, 100.0, 101)


@dataclass
class CycleCurve:
    """One angle of one side over the gait cycle: all strides, their mean and SD, and toe-off."""

    strides: np.ndarray  # [k, 101]
    toe_off_pct: float | None  # mean toe-off as % of the cycle

    @property
    def mean(self) -> np.ndarray:
        return np.nanmean(self.strides, axis=0)

    @property
    def sd(self) -> np.ndarray:
        return np.nanstd(self.strides, axis=0)

    @property
    def n(self) -> int:
        return len(self.strides)


def normalised(series: np.ndarray, time_s: np.ndarray, start_s: float, end_s: float) -> np.ndarray | None:
    """``series`` between two times resampled to 101 points (0-100 %); None if mostly missing.

    >>> t = np.arange(5) / 4
    >>> normalised(t * 10, t, 0.0, 1.0)[[0, 50, 100]].tolist()
    [0.0, 5.0, 10.0]
    """
    inside = (time_s >= start_s - 1e-9) & (time_s <= end_s + 1e-9)
    t, v = time_s[inside], series[inside]
    ok = np.isfinite(v)
    if ok.sum() < max(3, 0.7 * len(v)):
        return None
    return np.interp(start_s + CYCLE_PCT / 100 * (end_s - start_s), t[ok], v[ok])


def cycle_curves(analysis: Analysis, gait: Gait) -> dict[str, dict[str, CycleCurve]]:
    """``{angle: {side: CycleCurve}}`` of the gait's angle curves, over the analysis' strides."""
    t, frame_t = gait.time_s, gait.frame_time_s
    out: dict[str, dict[str, CycleCurve]] = {}
    for name, per_side in gait.angles.items():
        out[name] = {}
        for side in SIDES:
            rows, toe_offs = [], []
            for s in analysis.strides:
                if s.foot != side or s.next_initial_contact_frame is None:
                    continue
                start = frame_t[s.initial_contact_frame]
                end = frame_t[min(s.next_initial_contact_frame, len(frame_t) - 1)]
                row = normalised(per_side[side], t, start, end)
                if row is None:
                    continue
                rows.append(row)
                if s.toe_off_frame is not None:
                    toe_offs.append(100 * (frame_t[s.toe_off_frame] - start) / (end - start))
            if rows:
                out[name][side] = CycleCurve(np.array(rows), float(np.mean(toe_offs)) if toe_offs else None)
    return out
