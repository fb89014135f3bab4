"""The optional access password: stored only as a salted scrypt hash.

The hash is one string, ``scrypt$n$r$p$salt_hex$key_hex``, so it fits in one
environment variable (``STRIDESCOPE_PASSWORD_HASH``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable

# scrypt cost: ~50 ms and 16 MiB per check, slow enough to make guessing costly.
_N, _R, _P = 2**14, 8, 1


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def hash_password(password: str) -> str:
    """A new salted hash of ``password``.

    >>> h = hash_password("treadmill")
    >>> h.startswith("scrypt$"), verify_password("treadmill", h), verify_password("Treadmill", h)
    (True, True, False)
    """
    if not password:
        raise ValueError("the password must not be empty")
    salt = secrets.token_bytes(16)
    key = _derive(password, salt, _N, _R, _P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${key.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True if ``password`` matches ``stored`` (compared in constant time); False for a malformed hash."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        derived = _derive(password, bytes.fromhex(salt), int(n), int(r), int(p))
        return hmac.compare_digest(derived, bytes.fromhex(key))
    except ValueError:
        return False


class LoginThrottle:
    """Failed password attempts slow down the next ones, so guessing takes years instead of hours.

    After ``k`` failures in a row every attempt first waits ``base_s * 2**(k-1)``
    seconds (at most ``max_s``); a right password or ``forget_s`` without a
    failure starts again from no wait.  One throttle serves the whole app, so
    opening more browser sessions does not buy more guesses.

    >>> waited = []
    >>> t = LoginThrottle(sleep=waited.append)
    >>> h = hash_password("x")
    >>> [t.check(p, h) for p in ("a", "b", "c", "x", "d")], waited
    ([False, False, False, True, False], [0.0, 1.0, 2.0, 4.0, 0.0])
    """

    def __init__(self, base_s: float = 1.0, max_s: float = 30.0, forget_s: float = 900.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.base_s, self.max_s, self.forget_s = base_s, max_s, forget_s
        self._clock, self._sleep = clock, sleep
        self._failures, self._last_failure = 0, float("-inf")
        self._lock = threading.Lock()

    def wait_s(self) -> float:
        """How long the next attempt waits."""
        with self._lock:
            if self._clock() - self._last_failure > self.forget_s:
                self._failures = 0
            return 0.0 if self._failures == 0 else min(self.base_s * 2 ** (self._failures - 1), self.max_s)

    def check(self, password: str, stored: str) -> bool:
        """Wait as long as earlier failures demand, then :func:`verify_password`."""
        self._sleep(self.wait_s())
        ok = verify_password(password, stored)
        with self._lock:
            if ok:
                self._failures = 0
            else:
                self._failures += 1
                self._last_failure = self._clock()
        return ok
