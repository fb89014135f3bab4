"""The optional access password: stored only as a salted scrypt hash.

The hash is one string, ``scrypt$n$r$p$salt_hex$key_hex``, so it fits in one
environment variable (``STRIDESCOPE_PASSWORD_HASH``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

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
