"""Rows built as pieces draw exactly the line the ``Text`` path draws, style for style.

The stream pane draws rows straight from pieces (:mod:`logtui.tui.cells`); the ``Text`` rows of
:class:`~logtui.tui.rows.RowRenderer` are the reference: every cell, highlight, mark, cursor,
sideways offset, cut and pad must come out the same on screen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from logtui.core.models import Entry, SourceKind
from logtui.tui.rows import RowRenderer
from logtui.tui.search import Highlight, compile_query, filter_highlights
from logtui.tui.text import safe_line

from .entries import dns_entries, entry, hostile_proxy_entry, proxy_entries

BASE = Style(color="#e0e0e0", bgcolor="#101010")
CONSOLE = Console(width=200, color_system="truecolor")

STYLES: dict[str, Style] = {
    "mark": Style(color="yellow", bold=True),
    "gap": Style(color="magenta", italic=True),
    "cursor": Style(bgcolor="blue", reverse=False, underline=True),
    "search-match": Style(color="black", bgcolor="yellow"),
    "filter-match": Style(bgcolor="green", bold=True),
    "level-error": Style(color="red"),
    "level-warn": Style(color="#ffaa00"),
    "level-info": Style(),
    "level-debug": Style(dim=True),
    "status-2xx": Style(color="green"),
    "status-4xx": Style(color="#ffaa00", bold=True),
    "status-5xx": Style(color="red", bold=True),
    "dns-blocked": Style(color="red", strike=True),
    "dns-default": Style(),
    "text": Style(color="white"),
}


def style_for(key: str) -> Style:
    return STYLES.get(key, Style(color="cyan") if key.startswith("dns") else Style())


def _text_strip(text: Text, width: int) -> Strip:
    """What the pane drew from a ``Text`` row before pieces."""
    return Strip(list(text.render(CONSOLE))).apply_style(BASE).crop_extend(0, width, BASE)


def _looks(strip: Strip) -> list[tuple[str, Style | None]]:
    """A line as the terminal shows it: runs of text in one style."""
    return [(text, style) for text, style, _ in Segment.simplify(list(strip))]


def _wide(entries: list[Entry]) -> Iterator[Entry]:
    """Entries with wide, combining and hostile text in the cut and scrolled columns."""
    for number, original in enumerate(entries):
        data = dict(original.data)
        data["url"] = "/路径/" + "漢字" * (number % 7) + "/é́/" + "x" * (number * 3)
        data["serviceName"] = "サービス-" * (number % 3) + "svc"
        yield dataclasses.replace(entry(data), seq=original.seq)


def _entries() -> list[Entry]:
    proxy = proxy_entries(12)
    long_url = dict(proxy[3].data, url="/v1/reports/" + "abcdefghij" * 20 + "/END")
    late = dataclasses.replace(proxy[5], late=True)
    history = dataclasses.replace(proxy[6], origin="history")
    gap = entry({"message": "412 entries not loaded [b]x[/b] \x1b[2J"}, origin="gap")
    return [*proxy, entry(long_url), late, history, gap, hostile_proxy_entry(),
            *_wide(proxy_entries(6))]


def _highlights(query: str) -> tuple[Highlight, ...]:
    pattern = compile_query(query)
    search = () if pattern is None else (Highlight(pattern, "search-match"),)
    return (*filter_highlights("service:billing url:/v1 level=error"), *search)


@pytest.mark.parametrize("width", [120, 80, 41, 12])
@pytest.mark.parametrize("query", ["", "INVOICES", "~[0-9]+", "~.", "字", "v1/h"])
def test_a_proxy_row_from_pieces_matches_the_text_row(width: int, query: str) -> None:
    renderer = RowRenderer(SourceKind.PROXY, style_for)
    renderer.resize(width)
    entries = _entries()
    renderer.observe(entries)
    renderer.highlights = _highlights(query)
    for offset in (0, 3, 8, 40):
        renderer.offset = offset
        for item in entries:
            for marked in (False, True):
                for selected in (False, True):
                    row = renderer.row(item, marked=marked)
                    if selected:
                        row.stylize(STYLES["cursor"])
                    expected = _text_strip(row, width)
                    got = renderer.strip(item, BASE, marked=marked, selected=selected)
                    assert got.cell_length == width
                    assert _looks(got) == _looks(expected), (item.raw, offset, marked)


@pytest.mark.parametrize("width", [120, 80])
def test_a_dns_row_from_pieces_matches_the_text_row_in_both_zones(width: int) -> None:
    renderer = RowRenderer(SourceKind.NEXTDNS, style_for)
    renderer.resize(width)
    entries = dns_entries(9)
    renderer.observe(entries)
    renderer.highlights = _highlights("~ex.mple")
    for zone in ("utc", "local"):
        renderer.zone = zone  # type: ignore[assignment]
        for item in entries:
            expected = _text_strip(renderer.row(item), width)
            assert _looks(renderer.strip(item, BASE)) == _looks(expected)


def test_a_row_from_pieces_keeps_hostile_text_inert() -> None:
    renderer = RowRenderer(SourceKind.PROXY, style_for)
    renderer.resize(200)
    renderer.observe([hostile_proxy_entry()])
    text = renderer.strip(hostile_proxy_entry(), BASE).text
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "␛]0;pwned" in text and "<U+202E>" in text


def test_sanitised_ascii_takes_one_cell_a_character() -> None:
    """Column widths are measured as ``len`` for ASCII values: every ASCII character,
    controls included, must still take exactly one cell once sanitised."""
    every = "".join(chr(code) for code in range(128))
    assert cell_len(safe_line(every)) == len(every)
    for code in range(128):
        assert cell_len(safe_line(chr(code))) == 1


@pytest.mark.parametrize(("service", "cells"), [("svc\x1b[31m\x07", 9), ("漢字漢字", 8)])
def test_a_column_widens_to_the_cells_its_sanitised_value_takes(service: str, cells: int) -> None:
    renderer = RowRenderer(SourceKind.PROXY, style_for)
    renderer.resize(200)
    renderer.observe([entry(dict(proxy_entries(1)[0].data, serviceName=service))])
    assert "service" + " " * (cells - len("service") + 1) + "duration" in renderer.header().plain
