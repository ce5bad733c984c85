"""Atomic writes: a reader never sees half a file, and a failed write leaves the old one in place.

Why one place: tables, notebooks, HTML pages, ``.qdpx`` archives and caches are all written while
another process (a second notebook, nbval, a browser) may read them, and a run that fails halfway
must keep the previous good output. Every writer in the package goes through
:func:`write_atomic`: the bytes go to a temporary file in the same folder, which then replaces the
target in one ``os.replace``. Files get mode 0644 (minus the umask), like any file the user
creates, not the 0600 that ``mkstemp`` gives. A set of files that only makes sense together (a
corpus folder) goes through :func:`write_folder`: written and validated in a staging folder first,
then moved into place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["write_atomic", "write_folder", "write_if_changed"]


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


def write_folder(
    out_dir: str | Path,
    write: Callable[[Path], Iterable[str]],
    *,
    keep_other_files: bool = True,
    prefix: str = ".staging-",
    mode: int = 0o644,
) -> list[Path]:
    """Write a set of files into a staging folder, then move them into ``out_dir`` together.

    Why: a corpus folder is only valid as a whole (the utterances name sections that another file
    lists). The corpus build, the ``.qdpx`` import and the transcript import each write the new
    files into a staging folder, validate that folder with ``load_corpus``, and only then let it
    replace anything, so a failed write or validation leaves the previous files as they were.

    Parameters
    ----------
    out_dir : str or Path
        The folder to fill.
    write : callable
        ``write(staging)`` writes the files into the staging folder, validates them (raising
        leaves ``out_dir`` untouched and removes the staging folder) and returns the names of the
        files to move, in the order they are moved and returned.
    keep_other_files : bool
        True: ``out_dir`` is created when missing, the staging folder is made inside it, and only
        the returned files replace their namesakes; other files in ``out_dir`` stay. False: the
        staging folder is made next to ``out_dir`` and replaces the whole folder (the old one is
        moved aside first and then deleted), so nothing of the previous content remains.
    prefix : str
        Name prefix of the staging folder (a dot keeps it hidden while it exists). With
        ``keep_other_files=False`` the old folder is moved aside under ``.<out_dir name>.old-…``.
    mode : int
        Permission bits of every moved file before the umask is applied. The folder itself, when
        replaced, gets 0755 minus the umask.

    Returns
    -------
    list of Path
        The written files in ``out_dir``.
    """
    out_dir = Path(out_dir)
    if keep_other_files:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=prefix, dir=out_dir) as staging:
            names = list(write(Path(staging)))
            written = []
            for name in names:
                os.chmod(Path(staging) / name, mode & ~_umask())
                os.replace(Path(staging) / name, out_dir / name)
                written.append(out_dir / name)
        return written
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging_dir = Path(tempfile.mkdtemp(prefix=prefix, dir=out_dir.parent))
    try:
        names = list(write(staging_dir))
        for name in names:
            os.chmod(staging_dir / name, mode & ~_umask())
        os.chmod(staging_dir, 0o755 & ~_umask())
        if out_dir.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.replace(out_dir, backup / "old")
            os.replace(staging_dir, out_dir)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(staging_dir, out_dir)
    except BaseException:
        shutil.rmtree(staging_dir, ignore_errors=True)
        raise
    return [out_dir / name for name in names]
