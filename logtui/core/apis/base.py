"""What logtui knows about one log API, in one value: :class:`ApiProfile`.

Generic modules (fields, columns, stats, the filter planner, identity, the dashboard, the command
line) take a profile instead of keeping tables keyed by API, so a new API is one profile module
(plus its source and, if it has one, its command module). This module imports nothing of those
generic modules at run time: they import the registry, and the profiles import them. The
profiles sit below the sources: a profile names its source's builder (and its command and demo
modules) by module path, and :func:`~logtui.core.sources.build_source` imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from logtui.core.columns import Column
    from logtui.core.filters.server import ServerFilterSpec
    from logtui.core.models import Entry
    from logtui.core.stats import GroupSpec

__all__ = ["ApiProfile", "Credential", "FieldSet", "StatsFetcherFactory", "ToggleSpec"]

StatsFetcherFactory = Callable[[str, "str | None", Mapping[str, str]], Callable[[], Any]]
"""(source URL, secret, request headers) -> a function fetching the server's own stats."""


@dataclass(frozen=True, slots=True, eq=False)
class FieldSet:
    """The fields an API documents, its short aliases and the fields read by code."""

    known: tuple[str, ...] = ()
    """Documented field names; names typed in any case resolve to these spellings."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Short names (lower case) and the field path each stands for."""
    getters: Mapping[str, Callable[[Entry], Any]] = field(default_factory=dict)
    """Canonical paths read by a function rather than as a plain key (a fallback, a nested id)."""
    time_keys: tuple[str, ...] = ()
    """Top-level fields carrying the event's time; those beyond the common names that
    :data:`logtui.core.eventtime.TIME_KEYS` reads for every API are read after them."""


@dataclass(frozen=True, slots=True)
class ToggleSpec:
    """One filter term offered as a quick toggle chip in the dashboard (a server-side one,
    unless ``local``)."""

    field: str
    """The field name used in the expression (``level``)."""
    values: tuple[str, ...] = ()
    """Fixed values to cycle through; empty means "values seen in the stream"."""
    seen_path: tuple[str, ...] = ()
    """Where a seen value is read in an entry's data (``("device", "id")``), when ``values``
    is empty."""
    label_path: tuple[str, ...] = ()
    """Where, beside ``seen_path``, the chip's label for a seen value is read (a device's name)."""
    local: bool = False
    """The term is applied here, to the entries, and never sent to a server (``source`` over
    several sources)."""


@dataclass(frozen=True, slots=True)
class Credential:
    """One secret an API takes: its flag, environment variable and config-file key."""

    flag: str | None
    """The command-line flag (``--token``), if there is one."""
    env_var: str
    config_key: str
    """Dotted: ``proxy.token`` is ``token`` in the config file's ``[proxy]`` table."""


@dataclass(frozen=True)
class ApiProfile:
    """Everything about one log API that code outside its source module needs."""

    name: str
    """The API's name: its subcommand and the ``kind`` of its sources and statuses."""
    label: str
    """How people name it (``NextDNS``)."""
    source: str
    """``module:function`` building its source from a ``SourceConfig``
    (``logtui.core.sources.proxy:build``); imported only then, so ``--help`` stays fast."""
    fields: FieldSet
    columns: tuple[Column, ...]
    row_style: Callable[[Entry], str]
    """The style key of a whole row (``level-error``, ``dns-blocked``); ``""`` for default."""
    stats_groups: tuple[GroupSpec, ...]
    server_filters: ServerFilterSpec
    row_styles: Mapping[str, str] = field(default_factory=dict)
    """How style keys the dashboard's theme does not define look (``{"toy-error": "red"}``,
    Rich style syntax); the built-in keys are themed in ``app.tcss``."""
    toggles: tuple[ToggleSpec, ...] = ()
    example_filter: str = ""
    """A filter expression shown as the filter input's placeholder."""
    identity: Callable[[Entry], Hashable | None] | None = None
    """The payload's own identity of an entry; None when the API gives none."""
    identity_unique: bool = True
    """Whether two entries with one identity are always one entry (see the store)."""
    order_id: str | None = None
    """A field whose whole-number value orders entries (proxy-logs row ``id``); else time."""
    credentials: tuple[Credential, ...] = ()
    command: str | None = None
    """The module (``logtui.commands.proxy``) declaring this API's subcommand, if any."""
    demo: str | None = None
    """The demo server's module for this API (``logtui.demo.proxy_api``), if it has one: its
    ``DEMO_INDEX``, ``demo_routes(state)`` and ``demo_target(base_url, config, history)``."""
    server_stats: StatsFetcherFactory | None = None
    """Builds a fetcher of server-side stats for the dashboard, when the API has them."""
    server_stats_title: str = "server stats"
    """The heading of the server's stats in the stats pane."""
    server_stats_groups: tuple[tuple[str, str], ...] = ()
    """The parts of the server's stats shown (key in its answer, heading)."""
    history: str | None = None
    """``module:function`` building its :class:`~logtui.core.history.HistoryReader` from a
    ``SourceConfig``, when the server keeps history it can page back through; None: it keeps
    none (``--since`` is refused, scroll-back stops at the oldest entry received)."""
    flag_filters: tuple[tuple[str, str], ...] = ()
    """Command-line options that each set one server parameter, as (``args`` attribute,
    parameter): ``("project", "projectId")`` for ``--project``."""

    def credential(self, env_var: str) -> Credential:
        """The credential read from ``env_var`` (a lookup by its stable name)."""
        for candidate in self.credentials:
            if candidate.env_var == env_var:
                return candidate
        raise KeyError(env_var)
