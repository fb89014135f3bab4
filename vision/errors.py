"""Errors for input Stridescope cannot use, each naming the problem in a user's words.

Every one derives from :class:`InputError`, so the command line and the app can
catch one type and show ``str(error)`` as a one-line message.
"""


class InputError(Exception):
    """A clip or file Stridescope cannot analyse; ``str()`` is the user-facing message."""


class EmptyFileError(InputError):
    """The file has zero bytes."""


class NotAVideoError(InputError):
    """The file is not a video container FFmpeg recognises."""


class NoVideoStreamError(InputError):
    """The container holds no video stream (an audio file, for instance)."""


class UnsupportedCodecError(InputError):
    """The video stream's codec cannot be decoded here."""


class TruncatedVideoError(InputError):
    """The file ends before its video does, or its frames cannot be decoded."""


class NoRunnerError(InputError):
    """The pose model found nobody in the clip."""


class ModelUnavailableError(InputError):
    """No pose model bundle could be found or built; the message says what to do."""


class NotEnoughRunningError(InputError):
    """The runner's legs are in view for too short a time to find a single footfall."""
