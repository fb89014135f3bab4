"""Capture notes said in the app's words: how to give what a note needs, and likely slow-motion rates."""

from __future__ import annotations

from metrics.analysis import Analysis, QualityNote
from stridescope.slow_motion import suggestion_text
from stridescope.webapp.common import how_to_give

SLOW_MOTION_FIELD = "*Slow motion: frames per second the camera recorded at* (New analysis)"


def note_text(note: QualityNote, analysis: Analysis) -> str:
    """A capture note for the app: its message, the New analysis fields that answer it, and for a
    step rate too slow for running the recording rates that would make it running (a suggestion)."""
    hint = None
    if note.code == "cadence_implausible":
        cadence = analysis.metrics.get("cadence_spm")
        fps = analysis.clip.get("capture_fps") or analysis.clip.get("fps") or 0.0
        hint = suggestion_text(cadence.value if cadence else None, float(fps),
                               f"analyse the clip again with {SLOW_MOTION_FIELD} set to")
    return " ".join(filter(None, (note.message, how_to_give(note.needs), hint)))
