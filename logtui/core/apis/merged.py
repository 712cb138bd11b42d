"""One profile for several named sources shown together: :func:`merged_profile`.

A dashboard over several sources reads columns, row styles, stats and toggles from a profile
like any other, so the sources' own profiles are combined into one, registered under a name
of its own (:func:`~logtui.core.apis.register_derived`: found by name, never listed as an API).
Everything per API is still read from that API's profile, chosen by ``Entry.source``:

- all sources of one API: that API's columns, with a ``source`` column after the time;
- sources of several APIs: a common set: time, source, the level (or, for an API without
  levels, its status: NextDNS ``blocked``, an Instant Logs HTTP status) and a one-line summary,
  each API's own main text column (the URL, domain, path or message).

Identity is ``(source, the API's identity)``, so two sources never de-duplicate each other's
entries, and the order is the event time for every source (row ids of two servers say nothing
about each other). Each source name has a colour of its own (:func:`source_colours`).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from logtui.core.apis import profile_for, register_derived
from logtui.core.apis.base import ApiProfile, FieldSet, ToggleSpec
from logtui.core.columns import Column, time_cell
from logtui.core.fields import FieldResolver
from logtui.core.filters.server import FilterStyle, ServerFilterSpec
from logtui.core.identity import GAP_FIELD
from logtui.core.models import Entry
from logtui.core.stats import LEVEL, GroupSpec

__all__ = [
    "SOURCE_FIELD",
    "SOURCE_PALETTE",
    "SourceRef",
    "level_column",
    "merged_identity",
    "merged_order",
    "merged_profile",
    "source_colours",
    "source_style_key",
    "summary_column",
]

SOURCE_FIELD: Final = "source"
"""The column and filter field naming an entry's source when several run together."""

SOURCE_PALETTE: Final = (
    "#1c71c6", "#ce1d93", "#127e75", "#af5819", "#8b4be5", "#856e13", "#1c8213",
)
"""Blue, magenta, teal, orange, violet, olive and green, each of relative luminance about
0.165: the middle where bold text keeps 3:1 against both a dark and a light background
(Textual's default themes). Red is left out: it means an error in every row style."""


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A named source as the dashboard knows it: its name, API and what it connects to."""

    name: str
    kind: str
    description: str = ""


def source_colours(names: Sequence[str]) -> dict[str, str]:
    """A colour per source name, from :data:`SOURCE_PALETTE`.

    A name keeps its colour from run to run (a digest of the name picks it); when two names
    pick one colour the later name in sorted order takes the next free one, so up to seven
    sources never share a colour.
    """
    size = len(SOURCE_PALETTE)
    taken: set[int] = set()
    colours: dict[str, str] = {}
    for name in sorted(set(names)):
        index = zlib.crc32(name.encode("utf-8")) % size
        if len(taken) < size:
            while index in taken:
                index = (index + 1) % size
        taken.add(index)
        colours[name] = SOURCE_PALETTE[index]
    return colours


def source_style_key(name: str | None) -> str:
    """The style key of a source's name cell (its colour is in the merged profile)."""
    return f"source:{name}" if name is not None else ""


def level_column(profile: ApiProfile) -> Column | None:
    """An API's level column, else its status column (NextDNS, Instant Logs), if any."""
    by_name = {column.name: column for column in profile.columns}
    return by_name.get("level") or by_name.get("status")


def summary_column(profile: ApiProfile) -> Column | None:
    """An API's main text column: its first flex column (the URL, domain, path or message)."""
    return next((column for column in profile.columns if column.flex), None)


def _source_cell(entry: Entry) -> str:
    return entry.source or ""


def _source_style(entry: Entry) -> str:
    return source_style_key(entry.source)


def _dispatch_text(columns: Mapping[str, Column]) -> Callable[[Entry], str]:
    def extract(entry: Entry) -> str:
        column = columns.get(entry.source or "")
        return column.extract(entry) if column is not None else ""

    return extract


def _dispatch_style(columns: Mapping[str, Column],
                    rows: Mapping[str, Callable[[Entry], str]]) -> Callable[[Entry], str]:
    def style(entry: Entry) -> str:
        name = entry.source or ""
        column = columns.get(name)
        if column is not None and column.style is not None:
            return column.style(entry)
        row = rows.get(name)
        return row(entry) if row is not None else ""

    return style


def _columns(refs: Sequence[SourceRef], profiles: Mapping[str, ApiProfile]) -> tuple[Column, ...]:
    source = Column(SOURCE_FIELD, max(6, min(12, max(len(r.name) for r in refs))), _source_cell,
                    style=_source_style, priority=8)
    kinds = {ref.kind for ref in refs}
    if len(kinds) == 1:
        own = profiles[refs[0].name].columns
        if own and own[0].name == "time":
            return (own[0], source, *own[1:])
        return (source, *own)
    rows = {ref.name: profiles[ref.name].row_style for ref in refs}
    levels = {ref.name: c for ref in refs if (c := level_column(profiles[ref.name])) is not None}
    summaries = {
        ref.name: c for ref in refs if (c := summary_column(profiles[ref.name])) is not None
    }
    return (
        Column("time", 12, time_cell, priority=9),
        source,
        Column("level", 7, _dispatch_text(levels), style=_dispatch_style(levels, rows),
               priority=7),
        Column("summary", 20, _dispatch_text(summaries), flex=True, priority=9),
    )


def _fields(profiles: Sequence[ApiProfile]) -> FieldSet:
    """Every API's names, for the column chooser; filters resolve per source instead."""
    known: dict[str, None] = {}
    aliases: dict[str, str] = {}
    getters: dict[str, Callable[[Entry], Any]] = {}
    time_keys: dict[str, None] = {}
    for profile in profiles:
        known.update(dict.fromkeys(profile.fields.known))
        time_keys.update(dict.fromkeys(profile.fields.time_keys))
        for alias, path in profile.fields.aliases.items():
            aliases.setdefault(alias, path)
        for path, getter in profile.fields.getters.items():
            getters.setdefault(path, getter)
    return FieldSet(known=tuple(known), aliases=aliases, getters=getters,
                    time_keys=tuple(time_keys))


def _level_group(profiles: Sequence[ApiProfile]) -> GroupSpec | None:
    """One breakdown for the histogram over APIs: each API's own level-like breakdown, the
    first that finds a value in an entry (an entry's data does not name its source)."""
    names = ("level", "status_class", "status")
    extracts = []
    for profile in profiles:
        by_name = {group.name: group for group in profile.stats_groups}
        group = next((by_name[name] for name in names if name in by_name), None)
        if group is not None and group.extract not in extracts:
            extracts.append(group.extract)
    if not extracts:
        return None

    def extract(data: Mapping[str, Any]) -> Any:
        for read in extracts:
            value = read(data)
            if value is not None and value != "":
                return value
        return None

    return GroupSpec(LEVEL, "Level / status", extract)


def merged_identity(refs: Sequence[SourceRef]) -> Callable[[Entry], Hashable | None]:
    """``(source, identity)`` with each source's API identity; None where it has none."""
    identities = {ref.name: profile_for(ref.kind).identity for ref in refs}

    def identity(entry: Entry) -> Hashable | None:
        own = identities.get(entry.source or "")
        value = own(entry) if own is not None else None
        return (entry.source, value) if value is not None else None

    return identity


def merged_order(refs: Sequence[SourceRef]) -> Callable[[Entry], float]:
    """Every source's entries by event time (a gap row at its start)."""
    times = {ref.name: FieldResolver.for_kind(ref.kind).time_of for ref in refs}

    def order(entry: Entry) -> float:
        if entry.origin == "gap":
            gap = entry.data.get(GAP_FIELD)
            start = gap.get("from") if isinstance(gap, Mapping) else None
            return float(start) if isinstance(start, int | float) else math.inf
        time_of = times.get(entry.source or "")
        seconds = time_of(entry) if time_of is not None else None
        return seconds if seconds is not None else math.inf

    return order


def merged_profile(refs: Sequence[SourceRef]) -> ApiProfile:
    """The profile of a dashboard over ``refs``, registered (unlisted) under its own name."""
    if not refs:
        raise ValueError("a merged profile needs at least one source")
    profiles = {ref.name: profile_for(ref.kind) for ref in refs}
    distinct = list({id(p): p for p in profiles.values()}.values())
    name = "sources-" + "+".join(ref.name for ref in refs)
    single = len(distinct) == 1
    row_styles: dict[str, str] = {}
    for profile in distinct:
        row_styles.update(profile.row_styles)
    row_styles.update({
        source_style_key(source): f"bold {colour}"
        for source, colour in source_colours([ref.name for ref in refs]).items()
    })
    rows = {ref.name: profiles[ref.name].row_style for ref in refs}

    def row_style(entry: Entry) -> str:
        own = rows.get(entry.source or "")
        return own(entry) if own is not None else ""

    if single:
        groups = distinct[0].stats_groups
    else:
        level = _level_group(distinct)
        groups = (level,) if level is not None else ()
    names = tuple(ref.name for ref in refs)
    profile = ApiProfile(
        name=name,
        label=" + ".join(names),
        source="logtui.core.sources.generic:build",
        fields=_fields(distinct),
        columns=_columns(refs, profiles),
        row_style=row_style,
        stats_groups=groups,
        server_filters=ServerFilterSpec(kind=name, label="each source's server",
                                        style=FilterStyle.NONE),
        row_styles=row_styles,
        # Sources of one API keep its chips (a term each API reads alike); mixed, only source.
        toggles=(ToggleSpec(SOURCE_FIELD, names, local=True),
                 *(distinct[0].toggles if single else ())),
        example_filter=f"source={names[0]} " + (
            distinct[0].example_filter if single else "-healthz"
        ),
        identity=merged_identity(refs),
        identity_unique=all(p.identity_unique for p in distinct),
    )
    return register_derived(profile)
