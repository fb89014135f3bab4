"""Hip extension (side view): peak extension of the thigh relative to the trunk around toe-off.

Running reaches its peak hip extension at about toe-off (Novacheck 1998).  The
pelvis has no landmarks a 2D side view can see, so the trunk line (mid-hip to
mid-shoulder) stands in for it: hip extension = the thigh's angle behind
vertical minus the trunk's forward lean (a tilted camera shifts both alike, so
it cancels).  The peak is searched from mid-stance to 0.3 of a stride after
toe-off, by when the thigh is swinging forward, so a toe-off found a few frames
early or late does not change it.  Measuring the thigh *at* the detected toe-off
inherited every toe-off error, and so did a search ending a tenth of a stride
after it: on zzzhushi_treadmill_side_portrait_30fps (a real 30 fps clip) the
peak came 1-6 frames after the detected toe-off, past that window's 2 frames, so
the value followed the toe-off's timing (its mirror image, toe-offs a frame or two
apart, read the near leg's change over the clip +8.1 deg against -0.8; with the
wider search +4.9 against +2.8).  On synthetic runners, whose peak lies within a
tenth of a stride of the true toe-off, the value at the detected events now
equals the value at the true events (side-121-drift: +2.5 deg error before,
+3.5 now, +3.6 at the true events).
"""

from __future__ import annotations

import numpy as np

from metrics.analysis import Reference
from metrics.gait import Gait, StrideTiming
from metrics.geometry import angle_from_vertical, lean_from_vertical, midpoint
from metrics.legs import LEGS
from metrics.reference import FOLLAND_2017, NOVACHECK_1998, VALIDATION
from metrics.spec import Accuracy, MetricSpec
from vision.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER

AFTER_TOE_OFF = 0.30  # of the stride time: how far past toe-off the peak is searched


def hip_extension_series(xy: np.ndarray, foot: str, forward: int) -> np.ndarray:
    """Thigh extension relative to the trunk line (deg), positive = knee behind the trunk's line."""
    leg = LEGS[foot]
    thigh_behind = -angle_from_vertical(xy[..., leg.hip, :], xy[..., leg.knee, :], forward)
    lean = lean_from_vertical(midpoint(xy, LEFT_HIP, RIGHT_HIP), midpoint(xy, LEFT_SHOULDER, RIGHT_SHOULDER),
                              forward)
    return thigh_behind - lean


def hip_extension(g: Gait, s: StrideTiming) -> float | None:
    c = s.contact
    if not c.complete or s.stride_time_s is None:
        return None
    frames = g.window((c.initial_contact_s + c.toe_off_s) / 2, c.toe_off_s + AFTER_TOE_OFF * s.stride_time_s)
    ext = hip_extension_series(g.xy[frames], s.foot, g.forward)
    return float(np.nanmax(ext)) if np.isfinite(ext).any() else None


SPECS = [
    MetricSpec("hip_extension_deg", "deg",
               "Peak extension of the thigh (hip to knee) relative to the trunk line (mid-hip to mid-shoulder) "
               "from mid-stance to 0.3 of a stride after toe-off; positive = knee behind the trunk's line.",
               ("side",), hip_extension,
               tuple(j for leg in LEGS.values() for j in (leg.hip, leg.knee)) + (LEFT_SHOULDER, RIGHT_SHOULDER),
               high_confidence_fps=60, title="Hip extension", label="hip extension",
               reference=Reference(
                   5, 20, "deg", f"{NOVACHECK_1998}; {FOLLAND_2017}",
                   "Peak extension of the thigh relative to the trunk line around toe-off (2D; the trunk stands in "
                   "for the pelvis; the peak falls at about toe-off, Novacheck 1998). Stridescope's working band. "
                   "Little extension often comes with a forward trunk lean."),
               accuracy=Accuracy(3.0, VALIDATION + ": 1.5 deg (2.8 on varied looks)"), still="toe-off",
               uses_toe_off=True, plausible=(-30.0, 50.0)),
]
