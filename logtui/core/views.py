"""Saved setups ("views"): a source and how the dashboard shows it, kept by name.

A view names its source by the command that opens it and that command's target (a URL, a
NextDNS profile, a zone id), never by a credential: ``logtui --view NAME`` runs that command
and the credentials come from the flag, the environment or the config file as usual. The
setup is what the user arranged: the filter, columns (and widths the user gave them), time
zone, theme and which panes show.

Views live in ``<config dir>/views/NAME.toml``; the last setup used on each source is kept
beside them in ``views/last/`` and comes back the next time that source is opened. Files are
written atomically with mode 0600. A file that cannot be read as a view is a
:class:`~logtui.core.errors.ConfigError` naming the file and what to fix (exit 2), not a
silently ignored setup. Standard library only: the CLI and the dashboard both use it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from logtui.core.errors import ConfigError
from logtui.core.open_view import OpenView
from logtui.core.paths import config_dir
from logtui.core.private_file import write_private
from logtui.core.redact import looks_like_credential, scrub_url

NAME_SHAPE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""What a view's name may be: it is a file name, so no slash, no leading dot, not too long."""
ZONE_NAMES: Final = ("utc", "local")
"""The time zones a setup may name (``logtui.core.eventtime.ZONES``)."""
OPTION_SHAPE: Final = re.compile(r"[a-z][a-z0-9_]{0,39}")
"""What a source option's name may be (the dest of a ``--long-option``)."""
_SETUP_KEYS: Final = frozenset({"filter", "columns", "widths", "zone", "theme", "stats",
                                "detail"})


@dataclass(frozen=True, slots=True)
class ViewSource:
    """Which source a view opens: a command and its target, never a credential."""

    command: str
    """The subcommand that opens it (``proxy``, ``nextdns``, ``instant-logs``, ``sse``,
    ``demo``)."""
    target: str
    """The command's one positional argument: the URL, profile id or zone id (for ``demo``,
    which demo API)."""
    options: tuple[tuple[str, str], ...] = ()
    """Other options that say which source it is (``api_url``, ``ibm_crn``), by dest; never
    one named like a credential."""

    def argv(self) -> list[str]:
        """The command line that opens this source (credentials come from env or config)."""
        argv = [self.command]
        if self.command == "demo":
            argv += ["--source", self.target]
        else:
            argv.append(self.target)
        for name, value in self.options:
            argv += [f"--{name.replace('_', '-')}", value]
        return argv

    def key(self) -> str:
        """A file name for this source's last setup (a digest: targets are URLs)."""
        text = json.dumps([self.command, self.target, [list(o) for o in self.options]])
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
        return f"{re.sub(r'[^a-z0-9-]', '', self.command)}-{digest}"


def source_for(
    command: str, target: str, options: Mapping[str, str] | None = None
) -> ViewSource:
    """A :class:`ViewSource` with anything like a credential taken out: URLs scrubbed, and
    options named like a credential left out."""

    def scrubbed(text: str) -> str:
        return scrub_url(text) if "://" in text else text

    kept = tuple(
        (name, scrubbed(value)) for name, value in sorted((options or {}).items())
        if OPTION_SHAPE.fullmatch(name) and not looks_like_credential(name)
    )
    return ViewSource(command, scrubbed(target), kept)


@dataclass(frozen=True, slots=True)
class Setup:
    """How the dashboard shows a source; ``None`` leaves the dashboard's default."""

    filter: str = ""
    """The filter expression."""
    columns: tuple[str, ...] = ()
    """The columns shown, in order (empty: the dashboard's own choice)."""
    widths: tuple[tuple[str, int], ...] = ()
    """The widths the user gave columns, by name (the other columns keep their own)."""
    zone: str | None = None
    """``utc`` or ``local``."""
    theme: str | None = None
    """A Textual theme name."""
    stats: bool | None = None
    """Whether the stats pane shows."""
    detail: bool | None = None
    """Whether the detail pane shows."""


@dataclass(frozen=True, slots=True)
class View:
    """A named setup, and the source it opens (``None``: it fits any source)."""

    name: str
    setup: Setup = field(default_factory=Setup)
    source: ViewSource | None = None


def views_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where named views are kept: ``<config dir>/views``."""
    return config_dir(environ) / "views"


def last_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the last setup used on each source is kept: ``<config dir>/views/last``."""
    return views_dir(environ) / "last"


def check_name(name: str) -> str:
    """``name`` if it can name a view, else a :class:`ConfigError` saying what it may be."""
    if not NAME_SHAPE.fullmatch(name):
        raise ConfigError(
            f"view name {name[:40]!r} must be 1-64 letters, digits, '.', '_' or '-'"
            " (not starting with '.', '_' or '-')"
        )
    return name


def view_path(name: str, environ: Mapping[str, str] = os.environ) -> Path:
    """The file of the view called ``name``."""
    return views_dir(environ) / f"{check_name(name)}.toml"


def list_views(environ: Mapping[str, str] = os.environ) -> list[str]:
    """The names of the saved views, sorted."""
    directory = views_dir(environ)
    if not directory.is_dir():
        return []
    return sorted(
        path.stem for path in directory.glob("*.toml")
        if path.is_file() and NAME_SHAPE.fullmatch(path.stem)
    )


def load_view(name: str, environ: Mapping[str, str] = os.environ) -> View:
    """Read the view called ``name``; :class:`ConfigError` if there is none or it is malformed."""
    path = view_path(name, environ)
    if not path.is_file():
        known = ", ".join(list_views(environ)) or "none saved yet"
        raise ConfigError(f"no view named {name!r} in {path.parent} (saved views: {known})")
    return read_view_file(path)


def save_view(view: View, environ: Mapping[str, str] = os.environ) -> Path:
    """Write ``view`` to its file (atomically, mode 0600); returns the path."""
    path = view_path(view.name, environ)
    write_private(path, to_toml(view.setup, view.source))
    return path


def load_last(source: ViewSource, environ: Mapping[str, str] = os.environ) -> Setup | None:
    """The last setup used on ``source``, if one was kept; a malformed one is an error too."""
    path = last_dir(environ) / f"{source.key()}.toml"
    if not path.is_file():
        return None
    return read_view_file(path).setup


def save_last(source: ViewSource, setup: Setup, environ: Mapping[str, str] = os.environ) -> Path:
    """Keep ``setup`` as the last one used on ``source``."""
    path = last_dir(environ) / f"{source.key()}.toml"
    write_private(path, to_toml(setup, source))
    return path


def setup_to_open(
    source: ViewSource | None,
    *,
    view: str | None,
    restore: bool,
    environ: Mapping[str, str] = os.environ,
) -> Setup | None:
    """The setup a dashboard opens with: the named view's, else (unless ``restore`` is off)
    the last one used on ``source``, else none."""
    if view is not None:
        return load_view(view, environ).setup
    if restore and source is not None:
        return load_last(source, environ)
    return None


def read_view_file(path: Path) -> View:
    """Parse a view file; every problem is one :class:`ConfigError` naming the file."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: is not UTF-8 text; save it as UTF-8 or delete it") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: is not valid TOML ({error}); fix it or delete it") from None
    return _view_from(document, path)


def _view_from(document: Mapping[str, Any], path: Path) -> View:
    def problem(what: str) -> ConfigError:
        return ConfigError(f"{path}: {what}")

    unknown = sorted(set(document) - {"source", "setup"})
    if unknown:
        raise problem(f"unknown key {unknown[0]!r} (a view has [source] and [setup] tables)")
    source_table = document.get("source")
    setup_table = document.get("setup", {})
    if not isinstance(setup_table, dict):
        raise problem("'setup' must be a table ([setup])")
    source: ViewSource | None = None
    if source_table is not None:
        if not isinstance(source_table, dict):
            raise problem("'source' must be a table ([source])")
        source = _source_from(source_table, problem)
    _check_keys(setup_table, _SETUP_KEYS, "setup", problem)
    expression = setup_table.get("filter", "")
    columns = setup_table.get("columns", [])
    zone = setup_table.get("zone")
    theme = setup_table.get("theme")
    if not isinstance(expression, str):
        raise problem("[setup] 'filter' must be a string")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise problem("[setup] 'columns' must be a list of strings")
    widths = setup_table.get("widths", {})
    if not isinstance(widths, dict) or not all(
        isinstance(w, int) and not isinstance(w, bool) for w in widths.values()
    ):
        raise problem("[setup] 'widths' must be a table of column names and whole numbers"
                      ' (widths = { "url" = 40 })')
    if zone is not None and zone not in ZONE_NAMES:
        raise problem(f"[setup] 'zone' must be one of {', '.join(ZONE_NAMES)}")
    if theme is not None and not isinstance(theme, str):
        raise problem("[setup] 'theme' must be a string")
    panes: dict[str, bool | None] = {}
    for pane in ("stats", "detail"):
        value = setup_table.get(pane)
        if value is not None and not isinstance(value, bool):
            raise problem(f"[setup] {pane!r} must be true or false")
        panes[pane] = value
    setup = Setup(filter=expression, columns=tuple(columns),
                  widths=tuple((name, width) for name, width in widths.items()), zone=zone,
                  theme=theme,
                  stats=panes["stats"], detail=panes["detail"])
    return View(name=path.stem, setup=setup, source=source)


def _source_from(table: Mapping[str, Any], problem: Any) -> ViewSource:
    command, target = table.get("command"), table.get("target")
    if not isinstance(command, str) or not command or not isinstance(target, str):
        raise problem("[source] needs 'command' and 'target' strings")
    options: list[tuple[str, str]] = []
    for name, value in table.items():
        if name in ("command", "target"):
            continue
        if looks_like_credential(name):
            raise problem(f"[source] {name!r} looks like a credential; a view never holds one:"
                          " remove it (credentials come from the environment or config.toml)")
        if not OPTION_SHAPE.fullmatch(name) or not isinstance(value, str):
            raise problem(f"[source] option {name[:40]!r} must be a lower_case name with a"
                          " string value")
        options.append((name, value))
    return ViewSource(command, target, tuple(sorted(options)))


def _check_keys(table: Mapping[str, Any], known: frozenset[str], name: str,
                problem: Any) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise problem(
            f"unknown key {unknown[0]!r} in [{name}] (known: {', '.join(sorted(known))})"
        )


def to_toml(setup: Setup, source: ViewSource | None) -> str:
    """The TOML text of a view (strings written as TOML basic strings)."""
    lines = ["# A logtui view: `logtui --view NAME` opens it. No credentials are kept here."]
    if source is not None:
        lines += ["", "[source]", f"command = {_string(source.command)}",
                  f"target = {_string(source.target)}"]
        lines += [f"{name} = {_string(value)}" for name, value in source.options]
    lines += ["", "[setup]", f"filter = {_string(setup.filter)}",
              f"columns = [{', '.join(_string(c) for c in setup.columns)}]"]
    if setup.widths:
        pairs = ", ".join(f"{_string(name)} = {width:d}" for name, width in setup.widths)
        lines.append(f"widths = {{ {pairs} }}")
    if setup.zone is not None:
        lines.append(f"zone = {_string(setup.zone)}")
    if setup.theme is not None:
        lines.append(f"theme = {_string(setup.theme)}")
    for pane, shown in (("stats", setup.stats), ("detail", setup.detail)):
        if shown is not None:
            lines.append(f"{pane} = {'true' if shown else 'false'}")
    return "\n".join(lines) + "\n"


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except DEL, which TOML wants escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


__all__ = [
    "OpenView",
    "Setup",
    "View",
    "ViewSource",
    "check_name",
    "last_dir",
    "list_views",
    "load_last",
    "load_view",
    "read_view_file",
    "save_last",
    "save_view",
    "setup_to_open",
    "source_for",
    "to_toml",
    "view_path",
    "views_dir",
]
