"""Where the app keeps its data and how it is guarded, read from environment variables.

==============================  ==========================================  ===============================
Variable                        Meaning                                     Default
==============================  ==========================================  ===============================
``STRIDESCOPE_DATA``            folder for the database and stored files    ``$XDG_DATA_HOME/stridescope``
                                                                            (``~/.local/share/stridescope``)
``STRIDESCOPE_DB_URL``          SQLAlchemy database URL (e.g. PostgreSQL)   SQLite file in the data folder
``STRIDESCOPE_MAX_UPLOAD_MB``   largest clip accepted, in megabytes         500
``STRIDESCOPE_PASSWORD_HASH``   access password hash (``stridescope         none: no password asked
                                hash-password`` makes one)
==============================  ==========================================  ===============================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = ROOT / "sample_videos"
DEFAULT_MAX_UPLOAD_MB = 500.0


@dataclass(frozen=True)
class Settings:
    """The app's configuration; every path is absolute."""

    data_dir: Path
    database_url: str
    max_upload_mb: float
    password_hash: str | None
    samples_dir: Path = SAMPLES_DIR

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


def default_data_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The XDG data folder for Stridescope: patient data stays in the user's home.

    >>> default_data_dir({"XDG_DATA_HOME": "/srv/data"})
    PosixPath('/srv/data/stridescope')
    """
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "stridescope"


def load_settings(env: Mapping[str, str] = os.environ) -> Settings:
    """Settings from ``env`` (the process environment by default).

    >>> s = load_settings({"STRIDESCOPE_DATA": "/tmp/ss", "STRIDESCOPE_MAX_UPLOAD_MB": "50"})
    >>> s.database_url, s.max_upload_bytes
    ('sqlite:////tmp/ss/stridescope.db', 52428800)
    """
    data_dir = Path(env.get("STRIDESCOPE_DATA") or default_data_dir(env)).expanduser().resolve()
    url = env.get("STRIDESCOPE_DB_URL") or f"sqlite:///{data_dir / 'stridescope.db'}"
    cap = env.get("STRIDESCOPE_MAX_UPLOAD_MB")
    try:
        max_mb = float(cap) if cap else DEFAULT_MAX_UPLOAD_MB
    except ValueError:
        raise ValueError(f"STRIDESCOPE_MAX_UPLOAD_MB must be a number of megabytes, not {cap!r}") from None
    return Settings(
        data_dir=data_dir,
        database_url=url,
        max_upload_mb=max_mb,
        password_hash=env.get("STRIDESCOPE_PASSWORD_HASH") or None,
    )
