"""Size limits for what the importers read, reads that respect them, and progress lines for long imports.

Why: an importer reads files a researcher was sent, and a file can be far larger than it looks.
Without limits, ``/dev/zero`` given as a transcript grew to 5.5 GB in 10 s, and a 1.2 MB ``.qdpx``
whose member inflates to 400 MB took 169 s and 6.4 GB. So every read here is bounded:

- a **transcript** (``.txt``) is refused above :data:`MAX_TRANSCRIPT_BYTES` by its size before
  anything is read (:func:`mdi_analysis.io.read_input_bytes`, the one reader of input files; a device
  such as ``/dev/zero`` or a pipe is refused there as not a regular file);
- a **member of a ZIP archive** (``.docx``, ``.qdpx``) is refused above :data:`MAX_MEMBER_BYTES`, and
  all members read from one archive together above :data:`MAX_ARCHIVE_BYTES`: first by the sizes the
  archive declares, then while reading, in chunks of :data:`CHUNK_BYTES`, because a member may lie
  about its size (Python's ``zipfile`` stops at the declared size and then reports a bad checksum,
  but ``ZipFile.read`` inflates everything it has read in one step before it stops).

Each limit can be raised for one run with an environment variable holding megabytes
(``MDI_MAX_TRANSCRIPT_MB``, ``MDI_MAX_MEMBER_MB``, ``MDI_MAX_ARCHIVE_MB``). A file over a limit is an
:class:`~mdi_analysis.errors.InputDataError`: one line naming the file (and member), its size, the
limit and the variable that raises it; the command line exits with 2.

A long import (the limits allow one of minutes: the anonymity scan of a 5 MB transcript takes
about 100 s) prints a progress line on standard error every :data:`PROGRESS_SECONDS`; a short
one prints nothing.
"""

from __future__ import annotations

import os
import stat
import sys
import time
import zipfile
from pathlib import Path

from ..errors import InputDataError, OptionError
from ..io import over_limit, size_text
from ..options import check_number

__all__ = [
    "MAX_TRANSCRIPT_BYTES",
    "MAX_MEMBER_BYTES",
    "MAX_ARCHIVE_BYTES",
    "CHUNK_BYTES",
    "PROGRESS_SECONDS",
    "Progress",
    "ArchiveReader",
    "open_archive",
    "transcript_limit",
]

MB = 1_000_000
#: A transcript file (``.txt``): an interview of an hour is about 60 kB, so 20 MB is hundreds of hours.
MAX_TRANSCRIPT_BYTES = 20 * MB
#: One member of a ``.docx`` or ``.qdpx``, uncompressed (``project.qde``, a source text, a Word part).
MAX_MEMBER_BYTES = 50 * MB
#: All members read from one archive together, uncompressed (python-docx reads every part).
MAX_ARCHIVE_BYTES = 200 * MB
#: Bytes read (or inflated) at a time, so that a lying size is caught within one chunk.
CHUNK_BYTES = 1 << 20
#: Seconds between progress lines of a long import (none for an import that is quicker).
PROGRESS_SECONDS = 5.0

#: Environment variable (megabytes) → the limit it overrides.
LIMIT_VARIABLES = {
    "MAX_TRANSCRIPT_BYTES": "MDI_MAX_TRANSCRIPT_MB",
    "MAX_MEMBER_BYTES": "MDI_MAX_MEMBER_MB",
    "MAX_ARCHIVE_BYTES": "MDI_MAX_ARCHIVE_MB",
}


def limit(name: str) -> int:
    """The limit ``name`` (e.g. ``"MAX_MEMBER_BYTES"``) in bytes: its environment variable if set,
    else the module constant (read at call time, so a test or a caller can change it)."""
    variable = LIMIT_VARIABLES[name]
    value = os.environ.get(variable)
    if not value:
        return int(globals()[name])
    try:
        megabytes = float(value)
    except ValueError:
        raise OptionError(f"{variable}={value!r} is not a number of megabytes") from None
    return int(check_number(megabytes, variable, low=0, low_open=True, what="a size in megabytes") * MB)


def _over(file: str, what: str, size: str, name: str, maximum: int) -> InputDataError:
    return over_limit(file, what, size, maximum, f"{LIMIT_VARIABLES[name]}=<megabytes>")


def transcript_limit() -> tuple[int, str]:
    """The size limit of a transcript and how to raise it, for :func:`mdi_analysis.io.read_input_bytes`."""
    return limit("MAX_TRANSCRIPT_BYTES"), f"{LIMIT_VARIABLES['MAX_TRANSCRIPT_BYTES']}=<megabytes>"


def open_archive(path: Path, shown: str, *, not_zip: str, expected: str) -> ArchiveReader:
    """Open the ZIP archive at ``path`` (``.docx``, ``.qdpx``) for reads within the size limits.

    ``shown`` is its name in messages; ``not_zip`` is the problem reported when the file is not a
    ZIP archive, and ``expected`` what it should be.

    Raises
    ------
    InputDataError
        Missing, a folder or not a regular file (a ZIP archive is read from its end, which a pipe
        or a device does not have), or not a ZIP archive.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputDataError(shown, "file not found", expected=expected) from None
    except OSError as error:
        raise InputDataError(shown, f"cannot be read ({error.strerror or error})") from None
    if not stat.S_ISREG(info.st_mode):
        problem = "is a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise InputDataError(shown, problem, expected=expected)
    try:
        return ArchiveReader(zipfile.ZipFile(path), shown)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise InputDataError(shown, not_zip, expected=expected) from None


class ArchiveReader:
    """An open ZIP archive whose members are read within the size limits (a context manager that
    closes it). ``shown`` is the archive's name in messages."""

    def __init__(self, archive: zipfile.ZipFile, shown: str) -> None:
        self.archive = archive
        self.shown = shown
        self.read_so_far = 0
        self.member_limit = limit("MAX_MEMBER_BYTES")
        self.archive_limit = limit("MAX_ARCHIVE_BYTES")

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.archive.close()

    def names(self) -> list[str]:
        return self.archive.namelist()

    def read(self, name: str, *, keep: bool = True) -> bytes:
        """Member ``name``, refused above the member limit or the archive's remaining allowance:
        by its declared size before reading, and while reading when it inflates to more than that.
        With ``keep=False`` it is only checked (nothing is kept, ``b""`` is returned)."""
        info = self.archive.getinfo(name)
        if info.file_size > self.member_limit:
            size = size_text(info.file_size)
            raise _over(self.shown, f"member {name!r} uncompressed", size, "MAX_MEMBER_BYTES", self.member_limit)
        if self.read_so_far + info.file_size > self.archive_limit:
            together = size_text(self.read_so_far + info.file_size)
            raise _over(self.shown, "what its members hold together", together, "MAX_ARCHIVE_BYTES", self.archive_limit)
        chunks: list[bytes] = []
        total = 0
        try:
            with self.archive.open(info) as member:
                while chunk := member.read(CHUNK_BYTES):
                    total += len(chunk)
                    if total > info.file_size:  # zipfile stops at the declared size; this is in case it did not
                        raise zipfile.BadZipFile(f"inflates to more than the {size_text(info.file_size)} it declares")
                    if keep:
                        chunks.append(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
            # zipfile reports a member that inflates to more than it declares as a bad checksum
            raise InputDataError(
                self.shown,
                f"member {name!r} cannot be read ({error}): damaged, or larger than it declares",
                expected="an intact ZIP archive",
            ) from None
        self.read_so_far += total
        return b"".join(chunks)

    def check_all(self) -> None:
        """Read every member once within the limits, keeping nothing: for an archive that another
        library then reads in full (python-docx). Once every member has been read here, their
        declared sizes are known to be true, so that library's reads are bounded by them too."""
        infos = self.archive.infolist()
        declared = sum(info.file_size for info in infos)
        if declared > self.archive_limit:
            size = size_text(declared)
            raise _over(self.shown, "the archive uncompressed", size, "MAX_ARCHIVE_BYTES", self.archive_limit)
        for info in infos:
            if not info.is_dir():
                self.read(info.filename, keep=False)


class Progress:
    """Progress of one long step on standard error: a line every :data:`PROGRESS_SECONDS`, none
    when the step is quicker, so that short imports print exactly what they always printed."""

    def __init__(self, what: str, total: int, unit: str) -> None:
        self.what, self.total, self.unit = what, total, unit
        self.start = self.last = time.monotonic()

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_SECONDS:
            self.last = now
            print(
                f"{self.what}: {done:,} of {self.total:,} {self.unit} ({now - self.start:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
