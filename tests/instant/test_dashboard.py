"""The dashboard on a real Instant Logs source: the filter pane edits the job filter.

Server terms make a new job with the compiled filter; terms the job cannot express filter the
buffer at once and the filter pane says why; the status bar shows the sampling.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from logtui.core.engine import Engine
from logtui.core.models import Sink, SourceKind
from logtui.core.runner import EngineThread
from logtui.core.store import entries_only
from logtui.demo import DemoServer
from logtui.tui import create_app

from .helpers import demo_config, fast_backoff, make_source

EXAMPLE_JOB_FILTER = {"where": {"and": [
    {"key": "EdgeResponseStatus", "operator": "geq", "value": 500},
    {"key": "ClientCountry", "operator": "eq", "value": "ca"},
]}}


async def until(pilot: Pilot[object], condition: Callable[[], bool], within: float = 30) -> None:
    """Let frames run until ``condition`` holds (the engine runs on its own thread); the
    deadline only bounds a failure, so it is generous for a loaded machine."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


async def test_filter_pane_makes_a_new_job_for_server_terms_and_filters_the_rest_here(
    tmp_path: Path,
) -> None:
    with DemoServer(demo_config(rate=80.0, instant_logs_rate_cap=20.0)) as server:
        source = make_source(server, zone="dash")

        def factory(sink: Sink) -> EngineThread:
            return EngineThread(lambda s: Engine(source, s, backoff=fast_backoff()), sink)

        app = create_app(
            factory, SourceKind.INSTANT_LOGS, description=source.description,
            export_dir=tmp_path,
        )
        async with app.run_test(size=(160, 40)) as pilot:
            await until(pilot, lambda: len(app.store) > 0)
            await until(pilot, lambda: "server 1 in" in app.status_bar.status.sampling)

            assert app.apply_filter("EdgeResponseStatus>=500 ClientCountry=ca")
            await until(pilot, lambda: len(source.jobs) == 2)
            assert json.loads(source.jobs[-1].filter) == EXAMPLE_JOB_FILTER

            assert app.apply_filter("ClientCountry=us")
            await until(pilot, lambda: len(source.jobs) == 3)
            await until(pilot, lambda: len(entries_only(app.store.view)) > 0)

            assert app.apply_filter("ClientCountry=us static")
            await until(pilot, lambda: len(entries_only(app.store.view)) > 3)
            assert len(source.jobs) == 3, "a client-side term does not make a new job"
            outcome = app.outcome
            assert outcome is not None
            assert outcome.client_terms == ("static",)
            assert any("cannot search text" in note for note in outcome.notes)
            # Gap rows (what the narrower job never sent) stay in view: check the entries.
            assert all("static" in entry.raw for entry in entries_only(app.store.view))
            assert len(app.store.view) < len(app.store)
