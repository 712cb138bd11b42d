"""Finding text in the rows on screen: the search query, and the filter terms to highlight.

Search (``ctrl+f``) leaves every row in place, unlike the filter: it highlights what matches
and lets ``n``/``N`` jump between matching entries. A query is literal and case-insensitive;
one starting with ``~`` is a regular expression. Filter terms are highlighted too, so a row
shows why the filter kept it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from logtui.core.errors import FilterSyntaxError
from logtui.core.filters import parse
from logtui.core.filters.syntax import COMPARISONS, Op
from logtui.core.models import Entry

__all__ = ["Highlight", "compile_query", "filter_highlights", "matching_indexes"]


@dataclass(frozen=True, slots=True)
class Highlight:
    """A pattern to highlight in rows, and the style key it is drawn with."""

    pattern: re.Pattern[str]
    style_key: str

    def apply(self, text: Text, style: Style) -> None:
        """Highlight every match in ``text`` (empty matches are skipped)."""
        plain = text.plain
        for match in self.pattern.finditer(plain):
            if match.end() > match.start():
                text.stylize(style, match.start(), match.end())


def compile_query(query: str) -> re.Pattern[str] | None:
    """A search query as a case-insensitive pattern; ``None`` for an empty query.

    Raises ``re.error`` for a ``~regex`` that does not compile.
    """
    if query.startswith("~"):
        return re.compile(query[1:], re.IGNORECASE) if query[1:] else None
    return re.compile(re.escape(query), re.IGNORECASE) if query else None


def entry_matches(entry: Entry, pattern: re.Pattern[str]) -> bool:
    """Whether the entry's text as received holds a match."""
    return pattern.search(entry.raw) is not None


def matching_indexes(view: Sequence[Entry], pattern: re.Pattern[str]) -> list[int]:
    """Indexes into ``view`` of the entries that match, in order."""
    return [index for index, entry in enumerate(view) if entry_matches(entry, pattern)]


def filter_highlights(expression: str) -> tuple[Highlight, ...]:
    """What the filter's positive text terms match (``field:value``, bare words, regexes),
    as highlights; comparisons and negated terms highlight nothing."""
    try:
        expr = parse(expression)
    except FilterSyntaxError:
        return ()
    found: list[Highlight] = []
    for term in expr.terms:
        if term.negated or term.op in COMPARISONS or term.op is Op.NE:
            continue
        try:
            if term.op is Op.REGEX:
                pattern = re.compile(term.values[0], re.IGNORECASE)
            else:
                alternatives = "|".join(re.escape(value) for value in term.values if value)
                if not alternatives:
                    continue
                pattern = re.compile(alternatives, re.IGNORECASE)
        except re.error:
            continue
        found.append(Highlight(pattern, "filter-match"))
    return tuple(found)
