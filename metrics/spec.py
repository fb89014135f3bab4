"""What the product knows about one measure, in one place: :class:`MetricSpec`.

A measure's name, unit, definition, title and short label, reference band and
citation, accuracy floor, detectable change, the phase its still shows and
the findings it can make are all declared once, beside the function that
computes it (``SPECS`` in each measure module); :mod:`metrics.registry`
collects them.  Findings, report labels, stills, the app's cards and
``docs/metrics.md`` read them from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from metrics.analysis import Reference
from metrics.gait import Gait, StrideTiming

PerStride = Callable[[Gait, StrideTiming], "float | None"]
Phase = Literal["contact", "mid-stance", "toe-off"]

# The smallest change worth a therapist's attention, per unit, for measures without a published
# detectable change (working values): a drift below it is read as steady, and a measure whose error on
# varied-look synthetic runners exceeds it cannot be trusted highly (metrics/summary.py).
MIN_MEANINGFUL_CHANGE = {"deg": 2.0, "cm": 1.5, "% leg": 1.5, "ms": 15.0, "steps/min": 3.0, "m": 0.05,
                         "leg lengths": 0.05, "%": 1.0}

_UNIT_SUFFIXES = ("_pct_leg", "_spm", "_ms", "_deg", "_pct", "_cm", "_leg", "_m")


def words(name: str) -> str:
    """A measure's name in words, without its unit suffix.

    >>> words("ground_contact_time_ms")
    'Ground contact time'
    """
    for suffix in _UNIT_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class PublishedChange:
    """A published smallest detectable change of a measure (test-retest of 2D video), in its unit."""

    value: float
    source: str
    note: str


@dataclass(frozen=True)
class Accuracy:
    """The smallest error a measure's clip value can be trusted to, whatever the clip.

    ``value`` is in the measure's unit; ``source`` says where the figure comes
    from (a published detectable change, a validation, or a working value).
    """

    value: float
    source: str


@dataclass(frozen=True)
class Rule:
    """A single-measure finding: stated when the value lies outside the reference band by more than its uncertainty.

    ``text`` is formatted with ``what`` (the measure's title in lower case),
    ``value`` ('12.3 cm (left 11.0, right 13.5)'), ``band`` ('up to 15 cm')
    and ``where`` ('above'/'below').
    """

    when: Literal["above", "below"]
    text: str = "{What} is {value}, {where} the typical {band}."
    severity: Literal["info", "notice", "flag"] = "info"
    id: str | None = None  # defaults to the measure's name


@dataclass(frozen=True)
class MetricSpec:
    """A per-stride measure and everything known about it.

    Attributes:
        views: the camera views it can be measured from.
        landmarks: landmarks it depends on (their visibility sets part of its confidence).
        high_confidence_fps: frame rate needed for a high-confidence value.
        ratio_scale: True for positive quantities where a % symmetry index means something.
        max_confidence: cap for measures the pose model cannot really see.
        title, label: how a report names it (``label`` is the short form drawn on frames).
        reference: typical band and citation (None: descriptive only).
        accuracy: the floor of its uncertainty on any clip.
        uses_toe_off: its value depends on where toe-off falls (stance windows, contact times).
        event_timed: its value is a duration between gait events, so the frame period limits it.
        detectable_change: published minimal detectable change, when a study gives one.
        still: the phase of the stride its still shows.
        rules: the findings it can make alone.
        growing: words for it in a "grows late in the clip" finding (a flag), or "" for a plain drift note.
        plausible: the values a running body can show; a clip value outside says the landmarks or the view
            are wrong, not the runner.
        rate: a per-step rate (cadence), summarised as 60 / mean period rather than as a median.
        angle_from_vertical: an angle to the image's vertical, so a tilted camera shifts it.
        key: one of the measures a therapist reads first (the replay's readout, the app's cards and trends).
        asymmetry_finding: whether a left/right difference makes a finding (with ``ratio_scale``).
        pixel_scaled: its value rests on the clip's pixel scale or, on a treadmill, the belt's speed in the image.
        category: the named class a clip value states within its 95 % uncertainty (foot strike: "rearfoot", or
            "rearfoot or midfoot" when the value lies within its uncertainty of a band edge), or None.
        near_leg_tolerance: a side view's far leg misreads this measure when its median is further than this
            from the near leg's: the clip value is then the near leg's (None: always both legs').
    """

    name: str
    unit: str
    definition: str
    views: tuple[str, ...]
    per_stride: PerStride
    landmarks: tuple[int, ...] = ()
    high_confidence_fps: float = 25.0
    ratio_scale: bool = False
    max_confidence: str = "high"
    title: str = ""
    label: str = ""
    reference: Reference | None = None
    accuracy: Accuracy | None = None
    event_timed: bool = False
    uses_toe_off: bool = False
    detectable_change: PublishedChange | None = None
    still: Phase = "mid-stance"
    rules: tuple[Rule, ...] = ()
    growing: str = ""
    plausible: tuple[float, float] | None = None
    rate: bool = False
    angle_from_vertical: bool = False
    key: bool = False
    asymmetry_finding: bool = True
    pixel_scaled: bool = False
    near_leg_tolerance: float | None = None
    category: Callable[[float | None, float | None], str | None] | None = None

    def meaningful_change(self) -> float:
        """The smallest clinically meaningful change: the published detectable change, else the unit's working value.

        >>> MetricSpec("x_deg", "deg", "", ("side",), None).meaningful_change()
        2.0
        """
        if self.detectable_change:
            return self.detectable_change.value
        return MIN_MEANINGFUL_CHANGE.get(self.unit, 0.0)

    def __post_init__(self) -> None:
        if not self.title:
            object.__setattr__(self, "title", words(self.name))
        if not self.label:
            object.__setattr__(self, "label", self.title.lower())
