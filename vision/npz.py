"""Arrays plus JSON facts in one ``.npz`` file, written whole and then renamed (no pickles)."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import numpy as np


def write_npz(path: str | Path, meta: dict, arrays: dict[str, np.ndarray]) -> Path:
    """Write ``arrays`` and ``meta`` (JSON) to ``path``; a failure leaves any earlier file intact.

    The file is written under a name of its own (two writers of one path never share a
    half-written file), flushed to disk, then renamed over ``path``: a reader sees the
    earlier file or the new one, never part of one.
    """
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex[:12]}.part")
    try:
        with open(tmp, "xb") as f:
            np.savez_compressed(f, meta=np.array(json.dumps(meta, default=_plain)), **arrays)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _plain(value):
    """numpy scalars and arrays inside ``meta`` as plain JSON values."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} cannot be stored as JSON")


def read_npz(path: str | Path) -> tuple[dict, dict[str, np.ndarray]]:
    """``(meta, arrays)`` as :func:`write_npz` wrote them.

    >>> import tempfile, os
    >>> p = write_npz(os.path.join(tempfile.mkdtemp(), "x.npz"), {"a": np.int64(1)}, {"v": np.arange(3)})
    >>> meta, arrays = read_npz(p)
    >>> meta, arrays["v"].tolist()
    ({'a': 1}, [0, 1, 2])
    """
    with np.load(path, allow_pickle=False) as z:
        return json.loads(str(z["meta"])), {k: z[k] for k in z.files if k != "meta"}
