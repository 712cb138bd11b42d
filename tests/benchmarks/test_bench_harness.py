"""The benchmark harness runs end to end in --quick mode and writes its JSON.

Timings are never asserted: CI machines are noisy, and the harness reports misses, it does not
fail on them. What is protected is that every case reports, each row is well formed, and a
case whose parts are missing says so instead of crashing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.markdown import render
from benchmarks.report import Row, Target, all_of, format_table, quiet, summary

ROOT = Path(__file__).resolve().parents[2]
CASE_PREFIXES = ("1 ", "2 ", "3 ", "4 ", "5 ", "6 ", "7 ")


@pytest.mark.timeout(240)
def test_quick_run_reports_every_case_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    # The report's shape is what is checked: the GC case fills 2,000 entries, not 10,000.
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--buffer", "2000", "--no-install",
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=230,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["mode"] == "quick"
    assert document["machine"]["cores"] >= 1
    rows = document["rows"]
    assert {row["case"][:2] for row in rows} == set(CASE_PREFIXES)
    for row in rows:
        assert row["verdict"] in {"pass", "FAIL", "n/a", "info"}
        assert row["ours"] is not None or row["note"], row
    assert "results written to" in result.stdout


def test_verdict_follows_the_target_the_ratio_and_correctness() -> None:
    faster = Row("1", "ingest", "entries/s", "higher", ours=150.0, baseline=100.0,
                 target=Target("ratio_min", 1.0, ">= 1.0x"))
    slower = Row("1", "ingest", "entries/s", "higher", ours=90.0, baseline=100.0,
                 target=Target("ratio_min", 1.0, ">= 1.0x"))
    missing = Row("2", "burst", "s", "lower", note="not available: no dashboard")
    lost_entries = Row("1", "ingest", "entries/s", "higher", ours=150.0, baseline=100.0,
                       target=Target("ratio_min", 1.0, ">= 1.0x"), invalid=True)
    assert (faster.verdict, slower.verdict, missing.verdict) == ("pass", "FAIL", "n/a")
    assert lost_entries.verdict == "FAIL"
    assert faster.ratio == 1.5
    table = format_table([faster, slower, missing])
    assert "1.50x" in table and "not available: no dashboard" in table


def test_a_target_of_several_parts_fails_naming_the_part_missed_and_the_load() -> None:
    key = all_of(Target("ratio_max", 1.5, "<= 1.5x Log app"), quiet("max", 0.05, "< 50 ms"))
    within_ratio_too_slow = Row("3", "key p95", "s", "lower", ours=0.059, baseline=0.042,
                                target=key, load=3.5)
    both_met = Row("3", "key p95 wire", "s", "lower", ours=0.046, baseline=0.042, target=key)
    no_baseline = Row("3", "key p95 tmux", "s", "lower", ours=0.07, target=key)
    assert within_ratio_too_slow.verdict == "FAIL"
    assert within_ratio_too_slow.missed == ["< 50 ms (quiet machine)"]
    assert within_ratio_too_slow.result_text == "FAIL: < 50 ms (quiet machine)"
    assert "< 50 ms (quiet machine, load 3.50)" in within_ratio_too_slow.target_text
    assert both_met.verdict == "pass"
    assert no_baseline.verdict == "FAIL"  # the absolute part fails whatever the ratio
    table = format_table([within_ratio_too_slow, both_met])
    assert "FAIL: < 50 ms" in table
    line = summary([within_ratio_too_slow, both_met, Row("2", "burst", "s", "lower")])
    assert line.startswith("1 of 2 targets met; missed: 3 / key p95 (< 50 ms (quiet machine))")


def test_markdown_reads_results_written_before_and_after_targets_had_parts() -> None:
    key = all_of(Target("ratio_max", 1.5, "<= 1.5x"), quiet("max", 0.05, "< 50 ms"))
    new = Row("3", "key p95", "s", "lower", ours=0.059, baseline=0.042, target=key, load=0.5)
    old = {"case": "3", "figure": "key p95", "unit": "s", "better": "lower", "ours": 0.059,
           "baseline": 0.042, "baseline_name": "Log app", "target": "< 100 ms", "ratio": 1.4,
           "verdict": "pass"}
    machine = {"cpu": "x", "cores": 2, "python": "3.11"}
    document = {"machine": machine, "mode": "full", "reps": 1, "started": "t",
                "rows": [old, new.to_json()], "summary": summary([new])}
    text = render(document)
    assert "| < 100 ms | pass |" in text
    assert "| FAIL: < 50 ms (quiet machine) |" in text
    assert "0 of 1 targets met" in text


def test_children_cache_bytecode_outside_the_tree_when_the_environment_turns_it_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from benchmarks.measure import BYTECODE_CACHE, child_env

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    env = child_env({"EXTRA": "x"})
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"] == str(BYTECODE_CACHE)
    assert not BYTECODE_CACHE.is_relative_to(ROOT)
    assert env["EXTRA"] == "x"


def test_children_keep_the_environment_s_bytecode_settings_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from benchmarks.measure import child_env

    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", "/somewhere/else")
    env = child_env()
    assert env["PYTHONPYCACHEPREFIX"] == "/somewhere/else"
    assert "PYTHONDONTWRITEBYTECODE" not in env
