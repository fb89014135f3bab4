"""Anti-aliased text on RGB frames, with the degree sign OpenCV's fonts lack.

Each distinct label is rendered once by Pillow (DejaVu Sans, shipped with
matplotlib) and cached as an alpha mask, so drawing the same readout on
every frame costs only a blend.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageFont

_FONT_PATH = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold"))


@lru_cache(maxsize=4096)
def _mask(text: str, size: int) -> np.ndarray:
    font = ImageFont.truetype(_FONT_PATH, size)
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
    ImageDraw.Draw(img).text((-left, -top), text, font=font, fill=255)
    return np.asarray(img, np.float32) / 255.0


def text_size(text: str, size: int) -> tuple[int, int]:
    """(width, height) in pixels of ``text`` at font ``size``."""
    h, w = _mask(text, size).shape
    return w, h


def draw_text(frame: np.ndarray, text: str, org: tuple[int, int], size: int,
              colour: tuple[int, int, int], background: tuple[int, int, int] | None = None,
              pad: int = 4, alpha: float = 1.0) -> tuple[int, int, int, int]:
    """Draw ``text`` with its top-left corner at ``org`` (clipped to the frame).

    Returns the box drawn, ``(x0, y0, x1, y1)``, background padding included.
    """
    mask = _mask(text, size)
    h, w = mask.shape
    x, y = int(org[0]), int(org[1])
    box = (x - pad, y - pad, x + w + pad, y + h + pad)
    if background is not None:
        blend_rect(frame, box, background, 0.65 * alpha)
    fy0, fx0 = max(y, 0), max(x, 0)
    fy1, fx1 = min(y + h, frame.shape[0]), min(x + w, frame.shape[1])
    if fy1 <= fy0 or fx1 <= fx0:
        return box
    m = mask[fy0 - y:fy1 - y, fx0 - x:fx1 - x, None] * alpha
    region = frame[fy0:fy1, fx0:fx1].astype(np.float32)
    frame[fy0:fy1, fx0:fx1] = (region * (1 - m) + np.asarray(colour, np.float32) * m).astype(np.uint8)
    return box


def blend_rect(frame: np.ndarray, box: tuple[int, int, int, int], colour, alpha: float) -> None:
    """Tint the box ``(x0, y0, x1, y1)`` of ``frame`` toward ``colour`` (clipped to the frame)."""
    x0, y0, x1, y1 = (max(v, 0) for v in box)
    x1, y1 = min(x1, frame.shape[1]), min(y1, frame.shape[0])
    if x1 > x0 and y1 > y0:
        region = frame[y0:y1, x0:x1].astype(np.float32)
        frame[y0:y1, x0:x1] = (region * (1 - alpha) + np.asarray(colour, np.float32) * alpha).astype(np.uint8)
