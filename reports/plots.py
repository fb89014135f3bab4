"""Report figures (matplotlib, Agg): gait-cycle curves, per-stride values, left vs right, event timeline.

Each ``plot_*`` function returns a Figure; :func:`png` turns it into bytes
for embedding.  Left is orange and right blue, as on the replay.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from metrics.analysis import Analysis  # noqa: E402
from metrics.registry import spec  # noqa: E402
from reports.cycle import CYCLE_PCT, CycleCurve  # noqa: E402
from reports.kinematics import ANGLE_LABELS, SIDES  # noqa: E402
from reports.labels import title, unit_text  # noqa: E402

COLOURS = {"left": "#f58220", "right": "#28a0f5"}
SESSION_STYLES = ("-", "--")
REFERENCE_COLOUR = "#2b8a3e"

# Published running values drawn on the gait-cycle curves: for each curve, the measures whose
# reference range (the measure's spec, metrics.registry) applies to it, where in the cycle the measure is taken,
# and the sign from the measure to the curve. Stridescope's own working bands are not drawn: only
# published typical values. (Hip extension is measured against the trunk, not the thigh-to-vertical curve.)
CYCLE_REFERENCES: dict[str, list[tuple[str, str, int]]] = {
    "knee_flexion": [("knee_flexion_at_contact_deg", "initial contact", 1),
                     ("peak_knee_flexion_stance_deg", "stance", 1)],
    "trunk_lean": [("trunk_lean_deg", "whole cycle", 1)],
    "pelvic_drop": [("pelvic_drop_deg", "stance", 1)],
}
PHASE_HALF_WIDTH_PCT = 2.5  # how wide a band at a single instant (contact, toe-off) is drawn


def png(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (the figure is closed)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _grid(n: int, cols: int = 2, height: float = 2.6) -> tuple[Figure, np.ndarray]:
    rows = max(1, -(-n // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(9, height * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def published_band(metric: str) -> tuple[float | None, float | None, str] | None:
    """``(low, high, source)`` of a measure's published reference range; None for a working band or none."""
    ref = spec(metric).reference if spec(metric) else None
    if ref is None or (ref.low is None and ref.high is None) or "working band" in ref.note:
        return None
    return ref.low, ref.high, ref.source


def _draw_references(ax, name: str, toe_off_pct: float | None) -> list[str]:
    """Shade the published ranges that apply to curve ``name``; returns the sources cited."""
    cited = []
    for metric, phase, sign in CYCLE_REFERENCES.get(name, []):
        band = published_band(metric)
        if band is None or (phase in ("stance", "toe-off") and toe_off_pct is None):
            continue
        low, high, source = band
        if sign < 0:
            low, high = (None if high is None else -high), (None if low is None else -low)
        spans = {"initial contact": [(0, PHASE_HALF_WIDTH_PCT), (100 - PHASE_HALF_WIDTH_PCT, 100)],
                 "toe-off": [(toe_off_pct - PHASE_HALF_WIDTH_PCT, toe_off_pct + PHASE_HALF_WIDTH_PCT)],
                 "stance": [(0, toe_off_pct)], "whole cycle": [(0, 100)]}[phase]
        y0, y1 = ax.get_ylim()
        lo, hi = (y0 if low is None else low), (y1 if high is None else high)
        for a, b in spans:
            ax.fill_between([a, b], lo, hi, color=REFERENCE_COLOUR, alpha=0.13, lw=0, hatch="///",
                            edgecolor=REFERENCE_COLOUR)
        ax.set_ylim(min(y0, lo), max(y1, hi))
        cited.append(f"{title(metric)} ({phase}): {source}")
    return cited


def plot_gait_cycle(sessions: dict[str, dict[str, dict[str, CycleCurve]]], references: bool = True) -> Figure:
    """Angles over the gait cycle, mean ± SD band per side; one line style per session.

    ``sessions`` maps a label ("" for a single analysis, else e.g. "before",
    "after") to the output of :func:`reports.cycle.cycle_curves`.  With
    ``references``, published typical ranges are shaded green where they apply
    (:data:`CYCLE_REFERENCES`) and their sources are listed under the figure.
    """
    names = list(dict.fromkeys(n for curves in sessions.values() for n, v in curves.items() if v))
    fig, axes = _grid(len(names))
    cited: list[str] = []
    for ax, name in zip(axes, names):
        for (label, curves), style in zip(sessions.items(), SESSION_STYLES):
            for side, curve in curves.get(name, {}).items():
                mean, sd = curve.mean, curve.sd
                tag = f"{label} {side}".strip() + f" (n={curve.n})"
                ax.plot(CYCLE_PCT, mean, style, color=COLOURS[side], lw=1.8, label=tag)
                ax.fill_between(CYCLE_PCT, mean - sd, mean + sd, color=COLOURS[side],
                                alpha=0.18 if style == "-" else 0.08, lw=0)
                if curve.toe_off_pct is not None:
                    ax.axvline(curve.toe_off_pct, color=COLOURS[side], ls=style, lw=0.8, alpha=0.7)
        if references:
            first = next(iter(sessions.values()), {}).get(name, {})
            toe_offs = [c.toe_off_pct for c in first.values() if c.toe_off_pct is not None]
            cited += _draw_references(ax, name, float(np.mean(toe_offs)) if toe_offs else None)
        ax.set_title(ANGLE_LABELS.get(name, name), fontsize=10)
        ax.set_xlim(0, 100)
        ax.grid(alpha=0.3)
        ax.set_xlabel("gait cycle (%): contact → next contact; vertical line = toe-off", fontsize=8)
        ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    if cited:
        notes = "Green hatched: published typical range for running. " + "; ".join(dict.fromkeys(cited))
        fig.text(0.01, 0, "\n".join(_wrap(notes, 150)), fontsize=7, va="top", color="#333")
    return fig


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)


def per_stride_series(analysis: Analysis, name: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{side: (start times, values)}`` of one metric over the clip's strides."""
    out = {}
    for side in SIDES:
        pts = [(s.start_s, s.values[name]) for s in analysis.strides
               if s.foot == side and s.values.get(name) is not None]
        if pts:
            t, v = np.array(pts, float).T
            out[side] = (t, v)
    return out


def plot_per_stride(analysis: Analysis, names: list[str] | None = None) -> Figure:
    """Each metric stride by stride across the clip (drift shows as a trend), with its reference band."""
    names = [n for n in (names or analysis.metrics) if per_stride_series(analysis, n)]
    fig, axes = _grid(len(names), height=2.3)
    for ax, name in zip(axes, names):
        m = analysis.metrics[name]
        for side, (t, v) in per_stride_series(analysis, name).items():
            ax.plot(t, v, "o-", color=COLOURS[side], ms=3.5, lw=1, label=side)
        ref = m.reference
        if ref is not None and (ref.low is not None or ref.high is not None):
            # An open-ended band is drawn to the edge of the data's view, not beyond.
            ylim = ax.get_ylim()
            lo = ref.low if ref.low is not None else ylim[0]
            hi = ref.high if ref.high is not None else ylim[1]
            ax.axhspan(lo, hi, color="#3a3", alpha=0.12, lw=0, label="reference")
            ax.set_ylim(min(ylim[0], lo if ref.low is not None else ylim[0]),
                        max(ylim[1], hi if ref.high is not None else ylim[1]))
        if m.drift and m.drift.get("significant"):
            ax.set_title(f"{title(name)} ({unit_text(m.unit).strip()}) — drifts {m.drift['change']:+.1f}",
                         fontsize=9, color="#b00")
        else:
            ax.set_title(f"{title(name)} ({unit_text(m.unit).strip()})", fontsize=9)
        ax.set_xlabel("time in clip (s)", fontsize=8)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    return fig


def plot_left_right(analysis: Analysis) -> Figure:
    """Left vs right median of every sided metric, as paired horizontal bars."""
    names = [n for n, m in analysis.metrics.items() if m.left is not None and m.right is not None]
    fig, axes = _grid(len(names), cols=3, height=1.6)
    for ax, name in zip(axes, names):
        m = analysis.metrics[name]
        ax.barh([1, 0], [m.left, m.right], color=[COLOURS["left"], COLOURS["right"]], height=0.6)
        ax.set_yticks([1, 0], ["L", "R"])
        for y, v in ((1, m.left), (0, m.right)):
            ax.text(v, y, f" {v:.1f}", va="center", fontsize=8)
        ax.axvline(0, color="k", lw=0.6)
        si = f", SI {m.symmetry_index_pct:.0f} %" if m.symmetry_index_pct is not None else ""
        ax.set_title(f"{title(name)} ({unit_text(m.unit).strip()}){si}", fontsize=8)
        ax.margins(x=0.25)
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


def plot_timeline(analysis: Analysis, stance: dict[str, list[tuple[float, float]]]) -> Figure:
    """Each foot's ground contacts over the clip, initial contacts as ticks."""
    fig, ax = plt.subplots(figsize=(9, 1.6))
    for k, side in enumerate(SIDES):
        y = 1 - k
        ax.broken_barh([(a, b - a) for a, b in stance.get(side, [])], (y - 0.3, 0.6), color=COLOURS[side])
        ics = [e.time_s for e in analysis.events if e.foot == side and e.kind == "initial_contact"]
        ax.plot(ics, [y + 0.38] * len(ics), "v", color=COLOURS[side], ms=4)
    ax.set_yticks([1, 0], ["left", "right"])
    ax.set_xlabel("time in clip (s); bars = foot on the ground, ▼ = initial contact", fontsize=8)
    ax.set_xlim(0, analysis.clip.get("duration_s") or None)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
