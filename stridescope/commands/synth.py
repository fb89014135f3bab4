"""``stridescope synth -o OUT.mp4``: a synthetic treadmill runner with known kinematics.

Writes the clip and ``OUT.truth.json`` beside it (true events, per-stride
metrics and image landmarks).
"""

from __future__ import annotations

import argparse
from dataclasses import MISSING, fields
from pathlib import Path
from typing import TYPE_CHECKING

from stridescope.progress import ProgressBar

# The synthetic runner is a validation tool, not product: its package ``synth``
# is imported only inside this command's functions.
if TYPE_CHECKING:
    from synth.params import RenderSettings, RunnerParams

HELP = "render a synthetic runner with known kinematics (sample clip + ground truth)"


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _add_dataclass_options(parser, cls, skip=()) -> None:
    for f in fields(cls):
        if f.name in skip:
            continue
        unit = f.metadata.get("unit", "")
        kind = int if f.type in ("int",) else str if f.type == "str" else float
        default = None if f.default is MISSING else f.default
        choices = ("side", "rear") if f.name == "view" else None
        parser.add_argument(_flag(f.name), type=kind, default=default, choices=choices,
                            metavar=None if choices else unit.upper() or "VALUE",
                            help=(f.metadata["help"] + (f" [{unit}]" if unit else "")).replace("%", "%%"))


def _drift(text: str) -> tuple[str, tuple[float, float]]:
    try:
        name, span = text.split("=")
        start, end = span.split(":")
        return name.replace("-", "_"), (float(start), float(end))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected NAME=START:END, e.g. pelvic_drop_deg=3:9, not {text!r}") from None


def add_arguments(parser) -> None:
    from synth.params import BOTH_SIDES, FOOT_STRIKE_ANGLES_DEG, RenderSettings, RunnerParams

    parser.add_argument("-o", "--output", required=True, help="mp4 to write (truth goes to OUT.truth.json)")
    gait = parser.add_argument_group("runner")
    _add_dataclass_options(gait, RunnerParams, skip=("drift",))
    gait.add_argument("--foot-strike", choices=sorted(FOOT_STRIKE_ANGLES_DEG),
                      help="strike pattern; sets --foot-strike-angle-deg to "
                           + ", ".join(f"{k} {v:g}" for k, v in FOOT_STRIKE_ANGLES_DEG.items()))
    for name, pair in BOTH_SIDES.items():
        gait.add_argument(_flag(name), type=float, metavar="DEG", help=f"sets both {pair[0]} and {pair[1]} [deg]")
    gait.add_argument("--drift", type=_drift, action="append", default=[], metavar="NAME=START:END",
                      help="fatigue drift: a parameter going linearly from START to END over the clip "
                           "(repeatable), e.g. --drift pelvic_drop_deg=3:9")
    camera = parser.add_argument_group("camera and video")
    _add_dataclass_options(camera, RenderSettings)
    camera.add_argument("--look-seed", type=int, metavar="SEED",
                        help="draw a look from SEED: body proportions, skin, clothing, shoes, camera height, "
                             "distance, tilt and roll, blur, noise, clutter, portrait or landscape "
                             "(replaces those options; the gait parameters stay as given)")


def params_from_args(args) -> tuple[RunnerParams, RenderSettings]:
    """The runner and render settings the parsed command line asks for."""
    from synth.params import BOTH_SIDES, FOOT_STRIKE_ANGLES_DEG, RenderSettings, RunnerParams

    values = {f.name: getattr(args, f.name) for f in fields(RunnerParams) if f.name != "drift"}
    if args.foot_strike and args.foot_strike_angle_deg == RunnerParams.foot_strike_angle_deg:
        values["foot_strike_angle_deg"] = FOOT_STRIKE_ANGLES_DEG[args.foot_strike]
    for name, pair in BOTH_SIDES.items():
        if getattr(args, name) is not None:
            values.update({side: getattr(args, name) for side in pair})
    params = RunnerParams(**values, drift=dict(args.drift))
    render = RenderSettings(**{f.name: getattr(args, f.name) for f in fields(RenderSettings)})
    if args.look_seed is not None:
        from synth.look import with_look

        params, render = with_look(params, render, args.look_seed)
    return params, render


def run(args) -> int:
    from synth.clip import make_clip, truth_path

    try:
        params, render = params_from_args(args)
        out = Path(args.output)
        truth = make_clip(out, params, render, ProgressBar("synth"))
    except ValueError as e:
        print(f"stridescope synth: {e}")
        return 2
    m = truth["metrics"]
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB) and {truth_path(out).name}")
    print(f"{len(truth['events'])} events, {m['cadence_spm']['n_strides']} whole strides; true means: "
          + ", ".join(f"{k} {v['value']:.1f}" for k, v in m.items()))
    return 0
