"""The package's structure, as docs/package-map.md states it: sizes, faces and who may import whom.

Why a test: a layout decays one convenient import at a time. The allowed imports are read from the
map's table, so the document and the code cannot drift apart silently.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from mdi_analysis.paths import project_root

PACKAGE = project_root() / "src" / "mdi_analysis"
MAP = project_root() / "docs" / "package-map.md"
TOP_LEVEL = {"errors", "options", "paths"}
NOTEBOOK_MACHINERY = {"papermill", "nbconvert", "nbformat", "jupyter_client", "nbclient"}
MAX_LINES = 600
MAX_TOP_LEVEL_MODULES = 6


def allowed_imports() -> dict[str, set[str]]:
    rows = re.findall(r"^\| `(\w+)` \|[^|]*\|([^|]*)\|\s*$", MAP.read_text(encoding="utf-8"), flags=re.M)
    return {name: {part.strip() for part in allowed.split(",")} for name, allowed in rows}


def subpackages() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def imported_parts(path: Path, subpackage: str) -> set[str]:
    """The package's own top-level modules and subpackages a file imports, and third-party roots."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    depth = len(path.relative_to(PACKAGE).parts) - 1  # 1 for a module directly in a subpackage
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                parts = (node.module or "").split(".")
                if parts[0] == "mdi_analysis" and len(parts) > 1:
                    found.add(parts[1])
                else:
                    found.add("ext:" + parts[0])
            elif node.level > depth:  # climbs out of the subpackage
                module = (node.module or "").split(".")[0]
                found.update([module] if module else [alias.name for alias in node.names])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                found.add(parts[1] if parts[0] == "mdi_analysis" and len(parts) > 1 else "ext:" + parts[0])
    found.discard(subpackage)
    found.discard("__version__")
    return found


def test_the_map_names_every_subpackage():
    assert set(allowed_imports()) == set(subpackages())


@pytest.mark.parametrize("subpackage", subpackages())
def test_subpackage_imports_only_what_the_map_allows(subpackage):
    allowed = allowed_imports()[subpackage]
    if allowed == {"everything"}:
        return
    problems = []
    for path in sorted((PACKAGE / subpackage).rglob("*.py")):
        for part in sorted(imported_parts(path, subpackage)):
            if part.startswith("ext:"):
                if part[4:] in NOTEBOOK_MACHINERY:
                    problems.append(f"{path.relative_to(PACKAGE)} imports notebook machinery ({part[4:]})")
            elif part not in allowed:
                problems.append(f"{path.relative_to(PACKAGE)} imports {part}, not in its row of docs/package-map.md")
    assert not problems, "\n".join(problems)


def test_no_module_is_over_the_size_limit():
    sizes = {p.relative_to(PACKAGE): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert {str(p): n for p, n in sizes.items() if n > MAX_LINES} == {}


def test_top_level_holds_at_most_six_modules():
    modules = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules
    assert TOP_LEVEL <= set(modules)


@pytest.mark.parametrize("subpackage", subpackages())
def test_every_face_exports_what_it_lists(subpackage):
    module = importlib.import_module(f"mdi_analysis.{subpackage}")
    names = getattr(module, "__all__", None)
    assert names, f"mdi_analysis.{subpackage} has no __all__"
    assert len(names) == len(set(names)), "duplicate names in __all__"
    missing = [n for n in names if not hasattr(module, n)]
    assert not missing, missing
    assert (module.__doc__ or "").strip(), f"mdi_analysis.{subpackage} needs a docstring saying what it owns"


def test_the_structure_test_catches_a_forbidden_import(tmp_path):
    """The checker itself can fail: an io module importing coding is reported."""
    fake = PACKAGE / "io" / "_probe_forbidden.py"
    fake.write_text("from ..coding import code_texts\nimport papermill\n", encoding="utf-8")
    try:
        parts = imported_parts(fake, "io")
    finally:
        fake.unlink()
    assert "coding" in parts and "ext:papermill" in parts
    assert "coding" not in allowed_imports()["io"]


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(path: Path, package: Path = PACKAGE) -> list[str]:
    """Private modules or names (``_name``) of ANOTHER subpackage that the file at ``path`` imports.

    Why: a subpackage's face (``__init__.py`` with ``__all__``) is its contract; reaching behind it
    (``from ..io._files import _make_folders``) ties two subpackages' insides together, so neither
    can be reorganised alone. Imports within the same subpackage are the subpackage's own business.
    """
    relative = path.relative_to(package).parts
    own = relative[0] if len(relative) > 1 else None  # None for a top-level module
    depth = len(relative) - 1
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[list[str]] = []  # each: the dotted path below mdi_analysis
        if isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".") if node.module else []
            if node.level == 0:
                if module[:1] != ["mdi_analysis"]:
                    continue
                below = module[1:]
            elif node.level > depth:
                below = module
            else:
                continue  # within the own subpackage
            targets += [below + [alias.name] for alias in node.names]
        elif isinstance(node, ast.Import):
            targets += [a.name.split(".")[1:] for a in node.names if a.name.split(".")[0] == "mdi_analysis"]
        for target in targets:
            if not target or target[0] == own:
                continue
            if any(_is_private(part) for part in target):
                found.append(f"{path.relative_to(package)} imports {'.'.join(target)} behind a face")
    return found


def public_modules_behind_faces(package: Path = PACKAGE) -> list[str]:
    """Modules in a subpackage's folder without the leading underscore (other than its face)."""
    return sorted(
        str(p.relative_to(package))
        for p in package.glob("*/*.py")
        if (p.parent / "__init__.py").exists() and not p.stem.startswith("_")
    )


def test_no_module_imports_a_private_module_of_another_subpackage():
    problems = [problem for path in sorted(PACKAGE.rglob("*.py")) for problem in private_imports(path)]
    assert not problems, "\n".join(problems)


def test_modules_behind_a_face_are_private():
    assert public_modules_behind_faces() == []


def test_commands_are_delegated_to_faces():
    """``python -m mdi_analysis CMD`` imports a face, not a module behind it (they are strings, not imports)."""
    from mdi_analysis.__main__ import DELEGATES

    behind = {name: module for name, (module, _, _) in DELEGATES.items() if any(map(_is_private, module.split(".")))}
    assert behind == {}
    for module, function, _ in DELEGATES.values():
        face = importlib.import_module(module)
        assert function in face.__all__, f"{module}.{function} is not in its face's __all__"


def test_the_structure_test_catches_private_imports_and_public_modules(tmp_path):
    """The checkers can fail: a planted package with each kind of violation is reported."""
    package = tmp_path / "mdi_analysis"
    for name in ("io", "pipeline"):
        (package / name).mkdir(parents=True)
        (package / name / "__init__.py").write_text('"""Face."""\n', encoding="utf-8")
    (package / "io" / "_files.py").write_text("from ._tables import read_table\n", encoding="utf-8")
    (package / "io" / "helpers.py").write_text("", encoding="utf-8")  # public module behind a face
    (package / "io" / "__main__.py").write_text("", encoding="utf-8")
    runner = package / "pipeline" / "_runner.py"
    runner.write_text(
        "from .. import __version__\n"
        "from ..io import write_folder\n"  # fine: the face
        "from ._render import page\n"  # fine: own subpackage
        "from ..io._files import mark_folder\n"
        "from ..io import _files\n"
        "from ..io._files import _make_folders\n"
        "from mdi_analysis.io._tables import read_table\n"
        "import mdi_analysis.io._tables\n"
        "def later():\n"
        "    from ..audit import _scoreboard as scoreboard\n",
        encoding="utf-8",
    )
    top = package / "__main__.py"
    top.write_text("from .corpus._cli import main\nfrom .errors import MdiError\n", encoding="utf-8")

    assert private_imports(package / "io" / "_files.py", package) == []
    found = private_imports(runner, package)
    assert [line.split(" imports ")[1] for line in found] == [
        "io._files.mark_folder behind a face",
        "io._files behind a face",
        "io._files._make_folders behind a face",
        "io._tables.read_table behind a face",
        "io._tables behind a face",
        "audit._scoreboard behind a face",
    ]
    assert private_imports(top, package) == ["__main__.py imports corpus._cli.main behind a face"]
    assert public_modules_behind_faces(package) == ["io/helpers.py"]
