"""The package's one error tree, with messages a researcher can act on.

Why one tree: the command line turns every :class:`MdiError` into one line and exit status 2,
notebooks show it without a traceback, and a caller can catch all of the package's own failures
with one ``except``. Each subclass also derives from the built-in type it refines (``ValueError``,
``RuntimeError``), so code written against those keeps working.

::

    MdiError
    ├── InputDataError (ValueError)       a file that cannot be read or does not match its schema
    │   └── ExtractionError               the thesis text does not have the expected shape
    ├── QdaValidationError (ValueError)   a project.qde that breaks the REFI-QDA schema
    │   └── QdaFormatError                valid QDA-XML that cannot be read as a corpus
    ├── OptionError (ValueError)          a parameter value outside what a function accepts
    └── PersonalDataError (RuntimeError)  the anonymity gate found something; nothing was written

Every loader turns a parse or validation failure into :class:`InputDataError`, which names the file,
the row, the column and what was expected, instead of a deep pandas traceback. Rows are counted as
data rows (1 = first row under the header) and the file line is given too, because that is what a
researcher sees in an editor or in Excel.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


class MdiError(Exception):
    """Base of every error the package raises on purpose (bad input, bad option, personal data)."""


class InputDataError(MdiError, ValueError):
    """Bad input data: a file that cannot be read or does not match its schema."""

    def __init__(
        self,
        file: str | Path,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
        line: int | None = None,
    ) -> None:
        self.file = str(file)
        self.problem = problem
        self.row = row
        self.column = column
        self.expected = expected
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (line {self.line})" if self.line else ""))
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        message = ", ".join(where) + f": {self.problem}"
        if self.expected:
            message += f"; expected {self.expected}"
        return message


class ExtractionError(InputDataError):
    """The thesis text does not have the shape the extractor was written for."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        from .paths import relative_to_root

        super().__init__(relative_to_root(Path(path)), problem, line=line)


class QdaValidationError(MdiError, ValueError):
    """A project.qde that does not match the REFI-QDA schema or refers to something missing."""


class QdaFormatError(QdaValidationError):
    """A .qdpx that is valid XML but cannot be read back as a corpus (e.g. a source without a role)."""


class OptionError(MdiError, ValueError):
    """A parameter value a function does not accept; the message names the option and what is valid."""


class PersonalDataError(MdiError, RuntimeError):
    """The anonymity gate found possible personal data in what would be written; nothing was written.

    ``findings`` holds the scanner's findings, so a caller (the command line) can list them.
    """

    def __init__(self, findings: Sequence[Any], what: str) -> None:
        self.findings = list(findings)
        super().__init__(f"{what}: {len(self.findings)} anonymity finding(s); nothing written")


def install_notebook_handler() -> bool:
    """In IPython/Jupyter, show any :class:`MdiError` as its one-line message, not a traceback.

    The cell still fails (papermill and nbval see the error), but the researcher reads
    "data/survey/ks10_scores.csv, row 3 (line 4), column 'score': ..." instead of library internals.
    Returns True when a handler was installed.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False

    def _handler(shell, etype, evalue, tb, tb_offset=None):  # noqa: ARG001 - IPython's signature
        structured = [f"{etype.__name__}: {evalue}"]
        # _showtraceback sends a proper error output (ename/evalue), which papermill and nbval read.
        shell._showtraceback(etype, evalue, structured)
        return structured

    shell.set_custom_exc((MdiError,), _handler)
    return True
