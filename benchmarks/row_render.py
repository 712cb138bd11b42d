"""Micro-benchmark: drawing one stream row, the ``Text`` way beside the pieces way.

    python -m benchmarks.row_render [--rows N] [--reps N]

Renders N realistic proxy-logs, NextDNS and Instant Logs entries at 120 and 80 columns, with
and without a search highlight, both ways in the same run, and prints the CPU time per row
(the best of ``--reps``): the ``Text`` row rendered to segments, restyled and cropped as the
pane did (``rows.py`` ``row`` then ``Strip.apply_style``/``crop_extend``), and the strip built
straight from pieces (``rows.py`` ``strip``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any

from rich.console import Console
from rich.style import Style
from textual.strip import Strip

from benchmarks.payloads import proxy_entries
from logtui.core.models import Entry, SourceKind
from logtui.demo.dns_traffic import DnsTraffic
from logtui.demo.http_traffic import HttpTraffic
from logtui.tui.rows import RowRenderer
from logtui.tui.search import Highlight, compile_query

BASE = Style(color="#e0e0e0", bgcolor="#1e1e1e")
STYLES: dict[str, Style] = {
    "mark": Style(color="#ffb000", bold=True),
    "cursor": Style(bgcolor="#264f78"),
    "search-match": Style(color="black", bgcolor="yellow"),
    "level-error": Style(color="#ff5555"),
    "level-warn": Style(color="#ffaa00"),
    "level-debug": Style(color="#888888"),
    "status-2xx": Style(color="#55ff55"),
    "status-3xx": Style(color="#5555ff"),
    "status-4xx": Style(color="#ffaa00"),
    "status-5xx": Style(color="#ff5555", bold=True),
    "dns-blocked": Style(color="#ff5555"),
}


def _entry(data: dict[str, Any], seq: int) -> Entry:
    return Entry(raw=json.dumps(data, separators=(",", ":")), data=data, seq=seq)


def samples(kind: str, count: int) -> list[Entry]:
    """``count`` entries of one API, as its demo traffic makes them."""
    now_ms = 1_718_201_234_000
    if kind == SourceKind.PROXY:
        return [_entry(data, n) for n, data in enumerate(islice(proxy_entries(count), count))]
    traffic = DnsTraffic(7) if kind == SourceKind.NEXTDNS else HttpTraffic(7)
    return [_entry(traffic.next(now_ms + 25 * n), n) for n in range(count)]


def _per_row(draw: Callable[[Entry], Strip], entries: Sequence[Entry], reps: int) -> float:
    best = float("inf")
    for _ in range(reps):
        start = time.process_time()
        for entry in entries:
            draw(entry)
        best = min(best, time.process_time() - start)
    return best / len(entries)


def measure(kind: str, width: int, query: str, rows: int, reps: int) -> tuple[float, float]:
    """Seconds per row: the ``Text`` path, then the pieces path."""
    renderer = RowRenderer(kind, lambda key: STYLES.get(key, Style()))
    renderer.resize(width)
    entries = samples(kind, rows)
    renderer.observe(entries)
    pattern = compile_query(query)
    if pattern is not None:
        renderer.highlights = (Highlight(pattern, "search-match"),)
    console = Console(width=width, color_system="truecolor")

    def text_way(entry: Entry) -> Strip:
        segments = list(renderer.row(entry).render(console))
        return Strip(segments).apply_style(BASE).crop_extend(0, width, BASE)

    def pieces_way(entry: Entry) -> Strip:
        return renderer.strip(entry, BASE)

    return _per_row(text_way, entries, reps), _per_row(pieces_way, entries, reps)


def main(argv: Sequence[str] | None = None) -> int:
    """Print µs per row both ways for each API, width and highlight."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.row_render")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"{'api':<14}{'cols':>5}  {'search':<8}{'Text µs':>9}{'pieces µs':>11}{'ratio':>7}")
    for kind in (SourceKind.PROXY, SourceKind.NEXTDNS, SourceKind.INSTANT_LOGS):
        for width in (120, 80):
            for query in ("", "~[0-9]+"):
                text, pieces = measure(kind, width, query, args.rows, args.reps)
                print(f"{kind!s:<14}{width:>5}  {query or '-':<8}{text * 1e6:>9.1f}"
                      f"{pieces * 1e6:>11.1f}{text / pieces:>6.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
