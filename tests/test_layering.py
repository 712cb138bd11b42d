"""Guards the architecture: the core and the demo server never depend on the UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "logtui"
UI_MODULES = ("textual", "rich", "logtui.tui")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", ["core", "demo"])
def test_layer_never_imports_the_ui(layer: str) -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in _imports(path)
        if name.split(".")[0] in {"textual", "rich"} or name.startswith("logtui.tui")
    ]
    assert offenders == []


def _ui_modules_loaded_by(statements: str) -> list[str]:
    code = (
        "import importlib, sys\n"
        f"{statements}\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {UI_MODULES!r}"
        " or m.startswith('logtui.tui')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded: list[str] = ast.literal_eval(result.stdout.strip())
    return loaded


def test_importing_the_whole_core_loads_no_ui_module() -> None:
    """Importing every core module pulls in nothing of the UI.

    A bare ``import httpx`` loads Rich on its own (for httpx's optional command line), so
    modules that httpx itself loads are the baseline; the core may add nothing to them.
    """
    modules = sorted(
        "logtui." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for path in (PACKAGE / "core").rglob("*.py")
    )
    baseline = set(_ui_modules_loaded_by("import httpx, httpx_sse"))
    core = _ui_modules_loaded_by(
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name.removesuffix('.__init__'))"
    )
    assert [name for name in core if name not in baseline] == []
    assert not any(name.split(".")[0] == "textual" for name in core)


def test_help_path_imports_nothing_heavy() -> None:
    """``logtui --help`` must stay fast: no Textual, httpx or server import on that path."""
    code = (
        "import sys\n"
        "from logtui.cli import build_parser\n"
        "build_parser().format_help()\n"
        "heavy = {'textual', 'rich', 'httpx', 'uvicorn', 'starlette', 'websockets', 'pydantic'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
