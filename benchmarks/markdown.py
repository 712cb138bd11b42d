"""Render a results JSON as the Markdown table the README shows.

Usage: ``python -m benchmarks.markdown benchmarks/results/<run>.json``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.report import format_value


def _result(row: dict[str, Any]) -> str:
    """The verdict; for a target of several parts, which failed (files before those parts were
    recorded have only the verdict)."""
    missed = row.get("missed") or []
    if row["verdict"] == "FAIL" and len(row.get("target_parts") or []) > 1 and missed:
        return "FAIL: " + "; ".join(missed)
    return str(row["verdict"])


def render(document: dict[str, Any]) -> str:
    """The machine line, then one table row per figure, then the count of targets met."""
    machine = document["machine"]
    lines = [
        f"Measured on {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, "
        f"{document['mode']} run ({document['reps']} repetitions, medians), "
        f"load average at start {machine.get('load_average', '?')}, at end "
        f"{machine.get('load_average_at_end', '?')}, {document['started']}.",
        "",
        "| case | figure | ours | baseline | ratio | target | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in document["rows"]:
        ratio = row["ratio"]
        baseline = "-"
        if row["baseline"]:
            baseline = f"{format_value(row['baseline'])} ({row['baseline_name']})"
        cells = [
            row["case"],
            f"{row['figure']} ({row['unit']}, {row['better']} is better)",
            format_value(row["ours"]),
            baseline,
            f"{ratio:.2f}x" if ratio is not None else "-",
            row["target"] or "-",
            _result(row),
        ]
        # Pipes inside a cell (``curl | jq``) would split the column.
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    if document.get("summary"):
        lines += ["", str(document["summary"]) + "."]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Print the table for the given results file."""
    print(render(json.loads(Path(argv[0]).read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
