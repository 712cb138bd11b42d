"""Splitting an expression between the server and the buffer.

Terms the API can express are sent to the server (the engine reconnects, or starts a new
Instant Logs job, with the new parameters) so less crosses the wire; every term, server terms
included, is also applied to the buffer by the plan's predicate, so the view is right at once,
before the reconnect lands. Each term that stays client-side carries a one-line reason the
filter pane shows.

Query-parameter APIs (proxy-logs, NextDNS) take one exact value per parameter: ``level=warn``
is sent, ``level=warn,error`` is not (the stream takes one level). ``field:x`` on a field with
a fixed set of values is sent when exactly one value contains ``x`` (``level:err`` sends
``level=error``). NextDNS takes one text search: the first bare word or ``domain:x``.

The Instant Logs job filter maps operators one to one, as the service spells them (its docs
page says ``neq``; the service takes ``!eq``)::

    field=a       eq          field!=a      !eq         field>n ...  gt geq lt leq
    field=a,b     in [a,b]    field!=a,b    !in [a,b]
    field:a       contains    field^=a      startsWith  field$=a     endsWith
    -field:a      !contains   -field^=a     !startsWith -field$=a    !endsWith
    -term         the opposite operator otherwise (eq/!eq, in/!in, gt/leq, lt/geq)

Regular expressions, several ``contains`` values and times stay here. Numeric keys
(``EdgeResponseStatus``, ``ClientASN``) are sent as JSON numbers, in arrays too. The service
takes about :data:`MAX_JOB_OPERATORS` operators in :data:`MAX_JOB_FILTER_BYTES` bytes: a term
that would pass either stays here, with that reason. The job may match text with case; the
buffer filter does not, so the view is the intersection of both.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from logtui.core.fields import FieldResolver
from logtui.core.filters.evaluate import Predicate, compile_predicate
from logtui.core.filters.server import (
    Case,
    FilterStyle,
    ServerField,
    ServerFilterSpec,
    ServerFlag,
)
from logtui.core.filters.syntax import COMPARISONS, ComparandKind, FilterExpr, Op, Term

__all__ = [
    "MAX_JOB_FILTER_BYTES",
    "MAX_JOB_OPERATORS",
    "ClientTerm",
    "FilterPlan",
    "ServerTerm",
    "split",
]

MAX_JOB_OPERATORS: Final = 30
"""Conditions an Instant Logs job filter may hold."""
MAX_JOB_FILTER_BYTES: Final = 1000
"""Bytes the job's ``filter`` JSON string may take."""

_JOB_OPERATOR: Final = {
    Op.EQ: "eq",
    Op.NE: "!eq",
    Op.GT: "gt",
    Op.GE: "geq",
    Op.LT: "lt",
    Op.LE: "leq",
    Op.CONTAINS: "contains",
    Op.STARTS: "startsWith",
    Op.ENDS: "endsWith",
}
_NEGATED: Final = {
    Op.EQ: Op.NE,
    Op.NE: Op.EQ,
    Op.GT: Op.LE,
    Op.GE: Op.LT,
    Op.LT: Op.GE,
    Op.LE: Op.GT,
}
_TEXT_MATCH: Final = frozenset({Op.CONTAINS, Op.STARTS, Op.ENDS})


@dataclass(frozen=True, slots=True)
class ServerTerm:
    """A term sent to the server, and how it was sent (for the filter pane)."""

    term: Term
    sent: str
    """The parameter or job condition it became: ``level=warn``, ``ClientCountry eq "ca"``."""
    filters_entries: bool = True
    """False for a stream option such as NextDNS ``raw=1``, which the buffer filter skips."""


@dataclass(frozen=True, slots=True)
class ClientTerm:
    """A term applied only to the buffer, and why the server could not take it."""

    term: Term
    reason: str
    over_limit: bool = False
    """The server could take this term, but not in a filter this long."""


@dataclass(frozen=True, slots=True)
class FilterPlan:
    """The outcome of :func:`split`: what to send, what to filter locally, and the predicate."""

    expression: FilterExpr
    params: Mapping[str, str]
    """Query parameters for the stream (proxy-logs, NextDNS); empty for other sources."""
    job_filter: str
    """The Instant Logs job ``filter`` JSON string; ``""`` when nothing goes to the job."""
    server_terms: tuple[ServerTerm, ...]
    client_terms: tuple[ClientTerm, ...]
    predicate: Predicate = field(compare=False)
    """Applies every term (server terms included, stream options excluded) to entries."""

    def same_server_request(self, other: FilterPlan) -> bool:
        """Whether ``other`` asks the server for the same thing (no reconnect or new job)."""
        return dict(self.params) == dict(other.params) and self.job_filter == other.job_filter


def split(
    expr: FilterExpr,
    capabilities: ServerFilterSpec,
    fields: FieldResolver | None = None,
    *,
    now: float | None = None,
    seen_fields: Collection[str] = (),
) -> FilterPlan:
    """Decide, term by term, what the server filters, and build the buffer predicate.

    ``fields`` defaults to the resolver of the spec's source kind; ``now`` fixes relative
    times, as in :func:`~logtui.core.filters.compile_predicate`. ``seen_fields`` are the
    field names of entries received so far: a field neither known nor seen is most likely a
    typo, and its note says so with the closest name.
    """
    resolver = fields if fields is not None else FieldResolver.for_kind(capabilities.kind)
    planner = _Planner(capabilities, resolver, seen_fields)
    for term in expr.terms:
        planner.place(term)
    option_terms = {id(s.term) for s in planner.server_terms if not s.filters_entries}
    filtering = FilterExpr(expr.source, tuple(t for t in expr.terms if id(t) not in option_terms))
    conditions = planner.conditions
    job_filter = (
        json.dumps({"where": {"and": conditions}}, separators=(",", ":")) if conditions else ""
    )
    return FilterPlan(
        expression=expr,
        params=dict(planner.params),
        job_filter=job_filter,
        server_terms=tuple(planner.server_terms),
        client_terms=tuple(planner.client_terms),
        predicate=compile_predicate(filtering, resolver, now=now),
    )


class _Planner:
    """Places terms one by one, remembering which single-valued parameters are taken."""

    def __init__(
        self, spec: ServerFilterSpec, fields: FieldResolver, seen_fields: Collection[str] = ()
    ) -> None:
        self.spec = spec
        self.fields = fields
        self.seen_fields = seen_fields
        self.params: dict[str, str] = {}
        self.conditions: list[dict[str, Any]] = []
        self.server_terms: list[ServerTerm] = []
        self.client_terms: list[ClientTerm] = []

    def place(self, term: Term) -> None:
        spec = self.spec
        # A generic stream knows no fields: only names seen in entries tell a typo.
        knows_fields = spec.style is not FilterStyle.NONE or bool(self.seen_fields)
        if (
            term.field is not None
            and knows_fields
            and self.flag_for(term) is None
            and (unknown := self.unknown_field(term.field)) is not None
        ):
            self.client(term, unknown)
        elif spec.style is FilterStyle.NONE:
            self.client(term, f"{spec.label} filters nothing on the server")
        elif term.field is None:
            self.place_text(term)
        elif (flag := self.flag_for(term)) is not None:
            if term.values[0].lower() in flag.accepted:
                self.params[flag.param] = flag.value
                self.server_terms.append(ServerTerm(term, f"{flag.param}={flag.value}", False))
            else:
                self.server_terms.append(ServerTerm(term, f"{flag.param} off (not sent)", False))
        else:
            canonical = self.fields.canonical(term.field)
            server_field = spec.field_for(canonical)
            if canonical in spec.search_fields and spec.search_param is not None:
                self.place_search(term, term.op is Op.CONTAINS and len(term.values) == 1)
            elif server_field is None:
                reason = spec.client_only.get(canonical, f"{spec.label} cannot filter {term.field}")
                self.client(term, reason)
            elif spec.style is FilterStyle.JOB:
                self.place_job(term, server_field)
            else:
                self.place_query(term, server_field)

    def unknown_field(self, name: str) -> str | None:
        """``no entry has a field statuz; did you mean status?`` for a name neither known to
        the source nor seen in an entry (``None`` when the field exists)."""
        seen = {field.lower(): field for field in self.seen_fields}
        canonical = self.fields.canonical(name)
        if (
            self.fields.is_known(name)
            or name.lower() in seen
            or self.spec.field_for(canonical) is not None
            or canonical in self.spec.search_fields
            or canonical in self.spec.client_only
        ):
            return None
        candidates = {name.lower(): name for name in self.fields.known_names()}
        candidates.update(seen)
        close = difflib.get_close_matches(name.lower(), list(candidates), n=1, cutoff=0.6)
        hint = f"; did you mean {candidates[close[0]]}?" if close else ""
        return f"no entry has a field {name}{hint}"

    def client(self, term: Term, reason: str, *, over_limit: bool = False) -> None:
        self.client_terms.append(ClientTerm(term, reason, over_limit))

    def flag_for(self, term: Term) -> ServerFlag | None:
        for flag in self.spec.flags:
            if (
                term.field is not None
                and term.field.lower() == flag.name
                and term.op is Op.EQ
                and not term.negated
                and len(term.values) == 1
                and term.values[0].lower() in flag.accepted | flag.off
            ):
                return flag
        return None

    def place_text(self, term: Term) -> None:
        spec = self.spec
        if term.op is Op.REGEX:
            self.client(term, f"{spec.label} has no regular expressions")
        elif spec.search_param is None:
            self.client(term, f"{spec.label} cannot search text")
        else:
            self.place_search(term, True)

    def place_search(self, term: Term, expressible: bool) -> None:
        param = self.spec.search_param
        assert param is not None
        if term.negated:
            self.client(term, f"{self.spec.label} search cannot exclude text")
        elif not expressible:
            self.client(term, f"{self.spec.label} searches one text: write {term.field}:text")
        elif param in self.params:
            self.client(term, f"{self.spec.label} takes one search; the others filter here")
        else:
            self.params[param] = term.values[0]
            self.server_terms.append(ServerTerm(term, f"{param}={term.values[0]}"))

    def place_query(self, term: Term, server_field: ServerField) -> None:
        label, param = self.spec.label, server_field.param
        if term.negated or term.op is Op.NE:
            self.client(term, f"{label} cannot exclude {param} values")
            return
        values = [_normalise(value, server_field.case) for value in term.values]
        if term.op is Op.CONTAINS and server_field.values and len(values) == 1:
            matches = [known for known in server_field.values if values[0].lower() in known]
            if len(matches) == 1:
                values = matches
            else:
                self.client(term, f"{label} matches {param} exactly: write {param}=value")
                return
        elif term.op is not Op.EQ:
            self.client(term, f"{label} matches {param} exactly: write {param}=value")
            return
        if len(values) > 1:
            self.client(term, f"{label} takes one {param} value; several filter here")
            return
        value = values[0]
        if server_field.values and value not in server_field.values:
            allowed = ", ".join(server_field.values)
            self.client(term, f"{label} accepts only {param} {allowed}")
        elif param in self.params:
            self.client(term, f"{label} takes one {param} value; the others filter here")
        elif not value:
            self.client(term, f"{label} cannot match an empty {param}")
        else:
            self.params[param] = value
            self.server_terms.append(ServerTerm(term, f"{param}={value}"))

    def place_job(self, term: Term, server_field: ServerField) -> None:
        label, key = self.spec.label, server_field.param
        excluded = term.negated and term.op in _TEXT_MATCH
        op = _NEGATED.get(term.op) if term.negated and not excluded else term.op
        if op is None:
            self.client(term, f"{label} cannot exclude a '{term.op.value}' match")
            return
        if op is Op.REGEX:
            self.client(term, f"{label} has no regular expressions")
            return
        if op not in server_field.operators:
            if server_field.numeric:
                self.client(term, f"{label} compares {key} as a number: use = != > >= < <=")
            else:
                self.client(term, f"{label} cannot compare {key} with '{op.value}'")
            return
        if op in COMPARISONS:
            comparand = term.comparand
            if comparand is None or comparand.kind is not ComparandKind.NUMBER:
                self.client(term, f"{label} compares {key} with numbers, not times")
                return
            values = [_format_number(comparand.value)]
        else:
            values = [_normalise(value, server_field.case) for value in term.values]
        if op in _TEXT_MATCH and len(values) > 1:
            self.client(term, f"{label} has no '{_JOB_OPERATOR[op]}' for several values")
            return
        if server_field.numeric:
            if not all(_is_integer(value) for value in values):
                self.client(term, f"{label} takes whole numbers for {key}")
                return
            values = [_format_number(float(value)) for value in values]
        conditions = self.job_conditions(key, op, values, server_field.numeric, excluded)
        if len(self.conditions) + len(conditions) > MAX_JOB_OPERATORS:
            self.client(term, f"{label} takes at most {MAX_JOB_OPERATORS} operators",
                        over_limit=True)
            return
        encoded = json.dumps({"where": {"and": [*self.conditions, *conditions]}},
                             separators=(",", ":"))
        if len(encoded.encode("utf-8")) > MAX_JOB_FILTER_BYTES:
            self.client(term, f"{label} takes at most {MAX_JOB_FILTER_BYTES:,} bytes of filter",
                        over_limit=True)
            return
        self.conditions.extend(conditions)
        sent = " and ".join(
            f"{c['key']} {c['operator']} {json.dumps(c['value'])}" for c in conditions
        )
        self.server_terms.append(ServerTerm(term, sent))

    @staticmethod
    def job_conditions(
        key: str, op: Op, values: list[str], numeric: bool, excluded: bool = False
    ) -> list[dict[str, Any]]:
        """``=a,b`` becomes one ``in`` and ``!=a,b`` one ``!in``, each with an array;
        ``excluded`` text matches take the ``!`` form (``!contains``)."""

        def typed(value: str) -> str | int:
            return int(value) if numeric else value

        if op in (Op.EQ, Op.NE) and len(values) > 1:
            operator = "in" if op is Op.EQ else "!in"
            return [{"key": key, "operator": operator, "value": [typed(v) for v in values]}]
        operator = ("!" if excluded else "") + _JOB_OPERATOR[op]
        return [{"key": key, "operator": operator, "value": typed(value)} for value in values]


def _normalise(value: str, case: Case) -> str:
    if case is Case.LOWER:
        return value.lower()
    if case is Case.UPPER:
        return value.upper()
    return value


def _is_integer(text: str) -> bool:
    try:
        number = float(text)
    except ValueError:
        return False
    return number.is_integer() and abs(number) < 2**53


def _format_number(number: float) -> str:
    return str(int(number)) if number.is_integer() and abs(number) < 2**53 else repr(number)
