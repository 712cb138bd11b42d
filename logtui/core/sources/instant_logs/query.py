"""``--filter`` for Instant Logs: what becomes the job filter, and what is left to filter here.

The expression is the dashboard's language, split by the filter session
(:class:`~logtui.core.filters.session.FilterSession`) as everywhere else. Terms the job can
express go into its ``{"where":{"and":[...]}}`` filter; the rest filter the records as they
arrive, through :class:`FilteredSink` in headless mode (the dashboard does the same with its
own buffer filter). A term can only be tested here on a field the records carry, so
:func:`fields_for` adds such fields to the job's field list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from logtui.core.apis import profile_for
from logtui.core.fields import TIME, FieldResolver
from logtui.core.filters import Predicate, Term
from logtui.core.filters.session import FilteredSink, FilterSession
from logtui.core.models import SourceKind

_KIND = SourceKind.INSTANT_LOGS


@dataclass(frozen=True, slots=True)
class InstantFilter:
    """One ``--filter`` expression, split between the job and logtui."""

    expression: str
    job_filter: str
    """The job's ``filter`` JSON string; ``""`` when no term goes to the job."""
    sent: tuple[str, ...]
    """Each job condition as sent: ``EdgeResponseStatus geq 500``."""
    kept: tuple[str, ...]
    """Each term filtered here, with the reason: ``foo: the Instant Logs job cannot ...``."""
    server_terms: tuple[Term, ...]
    client_terms: tuple[Term, ...]
    predicate: Predicate | None
    """Tests only the terms filtered here; None when every term went to the job."""
    over_limit: int = 0
    """Terms the job could take but that did not fit its size limits (filtered here)."""

    def limit_note(self) -> str:
        """A line for everyone (not only ``-v``) when the filter outgrew the job's limits."""
        if not self.over_limit:
            return ""
        return (
            f"the filter is longer than an Instant Logs job takes (about 30 operators, 1,000"
            f" bytes): {self.over_limit} term(s) are applied by logtui instead; -v lists them"
        )

    def describe(self) -> list[str]:
        """Lines for ``-v``: where each term of the expression is applied."""
        lines = [f"filter sent to the Instant Logs job: {sent}" for sent in self.sent]
        lines += [f"filter applied by logtui: {kept}" for kept in self.kept]
        return lines


def plan_filter(expression: str, *, now: float | None = None) -> InstantFilter:
    """Split ``expression``; raises :class:`~logtui.core.errors.FilterSyntaxError`."""
    session = FilterSession(_KIND)
    plan = session.plan(expression, now=now)
    client_terms = tuple(client.term for client in plan.client_terms)
    predicate = session.client_predicate(plan, now=now)
    return InstantFilter(
        expression=expression,
        job_filter=plan.job_filter,
        sent=tuple(server.sent for server in plan.server_terms),
        kept=tuple(f"{client.term.text}: {client.reason}" for client in plan.client_terms),
        server_terms=tuple(server.term for server in plan.server_terms),
        client_terms=client_terms,
        predicate=predicate,
        over_limit=sum(1 for client in plan.client_terms if client.over_limit),
    )


def fields_for(terms: Sequence[Term], fields: Sequence[str]) -> tuple[str, ...]:
    """``fields`` plus every known record field ``terms`` test that it lacks, in order."""
    resolver = FieldResolver.for_kind(_KIND)
    known = set(profile_for(_KIND).fields.known) - {"sampleInterval"}
    wanted = list(fields)
    for term in terms:
        if term.field is None:
            continue
        name = resolver.canonical(term.field)
        if name == TIME:
            name = "EdgeStartTimestamp"
        if name == "ClientRequestPath" and "ClientRequestURI" in wanted:
            continue
        if name in known and name not in wanted:
            wanted.append(name)
    return tuple(wanted)


__all__ = ["FilteredSink", "InstantFilter", "fields_for", "plan_filter"]
