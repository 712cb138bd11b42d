"""One filter session per source: an expression to server parameters and a predicate, and back.

The dashboard's filter pane, the command line's ``--filter`` (and the flags that are sugar for
it) and headless mode all go through :class:`FilterSession`, so an expression means the same
thing wherever it is typed. :meth:`FilterSession.evaluate` parses and splits by what the API's
server filters (its profile's ``ServerFilterSpec``): query parameters, or an Instant Logs job
filter under ``filter``; the rest is a client-side predicate. An expression that does not
parse is an outcome with an error and its column, never an exception.
:meth:`FilterSession.expression_for` goes the other way, from server parameters to the
expression they stand for.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from logtui.core.errors import FilterSyntaxError
from logtui.core.eventtime import Zone, day_start
from logtui.core.fields import FieldResolver
from logtui.core.filters.evaluate import Predicate, compile_predicate
from logtui.core.filters.plan import FilterPlan, split
from logtui.core.filters.server import spec_for
from logtui.core.filters.syntax import Comparand, ComparandKind, FilterExpr, Op, Term, parse
from logtui.core.models import Entry, Notice, Sink, SourceStatus

SEEN_SAMPLE = 200
"""Newest entries whose field names count as "seen" when a filter names a field."""


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
    client_predicate: Predicate | None = None
    """Tests only the terms the server does not apply (what headless mode filters with);
    ``None`` when the server applies every term."""

    @property
    def ok(self) -> bool:
        """The expression parsed and can be applied."""
        return self.error is None

    def error_lines(self) -> tuple[str, str]:
        """The expression and a caret under the problem, for a terminal (stderr)."""
        position = self.error_position or 0
        return self.expression, " " * position + "^"


def quote(value: str) -> str:
    """A value as an expression literal, quoted when it holds spaces, quotes or operators."""
    if value and re.fullmatch(r"[\w./@-]+", value) and not value.startswith("-"):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


_SCALARS: Final = frozenset({str, int, float, bool, type(None), list})
"""Value types that are no mapping, told without an ABC check (entered on every filter)."""


def field_names(entries: Sequence[Entry]) -> set[str]:
    """Top-level field names (and one level of dotted paths) of the newest entries."""
    names: set[str] = set()
    for entry in entries[-SEEN_SAMPLE:]:
        for key, value in entry.data.items():
            names.add(key)
            if value.__class__ not in _SCALARS and isinstance(value, Mapping):
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


def _is_toggle_term(term: Term, field_name: str) -> bool:
    """A plain ``field=value`` or ``field:value`` term for the field (what a toggle sets)."""
    return (
        not term.negated
        and term.op in (Op.EQ, Op.CONTAINS)
        and term.field is not None
        and term.field.lower() == field_name.lower()
    )


def toggle_value(expression: str, field_name: str) -> str | None:
    """The value of the one plain ``field=value`` term for the field (a quick toggle's value);
    ``None`` when there is none, more than one, or the expression does not parse."""
    try:
        terms = [term for term in parse(expression).terms if _is_toggle_term(term, field_name)]
    except FilterSyntaxError:
        return None
    return ",".join(terms[0].values) if len(terms) == 1 else None


def with_toggle(expression: str, field_name: str, value: str | None) -> str:
    """The expression with the field's plain terms replaced by ``field=value`` (removed for
    ``None``); other terms are kept as typed. An expression that does not parse is kept whole."""
    try:
        kept = [term.text for term in parse(expression).terms
                if not _is_toggle_term(term, field_name)]
    except FilterSyntaxError:
        kept = [expression]
    if value is not None:
        kept.append(f"{field_name}={quote(value)}")
    return join_expressions(*kept)


def join_expressions(*parts: str) -> str:
    """Expressions joined as one (every term of each must match), empty parts left out."""
    return " ".join(part.strip() for part in parts if part.strip())


@dataclass(frozen=True, slots=True)
class FilterSession:
    """The filter language for one API (``kind``, a profile's name)."""

    kind: str

    def evaluate(self, expression: str, *, now: float | None = None,
                 entries: Sequence[Entry] = (), zone: Zone | None = None) -> FilterOutcome:
        """What of ``expression`` goes to the server, what stays here, or an error.

        ``now`` fixes relative times (``time>-5m``) when the predicate is built; ``entries``
        (the buffer) tell a field no entry has from one the source does not list; ``zone`` is
        the zone times of day are read in (default: the machine's local zone).
        """
        try:
            plan = self.plan(expression, now=now, entries=entries, zone=zone)
        except FilterSyntaxError as error:
            return FilterOutcome(expression, error=str(error), error_position=error.position)
        params = dict(plan.params)
        if plan.job_filter:
            params["filter"] = plan.job_filter
        return FilterOutcome(
            expression,
            server_params=params,
            server_terms=tuple(server.term.text for server in plan.server_terms),
            client_terms=tuple(client.term.text for client in plan.client_terms),
            notes=tuple(f"{client.term.text}: {client.reason}" for client in plan.client_terms),
            predicate=None if plan.expression.is_empty else plan.predicate,
            client_predicate=self.client_predicate(plan, now=now),
        )

    def plan(self, expression: str, *, now: float | None = None,
             entries: Sequence[Entry] = (), zone: Zone | None = None) -> FilterPlan:
        """The term-by-term split behind :meth:`evaluate` (for a caller that needs the terms
        themselves, as the Instant Logs job does); raises :class:`FilterSyntaxError`."""
        expr = parse(expression)
        if zone is not None:
            expr = in_zone(expr, time.time() if now is None else now, zone)
        return split(expr, spec_for(self.kind), now=now, seen_fields=field_names(entries))

    def client_predicate(self, plan: FilterPlan, *, now: float | None = None) -> Predicate | None:
        """A predicate testing only ``plan``'s client terms; None when the server takes all."""
        if not plan.client_terms:
            return None
        client_only = FilterExpr(plan.expression.source, tuple(c.term for c in plan.client_terms))
        return compile_predicate(client_only, FieldResolver.for_kind(self.kind), now=now)

    def expression_for(self, params: Mapping[str, str]) -> str:
        """The filter expression equivalent to server parameters given on the command line.

        So ``--level error`` shows as ``level=error`` in the filter pane and can be edited there.
        """
        spec = spec_for(self.kind)
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


class FilteredSink:
    """A sink that passes on only the entries a predicate keeps (the terms filtered here)."""

    def __init__(self, sink: Sink, predicate: Predicate) -> None:
        self._sink = sink
        self._predicate = predicate

    def on_entries(self, entries: Sequence[Entry]) -> None:
        keep = self._predicate
        kept = [entry for entry in entries if keep(entry)]
        if kept:
            self._sink.on_entries(kept)

    def on_status(self, status: SourceStatus) -> None:
        self._sink.on_status(status)

    def on_notice(self, notice: Notice) -> None:
        self._sink.on_notice(notice)


__all__ = [
    "SEEN_SAMPLE",
    "FilterOutcome",
    "FilterSession",
    "FilteredSink",
    "field_names",
    "in_zone",
    "join_expressions",
    "quote",
    "toggle_value",
    "with_toggle",
]
