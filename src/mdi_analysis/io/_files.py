"""Atomic writes: a reader never sees half a file, and a failed write leaves the old one in place.

Why one place: tables, notebooks, HTML pages, ``.qdpx`` archives and caches are all written while
another process (a second notebook, nbval, a browser) may read them, and a run that fails halfway
must keep the previous good output. Every writer in the package goes through
:func:`write_atomic`: the bytes go to a temporary file in the same folder, which then replaces the
target in one ``os.replace``. Files get mode 0644 (minus the umask), like any file the user
creates, not the 0600 that ``mkstemp`` gives.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic", "write_if_changed"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: bytes | str, *, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` atomically; ``str`` is written as UTF-8 exactly as given.

    Parameters
    ----------
    path : str or Path
        The target; its folder is created when missing.
    data : bytes or str
        The whole content.
    mode : int
        Permission bits before the umask is applied.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.chmod(tmp, mode & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_if_changed(path: str | Path, text: str) -> bool:
    """Write ``text`` atomically unless ``path`` already holds exactly it; True when written.

    Why: the committed notebooks are rewritten after every run; leaving an unchanged file alone
    keeps its modification time, so editors and ``make`` do not see a change that is not one.

    Parameters
    ----------
    path : str or Path
        The target; its folder is created when missing.
    text : str
        The whole content, written as UTF-8.

    Returns
    -------
    bool
        True when the file was written, False when it already held ``text``.
    """
    path = Path(path)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text)
    return True
