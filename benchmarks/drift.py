"""Fatigue drift over many synthetic runners: found when injected, not reported when absent.

The runs are those of :func:`synth.runs.runs`: a gait and a look drawn from
one seed; the drift runs carry the fatigue pattern of :data:`synth.runs.DRIFTS`
(rear view: pelvic drop 3 -> 9 deg and knee collapse 2 -> 8 deg; side view:
trunk lean 4 -> 10 deg and overstride 4 -> 14 cm, over an 8 s clip).  Each is
rendered once (cached by its parameters), tracked by the real pose model
(cached by clip) and analysed as a therapist would (belt speed and height
given), at the detected events and at the true ones.  Printed per watched
measure:

- found: drift runs where a drift is reported with the injected sign; false:
  runs without drift where one is reported; each with its 95 % Wilson
  interval (targets of issue 10: found >= 90 %, false <= 5 %);
- gain: the measured change over the injected one, median over the drift
  runs: how much of the change the pose model sees;
- the same rule on the truth's own per-stride values (exact values at the
  exact strides): what the drift rule does when the measure is exact, so that
  a miss can be put on the measure and not on the rule.

None of these runners was used to tune anything.

    python benchmarks/drift.py [--looks 10] [--drift 10] [--render]

``--render`` renders runners not cached yet (about 1-3 min each on one core);
without it only cached runners are measured.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from metrics.registry import spec  # noqa: E402
from metrics.summary import drift, min_drift  # noqa: E402
from synth.cache import truth_of  # noqa: E402
from synth.evaluate import DRIFT_WATCH, measure_run  # noqa: E402
from synth.runs import runs  # noqa: E402

WHICH = {"drifts": "detected events", "drifts_true_events": "true events", "drifts_truth": "exact values"}


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a rate ``k / n``.

    >>> [round(x, 3) for x in wilson(9, 10)]
    [0.596, 0.982]
    """
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(float(centre - half), 0.0), min(float(centre + half), 1.0)


def truth_drifts(truth: dict, view: str) -> dict[str, dict | None]:
    """The drift rule applied to the truth's exact per-stride values of each watched measure."""
    strides = truth["strides"]
    times = np.array([s["start_s"] for s in strides])
    feet = np.array([s["foot"] for s in strides])
    out = {}
    for name in DRIFT_WATCH[view]:
        values = np.array([s["values"].get(name, np.nan) for s in strides], float)
        ok = np.isfinite(values)
        out[name] = drift(times[ok], values[ok], 0.0, truth["render"]["duration_s"], feet[ok],
                          min_change=min_drift(spec(name)))
    return out


def drift_rates(results: list[dict], which: str = "drifts") -> dict[str, dict]:
    """Per watched measure: found (significant, right sign) / injected runs; false / clean runs;
    injected and measured change, gain and detectable change (medians); Wilson intervals of both rates.

    ``which``: ``"drifts"`` (detected events), ``"drifts_true_events"`` or ``"drifts_truth"``.
    """
    out = {}
    for view, names in DRIFT_WATCH.items():
        for name in names:
            # A run where the measure has no trend (view misread, too few strides) counts as not found.
            hit = [r for r in results if r["view"] == view and name in r["injected"]]
            clean = [r for r in results if r["view"] == view and not r["injected"]]
            injected = {r["name"]: r["injected"][name][1] - r["injected"][name][0] for r in hit}
            measured = [r for r in hit if r[which].get(name)]
            found = [r for r in measured if r[which][name]["significant"]
                     and np.sign(r[which][name]["change"]) == np.sign(injected[r["name"]])]
            false = [r for r in clean if (d := r[which].get(name)) and d["significant"]]
            sizes = [r[which][name]["change"] for r in measured]
            gains = [r[which][name]["change"] / injected[r["name"]] for r in measured]
            detectable = [r[which][name]["detectable_change"] for r in hit + clean if r[which].get(name)]
            out[name] = {"found": len(found), "injected_runs": len(hit), "false": len(false), "clean_runs": len(clean),
                         "found_interval": wilson(len(found), len(hit)),
                         "false_interval": wilson(len(false), len(clean)),
                         "injected_change": float(np.median(list(injected.values()))) if hit else None,
                         "measured_change_median": float(np.median(sizes)) if sizes else None,
                         "gain_median": float(np.median(gains)) if gains else None,
                         "detectable_change_median": float(np.median(detectable)) if detectable else None}
    return out


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def print_rates(rates: dict[str, dict], label: str) -> None:
    print(f"\nfatigue drift ({label}): found when injected / reported when absent")
    for name, d in rates.items():
        (flo, fhi), (clo, chi) = d["found_interval"], d["false_interval"]
        print(f"  {name:22s} found {d['found']:2d}/{d['injected_runs']:<2d} ({100 * flo:3.0f}-{100 * fhi:3.0f} %)  "
              f"false {d['false']:2d}/{d['clean_runs']:<2d} ({100 * clo:3.0f}-{100 * chi:3.0f} %)  "
              f"injected {_num(d['injected_change'])}, measured {_num(d['measured_change_median'])} "
              f"(gain {_num(d['gain_median'])}), detectable {_num(d['detectable_change_median'])}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--looks", type=int, default=10, help="runs without drift per view")
    ap.add_argument("--drift", type=int, default=10, help="runs with the fatigue drift per view")
    ap.add_argument("--render", action="store_true")
    args = ap.parse_args()
    # Drift runs are numbered after runs(20, ...)'s looks, which validate_synth.py shares (same cache).
    chosen = [r for r in runs(20, args.drift) if r.drift or int(r.name.split("-")[1]) < 100 + args.looks]
    results, skipped = [], 0
    for run in chosen:
        r = measure_run(run, args.render)
        if r is None:
            skipped += 1
            continue
        r["drifts_truth"] = truth_drifts(truth_of(run.params, run.settings), run.settings.view)
        results.append(r)
        seen = "" if r["analysed_view"] == r["view"] else f"(analysed as {r['analysed_view']}) "
        print(f"{r['name']:16s} {seen}" + "  ".join(
            f"{name} {_num(d['change'] if d else None)}{'*' if d and d['significant'] else ''}"
            for name, d in r["drifts"].items()), flush=True)
    print(f"\n{len(results)} runs measured ({skipped} not rendered yet); * = drift reported")
    for which, label in WHICH.items():
        print_rates(drift_rates(results, which), label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
