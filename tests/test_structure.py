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
