"""Measuring helpers shared by the cases: timed child processes, workers, medians, RSS.

Cases that need logtui's own code run it in a child process (a "worker"): a crash, a missing
module or a memory figure then stays inside that child, and the harness reports the case as
"not available" with the child's reason instead of failing.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
PYTHON: Final = sys.executable
UNAVAILABLE_EXIT: Final = 75
"""Exit code a worker uses to say "the parts I measure are not there yet" (EX_TEMPFAIL)."""
BYTECODE_CACHE: Final = Path(tempfile.gettempdir()) / f"logtui-bench-pycache-{os.getuid()}"
"""Where children cache compiled bytecode when the environment turns caching off."""


class NotAvailable(Exception):
    """A case, or one of its baselines, cannot run here; the message says why."""


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    return float(statistics.median(values))


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile (0..1) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child: ours, with the repo importable and ``extra`` on top."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    if env.pop("PYTHONDONTWRITEBYTECODE", None):
        # An installed logtui has its bytecode compiled, as the peers' packages do; without
        # a cache every run would compile logtui's ~100 modules again (about 0.1 s), which
        # is start-up no user pays. The cache lives outside the tree, so it stays clean.
        env.setdefault("PYTHONPYCACHEPREFIX", str(BYTECODE_CACHE))
    if extra:
        env.update(extra)
    return env


def timed_run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
    stdout: int | None = subprocess.DEVNULL,
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run a command to completion; returns (wall seconds, result). Raises on timeout."""
    start = time.perf_counter()
    result = subprocess.run(
        list(argv),
        env=dict(env) if env is not None else None,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )
    return time.perf_counter() - start, result


def last_line(text: str) -> str:
    """The last non-empty line of ``text`` (a child's one-line reason or count)."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def run_worker(module: str, args: Sequence[str] = (), *, timeout: float = 300) -> dict[str, Any]:
    """Run ``python -m benchmarks.workers.<module>`` and return the JSON it prints last.

    Raises NotAvailable with the worker's reason when it exits with UNAVAILABLE_EXIT, fails,
    or times out.
    """
    argv = [PYTHON, "-m", f"benchmarks.workers.{module}", *args]
    try:
        result = subprocess.run(
            argv,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise NotAvailable(f"{module} worker timed out after {timeout:.0f} s") from error
    if result.returncode == UNAVAILABLE_EXIT:
        raise NotAvailable(last_line(result.stderr) or "parts missing")
    if result.returncode != 0:
        raise NotAvailable(
            f"{module} worker failed (exit {result.returncode}): {last_line(result.stderr)}"
        )
    try:
        data = json.loads(last_line(result.stdout))
    except json.JSONDecodeError as error:
        raise NotAvailable(f"{module} worker printed no JSON result") from error
    if not isinstance(data, dict):
        raise NotAvailable(f"{module} worker printed a non-object result")
    return data


def rss_bytes() -> int:
    """This process's resident set size, from /proc (Linux); 0 where unavailable."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
