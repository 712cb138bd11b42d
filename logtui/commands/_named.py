"""Members built from ``[sources.NAME]`` tables with the API commands' own code.

A table's keys are parsed by its API command's parser (so a typo or a bad value is named the
way the command would name it, as one line naming the table), the credentials its table
refers to are put where the command's flags would put them, and the command's
``source_config`` and the shared stream options build the config, filter and engine: a
member streams exactly as ``logtui API TARGET --options`` would, with a resume key of its own
(:class:`~logtui.core.named_sources.MemberStateStore`).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Protocol, cast

from logtui.core.apis import all_profiles, profile_for
from logtui.core.errors import ConfigError
from logtui.core.named_sources import (
    RUN_OPTIONS,
    MemberStateStore,
    NamedSource,
    check_headers,
    credential_names,
    resolve_reference,
)
from logtui.core.redact import scrub_url
from logtui.core.sanitize import safe_line
from logtui.core.wiring import member_expression

if TYPE_CHECKING:
    from logtui.core.apis.base import Credential
    from logtui.core.filters.multi import MultiFilterOutcome
    from logtui.core.fleet import Member
    from logtui.core.sources import SourceConfig

__all__ = ["build_member", "build_members", "fleet_filter", "starts_live"]


class _Command(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def source_config(
        self, args: argparse.Namespace, *, for_dashboard: bool = False
    ) -> SourceConfig: ...


def build_members(
    chosen: Sequence[NamedSource],
    *,
    filter_text: str = "",
    for_dashboard: bool,
    state_dir: Path | None = None,
    resume: bool = True,
    since: str | None = None,
) -> list[Member]:
    """A fleet member for each chosen source.

    ``filter_text`` (``--filter`` on the command line) is one expression over all of them
    (``source=NAME`` names a source): each source's server gets the part its API filters,
    added to the source's own filter; the rest is the caller's to apply to the merged entries
    (:func:`fleet_filter`).
    """
    outcome = fleet_filter(chosen, filter_text)
    return [
        build_member(source, filter_text=member_expression(source.api, outcome, source.name),
                     for_dashboard=for_dashboard, state_dir=state_dir, resume=resume,
                     since=since)
        for source in chosen
    ]


def fleet_filter(chosen: Sequence[NamedSource], filter_text: str) -> MultiFilterOutcome:
    """``--filter`` over the chosen sources: what goes to each server, what stays here."""
    from logtui.core.apis.merged import SourceRef
    from logtui.core.wiring import checked_fleet_filter

    return checked_fleet_filter([SourceRef(s.name, s.api) for s in chosen], filter_text)


def build_member(
    source: NamedSource,
    *,
    filter_text: str = "",
    for_dashboard: bool,
    state_dir: Path | None = None,
    resume: bool = True,
    since: str | None = None,
) -> Member:
    """The member for one source: its command's config, filter and engine options, its own
    resume key; the engine is built when the fleet starts it.

    ``since`` (``logtui open --since``) loads history from then for a source whose API keeps
    any and that names no history of its own (the others start live, see :func:`starts_live`).
    """
    from logtui.commands._stream_options import engine_factory, settings_from_args
    from logtui.core.errors import LogtuiError
    from logtui.core.fleet import Member
    from logtui.core.paths import state_dir as default_state_dir

    args, command, hint = _parse(source, filter_text)
    if since is not None and not starts_live(source) and args.since is None and not args.history:
        args.since = since
    try:
        config = command.source_config(args, for_dashboard=for_dashboard)
        config = dataclasses.replace(config, credential_hint=hint)
        settings = settings_from_args(config, args, setup=None)
    except LogtuiError as error:  # the command's own message, about this source
        error.args = (f"[sources.{source.name}]: {error}",)
        raise
    directory = state_dir or args.state_dir or default_state_dir()
    store = MemberStateStore(directory, source.name)
    if state_dir is not None or args.state_dir is not None:
        store.check_writable()
    options = {
        "state_store": store,
        "resume": resume and settings.resume,
        "idle_timeout": args.idle_timeout,
        "history": settings.config.history,
        "since": settings.since,
    }
    return Member(
        name=source.name,
        kind=settings.config.kind,
        description=scrub_url(settings.config.url),
        engine=engine_factory(settings, options, defer_parsing=not for_dashboard),
        config=settings.config,
    )


def starts_live(source: NamedSource) -> bool:
    """Whether ``logtui open --since`` passes this source by: its API keeps no history."""
    return profile_for(source.api).history is None


class _TableParser(argparse.ArgumentParser):
    """The API command's parser, reporting a bad key or value as one line naming the table."""

    where = ""

    def error(self, message: str) -> NoReturn:
        raise ConfigError(f"{self.where}: {message}")


def _parse(
    source: NamedSource, filter_text: str
) -> tuple[argparse.Namespace, _Command, str]:
    """The table as the API command's parsed arguments, credentials put in by reference, and
    what a refusal of its credentials should tell the user to check."""
    where = f"[sources.{source.name}] in {source.path}"
    profiles = {profile.name: profile for profile in all_profiles() if profile.command}
    if source.api not in profiles:
        raise ConfigError(f"{where}: api must be one of {', '.join(sorted(profiles))}")
    profile = profile_for(source.api)
    command = cast(_Command, importlib.import_module(str(profile.command)))
    parser = _TableParser(prog=f"[sources.{source.name}]", add_help=False)
    parser.where = where
    command.add_arguments(parser)
    positional = next(action for action in parser._actions if not action.option_strings)
    flags = {action.dest: action for action in parser._actions if action.option_strings}
    credentials = credential_names(profile.credentials)
    argv: list[str] = []
    secrets: list[tuple[Credential, str]] = []
    checks: list[str] = []
    target: str | None = None
    for key, value in source.options.items():
        if key in credentials:
            raise ConfigError(
                f"{where}: {key} must not be written in the file; use {key}_env = \"VAR\""
                f" or {key}_file = \"path\" (a file of its own, mode 0600)"
            )
        name, _, how = key.rpartition("_")
        if how in ("env", "file") and name in credentials:
            secrets.append((credentials[name], resolve_reference(value, how, f"{where}: {key}")))
            checks.append(_reference_check(source.name, key, how, value))
            continue
        if key in RUN_OPTIONS:
            raise ConfigError(f"{where}: {key} is for the whole run: give it to 'logtui open'")
        if key == positional.dest:
            if not isinstance(value, str):
                raise ConfigError(f"{where}: {key} must be a string")
            target = value
            continue
        action = flags.get(key)
        if action is None or key == "help":
            known = sorted({positional.dest, *(set(flags) - RUN_OPTIONS - {"help"}),
                            *(f"{k}_env" for k in credentials)})
            raise ConfigError(f"{where}: {key} is not an option of 'logtui {source.api}'"
                              f" (known: {', '.join(known)})")
        if key == "header":
            check_headers(value, where)
        argv.extend(_as_argv(action, value, where, key))
    if target is None:
        raise ConfigError(f"{where}: {positional.dest} is missing")
    args = parser.parse_args([*argv, "--", target])
    if filter_text:
        args.filter = " ".join(part for part in (args.filter, filter_text) if part)
    for credential, secret in secrets:
        if credential.flag is None:
            raise ConfigError(
                f"{where}: {credential.config_key} cannot be set per source; use"
                f" ${credential.env_var}"
            )
        setattr(args, credential.flag.lstrip("-").replace("-", "_"), secret)
    return args, command, _refusal_hint(source, profile.credentials, checks)


def _refusal_hint(source: NamedSource, credentials: Sequence[Credential],
                  checks: list[str]) -> str:
    """What a refusal of this source's credentials says to do: where the references it used
    came from, else how a table names one (its API's command-line advice, ``--token`` or
    ``-H``, is not how a table is written)."""
    if checks:
        return f"check {' and '.join(checks)}"
    where = f"[sources.{source.name}]"
    if credentials:
        first = credentials[0]
        key = first.config_key.partition(".")[2]
        return f"set ${first.env_var}, or name one with {key}_env = \"VAR\" in {where}"
    return (f"check the headers of {where}; a credential cannot be written there"
            f" (run 'logtui {source.api} URL -H ...' with it from the environment)")


def _reference_check(name: str, key: str, how: str, value: object) -> str:
    """Where a credential named by reference came from, as a refusal should say it
    (``$GOOD_TOKEN, named by token_env in [sources.good]``); never the secret itself."""
    shown = safe_line(str(value).strip())
    where = "$" + shown if how == "env" else f"the file {shown}"
    return f"{where}, named by {key} in [sources.{name}]"


def _as_argv(action: argparse.Action, value: object, where: str, key: str) -> list[str]:
    flag = next((o for o in action.option_strings if o.startswith("--")), action.option_strings[0])
    if isinstance(action, argparse._StoreTrueAction):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be true or false")
        return [flag] if value else []
    if isinstance(action, argparse._AppendAction):
        values = value if isinstance(value, list) else [value]
        return [part for item in values for part in (flag, str(item))]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ConfigError(f"{where}: {key} must be a string or a number")
    return [f"{flag}={value}"]
