"""Signed foot-strike-angle error on the synthetic side runners, and where it comes from.

Per side run of :func:`synth.runs.runs` (cached renders and pose tracks only, as ``benchmarks/validate_synth.py``
without ``--render``), the clip value of :func:`metrics.foot_strike.foot_strike_angle` minus the truth (deg,
positive = read too toes-up):

* ``pose det``: the product (the real pose model's track, belt speed and height given, events detected on it);
* ``pose true``: the same track at the true events;
* ``exact det`` / ``exact true``: the renderer's exact projected landmarks (events detected on them / true):
  the definition's own error, no pose model.

Then where the pose track's error comes from, per stride at the detected events and median over strides: the
offset of the pose model's heel->toe line from the exact one at contact and over the flat-foot reference
(:func:`metrics.foot_strike.flat_reference`), each relative to its offset in late swing (0.10-0.05 step
periods before contact, the foot in the air with its pitch held), so that ``error = contact - reference``;
for the near and the far foot apart.  The plain looks are TUNING runs (where a constant may be set), the
drift and asymmetric runs CHECKING runs.

    python benchmarks/foot_strike_error.py [--looks 8] [--drift 10] [--asym 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from metrics.events import median_step_interval  # noqa: E402
from metrics.foot_strike import flat_reference, foot_angle  # noqa: E402
from metrics.gait import Gait, build_gait, with_contacts  # noqa: E402
from metrics.measure import measure  # noqa: E402
from synth.cache import default_dir, key, rendered  # noqa: E402
from synth.evaluate import true_contacts  # noqa: E402
from synth.runs import runs  # noqa: E402
from vision.extract import pose_track  # noqa: E402

STRIKE = "foot_strike_angle_deg"
SWING_STEPS = (0.10, 0.05)  # late swing, before contact, in step periods
WAYS = ("pose det", "pose true", "exact det", "exact true")


def clip_error(g: Gait, truth: float) -> float:
    """The clip's foot-strike angle minus the truth (NaN when not measured)."""
    m = measure(g)[0].get(STRIKE)
    return m.value - truth if m is not None and m.value is not None else float("nan")


def offsets(g: Gait, exact_xy: np.ndarray, exact_t: np.ndarray) -> dict[str, tuple[float, float]]:
    """Per foot kind (near, far): median over strides of the pose-minus-exact heel->toe angle at contact and over
    the flat reference, each minus that offset in late swing."""
    step = g.step_period_s or median_step_interval(g.contacts)
    rows = {"near": [], "far": []}
    for s in g.strides:
        c, reference = s.contact, flat_reference(g, s)
        swing = g.window(c.initial_contact_s - SWING_STEPS[0] * step, c.initial_contact_s - SWING_STEPS[1] * step)
        if reference is None or not len(reference[1]) or not len(swing):
            continue
        exact = foot_angle(exact_xy, s.foot, g.forward)

        def offset(frames: np.ndarray, foot: str = s.foot, exact: np.ndarray = exact) -> float:
            pose = foot_angle(g.xy[frames], foot, g.forward)
            return float(np.nanmedian(pose - np.interp(g.time_s[frames], exact_t, exact)))

        at_contact = float(foot_angle(g.at(c.initial_contact_s), s.foot, g.forward)
                           - np.interp(c.initial_contact_s, exact_t, exact))
        in_swing = offset(swing)
        rows["near" if s.foot == g.view.near_side else "far"].append(
            (at_contact - in_swing, offset(reference[1]) - in_swing))
    return {kind: tuple(np.nanmedian(np.array(r), axis=0)) if r else (np.nan, np.nan) for kind, r in rows.items()}


def measure_side_run(run) -> dict:
    clip, truth = rendered(run.params, run.settings)
    p, fps = truth["params"], run.settings.fps
    track = pose_track(clip)
    exact_xy = np.array(truth["landmarks"]["image_xy_px"], float)
    exact_t = np.arange(len(exact_xy)) / fps
    scale = (p["belt_speed_kmh"], 100 * p["height_m"])
    pose = build_gait(track.image_xy, track.time_s, track.visibility, tuple(track.frame_size), "side", *scale)
    exact = build_gait(exact_xy, exact_t, np.ones(exact_xy.shape[:2]), tuple(track.frame_size), "side", *scale)
    contacts = true_contacts(truth)
    value = truth["metrics"][STRIKE]["value"]
    errors = dict(zip(WAYS, (clip_error(g, value) for g in (pose, with_contacts(pose, contacts), exact,
                                                              with_contacts(exact, contacts)))))
    return {"name": run.name, "role": "tuning" if run.kind == "look" else "checking", "fps": fps, "truth": value,
            "errors": errors, "offsets": offsets(pose, exact_xy, exact_t)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--looks", type=int, default=8)
    ap.add_argument("--drift", type=int, default=10)
    ap.add_argument("--asym", type=int, default=2)
    args = ap.parse_args()
    rows = [measure_side_run(run) for run in runs(args.looks, args.drift, args.asym) if run.settings.view == "side"
            and (default_dir() / f"{key(run.params, run.settings)}.mp4").is_file()]
    print("signed foot-strike-angle error (clip - truth, deg); pose offsets (contact / reference, relative to late "
          "swing; error = contact - reference)")
    print(f"{'run':16s} {'role':8s} {'fps':>4s} {'truth':>6s} " + " ".join(f"{w:>10s}" for w in WAYS)
          + "   near contact / ref   far contact / ref")
    for r in rows:
        near, far = r["offsets"]["near"], r["offsets"]["far"]
        print(f"{r['name']:16s} {r['role']:8s} {r['fps']:4.0f} {r['truth']:+6.1f} "
              + " ".join(f"{r['errors'][w]:+10.1f}" for w in WAYS)
              + f"   {near[0]:+6.1f} / {near[1]:+6.1f}     {far[0]:+6.1f} / {far[1]:+6.1f}")
    print("\npooled (median signed error, median |error|, p90 |error|):")
    for role in ("tuning", "checking", None):
        group = [r for r in rows if role in (None, r["role"])]
        cells = []
        for w in WAYS:
            e = np.array([r["errors"][w] for r in group if np.isfinite(r["errors"][w])])
            cells.append(f"{w} {np.median(e):+.2f} {np.median(abs(e)):.2f} {np.percentile(abs(e), 90):.2f}"
                         if len(e) else f"{w} -")
        print(f"  {role or 'all':8s} ({len(group):2d} runs): " + "   ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
