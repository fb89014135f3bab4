"""The camera's roll from the picture's verticals (vision/roll.py): drawn scenes in, the roll out."""

import cv2
import numpy as np
import pytest

from vision.roll import roll_from_segments, vertical_segments

W, H = 1280, 720


def _room(posts_x=(120, 330, 560, 900, 1150), turned_deg: float = 0.0, extra=None) -> np.ndarray:
    """A grey wall with dark upright posts (door frames, treadmill uprights) at ``posts_x``, a floor line,
    and the picture turned clockwise by ``turned_deg`` about its centre."""
    rgb = np.full((H, W, 3), 200, np.uint8)
    cv2.rectangle(rgb, (0, 520), (W, H), (120, 100, 80), -1)
    for x in posts_x:
        cv2.rectangle(rgb, (x, 60), (x + 14, 640), (40, 40, 40), -1)
    if extra is not None:
        extra(rgb)
    turn = cv2.getRotationMatrix2D((W / 2, H / 2), -turned_deg, 1.0)  # OpenCV turns counterclockwise
    return cv2.warpAffine(rgb, turn, (W, H), borderMode=cv2.BORDER_REFLECT)


@pytest.mark.parametrize("turned", [-4.0, -1.5, 0.0, 2.0, 3.0])
def test_posts_across_the_picture_give_its_roll_within_a_fifth_of_a_degree(turned):
    roll = roll_from_segments(vertical_segments(_room(turned_deg=turned)), (W, H))
    assert roll.confident and roll.edges >= 4
    assert roll.deg == pytest.approx(turned, abs=0.2)


def test_a_picture_without_straight_verticals_has_no_roll():
    def shapes(rgb):
        cv2.circle(rgb, (640, 300), 120, (60, 60, 160), -1)
        cv2.line(rgb, (100, 200), (1100, 230), (0, 0, 0), 3)
    assert roll_from_segments(vertical_segments(_room(posts_x=(), extra=shapes)), (W, H)) is None


def test_the_runner_is_left_out():
    """A leaning body (limbs drawn 10 deg off vertical inside the runner's box) does not move the roll."""
    def runner(rgb):
        for x in (600, 640, 680):
            cv2.line(rgb, (x, 150), (x + 70, 550), (10, 10, 10), 12)
    box = np.array([[590, 140], [760, 560]] * 17, float)[:33]
    seen = vertical_segments(_room(posts_x=(120, 330, 900, 1150), extra=runner), box)
    assert roll_from_segments(seen, (W, H)).deg == pytest.approx(0.0, abs=0.2)


def test_edges_all_on_one_side_are_not_trusted():
    """Posts only at the right of the picture cannot tell roll from a pitched camera's converging verticals."""
    roll = roll_from_segments(vertical_segments(_room(posts_x=(1000, 1060, 1120, 1180))), (W, H))
    assert roll is not None and not roll.confident
