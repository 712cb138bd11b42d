"""Turning a typed filter expression into what the dashboard applies: server params, a predicate.

Wraps ``logtui.core.filters`` (parse, then split by what the source's API can filter) into one
:class:`FilterOutcome` the filter bar can show and the app can apply. An expression that does
not parse becomes an outcome with an error and its column, never an exception. Also holds the
small text edits the quick toggles make to an expression.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from logtui.core.errors import FilterSyntaxError
from logtui.core.eventtime import Zone, day_start
from logtui.core.filters import parse, spec_for, split
from logtui.core.filters.syntax import Comparand, ComparandKind, FilterExpr
from logtui.core.models import Entry
from logtui.core.store import Predicate


@dataclass(frozen=True, slots=True)
class FilterOutcome:
    """The result of checking one expression against a source's filter spec."""

    expression: str
    error: str | None = None
    """What is wrong with the expression, if it does not parse."""
    error_position: int | None = None
    """The 0-based column of the problem."""
    server_params: Mapping[str, str] = field(default_factory=dict)
    """Query parameters the API filters with (the engine reconnects with them)."""
    server_terms: tuple[str, ...] = ()
    """The terms the server applies, as typed."""
    client_terms: tuple[str, ...] = ()
    """The terms applied to the buffer here, as typed."""
    notes: tuple[str, ...] = ()
    """Why some terms stay on the client (e.g. the API filters ``level`` only exactly)."""
    predicate: Predicate | None = None
    """Applied to the whole buffer (every term, server ones included); ``None``: all match."""

    @property
    def ok(self) -> bool:
        """The expression parsed and can be applied."""
        return self.error is None


_TOKEN = re.compile(r'(?:"(?:[^"\\]|\\.)*"|\S)+')


def toggle_value(expression: str, field_name: str) -> str | None:
    """The value of a simple ``field=value`` term in the expression, if there is exactly one."""
    found: list[str] = []
    for token in _TOKEN.findall(expression):
        for op in ("=", ":"):
            prefix = f"{field_name}{op}"
            if token.lower().startswith(prefix.lower()) and not token.startswith("-"):
                value = token[len(prefix):]
                if value.startswith("="):
                    continue
                found.append(value.strip('"'))
                break
    return found[0] if len(found) == 1 else None


def with_toggle(expression: str, field_name: str, value: str | None) -> str:
    """The expression with every ``field=``/``field:`` term replaced by ``field=value``."""
    kept = [
        token
        for token in _TOKEN.findall(expression)
        if not token.lower().startswith((f"{field_name.lower()}=", f"{field_name.lower()}:"))
    ]
    if value is not None:
        kept.append(f"{field_name}={quote(value)}")
    return " ".join(kept)


def quote(value: str) -> str:
    """A value as an expression literal, quoted when it holds spaces, quotes or operators."""
    if value and re.fullmatch(r"[\w./@-]+", value) and not value.startswith("-"):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


SEEN_SAMPLE = 200
"""Newest entries whose field names count as "seen" when a filter names a field."""


def field_names(entries: Sequence[Entry]) -> set[str]:
    """Top-level field names (and one level of dotted paths) of the newest entries."""
    names: set[str] = set()
    for entry in entries[-SEEN_SAMPLE:]:
        for key, value in entry.data.items():
            names.add(key)
            if isinstance(value, Mapping):
                names.update(f"{key}.{inner}" for inner in value)
    return names


def in_zone(expr: FilterExpr, now: float, zone: Zone) -> FilterExpr:
    """``expr`` with each time of day (``time>=14:30``) fixed to today in ``zone``, the zone
    the dashboard shows, so a time typed from the screen means the rows it names."""
    midnight = day_start(now, zone)
    terms = tuple(
        replace(term, comparand=Comparand(ComparandKind.TIME, midnight + term.comparand.value))
        if term.comparand is not None and term.comparand.kind is ComparandKind.TIME_OF_DAY
        else term
        for term in expr.terms
    )
    return replace(expr, terms=terms)


def evaluate(expression: str, kind: str, *, now: float | None = None,
             entries: Sequence[Entry] = (), zone: Zone | None = None) -> FilterOutcome:
    """Check ``expression`` for ``kind``: what goes to the server, what stays here, or an error.

    ``now`` fixes relative times (``time>-5m``) when the predicate is built; ``entries``
    (the buffer) tell a field no entry has from one the source does not list; ``zone`` is
    the zone times of day are read in (default: the machine's local zone).
    """
    try:
        expr = parse(expression)
    except FilterSyntaxError as error:
        return FilterOutcome(expression, error=str(error), error_position=error.position)
    if zone is not None:
        expr = in_zone(expr, time.time() if now is None else now, zone)
    plan = split(expr, spec_for(kind), now=now, seen_fields=field_names(entries))
    params = dict(plan.params)
    if plan.job_filter:
        params["filter"] = plan.job_filter
    return FilterOutcome(
        expression,
        server_params=params,
        server_terms=tuple(server.term.text for server in plan.server_terms),
        client_terms=tuple(client.term.text for client in plan.client_terms),
        notes=tuple(f"{client.term.text}: {client.reason}" for client in plan.client_terms),
        predicate=None if expr.is_empty else plan.predicate,
    )


def expression_for_params(kind: str, params: Mapping[str, str]) -> str:
    """The filter expression equivalent to server parameters given on the command line.

    So ``--level error`` shows as ``level=error`` in the filter pane and can be edited there.
    """
    spec = spec_for(kind)
    terms: list[str] = []
    for name, value in params.items():
        server_field = next((f for f in spec.fields if f.param == name), None)
        flag = next((f for f in spec.flags if f.param == name), None)
        if server_field is not None:
            terms.append(f"{server_field.field}={quote(value)}")
        elif flag is not None:
            terms.append(f"{flag.name}={quote(value)}")
        elif name == spec.search_param and spec.search_fields:
            terms.append(f"{spec.search_fields[0]}:{quote(value)}")
    return " ".join(terms)
