"""Steps and strides from contacts, paired only where the gait cycle says they belong together.

A step runs from one foot's initial contact to the *next* initial contact,
which must be of the other foot and about one step period later; a stride
runs to the same foot's next initial contact, about two step periods later.
When a contact was missed the pair does not fit the period and is left out:
a gap stays a gap, never a step as long as a stride (which would pull the
cadence down by a third of a step per miss).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metrics.events import Contact, median_step_interval

# A step or stride is accepted within these fractions of its expected length
# (running steps vary by a few %, left/right asymmetry rarely exceeds 15 %;
# a missed contact doubles the interval).
STEP_RANGE = (0.6, 1.45)
STRIDE_RANGE = (0.75, 1.3)
# No runner steps faster than 5 per second (sprinters reach about 4.5); slow
# motion only lengthens steps in clip time, so this holds in any clip.
MIN_STEP_S = 0.2


@dataclass
class StrideTiming:
    """One stride of one foot: its contact, the next contact of the other foot, and its own next one."""

    index: int
    foot: str
    contact: Contact
    opposite: Contact | None  # next contact, of the other foot, one step later (ends the step)
    next: Contact | None  # next contact of the same foot, one stride later (ends the stride)

    @property
    def start_s(self) -> float:
        return self.contact.initial_contact_s

    @property
    def end_s(self) -> float | None:
        return self.next.initial_contact_s if self.next else None

    @property
    def stride_time_s(self) -> float | None:
        return self.end_s - self.start_s if self.next else None

    @property
    def step_time_s(self) -> float | None:
        return self.opposite.initial_contact_s - self.start_s if self.opposite else None

    @property
    def contact_time_s(self) -> float | None:
        return self.contact.toe_off_s - self.start_s if self.contact.complete else None


def strides_from_contacts(contacts: list[Contact], step_period_s: float | None = None) -> list[StrideTiming]:
    """A stride for every detected contact whose initial contact was seen (not cut by the clip's start).

    Only measured contacts pair up: an interpolated contact (a gap the
    gait-cycle prior bridged) neither starts nor ends a step or stride.

    >>> c = [Contact(f, t, t + 0.2, round(30 * t), round(30 * t) + 6, True)
    ...      for f, t in (("left", 0.1), ("right", 0.45), ("left", 0.8), ("left", 1.5), ("right", 1.85))]
    >>> [(s.foot, s.step_time_s is not None, s.stride_time_s is not None)
    ...  for s in strides_from_contacts(c, 0.35)]  # doctest: +NORMALIZE_WHITESPACE
    [('left', True, True), ('right', True, False), ('left', False, True),
     ('left', True, False), ('right', False, False)]
    """
    measured = sorted((c for c in contacts if c.source != "interpolated"), key=lambda c: c.initial_contact_s)
    if step_period_s is None or not np.isfinite(step_period_s):
        step_period_s = median_step_interval(measured)
    strides = []
    for i, c in enumerate(measured):
        if c.initial_contact_frame == 0:
            continue
        later = measured[i + 1:]
        after = later[0] if later else None
        same = next((d for d in later if d.foot == c.foot), None)
        opposite = after if after and after.foot != c.foot and _fits(c, after, step_period_s, STEP_RANGE) else None
        stride_end = same if same and _fits(c, same, step_period_s and 2 * step_period_s, STRIDE_RANGE) else None
        strides.append(StrideTiming(len(strides), c.foot, c, opposite, stride_end))
    return strides


def _fits(a: Contact, b: Contact, expected_s: float | None, bounds: tuple[float, float]) -> bool:
    """Whether ``b`` follows ``a`` within ``bounds`` of the expected interval (always, if unknown)."""
    interval = b.initial_contact_s - a.initial_contact_s
    if interval < MIN_STEP_S:
        return False
    return not expected_s or bounds[0] * expected_s <= interval <= bounds[1] * expected_s
