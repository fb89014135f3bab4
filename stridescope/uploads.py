"""Accepting a clip from a user: type, size and content checked before anything is kept.

Nothing the user chose becomes a file name: an upload's name is used only to
check its type and to label the session.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import BinaryIO

from vision.errors import InputError
from vision.video import VideoInfo, probe

ACCEPTED_SUFFIXES = (".mp4", ".mov", ".avi", ".m4v", ".webm")


class UnsupportedFileTypeError(InputError):
    """The upload's name does not end in an accepted video type."""


class UploadTooLargeError(InputError):
    """The upload is larger than the configured cap."""


def clip_label(name: str) -> str:
    """A safe display label from an uploaded file's name: no folders, no control characters.

    >>> clip_label("../../etc/passwd\\x00.mp4")
    'passwd.mp4'
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return clean[:120] or "clip"


def check_name(label: str) -> None:
    """Raise :class:`UnsupportedFileTypeError` unless ``label`` ends in an accepted suffix."""
    if Path(label).suffix.lower() not in ACCEPTED_SUFFIXES:
        kinds = ", ".join(s[1:].upper() for s in ACCEPTED_SUFFIXES)
        raise UnsupportedFileTypeError(f"{label}: not a video type Stridescope accepts (use {kinds})")


def check_size(label: str, size: int, max_bytes: int) -> None:
    """Raise :class:`UploadTooLargeError` if ``size`` exceeds ``max_bytes``."""
    if size > max_bytes:
        raise UploadTooLargeError(
            f"{label}: the file is {size / 2**20:.0f} MB, more than the {max_bytes / 2**20:.0f} MB "
            "this installation accepts (set STRIDESCOPE_MAX_UPLOAD_MB to change the limit)"
        )


def receive(source: BinaryIO, label: str, dest: Path, max_bytes: int) -> VideoInfo:
    """Copy an upload to ``dest`` (a private work path), then check it is a readable video.

    Raises an :class:`~vision.errors.InputError` whose message names the
    upload by ``label``; ``dest`` is removed on failure.
    """
    check_name(label)
    try:
        with open(dest, "wb") as out:
            copied = 0
            while block := source.read(1 << 20):
                copied += len(block)
                check_size(label, copied, max_bytes)
                out.write(block)
        return _probe_as(dest, label)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


def receive_file(path: Path, dest: Path, max_bytes: int) -> VideoInfo:
    """:func:`receive` for a clip already on disk (a bundled sample)."""
    with open(path, "rb") as source:
        return receive(source, path.name, dest, max_bytes)


def _probe_as(path: Path, label: str) -> VideoInfo:
    """``probe`` with its messages naming the upload instead of the private work file."""
    try:
        return probe(path)
    except InputError as e:
        message = str(e)
        if message.startswith(path.name):
            message = label + message[len(path.name):]
        raise type(e)(message) from e

