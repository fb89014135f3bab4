"""Key-frame stills: contact, mid-stance and toe-off of each foot, and the worst stride of each finding."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from metrics.analysis import Analysis, Finding, Stride
from metrics.gait import Gait
from metrics.registry import spec
from reports.annotate import AngleArcAnnotator, EventFlashAnnotator, SkeletonAnnotator
from reports.replay import clip_info
from reports.state import ClipStates
from reports.text import draw_text
from vision.video import iter_frames

PHASES = ("contact", "mid-stance", "toe-off")


def finding_phase(finding: Finding) -> str:
    """The phase a finding's still shows: its first measure's (registry ``still``), mid-stance otherwise."""
    s = spec(finding.metrics[0]) if finding.metrics else None
    return s.still if s else "mid-stance"


@dataclass
class Still:
    """One key frame: what it shows and where it was written."""

    key: str
    caption: str
    foot: str
    frame: int
    path: Path | None = None


def representative_stride(analysis: Analysis, foot: str) -> Stride | None:
    """The complete stride of ``foot`` nearest the middle of the clip (away from start-up and edges)."""
    complete = [s for s in analysis.strides
                if s.foot == foot and s.toe_off_frame is not None and s.next_initial_contact_frame is not None]
    if not complete:
        return None
    middle = np.median([s.start_s for s in complete])
    return min(complete, key=lambda s: abs(s.start_s - middle))


def phase_frame(stride: Stride, phase: str) -> int:
    """Frame of a stride's contact, mid-stance (halfway to toe-off) or toe-off."""
    if phase == "contact" or stride.toe_off_frame is None:
        return stride.initial_contact_frame
    if phase == "toe-off":
        return stride.toe_off_frame
    return (stride.initial_contact_frame + stride.toe_off_frame) // 2


def plan_stills(analysis: Analysis) -> list[Still]:
    """Which frames to show, with captions."""
    stills = []
    for foot in ("left", "right"):
        stride = representative_stride(analysis, foot)
        if stride is None:
            continue
        for phase in PHASES:
            stills.append(Still(f"{foot}_{phase}", f"{foot.capitalize()} foot, {phase} (stride at "
                                f"{stride.start_s:.2f} s)", foot, phase_frame(stride, phase)))
    by_index = {s.index: s for s in analysis.strides}
    for f in analysis.findings:
        stride = by_index.get(f.worst_stride) if f.worst_stride is not None else None
        if f.severity != "flag" or stride is None:
            continue
        phase = finding_phase(f)
        stills.append(Still(f"finding_{f.id}", f"Worst stride for: {f.text}", stride.foot,
                            phase_frame(stride, phase)))
    return stills


def crop_to_runner(scene: np.ndarray, xy: np.ndarray, pad: float = 0.3,
                   drawn: np.ndarray | None = None) -> np.ndarray:
    """The part of the frame around the runner's landmarks (padded), or the whole frame if unseen; widened to
    everything ``drawn`` ([h, w] mask of annotated pixels) so no label is cut at the edge."""
    pts = xy[np.isfinite(xy).all(axis=1)]
    if len(pts) == 0:
        return scene
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    m = pad * max(x1 - x0, y1 - y0)
    x0, y0, x1, y1 = x0 - m, y0 - m, x1 + m, y1 + m
    if drawn is not None and drawn.any():
        rows, cols = np.nonzero(drawn)
        x0, x1 = min(x0, cols.min() - 4), max(x1, cols.max() + 5)
        y0, y1 = min(y0, rows.min() - 4), max(y1, rows.max() + 5)
    h, w = scene.shape[:2]
    x0, x1 = int(max(x0, 0)), int(min(x1, w))
    y0, y1 = int(max(y0, 0)), int(min(y1, h))
    return scene[y0:y1, x0:x1]


def render_stills(analysis: Analysis, gait: Gait, out_dir: str | Path, clip: str | Path | None = None,
                  max_height: int = 720) -> list[Still]:
    """Decode the clip once and write each planned still as ``out_dir/<key>.png``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stills = plan_stills(analysis)
    wanted = {s.frame for s in stills}
    states = ClipStates(analysis, gait)
    layers = [SkeletonAnnotator(), AngleArcAnnotator(hold_s=0.0), EventFlashAnnotator()]
    frames: dict[int, np.ndarray] = {}
    for index, _, rgb in iter_frames(clip_info(analysis, clip), only=wanted):
        scene = rgb.copy()
        for layer in layers:
            scene = layer.annotate(scene, states[index])
        frames[index] = crop_to_runner(scene, states[index].xy, drawn=(scene != rgb).any(axis=-1))
        if len(frames) == len(wanted):
            break
    for s in stills:
        if s.frame not in frames:
            continue
        img = frames[s.frame].copy()
        k = min(1.0, max_height / img.shape[0])
        if k < 1.0:
            img = cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        draw_text(img, f"frame {s.frame} · {states.time_of(s.frame):.2f} s", (10, img.shape[0] - 30),
                  max(14, img.shape[0] // 50), (255, 255, 255), background=(20, 20, 20))
        s.path = out_dir / f"{s.key}.png"
        cv2.imwrite(str(s.path), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    return [s for s in stills if s.path is not None]
