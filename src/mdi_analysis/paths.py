"""Where things live, resolved the same way from JupyterLab, papermill, nbval and pytest.

Notebooks never write ``../data``: the working directory differs between a researcher's
JupyterLab session (``notebooks/``), papermill (wherever the runner was started) and pytest (the
repository root). Everything is therefore resolved from the project root, which is found from, in
order: the ``MDI_ROOT`` environment variable, the installed package's own location (the package is
installed in editable mode from ``src/``), and the current working directory and its parents.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from functools import cache
from importlib import resources
from pathlib import Path

PROJECT_NAME = "mdi-analysis"


def _is_project_root(path: Path) -> bool:
    pyproject = path / "pyproject.toml"
    if not (pyproject.is_file() and (path / "data").is_dir()):
        return False
    return f'name = "{PROJECT_NAME}"' in pyproject.read_text(encoding="utf-8")


@cache
def _root_from(env_root: str | None, cwd: str) -> Path:
    if env_root:
        root = Path(env_root).expanduser().resolve()
        if not _is_project_root(root):
            raise FileNotFoundError(
                f"MDI_ROOT={env_root!r} is not the {PROJECT_NAME} project root "
                "(expected pyproject.toml and data/ there)"
            )
        return root
    candidates = [*Path(__file__).resolve().parents, Path(cwd), *Path(cwd).parents]
    for candidate in candidates:
        if _is_project_root(candidate):
            return candidate
    raise FileNotFoundError(
        f"Could not find the {PROJECT_NAME} project root from {__file__} or {cwd}; "
        "set MDI_ROOT to the folder that holds pyproject.toml and data/."
    )


def project_root() -> Path:
    """The repository root (the folder holding ``pyproject.toml`` and ``data/``)."""
    return _root_from(os.environ.get("MDI_ROOT"), os.getcwd())


def data_dir() -> Path:
    """Read-only raw and curated data, committed to the repository.

    ``MDI_DATA_DIR`` points the whole pipeline at another data folder of the same shape (a
    researcher's own data, or a test's deliberately broken copy).
    """
    override = os.environ.get("MDI_DATA_DIR")
    return Path(override).expanduser().resolve() if override else project_root() / "data"


def notebooks_dir() -> Path:
    """The pipeline's notebooks, executed in file-name order by the runner."""
    return project_root() / "notebooks"


#: Where a notebook run by hand (a Jupyter kernel the runner did not start) writes its outputs.
INTERACTIVE_REPORTS = "interactive"


def reports_dir() -> Path:
    """All generated output. ``MDI_REPORTS_DIR`` redirects it (tests, runs with other parameters).

    Every kernel the runner or the tests start has ``MDI_REPORTS_DIR`` set. A notebook run by hand
    in JupyterLab has not: its tables and figures go to ``reports/interactive/``, so that trying
    other filters never overwrites the default run's ``reports/tables`` (issue 13).
    """
    override = os.environ.get("MDI_REPORTS_DIR")
    if override:
        return Path(override).expanduser().resolve()
    if _in_a_jupyter_kernel():
        return project_root() / "reports" / INTERACTIVE_REPORTS
    return project_root() / "reports"


def _in_a_jupyter_kernel() -> bool:
    """True inside an IPython kernel (JupyterLab, a notebook), False in a terminal or a script."""
    if "ipykernel" not in sys.modules:
        return False
    from IPython import get_ipython

    return getattr(get_ipython(), "kernel", None) is not None


def tables_dir() -> Path:
    return reports_dir() / "tables"


def figures_dir() -> Path:
    return reports_dir() / "figures"


def cache_dir() -> Path:
    """Rebuildable caches shared by all runs on this machine (today: simplemma's dictionary trie).

    Not under ``reports/``: a cache is not a result, and it outlives ``make clean-reports``.
    ``MDI_CACHE_DIR`` overrides the default, the user's cache folder (``~/.cache/mdi-analysis`` on Linux).
    """
    override = os.environ.get("MDI_CACHE_DIR")
    if override:
        return Path(override).expanduser().resolve()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(PROJECT_NAME))


def thesis_path() -> Path:
    """The thesis text; ``MDI_THESIS`` overrides the default ``../shared/thesis/thesis.txt``."""
    override = os.environ.get("MDI_THESIS")
    if override:
        return Path(override).expanduser().resolve()
    return (project_root().parent / "shared" / "thesis" / "thesis.txt").resolve()


def relative_to_root(path: Path) -> str:
    """A path as the researcher sees it in messages: relative to the project root when possible."""
    try:
        return Path(path).resolve().relative_to(project_root()).as_posix()
    except ValueError:
        return str(path)


def resource_text(name: str) -> str:
    """The text of a file shipped in ``mdi_analysis/resources`` (UTF-8).

    Read through ``importlib.resources`` rather than from ``src/``, so that the lists and tables
    travel with the installed package: the anonymity scan and the normaliser must read the same
    files whether the package runs from this checkout or from an installed wheel.

    Parameters
    ----------
    name : str
        File name inside ``resources/`` (e.g. ``"anonymity_first_names.txt"``).

    Returns
    -------
    str
        The file's text.
    """
    return resources.files("mdi_analysis").joinpath("resources", name).read_text(encoding="utf-8")


def read_resource_csv(name: str) -> list[dict[str, str]]:
    """Rows of a CSV shipped in ``mdi_analysis/resources``; lines starting with ``#`` are comments.

    Comment lines let the provenance of each table travel with the table itself. Keys and values
    are stripped, and a missing value is ``""``, so a hand-edited table reads the same as a tidy one.

    Parameters
    ----------
    name : str
        File name inside ``resources/`` (e.g. ``"lemma_overrides.csv"``).

    Returns
    -------
    list of dict
        One ``{column: value}`` dict per data row, in file order.
    """
    text = resource_text(name)
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [
        {key.strip(): (value or "").strip() for key, value in row.items()}
        for row in csv.DictReader(io.StringIO("\n".join(lines)))
    ]
