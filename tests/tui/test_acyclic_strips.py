"""Rows Textual draws are freed by reference counting, not left for the cyclic collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from logtui.tui import acyclic_strips


@pytest.fixture
def installed() -> Iterator[None]:
    acyclic_strips.install()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        acyclic_strips.uninstall()


def _draw_rows(count: int) -> None:
    """What the compositor does with each row: no-op crops, cuts and styles."""
    for n in range(count):
        strip = Strip([Segment(f"row {n:<116}", Style(bold=True))], 120)
        strip.crop_extend(0, 120, None)
        strip.adjust_cell_length(120)
        strip.divide([120])
        strip.apply_style(Style())
        assert strip.divide([60, 120])[0].cell_length == 60  # real results still cached
        assert strip.divide([60, 120]) is strip.divide([60, 120])


def test_a_dropped_row_leaves_no_cycle_for_the_collector(installed: None) -> None:
    _draw_rows(200)
    assert gc.collect() == 0


def test_uninstall_gives_textual_its_own_methods_back() -> None:
    acyclic_strips.install()
    assert acyclic_strips.installed()
    acyclic_strips.uninstall()
    assert not acyclic_strips.installed()
    assert Strip.divide.__module__ == "textual.strip"
