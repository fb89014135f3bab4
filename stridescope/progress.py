"""A one-line progress bar on stderr for long command-line steps."""

from __future__ import annotations

import sys
import time

_unfinished = False  # a bar's line was drawn and not yet ended


def end_line(stream=None) -> None:
    """Finish a bar's unfinished line so that a message after it starts on its own line."""
    global _unfinished
    stream = stream or sys.stderr
    if _unfinished:
        stream.write("\r\033[K" if stream.isatty() else "\n")
        _unfinished = False


class ProgressBar:
    """Callable as ``bar(done, total)``; redraws at most 10 times a second.

    >>> import io
    >>> out = io.StringIO()
    >>> ProgressBar("pose", stream=out)(10, 10)
    >>> out.getvalue().split()[:3]
    ['pose', '[##############################]', '10/10']
    """

    def __init__(self, label: str, stream=None, width: int = 30):
        self.label, self.stream, self.width = label, stream or sys.stderr, width
        self._start = time.monotonic()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        global _unfinished
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        frac = done / total if total else 1.0
        fill = int(frac * self.width)
        elapsed = now - self._start
        # A rate over a blink (cached work) means nothing.
        rate = f" {done / elapsed:5.1f}/s" if elapsed > 0.5 else ""
        self.stream.write(f"\r{self.label:<10} [{'#' * fill}{'.' * (self.width - fill)}] {done}/{total}{rate}")
        _unfinished = done < total
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
