"""The dashboard's options are written once: ``create_app`` and the app share ``AppOptions``."""

from __future__ import annotations

from dataclasses import replace

import pytest

from logtui.core.models import SourceKind
from logtui.tui import AppOptions, ScriptedSourceFactory, create_app


def test_create_app_keywords_are_options_applied_over_the_ones_given() -> None:
    base = AppOptions(buffer=10, frame_interval=60.0, initial_filter="level=error")
    app = create_app(ScriptedSourceFactory(), SourceKind.PROXY, base, buffer=20,
                     description="http://127.0.0.1:9/stream")
    assert app.options == replace(base, buffer=20)
    assert app.store.capacity == 20
    assert app.kind == SourceKind.PROXY


def test_an_unknown_option_is_refused_when_the_app_is_built() -> None:
    with pytest.raises(TypeError, match="bufer"):
        create_app(ScriptedSourceFactory(), SourceKind.PROXY, bufer=20)
