"""How accurate each measure is against synthetic truth, as data for docs and confidence.

The figures come from ``benchmarks/validate_synth.py --write``: synthetic
runners of varied look (body proportions, skin, clothing, shoes, camera
height, distance, tilt and roll, blur, noise, clutter, portrait/landscape), none
used for tuning, tracked by the real pose model.  Per measure: the median and
90th percentile of |clip value - truth| over the runs, its median signed
error (bias), and the same when the true events are given (what the measure
adds beyond event timing).  Real clips add what a rendered runner lacks
(loose clothing, lighting, occlusion): the published anchor for 2D pose
against marker-based capture in running is a sagittal knee RMSE of about
7.5 deg (Van Hooren et al. 2023).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

PATH = Path(__file__).with_name("accuracy.json")


@cache
def table() -> dict:
    """The whole stored table (``{}`` if the benchmark has not written one)."""
    return json.loads(PATH.read_text()) if PATH.is_file() else {}


def accuracy(name: str) -> dict | None:
    """``{"median_abs", "p90_abs", "bias", "runs", "at_true_events"}`` of measure ``name``, or None.

    >>> a = accuracy("trunk_lean_deg")
    >>> a is None or a["p90_abs"] >= a["median_abs"]
    True
    """
    return table().get("measures", {}).get(name)


def describe(name: str) -> str | None:
    """One line for docs: "±1.2 deg median, ±2.0 p90 over 20 synthetic runners (2026-11-29)"."""
    a = accuracy(name)
    if a is None:
        return None
    return (f"±{a['median_abs']:g} median, ±{a['p90_abs']:g} p90 over {a['runs']} synthetic runners "
            f"of varied look ({table()['date']})")
