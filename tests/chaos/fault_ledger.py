"""Counting, on the server's side, which scripted faults actually happened.

A scripted fault only fires if its connection lives long enough (a cut after 300 events does
nothing on a connection the network broke after 20), so a soak cannot count what it scripted:
it counts what the demo server did. :class:`FaultLedger` wraps the server's
:class:`~logtui.demo.FaultBook` so every stream connection's run reports each action it fires
and every refusal it answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from logtui.demo import DemoServer, Endpoint
from logtui.demo.faults import Action, FaultRun


class _CountingRun(FaultRun):
    """A fault run that tells the ledger about every action as it fires."""

    record: Callable[[str], None]

    def due(self, sent: int) -> list[Action]:
        fired = super().due(sent)
        for action in fired:
            self.record(str(action.kind))
        return fired


class FaultLedger:
    """What the demo server's faults did, by kind: ``cut``, ``stall``, ``429``, ..."""

    def __init__(self, server: DemoServer, monkeypatch: pytest.MonkeyPatch) -> None:
        self.fired: Counter[str] = Counter()
        book = server.faults
        original = book.next_run

        def next_run(endpoint: Endpoint) -> FaultRun:
            run = original(endpoint)
            if run.fault.status is not None:
                self.fired[str(run.fault.status)] += 1
            counting = _CountingRun(run.fault, run.rng)
            counting.record = self._record
            return counting

        monkeypatch.setattr(book, "next_run", next_run)

    def _record(self, kind: str) -> None:
        self.fired[kind] += 1
