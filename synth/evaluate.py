"""Measuring one synthetic run against its truth: clip errors at detected and at true events, drifts.

Shared by ``benchmarks/validate_synth.py`` (many runs) and the tests (a small slice).
"""

from __future__ import annotations

from metrics.events import Contact
from metrics.gait import build_gait, with_contacts
from metrics.measure import analyze_track, measure
from metrics.validation import event_errors, truth_events
from synth.cache import default_dir, key, rendered
from synth.runs import Run
from synth.support import judge_all, true_change
from vision.extract import pose_track

# The measures whose fatigue drift each view watches.
DRIFT_WATCH = {"side": ("trunk_lean_deg", "overstride_cm"), "rear": ("pelvic_drop_deg", "knee_collapse_deg")}
MATCH_S = 0.1  # a detected event further than this from every true one of its kind and foot is not matched


def true_contacts(truth: dict) -> list[Contact]:
    """The clip's contacts at their exact times (each initial contact with its foot's next toe-off)."""
    out = []
    for ic in (e for e in truth["events"] if e["kind"] == "initial_contact"):
        to = next((e for e in truth["events"] if e["kind"] == "toe_off" and e["foot"] == ic["foot"]
                   and e["time_s_exact"] > ic["time_s_exact"]), None)
        if to is not None:
            out.append(Contact(ic["foot"], ic["time_s_exact"], to["time_s_exact"], ic["frame"], to["frame"], True))
    return out


def at_true_events(track, truth: dict, view: str) -> tuple[dict[str, float], dict[str, dict]]:
    """Clip errors and drifts when the events are the true ones: what the measures add beyond event timing."""
    p = truth["params"]
    g = with_contacts(build_gait(track.image_xy, track.time_s, track.visibility, tuple(track.frame_size), view,
                                 p["belt_speed_kmh"], 100 * p["height_m"], camera_roll=track.source.get("camera_roll")),
                      true_contacts(truth))
    metrics, _ = measure(g)
    errors = {name: m.value - truth["metrics"][name]["value"] for name, m in metrics.items()
              if name in truth["metrics"] and m.value is not None}
    return errors, {name: metrics[name].drift for name in DRIFT_WATCH[view] if name in metrics}


def analysed(run: Run):
    """(analysis, truth, pose track) of a run, analysed as a therapist would: belt speed and height given."""
    clip, truth = rendered(run.params, run.settings)
    p = truth["params"]
    track = pose_track(clip)
    return analyze_track(track, treadmill_speed_kmh=p["belt_speed_kmh"], height_cm=100 * p["height_m"]), truth, track


def measure_run(run: Run, render: bool = True) -> dict | None:
    """Errors of one run, or None if it is not cached and ``render`` is off."""
    if not render and not (default_dir() / f"{key(run.params, run.settings)}.mp4").is_file():
        return None
    analysis, truth, track = analysed(run)
    view = run.settings.view
    errors = {name: m.value - truth["metrics"][name]["value"] for name, m in analysis.metrics.items()
              if name in truth["metrics"] and m.value is not None}
    fps = run.settings.fps
    events = {kind: event_errors(analysis.events, truth_events(truth), kind, max(2, round(MATCH_S * fps)))
              for kind in ("initial_contact", "toe_off")}
    drifts = {name: analysis.metrics[name].drift for name in DRIFT_WATCH[view] if name in analysis.metrics}
    errors_true, drifts_true = at_true_events(track, truth, view)
    # Right minus left against the truth's, where the clip compares its sides (never in a side view).
    side_errors = {name: m.side_difference - (truth["metrics"][name]["right"] - truth["metrics"][name]["left"])
                   for name, m in analysis.metrics.items()
                   if name in truth["metrics"] and m.side_difference is not None and not m.side_comparison_caveat}
    # The change over the clip against the truth's (a drift finding's claim).
    change_errors = {name: m.drift["change"] - change for name, m in analysis.metrics.items()
                     if m.drift and (change := true_change(truth, name)) is not None}
    values = {name: m.value for name, m in analysis.metrics.items() if m.value is not None}
    uncertainties = {name: m.uncertainty for name, m in analysis.metrics.items() if m.uncertainty is not None}
    # As most app users analyse: neither height nor belt speed given (distances in leg lengths).
    unscaled = analyze_track(track)
    errors |= {name: m.value - truth["metrics"][name]["value"] for name, m in unscaled.metrics.items()
               if name in truth["metrics"] and name not in errors and m.value is not None}
    return {"name": run.name, "view": view, "kind": run.kind, "fps": fps, "errors": errors,
            "side_errors": side_errors, "change_errors": change_errors, "events": events, "drifts": drifts,
            "errors_true_events": errors_true, "drifts_true_events": drifts_true, "values": values,
            "uncertainties": uncertainties,
            "truth": {name: t["value"] for name, t in truth["metrics"].items()},
            "injected": run.drift, "analysed_view": analysis.view["kind"],
            "findings": judge_all(analysis, truth), "findings_unscaled": judge_all(unscaled, truth),
            "declined": [n.id for n in analysis.not_assessable]}
