"""The ``logtui`` command line: argument parsing and dispatch, nothing heavy.

``logtui --help`` must answer in well under 0.3 s, so this module imports only the standard
library and the API registry (whose profiles are plain data). Each log API's subcommand is the
module its profile names (``ApiProfile.command``), so a registered API gets its command with no
edit here; the other subcommands are listed in :data:`COMMANDS`. A command module's level
defines its arguments and its ``run`` imports the heavy parts (Textual, httpx, the demo server)
only when the command actually runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from logtui import __version__
from logtui.commands._stream_options import join_since_values
from logtui.core.apis import all_profiles
from logtui.core.errors import LogtuiError
from logtui.core.gc_pause import paused_gc
from logtui.core.open_view import OpenView
from logtui.core.sanitize import safe_line

COMMANDS: tuple[tuple[str, str], ...] = (
    # (subcommand, module); the log APIs' commands follow, from their profiles.
    ("demo", "logtui.commands.demo"),
    ("demo-server", "logtui.commands.demo_server"),
    ("open", "logtui.commands.open"),
)
"""The subcommands that are not one log API's, in the order ``--help`` lists them."""


def commands() -> list[tuple[str, str]]:
    """Every subcommand and its module: :data:`COMMANDS`, then each API profile's command."""
    listed = list(COMMANDS)
    listed.extend(  # str(): a usage error lists the names, not the enum members
        (str(profile.name), profile.command) for profile in all_profiles() if profile.command
    )
    return listed


class CommandModule(Protocol):
    """What each ``logtui.commands`` module provides."""

    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Build the parser; imports only the light command modules.

    Given the subcommand about to run, only its module is imported and only its arguments
    declared: the others are listed by name, which is all parsing one command line needs
    (``logtui --help`` and an unknown command still get the full list with each one's help).
    """
    parser = argparse.ArgumentParser(
        prog="logtui",
        description="Live-tail remote log streams in a terminal dashboard, or as NDJSON.",
    )
    parser.add_argument("--version", action="version", version=f"logtui {__version__}")
    parser.add_argument(
        "--view", default=None, metavar="NAME",
        help="open the saved view NAME: its source (credentials from the environment or the"
        " config file, as usual) with its filter, zone, theme and panes",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    listed = commands()
    only = command if any(name == command for name, _ in listed) else None
    for name, module_name in listed:
        if only is not None and name != only:
            sub.add_parser(name)
            continue
        module = _command_module(module_name)
        command_parser = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command_parser)
        command_parser.set_defaults(_module=module)
    return parser


def _command_module(module_name: str) -> CommandModule:
    return cast(CommandModule, importlib.import_module(module_name))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``logtui`` console script; returns the process exit code."""
    given = join_since_values(sys.argv[1:] if argv is None else argv)
    try:
        if given and (given[0] == "--view" or given[0].startswith("--view=")):
            # ``logtui --view NAME [options]``: the view's command, then the options.
            name, rest = (given[1], given[2:]) if "=" not in given[0] and len(given) > 1 \
                else (given[0].partition("=")[2], given[1:])
            given = view_argv(name, rest)
        while True:
            with paused_gc():  # importing the command's modules: nothing to collect
                parser = build_parser(given[0] if given else None)
                args = parser.parse_args(given)
            module: CommandModule | None = getattr(args, "_module", None)
            if module is None:
                parser.print_help(sys.stderr)
                return 2
            try:
                return module.run(args)
            except OpenView as request:  # the user opened a view of another source
                given = view_argv(request.name, ["--output", "tui"])
    except LogtuiError as error:
        # Messages quote servers (reason phrases, bodies): shown inert, like every wire text.
        print(f"logtui: {safe_line(str(error))}", file=sys.stderr)
        return error.exit_code or 1
    except KeyboardInterrupt:
        return 130


def view_argv(name: str, rest: Sequence[str]) -> list[str]:
    """The command line ``logtui --view NAME [options]`` stands for: the view's source command,
    then the other options given, then ``--view NAME`` (so the command opens with its setup)."""
    from logtui.core.errors import ConfigError
    from logtui.core.views import load_view, view_path

    view = load_view(name)
    if view.source is None:
        raise ConfigError(
            f"{view_path(name)}: has no [source]; give a command too, e.g."
            f" 'logtui proxy URL --view {name}'"
        )
    return [*view.source.argv(), *rest, "--view", name]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
