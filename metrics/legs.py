"""The landmarks of each leg, by the field's names."""

from __future__ import annotations

from dataclasses import dataclass

from vision.landmarks import (
    LEFT_ANKLE,
    LEFT_FOOT_INDEX,
    LEFT_HEEL,
    LEFT_HIP,
    LEFT_KNEE,
    RIGHT_ANKLE,
    RIGHT_FOOT_INDEX,
    RIGHT_HEEL,
    RIGHT_HIP,
    RIGHT_KNEE,
)


@dataclass(frozen=True)
class Leg:
    hip: int
    knee: int
    ankle: int
    heel: int
    toe: int


LEGS = {
    "left": Leg(LEFT_HIP, LEFT_KNEE, LEFT_ANKLE, LEFT_HEEL, LEFT_FOOT_INDEX),
    "right": Leg(RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE, RIGHT_HEEL, RIGHT_FOOT_INDEX),
}
LOWER_BODY = tuple(j for leg in LEGS.values() for j in (leg.hip, leg.knee, leg.ankle, leg.heel, leg.toe))
