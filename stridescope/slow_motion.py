"""Slow motion found rather than typed: the likely capture rate when the step rate is implausible.

A phone's slow-motion clip is often stored for 30 fps playback, so a runner
at 170 steps/min filmed at 240 fps shows 21 steps/min.  When the container
does not say the capture rate (see :func:`vision.video.capture_rate_from_metadata`),
the step rate itself is the clue: running cadence lies in about 150–200
steps/min (Heiderscheit et al. 2011; most recreational runners 155–185), so
the factors that put the measured cadence there are offered.  A suggestion
only: nothing is changed until the user gives the capture rate.
"""

from __future__ import annotations

from dataclasses import dataclass

RUNNING_CADENCE_SPM = (150.0, 200.0)
"""Step rates that running covers, from jogging to fast running."""
IMPLAUSIBLE_BELOW_SPM = 120.0
"""Below this the clip is not real-time running (walking is ~100–120, running rarely under 140)."""
CAPTURE_RATES = (60, 120, 240, 480, 960, 100, 200, 250, 300, 500, 1000)
"""Frame rates cameras record slow motion at: phones first (×2, ×4, ×8… of 30 fps), then lab cameras."""


@dataclass(frozen=True)
class SlowMotionGuess:
    """One likely slow-motion factor and what it would make of the clip."""

    factor: float
    capture_fps: float
    cadence_spm: float

    def sentence(self) -> str:
        return (f"×{self.factor:.3g}: recorded at {self.capture_fps:g} fps, the step rate would be "
                f"{self.cadence_spm:.0f} steps/min")


def slow_motion_guesses(cadence_spm: float | None, fps: float) -> list[SlowMotionGuess]:
    """The factors that would put ``cadence_spm`` (measured at ``fps``) within running cadence.

    Empty if the cadence is plausible for real-time running or unknown.

    >>> [(g.capture_fps, round(g.cadence_spm)) for g in slow_motion_guesses(17.6, 30000 / 1001)]
    [(300, 176)]
    >>> [g.capture_fps for g in slow_motion_guesses(42, 30)]
    [120]
    >>> slow_motion_guesses(172, 60)
    []
    """
    if not cadence_spm or not fps or cadence_spm >= IMPLAUSIBLE_BELOW_SPM:
        return []
    low, high = RUNNING_CADENCE_SPM
    return [SlowMotionGuess(rate / fps, rate, cadence_spm * rate / fps) for rate in CAPTURE_RATES
            if rate > fps * 1.5 and low <= cadence_spm * rate / fps <= high]


def suggestion_text(cadence_spm: float | None, fps: float, how: str) -> str | None:
    """A sentence offering the likely slow-motion factors, or None; ``how`` says how to give the rate."""
    guesses = slow_motion_guesses(cadence_spm, fps)
    if not guesses:
        return None
    options = "; ".join(g.sentence() for g in guesses)
    return (f"The step rate, {cadence_spm:.1f} steps/min at the stored {fps:g} fps, is too slow for running: "
            f"this looks like slow motion. Likely: {options}. If so, {how} "
            f"{' or '.join(f'{g.capture_fps:g}' for g in guesses)}.")


def slow_motion_found(clip: dict) -> str | None:
    """A sentence saying the capture rate was read from the clip (``Analysis.clip``), or None."""
    source = clip.get("capture_fps_source", "stored")
    if source in ("stored", "user") or not clip.get("fps"):
        return None
    return (f"Slow motion: recorded at {clip['capture_fps']:g} fps and stored for {clip['fps']:.4g} fps "
            f"playback (×{clip['capture_fps'] / clip['fps']:.3g}), read from the clip ({source}); "
            "every time is real time.")
