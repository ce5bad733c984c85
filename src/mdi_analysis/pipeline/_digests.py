"""Digests of the result tables each notebook writes, so that no written number escapes comparison.

Why: nbval compares only what a notebook *shows*, and a notebook shows a part of what it writes
(03 prints the categories with three or more quotes; ``reports/tables/coding_matrix.csv`` holds
all of them). The runner records, per committed notebook, the SHA-256 of every table the run wrote
(the ``wrote reports/tables/…`` lines its last cell prints) in ``notebooks/table-digests.json``,
next to the notebooks whose stored outputs it extends; ``make test`` recomputes the digests of the
tables its own nbval run wrote and compares (``conftest.py``). A changed table then fails the
suite exactly like a changed stored output, and ``make reproduce`` updates both, for review in
``git diff notebooks/``.

A digest is taken over the CSV text with every number of more than six decimals rounded to six:
the last bits of a float can differ between numeric libraries (BLAS, NumPy builds), and such a
difference is not a result. Six decimals is still far finer than any table prints (two to four).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat

from ..io import write_if_changed
from ..paths import notebooks_dir

#: Committed under ``notebooks/``; written with the same content under ``reports/`` by each run.
DIGESTS_FILE = "table-digests.json"
DIGEST_DECIMALS = 6
_WROTE_TABLE = re.compile(r"^wrote reports/tables/([^/\s]+\.csv)$")
_LONG_NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d{7,}(?:[eE][-+]?\d+)?(?![\w.])")


def _rounded(match: re.Match[str]) -> str:
    text = f"{float(match.group()):.{DIGEST_DECIMALS}f}"
    return "0." + "0" * DIGEST_DECIMALS if text == "-0." + "0" * DIGEST_DECIMALS else text


def table_digest(path: Path) -> str:
    """SHA-256 of a written table, numbers rounded to :data:`DIGEST_DECIMALS` decimals.

    Parameters
    ----------
    path : Path
        A CSV file under ``reports/tables/``.

    Returns
    -------
    str
        The hex digest of its UTF-8 text after rounding every number with more decimals.
    """
    text = _LONG_NUMBER.sub(_rounded, path.read_text(encoding="utf-8"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def written_tables(nb: nbformat.NotebookNode) -> list[str]:
    """The tables a notebook says it wrote: file names from its ``wrote reports/tables/…`` lines.

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook.

    Returns
    -------
    list of str
        File names (``coding_matrix.csv``) in the order printed.
    """
    names: list[str] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                names += [m.group(1) for line in output["text"].splitlines() if (m := _WROTE_TABLE.match(line))]
    return names


def digest_key(committed: Path) -> str:
    """The key of a committed notebook in the digests file: its path under ``notebooks/``, ``/``-separated."""
    return committed.resolve().relative_to(notebooks_dir().resolve()).as_posix()


def run_digests(nb: nbformat.NotebookNode, tables: Path) -> dict[str, str]:
    """Table file name → digest for the tables an executed notebook wrote into ``tables``.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    tables : Path
        The folder it wrote its tables to (``reports/tables``).

    Returns
    -------
    dict of str to str
        Sorted by file name; a table the notebook names but that is absent maps to ``"missing"``.
    """
    return {
        name: table_digest(tables / name) if (tables / name).is_file() else "missing"
        for name in sorted(set(written_tables(nb)))
    }


def load_digests(path: Path | None = None) -> dict[str, dict[str, str]]:
    """The digests file: committed notebook key → {table file name → digest}; empty when absent.

    Parameters
    ----------
    path : Path, optional
        Default ``notebooks/table-digests.json``.

    Returns
    -------
    dict
        As written by :func:`save_digests`.
    """
    path = path or notebooks_dir() / DIGESTS_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def save_digests(path: Path, updates: dict[str, dict[str, str]]) -> bool:
    """Merge ``updates`` (whole entries per notebook) into the digests file at ``path``.

    Entries of notebooks that did not run are kept, as the committed notebooks of a partial
    ``reproduce --only`` run are.

    Parameters
    ----------
    path : Path
        The digests file (created when missing).
    updates : dict
        Committed notebook key → {table → digest}, replacing that notebook's entry.

    Returns
    -------
    bool
        True when the file changed.
    """
    merged = {**load_digests(path), **updates}
    text = json.dumps({key: dict(sorted(merged[key].items())) for key in sorted(merged)}, indent=1) + "\n"
    return write_if_changed(path, text)


def compare_digests(
    notebooks: list[Path], tables: Path, committed: dict[str, dict[str, str]] | None = None
) -> list[str]:
    """What differs between the committed digests of ``notebooks`` and the tables in ``tables``.

    Parameters
    ----------
    notebooks : list of Path
        Committed notebooks that have just been executed (e.g. by nbval) and wrote into ``tables``.
    tables : Path
        The folder they wrote their tables to.
    committed : dict, optional
        Default :func:`load_digests`.

    Returns
    -------
    list of str
        One line per difference (a notebook without digests, a table missing or changed); empty
        when every table matches.
    """
    committed = load_digests() if committed is None else committed
    problems: list[str] = []
    for notebook in notebooks:
        key = digest_key(notebook)
        if key not in committed:
            problems.append(f"{key}: no digests in notebooks/{DIGESTS_FILE} (run `make reproduce`)")
            continue
        for name, digest in sorted(committed[key].items()):
            path = tables / name
            if not path.is_file():
                problems.append(f"{key}: tables/{name} was not written")
            elif table_digest(path) != digest:
                problems.append(f"{key}: tables/{name} differs from its committed digest")
    return problems
