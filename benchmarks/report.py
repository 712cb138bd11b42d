"""The results of a run: one row per figure, judged against its target, as a table and as JSON.

Every row holds our value beside its baseline measured in the same run, and their ratio, so a
slow or noisy machine shifts both and the ratio still says something. A row whose parts are
not there yet (the command or module has not landed) is "not available" with the reason,
never a failure of the harness.
"""

from __future__ import annotations

import json
import math
import os
import platform
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from benchmarks.measure import median

Better = Literal["higher", "lower"]
Verdict = Literal["pass", "FAIL", "n/a", "info"]


@dataclass(frozen=True, slots=True)
class Target:
    """What a figure must reach: an absolute bound on our value, or a bound on the ratio.

    ``kind`` is ``"max"`` (ours < limit), ``"min"`` (ours >= limit), ``"ratio_min"``
    (ours / baseline >= limit), ``"ratio_over"`` (ours / baseline > limit, "ahead of"),
    ``"ratio_max"`` (ours / baseline <= limit, "at most N times the baseline") or ``"all"``
    (every one of ``parts``, see :func:`all_of`). ``quiet`` marks a bound the project sets for a
    quiet machine: it is judged on every run all the same, and the table prints the load
    average beside it, so a miss under load reads as what it is.
    """

    kind: Literal["max", "min", "ratio_min", "ratio_over", "ratio_max", "all"]
    limit: float
    text: str
    quiet: bool = False
    parts: tuple[Target, ...] = ()

    def judge(self, ours: float, baseline: float | None) -> bool | None:
        """True when met, False when missed, None when it cannot be judged."""
        if self.kind == "all":
            verdicts = [part.judge(ours, baseline) for part in self.parts]
            if False in verdicts:
                return False
            return None if None in verdicts else True
        if self.kind == "max":
            return ours < self.limit
        if self.kind == "min":
            return ours >= self.limit
        if baseline is None or baseline == 0:
            return None
        ratio = ours / baseline
        if self.kind == "ratio_max":
            return ratio <= self.limit
        return ratio >= self.limit if self.kind == "ratio_min" else ratio > self.limit

    @property
    def conditions(self) -> tuple[Target, ...]:
        """The single bounds this target is made of (itself, unless it is :func:`all_of`)."""
        return self.parts if self.kind == "all" else (self,)


def all_of(*parts: Target) -> Target:
    """A target met only when every part is; a miss names the parts that failed."""
    return Target("all", 0.0, " and ".join(part.text for part in parts), parts=parts)


def quiet(kind: Literal["max", "min"], limit: float, text: str) -> Target:
    """An absolute bound set for a quiet machine (judged always; the load is printed beside)."""
    return Target(kind, limit, f"{text} (quiet machine)", quiet=True)


@dataclass(slots=True)
class Row:
    """One figure of one case, as printed in the table and written to the JSON."""

    case: str
    figure: str
    unit: str
    better: Better
    ours: float | None = None
    baseline: float | None = None
    baseline_name: str = ""
    target: Target | None = None
    note: str = ""
    samples: list[float] = field(default_factory=list)
    baseline_samples: list[float] = field(default_factory=list)
    invalid: bool = False
    """Our run was wrong (e.g. lost entries): the figure is shown but the row fails."""
    load: float | None = None
    """The 1-minute load average when the figure was taken (the harness stamps it after each
    case), printed beside bounds set for a quiet machine."""

    @classmethod
    def measured(
        cls,
        case: str,
        figure: str,
        unit: str,
        better: Better,
        *,
        ours: list[float],
        baseline: list[float],
        baseline_name: str,
        target: Target | None,
        note: str = "",
    ) -> Row:
        """A row from repeated samples of ours and of the baseline: each side's median."""
        return cls(
            case=case, figure=figure, unit=unit, better=better,
            ours=median(ours), samples=ours,
            baseline=median(baseline), baseline_samples=baseline,
            baseline_name=baseline_name, target=target, note=note,
        )

    @property
    def ratio(self) -> float | None:
        """Ours divided by the baseline (read with ``better``), or None without both."""
        if self.ours is None or self.baseline in (None, 0):
            return None
        assert self.baseline is not None
        return self.ours / self.baseline

    @property
    def verdict(self) -> Verdict:
        """pass/FAIL against the target; n/a when not measured; info when there is no target."""
        if self.ours is None:
            return "n/a"
        if self.invalid:
            return "FAIL"
        if self.target is None:
            return "info"
        met = self.target.judge(self.ours, self.baseline)
        if met is None:
            return "n/a"
        return "pass" if met else "FAIL"

    @property
    def missed(self) -> list[str]:
        """The texts of the target's parts this figure failed (all of them if it is invalid)."""
        if self.ours is None or self.target is None:
            return []
        parts = self.target.conditions
        if self.invalid:
            return [part.text for part in parts]
        return [part.text for part in parts if part.judge(self.ours, self.baseline) is False]

    @property
    def target_text(self) -> str:
        """The target as printed: bounds set for a quiet machine carry the load beside them."""
        if self.target is None:
            return "-"
        return " and ".join(
            f"{part.text[:-1]}, load {self.load:.2f})"
            if part.quiet and self.load is not None and part.text.endswith(")") else part.text
            for part in self.target.conditions
        )

    @property
    def result_text(self) -> str:
        """The verdict, and for a target of several parts which of them failed."""
        verdict = self.verdict
        if verdict == "FAIL" and self.target is not None and len(self.target.conditions) > 1:
            return "FAIL: " + "; ".join(self.missed)
        return verdict

    def to_json(self) -> dict[str, object]:
        """A plain-JSON form with the derived ratio and verdict.

        ``target`` stays the target's text and ``verdict`` one of pass/FAIL/n/a/info, as
        older results files have them; ``target_parts`` and ``missed`` say which bound failed.
        """
        data = asdict(self)
        data["target"] = self.target_text if self.target else None
        data["target_parts"] = [
            {"text": part.text, "quiet": part.quiet,
             "met": None if self.ours is None else part.judge(self.ours, self.baseline)}
            for part in (self.target.conditions if self.target else ())
        ]
        data["missed"] = self.missed
        data["ratio"] = self.ratio
        data["verdict"] = self.verdict
        return data


def unavailable(case: str, figure: str, unit: str, better: Better, reason: str) -> Row:
    """A row for a figure that cannot be measured yet, saying why."""
    return Row(case=case, figure=figure, unit=unit, better=better, note=f"not available: {reason}")


def format_value(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    magnitude = abs(value)
    if magnitude >= 10_000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def format_table(rows: Sequence[Row]) -> str:
    """The human table: figure, ours, baseline, ratio, target, verdict, then notes."""
    header = ("case", "figure", "unit", "ours", "baseline", "baseline is", "ratio", "target",
              "result")
    lines: list[tuple[str, ...]] = [header]
    notes: list[str] = []
    for row in rows:
        ratio = row.ratio
        lines.append(
            (
                row.case,
                row.figure,
                f"{row.unit} {'^' if row.better == 'higher' else 'v'}",
                format_value(row.ours),
                format_value(row.baseline),
                row.baseline_name or "-",
                f"{ratio:.2f}x" if ratio is not None else "-",
                row.target_text,
                row.result_text,
            )
        )
        if row.note:
            notes.append(f"  {row.case} / {row.figure}: {row.note}")
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip()
           for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    out.append("(unit ^: higher is better, v: lower is better; ratio = ours / baseline)")
    if notes:
        out += ["", "notes:", *notes]
    return "\n".join(out)


def summary(rows: Sequence[Row]) -> str:
    """One line: how many targets were met, which were missed, which could not be judged."""
    judged = [row for row in rows if row.verdict in ("pass", "FAIL")]
    misses = [row for row in judged if row.verdict == "FAIL"]
    unjudged = [row for row in rows if row.verdict == "n/a"]
    line = f"{len(judged) - len(misses)} of {len(judged)} targets met"
    if misses:
        line += "; missed: " + "; ".join(
            f"{row.case} / {row.figure} ({', '.join(row.missed) or 'invalid run'})"
            for row in misses
        )
    if unjudged:
        line += f"; {len(unjudged)} not measured: " + "; ".join(
            f"{row.case} / {row.figure}" for row in unjudged
        )
    return line


def machine_description() -> dict[str, object]:
    """Where the run happened: CPU model, core count, Python and OS, for the results table."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_json(
    path: Path, rows: Sequence[Row], machine: dict[str, object], extra: dict[str, object]
) -> None:
    """Write the run's rows, machine and extras (profiles, settings) as one JSON document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"machine": machine, **extra, "rows": [r.to_json() for r in rows]}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")

