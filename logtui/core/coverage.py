"""What the buffer holds for a filter: which intervals a server-side filter change left out.

While a narrow server filter (``level=warn``) is active the server never sends the other
entries, so widening it again leaves a hole the new stream does not fill. :class:`Coverage`
remembers the filters in force since the start (each from the last entry key handed on before
it) and, at every change, says where the new filter's entries stop being complete: the engine
backfills from there when the API can (proxy-logs ``/_logs?afterId=``), and otherwise hands on
a gap row (:func:`gap_entry`) that says how long and why.

One filter covers another when its parameters are a subset of the other's: every parameter is
a further restriction, so fewer parameters never select fewer entries. Different values of the
same parameter do not cover each other.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from logtui.core.identity import GAP_FIELD
from logtui.core.models import Entry

MAX_PERIODS: Final = 64
"""Filter periods remembered; older ones have long left any buffer."""


@dataclass(frozen=True, slots=True)
class Period:
    """A stretch of time with one set of server filters."""

    params: Mapping[str, str]
    after_key: str | None
    """The last entry key handed on before it began (None: nothing yet)."""
    started: float
    """Wall-clock seconds when it began."""


@dataclass(frozen=True, slots=True)
class Gap:
    """An interval whose entries the new filter selects but the server never sent."""

    started: float
    ended: float
    outside: tuple[str, ...]
    """The filters that were in force, as ``name=value`` text."""
    after_key: str | None
    """The last entry key handed on before the interval."""


@dataclass(frozen=True, slots=True)
class Change:
    """What a filter change needs: where the new filter's entries stop being complete."""

    after_key: str | None
    """Entries for the new filter are complete up to this key; backfill after it."""
    gap: Gap | None
    """The interval that is incomplete for the new filter (None: nothing is missing)."""


def covers(wider: Mapping[str, str], narrower: Mapping[str, str]) -> bool:
    """Whether every entry ``narrower`` selects is also selected by ``wider``."""
    return all(narrower.get(name) == value for name, value in wider.items())


def describe(params: Mapping[str, str]) -> str:
    """Server parameters as ``name=value`` text (``no filter`` when empty)."""
    return " ".join(f"{name}={value}" for name, value in sorted(params.items())) or "no filter"


class Coverage:
    """The server filters in force over time, for one stream."""

    def __init__(self, params: Mapping[str, str], after_key: str | None, now: float) -> None:
        self._periods: list[Period] = [Period(dict(params), after_key, now)]

    def change(
        self, params: Mapping[str, str], last_key: str | None, now: float, *, backfills: bool
    ) -> Change:
        """Record a switch to ``params``; say where its entries stop being complete.

        ``last_key`` is the last entry key handed on; ``backfills``: the source can fetch the
        entries after a key with the new filter (then no gap is reported when a key is known).
        """
        periods = self._periods
        first = next(
            (index for index, period in enumerate(periods) if not covers(period.params, params)),
            None,
        )
        new = dict(params)
        if first is None:
            periods.append(Period(new, last_key, now))
            change = Change(last_key, None)
        elif backfills and periods[first].after_key is not None:
            start = periods[first]
            # Once backfilled, the new filter's entries are complete since that key.
            del periods[first:]
            periods.append(Period(new, start.after_key, start.started))
            change = Change(start.after_key, None)
        else:
            outside = tuple(
                dict.fromkeys(
                    describe(period.params)
                    for period in periods[first:]
                    if not covers(period.params, params)
                )
            )
            gap = Gap(periods[first].started, now, outside, periods[first].after_key)
            # The interval is reported once; from now on the new filter is complete.
            del periods[first:]
            periods.append(Period(new, last_key, now))
            change = Change(last_key, gap)
        del periods[:-MAX_PERIODS]
        return change


def _clock(seconds: float) -> str:
    return _dt.datetime.fromtimestamp(seconds, tz=_dt.UTC).strftime("%H:%M:%S")


def gap_text(gap: Gap) -> str:
    """The row shown for a gap, e.g. ``— 12 s not loaded: entries outside the filter ...``."""
    seconds = max(0, round(gap.ended - gap.started))
    noun = "filter" if len(gap.outside) == 1 else "filters"
    return (
        f"— {seconds} s not loaded: entries outside the {noun} {', '.join(gap.outside)}"
        f" were not fetched ({_clock(gap.started)}\u2013{_clock(gap.ended)} UTC) —"
    )


def gap_entry(gap: Gap) -> Entry:
    """A gap as a row for the buffer: origin ``gap``, not an entry of the log."""
    text = gap_text(gap)
    description = {
        "from": gap.started,
        "to": gap.ended,
        "outside": list(gap.outside),
        "afterKey": gap.after_key,
    }
    data = {"message": text, GAP_FIELD: description}
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Entry(raw=raw, data=data, origin="gap", received_at=gap.ended, is_json=False)


__all__ = ["Change", "Coverage", "Gap", "Period", "covers", "describe", "gap_entry", "gap_text"]
