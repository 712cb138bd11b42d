"""Shared fixtures: a dashboard over a scripted source, with a fixed clock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from logtui.core.models import Entry, SourceKind, SourceStatus
from logtui.tui import ScriptedSourceFactory, create_app
from logtui.tui.app import LogtuiApp

NOW = 1_718_201_300.0
"""The fixed wall clock of every dashboard test (2024-06-12 14:08:20 UTC)."""

AppMaker = Callable[..., tuple[LogtuiApp, ScriptedSourceFactory]]


@pytest.fixture(autouse=True)
def config_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config directory of the test's own: saved columns never come from or go to the
    user's (``$XDG_CONFIG_HOME/logtui``)."""
    home = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home / "logtui"


@pytest.fixture
def make_app(tmp_path: Path) -> AppMaker:
    """Build a dashboard on a scripted source; returns the app and the source factory."""

    def make(
        kind: SourceKind = SourceKind.PROXY,
        entries: Sequence[Entry] = (),
        statuses: Sequence[SourceStatus] = (),
        *,
        description: str = "http://127.0.0.1:8080/api/proxy-logs",
        buffer: int = 1_000,
        **options: object,
    ) -> tuple[LogtuiApp, ScriptedSourceFactory]:
        factory = ScriptedSourceFactory(initial=entries, statuses=statuses)
        export_dir = options.pop("export_dir", tmp_path)
        app = create_app(
            factory,
            kind,
            description=description,
            buffer=buffer,
            clock=lambda: NOW,
            frame_interval=60.0,  # tests apply frames themselves (helpers.frame)
            export_dir=export_dir,
            **options,  # type: ignore[arg-type]
        )
        return app, factory

    return make
