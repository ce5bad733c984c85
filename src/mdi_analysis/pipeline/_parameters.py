"""A notebook's ``parameters`` cell: names, defaults, comments and types, and the checks of ``-p``.

Why a module of its own, light on imports: ``python -m mdi_analysis run NN -p name value`` must
refuse a misspelt name or a value of the wrong type at once (one line, exit 2, nothing written),
before the runner imports papermill, pandas and the kernel machinery. This module reads the cell
with the standard library only (the notebook is JSON); papermill's ``inspect_notebook`` reads the
same cell, but importing papermill alone costs more than the whole check may take.

The cell holds one literal per line with a comment (``tests/test_runner.py`` checks this). A
parameter takes values of its default's type (an int where the default is a float); one whose
default is ``None`` takes any value. A parameter that takes more than one type says so in a
type annotation, as papermill reads it: ``factors: str | list[str] = "mdi"  # …``.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import OptionError
from ..options import check_choice

#: Annotation names a parameters cell may use, and the Python types they stand for.
_TYPE_NAMES: dict[str, type] = {
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "list": list,
    "dict": dict,
    "None": type(None),
}
_TYPE_WORDS: dict[type, str] = {
    int: "an int",
    float: "a number",
    str: "a str",
    bool: "a bool",
    list: "a list",
    dict: "a mapping",
    type(None): "null",
}


def notebook_json(path: Path) -> dict[str, Any]:
    """A notebook file as plain JSON: what the questions asked of a notebook before a run need.

    Why not ``nbformat.read``: importing nbformat (with its schema validation) costs about half a
    second, more than the whole ``run -p`` check may take; the runner reads with nbformat anyway.
    """
    return json.loads(Path(path).read_text(encoding="utf-8"))


def cell_source(cell: dict[str, Any]) -> str:
    """A cell's source as one string (the file may store it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _parameters_cell(path: Path) -> str | None:
    """The source of the cell tagged ``parameters``, or None."""
    for cell in notebook_json(path).get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell_source(cell)
    return None


def _assignments(path: Path) -> list[tuple[str, ast.expr, ast.expr | None, str]]:
    """(name, value node, annotation node or None, comment) for each parameter, in cell order."""
    source = _parameters_cell(path)
    if source is None:
        return []
    lines = source.splitlines()
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, annotation = node.targets[0].id, None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, annotation = node.target.id, node.annotation
        else:
            continue
        rest = lines[node.end_lineno - 1][node.end_col_offset :].strip()
        found.append((name, node.value, annotation, rest.lstrip("#").strip()))
    return found


def notebook_parameters(path: Path) -> dict[str, tuple[Any, str]]:
    """The notebook's parameters: name → (default value, the comment that explains it).

    Parameters
    ----------
    path : Path
        A notebook.

    Returns
    -------
    dict
        In the order of the cell; empty when the notebook has no ``parameters`` cell.
    """
    return {name: (ast.literal_eval(value), comment) for name, value, _, comment in _assignments(path)}


def _annotation_types(node: ast.expr, where: str) -> dict[type, tuple[type, ...] | None]:
    """``str | list[str]`` → {str: None, list: (str,)}: each allowed type and, for a list, its items'."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return {**_annotation_types(node.left, where), **_annotation_types(node.right, where)}
    if isinstance(node, ast.Constant) and node.value is None:
        return {type(None): None}
    if isinstance(node, ast.Name) and node.id in _TYPE_NAMES:
        return {_TYPE_NAMES[node.id]: None}
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "list":
        return {list: tuple(_annotation_types(node.slice, where))}
    raise OptionError(
        f"{where}: the parameters cell uses the annotation {ast.unparse(node)!r}; use int, float, "
        "str, bool, list[...], dict or None joined by |"
    )


def parameter_types(path: Path) -> dict[str, dict[type, tuple[type, ...] | None] | None]:
    """Name → the types a parameter takes (each with its list items' types, if known); None: any.

    From the annotation where the cell has one, otherwise from the default: its type (a float
    also takes an int; a list of one type takes items of that type); a default of None takes any.
    """
    where = Path(path).name
    types: dict[str, dict[type, tuple[type, ...] | None] | None] = {}
    for name, value_node, annotation, _ in _assignments(path):
        if annotation is not None:
            types[name] = _annotation_types(annotation, f"{where}, {name}")
            continue
        default = ast.literal_eval(value_node)
        if default is None:
            types[name] = None
        elif isinstance(default, list):
            items = {type(item) for item in default}
            types[name] = {list: tuple(items) if len(items) == 1 else None}
        else:
            types[name] = {type(default): None}
    return types


def _is(value: Any, kind: type) -> bool:
    """``isinstance`` as a parameter reads it: a bool is no int, an int is a float."""
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _describe(types: dict[type, tuple[type, ...] | None]) -> str:
    words = []
    for kind, items in types.items():
        word = _TYPE_WORDS.get(kind, kind.__name__)
        if kind is list and items:
            word += " of " + " or ".join(_TYPE_WORDS.get(i, i.__name__).split(" ", 1)[1] for i in items)
        words.append(word)
    return " or ".join(words)


def check_parameter_names(path: Path, names: Iterable[str]) -> None:
    """Every name must be a parameter the notebook's ``parameters`` cell declares.

    Why: papermill writes ``name = value`` lines into the notebook, so a name is code. A name the
    notebook does not declare is at best a typo that silently changes nothing, and at worst
    (``x\nimport os; os.system(...)``) a command run by the kernel, or (``../../t``) a folder
    name that leads out of ``reports/runs/``. Only the declared names, all Python identifiers,
    pass.

    Parameters
    ----------
    path : Path
        The notebook (a template, for a parameter set).
    names : iterable of str
        The names given (``-p NAME VALUE``).

    Raises
    ------
    OptionError
        The first name that is not declared, with the names that are.
    """
    declared = notebook_parameters(path)
    for name in names:
        if name not in declared:
            shown = name if len(name) <= 60 else name[:57] + "..."  # a 300-character name stays one short line
            check_choice(
                shown, declared, f"parameter for {path.name}", none_because=f"{path.name} has no parameters cell"
            )


def check_parameters(path: Path, parameters: dict[str, Any]) -> None:
    """Names (:func:`check_parameter_names`), then each value's type against the parameters cell.

    Why before the run: a value of the wrong type (``-p municipalities 3``) otherwise fails deep
    inside the notebook, after half of it has run, with the library's traceback. Whether a value
    of the right type is one the data knows (a municipality ``Z``) only the notebook can tell.

    Parameters
    ----------
    path : Path
        The notebook (a template, for a parameter set).
    parameters : dict
        Name → value as read from ``-p NAME VALUE`` (YAML).

    Raises
    ------
    OptionError
        The first unknown name, or the first value of a type the parameter does not take; the
        message names the parameter, the type expected and the default.
    """
    check_parameter_names(path, parameters)
    types = parameter_types(path)
    defaults = notebook_parameters(path)
    for name, value in parameters.items():
        allowed = types[name]
        if allowed is None:
            continue
        kind = next((k for k in allowed if _is(value, k)), None)
        items = allowed.get(kind) if kind is not None else None
        if kind is not None and (not items or all(any(_is(v, i) for i in items) for v in value)):
            continue
        default = defaults[name][0]
        shown = json.dumps(value, ensure_ascii=False, default=str)[:60]
        raise OptionError(
            f"-p {name} {shown}: {path.name} expects {_describe(allowed)} "
            f"(default {default!r}; `run {path.name[:2]} --help` lists the parameters)"
        )
