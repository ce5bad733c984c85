"""Input files as bytes and as text, with one line instead of an ``OSError`` or codec traceback.

Why here: the CSV tables, the transcripts and the plain-text sources of a ``.qdpx`` are all files a
researcher names or exports from Excel, Word or a QDA tool. The same mistakes arrive through each
of them (a folder or a device named as the file, UTF-16 from Windows, Latin-1), so one reader
answers them the same way: :func:`check_input_file`, :func:`read_input_bytes`, :func:`decode_text`.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from ..errors import InputDataError
from ..paths import relative_to_root

__all__ = ["check_input_file", "decode_text", "over_limit", "read_input_bytes", "size_text"]

#: Byte-order marks and the codec that reads the text after them (UTF-32 first: its little-endian
#: mark begins with UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(
    raw: bytes, file: str | Path, *, expected: str = "UTF-8 text", legacy: str | None = None
) -> tuple[str, str]:
    """Bytes of a text file as text: UTF-8, or UTF-8/UTF-16/UTF-32 after a byte-order mark.

    Why one function: CSV tables, transcripts and the plain-text sources of a ``.qdpx`` come from
    Excel, Word and QDA tools on Windows, which write UTF-16 with a byte-order mark as often as
    UTF-8. Read as UTF-8 such a file is either an error deep in a codec or, worse, a text of NUL
    characters that parses as "no rows". A mark is therefore followed; without one, NUL bytes mean
    UTF-16 without a mark (or no text at all) and are refused, and anything else must be UTF-8.

    Parameters
    ----------
    raw : bytes
        The file's bytes.
    file : str or Path
        How messages name the file.
    expected : str
        What a message says was expected instead.
    legacy : str, optional
        An 8-bit codec (``"cp1252"``) that reads a file which is not UTF-8 (no mark, no NUL)
        instead of refusing it; the caller warns about it.

    Returns
    -------
    tuple of (str, str)
        The text (without the mark) and the codec that read it.

    Raises
    ------
    InputDataError
        One line naming the file, the line and the byte that cannot be read.
    """
    codec = "utf-8"
    body = raw
    for mark, name in _BOMS:
        if raw.startswith(mark):
            codec, body = name, raw[len(mark) :]
            break
    else:
        if b"\x00" in raw:
            line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
            raise InputDataError(
                file,
                "holds NUL bytes: UTF-16 without a byte-order mark, or not a text file",
                line=line,
                expected=expected,
            )
    try:
        return body.decode(codec), codec
    except UnicodeDecodeError as err:
        if codec == "utf-8" and legacy is not None:
            return body.decode(legacy, errors="replace"), legacy
        line = body[: err.start].decode(codec, errors="replace").count("\n") + 1
        byte = body[err.start : err.start + 1].hex()
        problem = (
            f"byte 0x{byte} is not valid UTF-8 (the file looks like Latin-1/Windows-1252)"
            if codec == "utf-8"
            else f"not valid {codec.upper()} after its byte-order mark (byte 0x{byte})"
        )
        raise InputDataError(file, problem, line=line, expected=expected) from None


def check_input_file(path: str | Path, *, expected: str) -> Path:
    """``path`` must be an existing regular file: one line saying what it is instead (missing, a
    folder, a device such as ``/dev/zero`` that would be read forever), not an ``OSError`` traceback.

    Parameters
    ----------
    path : str or Path
        An input file named by the user.
    expected : str
        What the message says was expected (``"an existing CSV file"``).

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    if path.is_file():
        return path
    if path.is_dir():
        problem = "is a folder, not a file"
    elif path.exists():
        problem = "is not a regular file (a device, pipe or socket)"
    else:
        problem = "file not found"
    raise InputDataError(relative_to_root(path), problem, expected=expected)


def size_text(n: int) -> str:
    """A byte count as people read it in a message: ``2.5 MB``, ``1000 bytes``."""
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n} bytes"


def over_limit(file: str, what: str, size: str, maximum: int, raise_with: str | None = None) -> InputDataError:
    """The one message for an input over a size limit (a file, a member of an archive, an archive).

    ``raise_with`` names how to raise the limit for one run (an environment variable).
    """
    hint = f" (raise the limit with {raise_with})" if raise_with else ""
    return InputDataError(
        file,
        f"{what} is {size}, over the limit of {size_text(maximum)}",
        expected=f"at most {size_text(maximum)}{hint}",
    )


def read_input_bytes(
    path: str | Path, *, expected: str, max_bytes: int | None = None, raise_with: str | None = None
) -> bytes:
    """The bytes of an input file (:func:`check_input_file` first), or one line saying why it
    cannot be read.

    Parameters
    ----------
    path : str or Path
        An input file named by the user.
    expected : str
        What the message says was expected.
    max_bytes : int, optional
        Refuse a file larger than this: by its size before anything is read, and, should it grow
        while it is read, by reading at most one byte more than the limit (chunks of 1 MiB).
    raise_with : str, optional
        How a user raises ``max_bytes`` for one run, named in the message (``MDI_MAX_TRANSCRIPT_MB=<megabytes>``).

    Returns
    -------
    bytes
        The file's content.
    """
    path = check_input_file(path, expected=expected)
    shown = relative_to_root(path)
    try:
        with open(path, "rb") as handle:
            if max_bytes is None:
                return handle.read()
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise over_limit(shown, "the file", size_text(size), max_bytes, raise_with)
            chunks: list[bytes] = []
            total = 0
            while total <= max_bytes:
                chunk = handle.read(min(_CHUNK_BYTES, max_bytes + 1 - total))
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)
                total += len(chunk)
    except OSError as error:
        raise InputDataError(
            shown, f"cannot be read ({error.strerror or type(error).__name__})", expected=expected
        ) from None
    raise over_limit(shown, "the file", f"more than {size_text(max_bytes)}", max_bytes, raise_with)  # it grew


#: Bytes read at a time by a bounded read.
_CHUNK_BYTES = 1 << 20
