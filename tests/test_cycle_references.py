"""Published running ranges shaded on the gait-cycle curves, with their sources cited; Stridescope's
own working bands are not drawn as if they were published."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PolyCollection

from metrics.reference import NOVACHECK_1998
from reports.cycle import CYCLE_PCT, CycleCurve
from reports.plots import plot_gait_cycle, published_band


def curves(*names: str, toe_off: float = 38.0) -> dict[str, dict[str, CycleCurve]]:
    wave = 40 + 30 * np.sin(np.radians(3.6 * CYCLE_PCT))
    return {n: {side: CycleCurve(np.vstack([wave, wave + 1]), toe_off) for side in ("left", "right")}
            for n in names}


def bands(ax) -> list[tuple[float, float, float, float]]:
    """(x0, x1, y0, y1) of each shaded reference area on ``ax`` (SD bands have no hatch)."""
    out = []
    for c in ax.collections:
        if isinstance(c, PolyCollection) and c.get_hatch():
            (x0, y0), (x1, y1) = c.get_paths()[0].vertices.min(axis=0), c.get_paths()[0].vertices.max(axis=0)
            out.append((x0, x1, y0, y1))
    return out


def test_knee_curve_shows_contact_and_stance_ranges_and_cites_novacheck():
    fig = plot_gait_cycle({"": curves("knee_flexion")})
    ax = fig.axes[0]
    shaded = bands(ax)
    # Knee flexion at contact 10-25 deg at both ends of the cycle; peak in stance 35-50 deg up to toe-off.
    assert (0, 2.5, 10, 25) in shaded and (97.5, 100, 10, 25) in shaded
    assert (0, 38, 35, 50) in shaded
    notes = " ".join(t.get_text() for t in fig.texts)
    assert NOVACHECK_1998 in notes and "Souza 2016" in notes


def test_hip_extension_band_is_not_drawn_on_the_thigh_to_vertical_curve():
    # Hip extension is the thigh relative to the trunk (metrics/hip.py), with a working band: neither fits
    # the thigh-to-vertical curve.
    ax = plot_gait_cycle({"": curves("thigh", toe_off=40)}).axes[0]
    assert bands(ax) == []


def test_working_bands_and_curves_without_norms_are_left_plain():
    assert published_band("shank_angle_at_contact_deg") is None  # Stridescope's working band
    assert published_band("knee_collapse_deg") is None
    fig = plot_gait_cycle({"": curves("shank", "foot", "knee_fppa")})
    assert all(not bands(ax) for ax in fig.axes) and not fig.texts


def test_bands_can_be_left_out():
    fig = plot_gait_cycle({"": curves("knee_flexion")}, references=False)
    assert not bands(fig.axes[0]) and not fig.texts
