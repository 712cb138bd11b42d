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
    """Every module ``path`` imports, anywhere in it (a lazy import in a function, one under
    ``TYPE_CHECKING``), and for ``from a import b`` also ``a.b`` (``b`` may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _offenders(paths: list[Path], forbidden: tuple[str, ...],
               allowed: dict[str, set[str]] | None = None) -> list[str]:
    """``path imports name`` for each import of a ``forbidden`` package that ``allowed``
    (module path relative to the package -> modules it may import) does not name."""
    allowed = allowed or {}
    found = set()
    for path in paths:
        module = path.relative_to(PACKAGE).as_posix()
        for name in _imports(path):
            if any(_within(name, package) for package in forbidden) and not any(
                _within(name, exception) for exception in allowed.get(module, set())
            ):
                found.add(f"{module} imports {name}")
    return sorted(found)


@pytest.mark.parametrize("layer", ["core", "demo"])
def test_layer_never_imports_the_ui(layer: str) -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in _imports(path)
        if name.split(".")[0] in {"textual", "rich"} or name.startswith("logtui.tui")
    ]
    assert offenders == []


SOURCES_ALLOWED_IN_CORE: dict[str, set[str]] = {
    "core/engine.py": {"logtui.core.sources.base"},
    "core/wiring.py": {"logtui.core.sources"},
    "core/history.py": {"logtui.core.sources"},
    "core/fleet.py": {"logtui.core.sources"},
}
"""Core modules outside ``core/sources/`` that may import from it, and what: the engine runs
a :class:`~logtui.core.sources.base.Source`, so it knows the interface every source has (and
nothing of any one source); the wiring builds a source from its config (``build_source``) for
both front ends, and ``history_reader`` an API's history reader from its config."""


def test_core_outside_sources_never_imports_a_source() -> None:
    """The core's building blocks (http, payload checks, redaction, store, stats...) sit below
    the sources: a source composes them, never the other way round."""
    sources = PACKAGE / "core" / "sources"
    paths = [path for path in sorted((PACKAGE / "core").rglob("*.py"))
             if sources not in path.parents]
    assert _offenders(paths, ("logtui.core.sources",), SOURCES_ALLOWED_IN_CORE) == []


def test_http_imports_nothing_from_the_sources() -> None:
    assert _offenders([PACKAGE / "core" / "http.py"], ("logtui.core.sources",)) == []


def test_core_never_imports_commands_headless_or_demo() -> None:
    """The core is what the command line, headless mode and the demo are built on."""
    paths = sorted((PACKAGE / "core").rglob("*.py"))
    forbidden = ("logtui.commands", "logtui.headless", "logtui.demo")
    assert _offenders(paths, forbidden) == []


def test_demo_imports_nothing_from_the_sources() -> None:
    """The demo server plays the APIs from their documentation; sharing the sources' code
    would let a misreading of the docs agree with itself."""
    assert _offenders(sorted((PACKAGE / "demo").rglob("*.py")), ("logtui.core.sources",)) == []


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
