"""Per-measure accuracy, event timing and drift detection over many synthetic runners of varied look.

Each run of :func:`synth.runs.runs` (a gait and a look drawn from one seed,
side and rear view, some with an injected fatigue drift) is rendered once
(cached by its parameters, :mod:`synth.cache`), tracked by the real pose
model (cached by clip), and analysed as a therapist would: given the belt
speed and the runner's height.  Prints, per measure, the median and 90th
percentile of |clip value - truth| over the runs; event timing errors; and how
often an injected drift was found (and a drift reported where none was
injected).  None of these runners was used to tune anything.

    python benchmarks/validate_synth.py [--looks 20] [--drift 10] [--render] [--write]

``--render`` renders runners not cached yet (about 1-2 min each on one core);
without it only cached runners are measured.  ``--write`` stores the figures
in ``metrics/accuracy.json`` (read by :mod:`metrics.accuracy`).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth.evaluate import measure_run  # noqa: E402
from synth.runs import runs  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from drift import drift_rates  # noqa: E402


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--looks", type=int, default=20)
    ap.add_argument("--drift", type=int, default=10)
    ap.add_argument("--render", action="store_true")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    results, skipped = [], 0
    for run in runs(args.looks, args.drift):
        r = measure_run(run, args.render)
        if r is None:
            skipped += 1
            continue
        results.append(r)
        worst = sorted(r["errors"].items(), key=lambda kv: -abs(kv[1]))[:3]
        ic = r["events"]["initial_contact"].median_abs
        print(f"{r['name']:16s} view {r['analysed_view']:5s} IC med {ic:.1f} fr  "
              + "  ".join(f"{k} {v:+.2f}" for k, v in worst), flush=True)
    print(f"\n{len(results)} runs measured ({skipped} not rendered yet)")
    clean = [r for r in results if not r["injected"]]
    names = sorted({n for r in clean for n in r["errors"]})
    accuracy = {}
    print(f"\n{'':34s} {'detected events':>31s}   {'true events':>23s}   (runs without drift)")
    print(f"{'measure':34s} {'runs':>4s} {'median|e|':>9s} {'p90|e|':>8s} {'bias':>7s}   "
          f"{'median|e|':>9s} {'p90|e|':>8s} {'bias':>7s}")
    for name in names:
        row = []
        for which in ("errors", "errors_true_events"):
            e = np.array([r[which][name] for r in clean if name in r[which]])
            row.append({"median_abs": round(float(np.median(abs(e))), 2),
                        "p90_abs": round(float(np.percentile(abs(e), 90)), 2),
                        "bias": round(float(np.median(e)), 2), "runs": len(e)} if len(e) else None)
        a, t = row
        accuracy[name] = a | {"at_true_events": t}
        print(f"{name:34s} {a['runs']:4d} {a['median_abs']:9.2f} {a['p90_abs']:8.2f} {a['bias']:+7.2f}   "
              + (f"{t['median_abs']:9.2f} {t['p90_abs']:8.2f} {t['bias']:+7.2f}" if t else ""))
    print("\nevent timing (frames at 60 fps), all runs:")
    for kind in ("initial_contact", "toe_off"):
        for view in ("side", "rear"):
            ev = [r["events"][kind] for r in results if r["view"] == view]
            if ev:
                med = np.median([e.median_abs for e in ev])
                within = np.median([e.within(2) for e in ev])
                bias = np.median([e.bias for e in ev])
                print(f"  {kind:16s} {view:5s} median |error| {med:.1f}, within 2 frames {100 * within:.0f} %, "
                      f"bias {bias:+.1f}")
    rates = {which: drift_rates(results, which) for which in ("drifts", "drifts_true_events")}
    for which, label in (("drifts", "detected events"), ("drifts_true_events", "true events")):
        print(f"\nfatigue drift ({label}): found when injected / reported when absent")
        for name, d in rates[which].items():
            print(f"  {name:22s} found {d['found']}/{d['injected_runs']}, false {d['false']}/{d['clean_runs']}; "
                  f"injected {d['injected_change']}, measured median {_num(d['measured_change_median'])}, "
                  f"detectable median {_num(d['detectable_change_median'])}")
    if args.write:
        path = ROOT / "metrics" / "accuracy.json"
        table = {"date": date.today().isoformat(), "looks": len(clean),
                 "source": "benchmarks/validate_synth.py (synthetic runners, none used for tuning)",
                 "measures": accuracy, "drift": rates["drifts"], "drift_at_true_events": rates["drifts_true_events"]}
        path.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
