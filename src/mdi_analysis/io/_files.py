"""Atomic writes: a reader never sees half a file, and a failed write leaves the old one in place.

Why one place: tables, notebooks, HTML pages, ``.qdpx`` archives and caches are all written while
another process (a second notebook, nbval, a browser) may read them, and a run that fails halfway
must keep the previous good output. Every writer in the package goes through
:func:`write_atomic`: the bytes go to a temporary file in the same folder, which then replaces the
target in one ``os.replace``. Files get mode 0644 (minus the umask), like any file the user
creates, not the 0600 that ``mkstemp`` gives. A set of files that only makes sense together (a
corpus folder) goes through :func:`write_folder`: written and validated in a staging folder first,
then moved into place. A folder it makes carries a marker file (:data:`OUTPUT_MARKER`); a folder
without one is never replaced, so ``--out <a clone> --overwrite`` cannot delete what the package
did not create.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import OptionError
from ..paths import relative_to_root

__all__ = [
    "OUTPUT_MARKER",
    "OutputMarker",
    "check_output_folder",
    "make_folders",
    "mark_folder",
    "marker_text",
    "output_marker",
    "remove_created_folders",
    "write_atomic",
    "write_folder",
    "write_if_changed",
]


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


#: The file :func:`write_folder` puts into every folder it makes, naming the command that made it and
#: the files it wrote. Its presence is what lets a later run replace the folder; see :func:`check_output_folder`.
OUTPUT_MARKER = ".mdi-analysis-output"
_MARKER_HEADER = "# mdi-analysis output folder, written by "
_WHOLE = "# whole folder: a later run may replace it as a whole (--overwrite) when it holds only the files below."
_NAMED = "# named files: a later run replaces only the files below; the folder is never replaced as a whole."


@dataclass(frozen=True)
class OutputMarker:
    """What a folder's :data:`OUTPUT_MARKER` says: the command that made it, its files, and whether
    the folder may be replaced as a whole (``whole``) or only file by file (``build-corpus``'s
    ``data/corpus/``, which holds other committed files)."""

    made_by: str
    names: tuple[str, ...]
    whole: bool


def marker_text(made_by: str, names: Iterable[str], *, whole: bool) -> str:
    """The content of :data:`OUTPUT_MARKER`: who wrote the folder, how it may be replaced, its files.

    Deterministic (no date, no version, names sorted), so that the marker committed in
    ``data/corpus/`` does not change when ``build-corpus`` rewrites the same files.
    """
    return (
        f"{_MARKER_HEADER}{made_by}\n{_WHOLE if whole else _NAMED}\n"
        "# The package refuses to replace any folder without this file: delete it to protect the folder.\n"
        + "".join(f"{name}\n" for name in sorted(set(names)))
    )


def output_marker(folder: str | Path) -> OutputMarker | None:
    """What the folder's :data:`OUTPUT_MARKER` says, or None when it has none (or one not ours).

    Parameters
    ----------
    folder : str or Path
        Any folder.

    Returns
    -------
    OutputMarker or None
        None: the package did not make this folder (or the marker was deleted to protect it).
    """
    marker = Path(folder) / OUTPUT_MARKER
    try:
        if not marker.is_file():
            return None
        lines = marker.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or not lines[0].startswith(_MARKER_HEADER):
        return None
    names = tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return OutputMarker(lines[0][len(_MARKER_HEADER) :].strip(), names, _WHOLE in lines)


def mark_folder(folder: str | Path, made_by: str, names: Iterable[str] = (), *, whole: bool = False) -> Path:
    """Write :data:`OUTPUT_MARKER` into a folder the package is filling itself (``run --out``).

    Parameters
    ----------
    folder : str or Path
        The folder; created when missing.
    made_by : str
        What wrote it (the command).
    names : iterable of str
        The files it wrote there.
    whole : bool
        Whether a later run may replace the folder as a whole.

    Returns
    -------
    Path
        The marker file.
    """
    marker = Path(folder) / OUTPUT_MARKER
    write_if_changed(marker, marker_text(made_by, names, whole=whole))
    return marker


def check_output_folder(out_dir: str | Path, *, keep_other_files: bool = True, overwrite: bool = False) -> None:
    """Refuse, before anything is written, an ``out_dir`` the package may not write into.

    Why: ``--out`` is typed by hand, and a command that replaces a folder must never replace the
    researcher's own (a clone with its ``.git``, all of ``data/``). Only folders the package made
    itself carry :data:`OUTPUT_MARKER`, so the rule is: a missing or empty folder may always be
    written; a non-empty one only when it has the marker; and replacing it as a whole
    (``keep_other_files=False``) also needs ``overwrite``, a folder that was itself written as a
    whole (not ``data/corpus/``, which ``build-corpus`` updates file by file beside other
    committed files), and may not remove a file the marker does not list (a note the researcher
    added).

    Parameters
    ----------
    out_dir : str or Path
        The folder to write.
    keep_other_files : bool
        As in :func:`write_folder`: True replaces only the named files, False the whole folder.
    overwrite : bool
        Whether a non-empty folder may be replaced as a whole (``--overwrite``).

    Raises
    ------
    OptionError
        One line naming the folder and why it is refused; nothing has been changed.
    """
    out_dir = Path(out_dir)
    name = relative_to_root(out_dir)
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    if not out_dir.is_dir():
        raise OptionError(f"{name} is a file, not a folder; choose a new folder for the output")
    entries = sorted(p.name for p in out_dir.iterdir())
    if not entries:
        return
    marker = output_marker(out_dir)
    if marker is None:
        raise OptionError(
            f"{name} is not empty and was not made by mdi-analysis (no {OUTPUT_MARKER} in it); "
            "nothing was changed: choose a new or empty folder"
        )
    if keep_other_files:
        return
    if not marker.whole:
        raise OptionError(
            f"{name} was made by {marker.made_by}, which replaces only its own files there; "
            "it is never replaced as a whole: choose a new folder"
        )
    if not overwrite:
        raise OptionError(f"{name} is not empty; choose a new folder, or pass --overwrite to replace it")
    foreign = [entry for entry in entries if entry != OUTPUT_MARKER and entry not in marker.names]
    if foreign:
        more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
        raise OptionError(
            f"{name} holds {foreign[0]!r}{more}, which mdi-analysis did not write; "
            "nothing was changed: move it away or choose a new folder"
        )


def make_folders(folder: Path) -> list[Path]:
    """``mkdir -p`` that returns the folders it created, outermost first (to remove after a failure).

    Public because every writer of a folder (this module's :func:`write_folder`, the notebook
    runner) must leave no empty parents behind when it fails; see :func:`remove_created_folders`.
    """
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing[::-1]


def remove_created_folders(created: list[Path]) -> None:
    """Remove the folders :func:`make_folders` created, innermost first, where they are still empty."""
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            return


def write_folder(
    out_dir: str | Path,
    write: Callable[[Path], Iterable[str]],
    *,
    made_by: str,
    keep_other_files: bool = True,
    overwrite: bool = False,
    prefix: str = ".staging-",
    mode: int = 0o644,
) -> list[Path]:
    """Write a set of files into a staging folder, then move them into ``out_dir`` together.

    Why: a corpus folder is only valid as a whole (the utterances name sections that another file
    lists). The corpus build, the ``.qdpx`` import and the transcript import each write the new
    files into a staging folder, validate that folder with ``load_corpus``, and only then let it
    replace anything, so a failed write or validation leaves the previous files as they were, and
    no folder it created is left behind. The folder gets :data:`OUTPUT_MARKER`, and an existing
    folder is only written when :func:`check_output_folder` allows it (checked before anything is
    written): the package never replaces a folder it did not make.

    Parameters
    ----------
    out_dir : str or Path
        The folder to fill.
    write : callable
        ``write(staging)`` writes the files into the staging folder, validates them (raising
        leaves ``out_dir`` untouched and removes the staging folder) and returns the names of the
        files to move, in the order they are moved and returned.
    made_by : str
        What wrote the folder (the command), recorded in the marker.
    keep_other_files : bool
        True: ``out_dir`` is created when missing, the staging folder is made inside it, and only
        the returned files replace their namesakes; other files in ``out_dir`` stay. False: the
        staging folder is made next to ``out_dir`` and replaces the whole folder (the old one is
        moved aside first and then deleted), so nothing of the previous content remains.
    overwrite : bool
        With ``keep_other_files=False``: a non-empty ``out_dir`` that the package made may be
        replaced. Without it, only a missing or empty ``out_dir`` is written.
    prefix : str
        Name prefix of the staging folder (a dot keeps it hidden while it exists). With
        ``keep_other_files=False`` the old folder is moved aside under ``.<out_dir name>.old-…``.
    mode : int
        Permission bits of every moved file before the umask is applied. The folder itself, when
        replaced, gets 0755 minus the umask.

    Returns
    -------
    list of Path
        The written files in ``out_dir`` (the marker not included).

    Raises
    ------
    OptionError
        ``out_dir`` may not be written (see :func:`check_output_folder`); nothing was changed.
    """
    out_dir = Path(out_dir)
    check_output_folder(out_dir, keep_other_files=keep_other_files, overwrite=overwrite)
    if keep_other_files:
        created = make_folders(out_dir)
        try:
            with tempfile.TemporaryDirectory(prefix=prefix, dir=out_dir) as staging:
                names = list(write(Path(staging)))
                marker = output_marker(out_dir)
                previous = [n for n in (marker.names if marker else ()) if (out_dir / n).exists()]
                written = []
                for name in names:
                    os.chmod(Path(staging) / name, mode & ~_umask())
                    os.replace(Path(staging) / name, out_dir / name)
                    written.append(out_dir / name)
        except BaseException:
            remove_created_folders(created)
            raise
        write_if_changed(out_dir / OUTPUT_MARKER, marker_text(made_by, [*previous, *names], whole=False))
        return written
    created = make_folders(out_dir.parent)
    staging_dir = Path(tempfile.mkdtemp(prefix=prefix, dir=out_dir.parent))
    try:
        names = list(write(staging_dir))
        for name in names:
            os.chmod(staging_dir / name, mode & ~_umask())
        write_atomic(staging_dir / OUTPUT_MARKER, marker_text(made_by, names, whole=True))
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
        remove_created_folders(created)
        raise
    return [out_dir / name for name in names]
