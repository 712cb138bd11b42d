"""Turning a cProfile run into the short "where the time goes" summary the README quotes."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable, Sequence
from typing import Any


def top_functions(stats: pstats.Stats, top: int = 12) -> list[dict[str, object]]:
    """The ``top`` functions by own time, with calls, own and cumulative seconds and share."""
    total: float = stats.total_tt  # type: ignore[attr-defined]
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    ranked = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:top]
    return [
        {
            "function": f"{_short(filename)}:{line}({function})",
            "calls": calls,
            "tottime": round(tottime, 4),
            "cumtime": round(cumtime, 4),
            "share": round(tottime / total, 4) if total else 0.0,
        }
        for (filename, line, function), (_cc, calls, tottime, cumtime, _callers) in ranked
    ]


def profile_call(call: Callable[[], object], top: int = 12) -> list[dict[str, object]]:
    """Run ``call`` once under cProfile and summarise it."""
    profiler = cProfile.Profile()
    profiler.runcall(call)
    return top_functions(pstats.Stats(profiler), top)


def _short(filename: str) -> str:
    if "/logtui/" in filename and "site-packages" not in filename:
        return "logtui/" + filename.rsplit("/logtui/", 1)[1]
    for marker in ("site-packages/", "/lib/python3.11/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def format_profile(entries: Sequence[dict[str, object]]) -> str:
    """The summary as printed after the table."""
    lines = ["  own%   own s   cum s     calls  function"]
    for entry in entries:
        if "error" in entry:
            return f"  {entry['error']}"
        share = float(str(entry["share"])) * 100
        lines.append(
            f"  {share:5.1f}  {entry['tottime']!s:>6}  {entry['cumtime']!s:>6}  "
            f"{entry['calls']!s:>8}  {entry['function']}"
        )
    return "\n".join(lines)
