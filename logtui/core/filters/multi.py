"""One filter expression over several named sources at once.

With several sources an expression means, for each source, what it means for that source's
API, plus one field of its own:

- ``source`` is the logtui source's name (``source=home``, ``source!=dns``, ``source=a,b``,
  ``source:ho``). It is tested here, on ``Entry.source``; a payload field that is itself called
  ``source`` (proxy-logs ``backend``/``edge``) is read as ``payload.source``. ``payload.X``
  reads the payload's field ``X`` in general, whatever logtui calls ``X``.
- Every other term is split by each source's own API (its profile's ``ServerFilterSpec``), as
  with one source. A term goes to a source's server only if that API can filter it: NextDNS has
  no ``level``, so ``level=error`` is never sent to it and filters its entries here (none has a
  level, so none matches).
- The server part goes only to the sources the ``source`` terms select; a source they rule out
  keeps streaming as it was (none of its entries is shown anyway).

Every term is also applied to the buffer, with each entry read by its own source's field
names, so the view is right before any reconnect lands.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from logtui.core.apis.base import FieldSet
from logtui.core.apis.merged import SOURCE_FIELD, SourceRef
from logtui.core.errors import FilterSyntaxError
from logtui.core.eventtime import Zone
from logtui.core.fields import FieldResolver
from logtui.core.filters.evaluate import Predicate, compile_predicate
from logtui.core.filters.plan import FilterPlan, split
from logtui.core.filters.screen import PerSource
from logtui.core.filters.server import spec_for
from logtui.core.filters.session import FilterOutcome, FilterSession, field_names, in_zone
from logtui.core.filters.syntax import FilterExpr, Term, parse
from logtui.core.models import Entry

__all__ = ["PAYLOAD_PREFIX", "MultiFilterOutcome", "MultiFilterSession"]

PAYLOAD_PREFIX: Final = "payload."
"""Written before a field name, reads the payload's own field (``payload.source``)."""
SEEN_PER_SOURCE: Final = 2_000
"""Newest entries of the buffer looked at for each source's field names."""


@dataclass(frozen=True, slots=True)
class MultiFilterOutcome(FilterOutcome):
    """A filter outcome over several sources, with each selected source's server part."""

    member_params: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Server parameters per source name, for the sources the ``source`` terms select."""


def _source_of(entry: Entry) -> str | None:
    return entry.source


_SOURCE_RESOLVER: Final = FieldResolver(
    "sources", FieldSet(known=(SOURCE_FIELD,), getters={SOURCE_FIELD: _source_of})
)
"""Reads ``source`` as the entry's source name, for the ``source`` terms."""


def _is_source_term(term: Term) -> bool:
    return term.field is not None and term.field.lower() == SOURCE_FIELD


def _payload_term(term: Term) -> Term:
    """``payload.X`` terms read the payload's ``X``."""
    name = term.field
    if name is not None and name.lower().startswith(PAYLOAD_PREFIX) and len(name) > 8:
        return replace(term, field=name[len(PAYLOAD_PREFIX):])
    return term


def _dispatch(by_source: Mapping[str, Predicate], source: Predicate | None) -> Predicate:
    """Each entry tested by its own source's predicate (after the ``source`` terms); the store
    filters each source's rows with its own predicate (see :class:`PerSource`)."""
    return PerSource(by_source, source)


class MultiFilterSession:
    """The filter language over several named sources (see the module docstring)."""

    def __init__(self, refs: Sequence[SourceRef]) -> None:
        self.refs: tuple[SourceRef, ...] = tuple(refs)
        self._sessions = {ref.name: FilterSession(ref.kind) for ref in self.refs}

    def evaluate(self, expression: str, *, now: float | None = None,
                 entries: Sequence[Entry] = (), zone: Zone | None = None) -> MultiFilterOutcome:
        """What of ``expression`` goes to which source's server, what stays here, or an error."""
        try:
            expr = parse(expression)
        except FilterSyntaxError as error:
            return MultiFilterOutcome(expression, error=str(error),
                                      error_position=error.position)
        if zone is not None:
            expr = in_zone(expr, time.time() if now is None else now, zone)
        source_terms = tuple(term for term in expr.terms if _is_source_term(term))
        rest = FilterExpr(expr.source, tuple(
            _payload_term(term) for term in expr.terms if not _is_source_term(term)
        ))
        source = (
            compile_predicate(FilterExpr(expr.source, source_terms), _SOURCE_RESOLVER, now=now)
            if source_terms else None
        )
        names = [ref.name for ref in self.refs]
        selected = [name for name in names
                    if source is None or source(Entry(raw="", data={}, source=name))]
        plans = {
            ref.name: split(rest, spec_for(ref.kind), now=now,
                            seen_fields=field_names(self._own(entries, ref.name)))
            for ref in self.refs
        }
        return self._outcome(expr, source_terms, source, selected, plans, now)

    @staticmethod
    def _own(entries: Sequence[Entry], name: str) -> list[Entry]:
        recent = entries[-SEEN_PER_SOURCE:] if len(entries) > SEEN_PER_SOURCE else entries
        return [entry for entry in recent if entry.source == name]

    def _outcome(self, expr: FilterExpr, source_terms: tuple[Term, ...],
                 source: Predicate | None, selected: list[str], plans: Mapping[str, FilterPlan],
                 now: float | None) -> MultiFilterOutcome:
        notes: list[str] = []
        known = {ref.name.lower() for ref in self.refs}
        for term in source_terms:
            unknown = [value for value in term.values if value.lower() not in known]
            if unknown and term.op.value in ("=", "!="):
                listed = ", ".join(ref.name for ref in self.refs)
                notes.append(f"{term.text}: no source named {', '.join(unknown)} ({listed})")
        # Terms are told apart by where they start in the expression.
        sent_to: dict[int, list[str]] = {}
        reasons: dict[tuple[int, str], list[str]] = {}
        order: dict[int, Term] = {}
        for name in selected:
            plan = plans[name]
            for server in plan.server_terms:
                sent_to.setdefault(server.term.start, []).append(name)
                order[server.term.start] = server.term
            for client in plan.client_terms:
                reasons.setdefault((client.term.start, client.reason), []).append(name)
                order[client.term.start] = client.term
        kept_by: dict[int, list[str]] = {}
        for (start, _), names in reasons.items():
            kept_by.setdefault(start, []).extend(names)
        server_terms: list[str] = []
        client_terms = [term.text for term in source_terms]
        for start in sorted(order):
            text = order[start].text
            sent, kept = sent_to.get(start, []), kept_by.get(start, [])
            # A term some sources' servers take and others' cannot is on both sides, named.
            if sent:
                server_terms.append(f"{text} ({', '.join(sent)})" if kept else text)
            if kept:
                client_terms.append(f"{text} ({', '.join(kept)})" if sent else text)
        everyone = len(selected)
        for (start, reason), names in reasons.items():
            where = "" if len(names) == everyone else f" ({', '.join(names)})"
            notes.append(f"{order[start].text}{where}: {reason}")
        member_params: dict[str, dict[str, str]] = {}
        for name in selected:
            plan = plans[name]
            params = dict(plan.params)
            if plan.job_filter:
                params["filter"] = plan.job_filter
            member_params[name] = params
        by_source = {name: plan.predicate for name, plan in plans.items()}
        client_by_source: dict[str, Predicate] = {}
        for name, plan in plans.items():
            only_here = self._sessions[name].client_predicate(plan, now=now)
            client_by_source[name] = only_here if only_here is not None else _always
        return MultiFilterOutcome(
            expr.source,
            server_terms=tuple(server_terms),
            client_terms=tuple(client_terms),
            notes=tuple(notes),
            predicate=None if expr.is_empty else _dispatch(by_source, source),
            client_predicate=None if expr.is_empty else _dispatch(client_by_source, source),
            member_params=member_params,
        )


def _always(entry: Entry) -> bool:
    return True

