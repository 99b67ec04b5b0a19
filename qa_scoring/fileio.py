"""Writing result files safely: atomic replacement and file names derived from call ids."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that a crash or kill never leaves a half-written file there.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the file is renamed over
    ``path`` (an atomic step on POSIX). The result gets the usual permissions (``0666`` less the umask).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(path: str | Path, text: str) -> Path:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def safe_filename(call_id: str) -> str:
    """A file name for a call id: letters, digits, '-', '_' and '.' kept, anything else '_'."""
    return re.sub(r"[^\w.-]", "_", call_id).strip("._") or "call"
