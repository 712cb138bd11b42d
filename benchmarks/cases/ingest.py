"""Case 1, headless ingest: ``logtui proxy URL --output ndjson > /dev/null`` against its peers.

Every consumer reads the same pre-built stream of realistic entries from the same server in the
same run, in rotating order: logtui, a bare httpx + httpx-sse + json.loads loop, ``curl -N |
jq``, and a minimal Node consumer on the npm ``eventsource`` package. Each is timed from spawn
to exit, so every figure includes its own start-up. A plain ``curl`` into /dev/null shows the
server's ceiling, proving the server is not what limits the others. Then one profiled run of
logtui says where its time goes.
"""

from __future__ import annotations

import pstats
import shlex
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from benchmarks.context import RunContext
from benchmarks.measure import (
    PYTHON,
    NotAvailable,
    child_env,
    last_line,
    median,
    timed_run,
)
from benchmarks.payloads import payload_texts
from benchmarks.peers.npm import eventsource_dir
from benchmarks.profiling import top_functions
from benchmarks.report import Row, Target, unavailable
from benchmarks.sse_server import PregeneratedSSEServer

CASE: Final = "1 ingest"
TOKEN: Final = "bench-token-not-a-secret"
FIGURE: Final = "headless ingest"
UNIT: Final = "entries/s"
JQ_PROGRAM: Final = 'select(startswith("data: ")) | .[6:] | fromjson'


@dataclass(slots=True)
class Consumer:
    """One way to read the stream to the end: a shell-free argv, or a shell pipeline."""

    name: str
    argv: list[str]
    env: dict[str, str]
    counts_on_stderr: bool = False
    """The consumer prints how many entries it parsed on its last stderr line."""


def logtui_argv(base_url: str, state_dir: str) -> list[str]:
    """The logtui command under test, with the options its ``proxy --help`` offers."""
    help_text = _proxy_help()
    argv = [PYTHON, "-m", "logtui", "proxy", base_url, "--output", "ndjson"]
    if "--state-dir" in help_text:
        argv += ["--state-dir", state_dir]
    if "--no-resume" in help_text:
        argv.append("--no-resume")
    return argv


def _proxy_help() -> str:
    result = subprocess.run(
        [PYTHON, "-m", "logtui", "proxy", "--help"],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise NotAvailable("`logtui proxy` does not exist yet")
    return result.stdout


def run(ctx: RunContext) -> list[Row]:
    """Measure ingest throughput of logtui and every available peer; rows vs each peer.

    Each consumer is also timed on a one-entry stream: its start-up, which the notes subtract
    to give a steady-state rate beside the whole-process one.
    """
    count = ctx.scale(200_000, 20_000)
    payloads = payload_texts(count)
    notes: dict[str, str] = {}
    with (
        tempfile.TemporaryDirectory(prefix="logtui-bench-") as tmp,
        PregeneratedSSEServer(payloads, token=TOKEN) as server,
        PregeneratedSSEServer(payloads[:1], token=TOKEN) as tiny,
    ):
        consumers = _consumers(ctx, server, tmp, notes)
        # Whole processes on a shared machine are noisy: at least five runs each in a full run.
        reps = ctx.reps if ctx.quick else max(ctx.reps, 5)
        seconds = _measure(consumers, count, reps, notes)
        startup = _measure(_consumers(ctx, tiny, tmp, {}), 1, reps, {})
        ours = next((c for c in consumers if c.name == "logtui"), None)
        if ours is not None and "logtui" in seconds:
            ctx.extras["ingest_profile"] = _profile_and_check(ours, count, Path(tmp), ctx, notes)
    ctx.extras["ingest_entries"] = count
    ctx.extras["ingest_startup_seconds"] = {name: median(s) for name, s in startup.items()}
    rates = {name: [count / s for s in samples] for name, samples in seconds.items()}
    steady = {
        name: count / max(1e-9, median(samples) - median(startup[name]))
        for name, samples in seconds.items()
        if name in startup
    }
    return _rows(rates, steady, notes, count)


def _consumers(
    ctx: RunContext, server: PregeneratedSSEServer, state_dir: str, notes: dict[str, str]
) -> list[Consumer]:
    consumers: list[Consumer] = []
    try:
        consumers.append(
            Consumer(
                "logtui",
                logtui_argv(server.base_url, state_dir),
                child_env({"LOGTUI_PROXY_TOKEN": TOKEN}),
            )
        )
    except NotAvailable as error:
        notes["logtui"] = str(error)
    return consumers + _peers(ctx, server, notes)


def _peers(ctx: RunContext, server: PregeneratedSSEServer, notes: dict[str, str]) -> list[Consumer]:
    url = server.stream_url
    auth = f"Authorization: Bearer {TOKEN}"
    peers = [
        Consumer(
            "httpx-sse loop",
            [PYTHON, "-m", "benchmarks.peers.httpx_sse_loop", url],
            child_env({"BENCH_TOKEN": TOKEN}),
            counts_on_stderr=True,
        ),
        Consumer(
            "curl | jq",
            [
                "sh",
                "-c",
                f"curl -sN -H {shlex.quote(auth)} {shlex.quote(url)} "
                f"| jq -cR {shlex.quote(JQ_PROGRAM)} > /dev/null",
            ],
            child_env(),
        ),
        Consumer(
            "curl > /dev/null (server ceiling)",
            ["curl", "-sN", "-o", "/dev/null", "-H", auth, url],
            child_env(),
        ),
    ]
    try:
        peers_dir = eventsource_dir(allow_install=ctx.install_peers)
        peers.append(
            Consumer(
                "npm eventsource",
                ["node", str(Path(__file__).parent.parent / "peers" / "eventsource_consumer.mjs"),
                 url],
                child_env({"BENCH_TOKEN": TOKEN, "BENCH_PEERS_DIR": str(peers_dir)}),
                counts_on_stderr=True,
            )
        )
    except NotAvailable as error:
        notes["npm eventsource"] = str(error)
    return peers


def _measure(
    consumers: Sequence[Consumer], count: int, reps: int, notes: dict[str, str]
) -> dict[str, list[float]]:
    """Wall seconds of each consumer reading ``count`` entries, ``reps`` times each."""
    samples: dict[str, list[float]] = {}
    broken: set[str] = set()
    for rep in range(reps):
        # Rotate the order so no consumer always runs first (cold caches) or last.
        order = list(consumers[rep % len(consumers) :]) + list(consumers[: rep % len(consumers)])
        for consumer in order:
            if consumer.name in broken:
                continue
            try:
                seconds, result = timed_run(consumer.argv, env=consumer.env, timeout=300)
            except subprocess.TimeoutExpired:
                broken.add(consumer.name)
                notes[consumer.name] = "timed out after 300 s"
                continue
            problem = _problem(consumer, result, count)
            if problem:
                broken.add(consumer.name)
                notes[consumer.name] = problem
                samples.pop(consumer.name, None)
                continue
            samples.setdefault(consumer.name, []).append(seconds)
    return samples


def _problem(consumer: Consumer, result: subprocess.CompletedProcess[str], count: int) -> str:
    if result.returncode != 0:
        return f"exit {result.returncode}: {last_line(result.stderr)}"
    if consumer.counts_on_stderr:
        reported = last_line(result.stderr)
        if reported != str(count):
            return f"parsed {reported or 'nothing'} of {count} entries"
    return ""


def _profile_and_check(
    ours: Consumer, count: int, tmp: Path, ctx: RunContext, notes: dict[str, str]
) -> list[dict[str, object]]:
    """One untimed run under cProfile, output kept: every entry exactly once, and where the
    time went (top functions by own time; the full profile is saved beside the results)."""
    profile_path = ctx.results_dir / "ingest.prof"
    profile_path.parent.mkdir(parents=True, exist_ok=True)
    out = tmp / "ingest.ndjson"
    argv = [PYTHON, "-m", "cProfile", "-o", str(profile_path), *ours.argv[1:]]
    with out.open("wb") as sink:
        result = subprocess.run(
            argv, env=ours.env, stdout=sink, stderr=subprocess.PIPE, text=True,
            timeout=600, check=False,
        )
    with out.open("rb") as written:
        lines = sum(1 for _ in written)
    if result.returncode != 0 or lines != count:
        notes["logtui invalid"] = "yes"
        notes["logtui"] = (
            f"check run: exit {result.returncode}, {lines} of {count} lines; "
            f"{last_line(result.stderr)}"
        )
    if result.returncode != 0 or not profile_path.exists():
        return [{"error": f"profiled run failed: {last_line(result.stderr)}"}]
    return top_functions(pstats.Stats(str(profile_path)), 15)


def _rows(
    samples: dict[str, list[float]], steady: dict[str, float], notes: dict[str, str], count: int
) -> list[Row]:
    figure = f"{FIGURE}, {count // 1000}k entries"
    targets = {
        "httpx-sse loop": Target("ratio_min", 2.0, ">= 2.0x httpx-sse loop"),
        "curl | jq": Target("ratio_over", 1.0, "ahead of curl | jq"),
        "npm eventsource": Target("ratio_min", 1.3, ">= 1.3x npm eventsource"),
        "curl > /dev/null (server ceiling)": None,
    }
    ours = samples.get("logtui")
    rows: list[Row] = []
    for peer, target in targets.items():
        peer_samples = samples.get(peer)
        if ours is None:
            rows.append(
                unavailable(CASE, f"{figure} vs {peer}", UNIT, "higher",
                            notes.get("logtui", "logtui did not run"))
            )
            if peer_samples:
                rows[-1].baseline = median(peer_samples)
                rows[-1].baseline_name = peer
                rows[-1].baseline_samples = peer_samples
            continue
        row = Row(
            case=CASE,
            figure=f"{figure} vs {peer}",
            unit=UNIT,
            better="higher",
            ours=median(ours),
            samples=ours,
            target=target,
            baseline_name=peer,
            note=notes.get("logtui", ""),
            invalid="logtui invalid" in notes,
        )
        if peer_samples:
            row.baseline = median(peer_samples)
            row.baseline_samples = peer_samples
            if "logtui" in steady and peer in steady:
                row.note = "; ".join(filter(None, [row.note, (
                    f"start-up subtracted: {steady['logtui']:,.0f}/s vs "
                    f"{steady[peer]:,.0f}/s ({steady['logtui'] / steady[peer]:.2f}x)"
                )]))
        else:
            row.note = "; ".join(filter(None, [row.note, f"{peer}: {notes.get(peer, 'no data')}"]))
        rows.append(row)
    return rows
