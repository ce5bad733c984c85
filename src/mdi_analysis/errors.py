"""One error type for bad input, with a message a researcher can act on.

Every loader turns a parse or validation failure into :class:`InputDataError`, which names the file,
the row, the column and what was expected, instead of a deep pandas traceback. Rows are counted as
data rows (1 = first row under the header) and the file line is given too, because that is what a
researcher sees in an editor or in Excel.
"""

from __future__ import annotations

from pathlib import Path


class InputDataError(ValueError):
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


def install_notebook_handler() -> bool:
    """In IPython/Jupyter, show :class:`InputDataError` as its one-line message, not a traceback.

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
        structured = [f"InputDataError: {evalue}"]
        # _showtraceback sends a proper error output (ename/evalue), which papermill and nbval read.
        shell._showtraceback(etype, evalue, structured)
        return structured

    shell.set_custom_exc((InputDataError,), _handler)
    return True
