"""Signed initial-contact or toe-off timing (ms) per view, frame rate and foot, and where a bias comes from.

Issue #9/#10: knee flexion at contact and overstride are sampled at the detected
initial contact, so a bias in its timing is a bias in those measures.  An
absolute error in frames hides the sign and mixes frame rates; this prints the
SIGNED error in milliseconds (detected - true, sub-frame times) and splits it:

* synthetic runners (:func:`synth.runs.runs`, cached renders and pose tracks only):
  ``pose`` is the product's error (the real pose model's track, belt speed and height given);
  ``exact`` runs the same detector on the renderer's exact projected landmarks, so it is the
  detector's own definition against the truth's; ``pose - exact`` is what the pose model adds.
  Side views also print the foot's speed relative to the ground at the true contact, as a
  fraction of its swing speed (what :func:`metrics.events.contact_mask` thresholds at 0.2).
* real labelled clips (``benchmarks/validate.py``'s TUNING and CHECKING clips): an initial-contact
  label is the first frame in contact, so the true instant lies between that frame and the one before;
  a toe-off label is the last frame in contact, so it lies between that frame and the one after;
  the error is taken from the middle of that interval (a perfect detector scores 0 on average), in
  video time (lab_slowed is slow motion of unknown factor, about 100 frames a step).
  The hato72 marks follow one foot without saying which: both feet are tried.
* ``--decimate``: each 120 fps run's pose track read at 60 and 30 fps as well (every 2nd / 4th
  frame), the same runner and look: whether a bias belongs to the frame rate or to the run.
* ``--event toe_off``: the same for toe-off (the detected contacts seen whole, their sub-frame toe-off).

None of the synthetic runners tuned anything; the plain looks and the real TUNING clips are
where a constant may be set, the drift/asymmetric runs and the real CHECKING clips judge it.

    python benchmarks/ic_timing.py [--event toe_off] [--looks 8] [--drift 3] [--asym 2] [--no-real] [--decimate]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from metrics.clean import clean  # noqa: E402
from metrics.events import Contact, EventParams, contact_mask, detect_contacts  # noqa: E402
from metrics.events_frontal import detect_contacts_frontal  # noqa: E402
from metrics.gait import build_gait  # noqa: E402
from metrics.periodicity import step_period  # noqa: E402
from synth.cache import default_dir, key, rendered  # noqa: E402
from synth.kinematics import RunnerModel  # noqa: E402
from synth.render import Renderer  # noqa: E402
from synth.runs import runs  # noqa: E402
from synth.truth import events, image_landmarks  # noqa: E402
from vision.extract import pose_track  # noqa: E402

MATCH_S = 0.1  # a detection further than this from every true contact of its foot is not matched


def signed_errors_ms(found: list[float], true: list[float], match_s: float = MATCH_S) -> list[float]:
    """Per true instant, the nearest found one minus it (ms), where one lies within ``match_s``.

    >>> signed_errors_ms([1.02, 2.5], [1.0, 2.0])
    [20.0]
    """
    out = []
    for t in true:
        d = min((f - t for f in found), key=abs, default=None)
        if d is not None and abs(d) <= match_s:
            out.append(round(1000 * d, 3))
    return out


def exact_landmarks(run_name: str, fps: float, kind: str = "initial_contact"
                    ) -> tuple[np.ndarray, np.ndarray, dict[str, list[float]]]:
    """(xy, time_s, true events of ``kind`` per foot) of a :func:`synth.runs.runs` runner's exact projected
    landmarks at ``fps``, from its kinematic model: no rendering, no pose model, about a second."""
    run = next(r for r in runs(n_looks=8, n_drift=3, n_asymmetric=2) if r.name == run_name)
    model = RunnerModel(run.params, run.settings.duration_s, seed=run.settings.seed)
    t = np.arange(int(round(model.duration_s * fps))) / fps
    true = {foot: true_times(events(model, fps), foot, kind) for foot in ("left", "right")}
    return image_landmarks(model, Renderer(model, run.settings).camera, t), t, true


def true_times(truth_events: list[dict], foot: str, kind: str = "initial_contact") -> list[float]:
    """Exact times of a synthetic clip's true events of ``kind`` and ``foot`` (those after its first frame)."""
    return [e["time_s_exact"] for e in truth_events if e["kind"] == kind and e["foot"] == foot and e["frame"] > 0]


def detector_contacts(xy: np.ndarray, time_s: np.ndarray, view: str) -> list[Contact]:
    """The view's detector on positions as they are (no cleaning), the step from the motion."""
    found = step_period(xy, time_s)
    period = found.period_s if found.found else None
    if view == "side":
        return detect_contacts(xy, time_s, step_period_s=period)
    return detect_contacts_frontal(xy, time_s, step_period_s=period)


def ic_times(contacts: list[Contact], foot: str) -> list[float]:
    return [c.initial_contact_s for c in contacts if c.foot == foot and c.source == "detected"
            and c.initial_contact_frame > 0]


def event_times(contacts: list[Contact], foot: str, kind: str = "initial_contact") -> list[float]:
    """Detected sub-frame times of ``kind``: initial contacts as :func:`ic_times`, toe-offs of the contacts
    seen whole (as the product reports them)."""
    if kind == "initial_contact":
        return ic_times(contacts, foot)
    return [c.toe_off_s for c in contacts if c.foot == foot and c.source == "detected" and c.complete]


def speed_at(xy: np.ndarray, time_s: np.ndarray, instants: dict[str, list[float]]) -> float:
    """Median speed of the foot relative to the ground at ``instants`` (per foot), in units of its swing
    speed, as :func:`metrics.events.contact_mask` reads it (side view)."""
    fps = (len(time_s) - 1) / (time_s[-1] - time_s[0])
    found = step_period(xy, time_s)
    params = EventParams().for_step(found.period_s if found.found else None)
    values = []
    for foot, times in instants.items():
        rel = contact_mask(xy, fps, foot, params)[1]
        values += list(np.interp(times, time_s, np.where(np.isfinite(rel), rel, np.nan)))
    return float(np.nanmedian(values)) if values else float("nan")


def synthetic_rows(looks: int, drift: int, asym: int, decimate: bool, kind: str = "initial_contact") -> list[dict]:
    rows = []
    for run in runs(looks, drift, asym):
        if not (default_dir() / f"{key(run.params, run.settings)}.mp4").is_file():
            continue
        clip, truth = rendered(run.params, run.settings)
        p, view, fps = truth["params"], run.settings.view, run.settings.fps
        track = pose_track(clip)
        true = {foot: true_times(truth["events"], foot, kind) for foot in ("left", "right")}
        exact_xy = np.array(truth["landmarks"]["image_xy_px"], float)
        exact_t = np.arange(len(exact_xy)) / fps
        exact = detector_contacts(exact_xy, exact_t, view)
        for k in ((1, 2, 4) if decimate and fps >= 120 else (1,)):
            g = build_gait(track.image_xy[::k], track.time_s[::k], track.visibility[::k], tuple(track.frame_size),
                           view, p["belt_speed_kmh"], 100 * p["height_m"])
            row = {"name": run.name, "role": "tuning" if run.kind == "look" else "checking", "view": view,
                   "fps": fps / k, "decimated": k > 1, "synthetic": True}
            for foot in ("left", "right"):
                row[foot] = signed_errors_ms(event_times(g.contacts, foot, kind), true[foot])
                row[foot + "_exact"] = signed_errors_ms(event_times(exact, foot, kind), true[foot]) if k == 1 else []
            if view == "side" and k == 1 and kind == "initial_contact":
                row["speed_pose"] = speed_at(clean(track.image_xy, track.time_s, view="side").xy,
                                             np.asarray(track.time_s), true)
                row["speed_exact"] = speed_at(exact_xy, exact_t, true)
            rows.append(row)
    return rows


def real_rows(kind: str = "initial_contact") -> list[dict]:
    from validate import match_tolerance, real_clips

    rows = []
    for item in real_clips():
        track = pose_track(item.clip)
        t = np.asarray(track.time_s)
        g = build_gait(track.image_xy, t, track.visibility, tuple(track.frame_size))
        match_s = match_tolerance(item.events, item.one_foot) / track.fps
        labels = defaultdict(list)
        for e in item.events:  # the middle of the frame interval the labelled instant lies in
            if e.kind == kind and kind == "initial_contact" and e.frame > 0:
                labels[e.foot].append((t[e.frame - 1] + t[e.frame]) / 2)
            elif e.kind == kind and kind == "toe_off" and e.frame + 1 < len(t):
                labels[e.foot].append((t[e.frame] + t[e.frame + 1]) / 2)
        row = {"name": item.clip.stem, "role": item.role.lower(), "view": "side", "fps": track.fps, "decimated": False,
               "synthetic": False}
        for foot, true in labels.items():
            if foot == "either":  # one foot, unnamed: the detected foot that matches more marks
                row["left"] = max((signed_errors_ms(event_times(g.contacts, f, kind), true, match_s)
                                   for f in ("left", "right")), key=len)
                row["right"] = []
            else:
                row[foot] = signed_errors_ms(event_times(g.contacts, foot, kind), true, match_s)
        row["speed_pose"] = speed_at(g.xy, t, {f: v for f, v in labels.items() if f != "either"}) \
            if "either" not in labels and kind == "initial_contact" else float("nan")
        rows.append(row)
    return rows


def _med(x: list[float]) -> str:
    return f"{np.median(x):+6.1f}" if len(x) else "     -"


def print_rows(rows: list[dict], kind: str = "initial_contact") -> None:
    """One line per run or clip: median signed error (ms) per foot on the pose track and on exact landmarks,
    left minus right, and (initial contact) the foot's speed relative to the ground at the true contact
    (fraction of swing speed)."""
    print(f"median signed {kind.replace('_', '-')} error, ms (detected - true; negative = early)")
    print(f"{'run':40s} {'role':8s} {'view':4s} {'fps':>5s}  {'L pose':>7s} {'R pose':>7s} {'L exact':>7s} "
          f"{'R exact':>7s} {'L-R pose':>8s}  speed at contact pose / exact")
    for r in rows:
        lr = (f"{np.median(r['left']) - np.median(r['right']):+8.1f}" if r.get("left") and r.get("right")
              else f"{'-':>8s}")
        speed = "  ".join(f"{r[k]:.2f}" for k in ("speed_pose", "speed_exact") if np.isfinite(r.get(k, np.nan)))
        print(f"{r['name'][:40]:40s} {r['role']:8s} {r['view']:4s} {r['fps']:5.0f}  {_med(r.get('left', [])):>7s} "
              f"{_med(r.get('right', [])):>7s} {_med(r.get('left_exact', [])):>7s} "
              f"{_med(r.get('right_exact', [])):>7s} "
              f"{lr}  {speed}")


def print_pooled(rows: list[dict]) -> None:
    """Median over synthetic runs of each run's median signed error, per view, frame rate and role (tuning: the
    plain looks; checking: the drift and asymmetric runs)."""
    print("\nsynthetic runs pooled (median over runs of the run's median, ms; frames in brackets):")
    groups = defaultdict(list)
    for r in rows:
        if r["synthetic"] and not r["decimated"]:
            groups[(r["view"], round(r["fps"]), r["role"])].append(r)
    for (view, fps, role), rs in sorted(groups.items()):
        cols = []
        for which in ("left", "right", "left_exact", "right_exact"):
            meds = [np.median(r[which]) for r in rs if r.get(which)]
            cols.append(f"{which:11s} {np.median(meds):+6.1f} ({np.median(meds) * fps / 1000:+.2f} fr)" if meds
                        else f"{which:11s}      -")
        print(f"  {view:4s} {fps:4d} fps {role:8s} ({len(rs):2d} runs): " + "  ".join(cols))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--looks", type=int, default=8)
    ap.add_argument("--drift", type=int, default=3)
    ap.add_argument("--asym", type=int, default=2)
    ap.add_argument("--no-real", action="store_true", help="skip the labelled real clips")
    ap.add_argument("--decimate", action="store_true", help="also read each 120 fps run at 60 and 30 fps")
    ap.add_argument("--event", choices=("initial_contact", "toe_off"), default="initial_contact")
    args = ap.parse_args()
    rows = synthetic_rows(args.looks, args.drift, args.asym, args.decimate, args.event)
    if not args.no_real:
        rows += real_rows(args.event)
    print_rows(rows, args.event)
    print_pooled(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
