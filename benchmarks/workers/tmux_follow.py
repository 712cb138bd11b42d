"""Worker: logtui, Textual's ``Log`` app and lnav following the same rate in a real terminal
(tmux), keys timed.

Usage: ``python -m benchmarks.workers.tmux_follow SECONDS RATE [ROUNDS]``
(and ``python -m benchmarks.workers.tmux_follow app URL``: the ``Log`` app on URL, run for real
on the terminal it is given).

Each program runs alone in a detached tmux session of 120x40 on its own tmux server (a
private socket, killed at the end). logtui runs ``logtui proxy`` against the harness's SSE
server, paced at RATE over loopback; the ``Log`` app (the harness's baseline app,
:mod:`benchmarks.workers.baseline_app`, refreshing its view each frame once full) reads the
same paced stream with httpx-sse, handed over 100 entries at a time as the ``sustained-wire``
baseline reads it; lnav follows a file that a thread appends RATE lines a second to (the same
fields the ``Log`` app shows). After a second of warm-up, keys are sent with ``send-keys`` and
the screen is read with ``capture-pane`` until it shows the key's effect, both through one
tmux control-mode client per pane, the screen read again each time the pane writes (a tmux
process spawned per key and per read every 5 ms cost every side 5-20 ms a key, more than
lnav's whole answer, and took CPU from the program measured on a 2-core machine):
``space``/``f`` pause and follow logtui (``paused ·`` / ``following``) and toggle the ``Log``
app's state line (``paused`` / ``following`` on the last line), ``?`` toggles lnav's help
(``HELP ❭`` / ``LOG ❭`` in its breadcrumb bar). Every side pays the same tmux round trips.
CPU is the program's own (user + system, all threads, from ``/proc``), in percent of one core,
over up to 3 s of following without keys, then over the keys phase; bytes written and write
calls a second (``/proc``'s ``wchar``/``syscw``) over the keys phase.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from benchmarks.measure import PYTHON, child_env, percentile
from benchmarks.workers import emit, not_available

SIZE: Final = ("120", "40")
TOKEN: Final = "bench-token-not-a-secret"
POLL: Final = 0.005
KEY_TIMEOUT: Final = 5.0
WARM_UP: Final = 1.0


class Control:
    """A tmux control-mode client (``tmux -C``) on a private server: commands are written to
    one long-lived client instead of spawning a tmux process for each, and the server says when
    a pane wrote something (``%output``), so the screen is read again only after it changed."""

    def __init__(self, socket: str, target: str) -> None:
        self._process = subprocess.Popen(
            ["tmux", "-L", socket, "-C", "attach-session", "-t", target],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self._replies: queue.Queue[tuple[bool, list[str]] | None] = queue.Queue()
        self._changed = threading.Condition()
        self.outputs = 0
        """``%output`` notifications so far (the pane wrote to its terminal)."""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """Sort what the server says into command replies and output notifications."""
        assert self._process.stdout is not None
        block: list[str] | None = None
        for raw in self._process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if block is not None:
                if line.startswith(("%end ", "%error ")):
                    self._replies.put((line.startswith("%end "), block))
                    block = None
                else:
                    block.append(line)
            elif line.startswith("%begin "):
                block = []
            elif line.startswith("%output "):
                with self._changed:
                    self.outputs += 1
                    self._changed.notify_all()
        self._replies.put(None)
        with self._changed:
            self._changed.notify_all()

    def command(self, line: str) -> list[str]:
        """Run one tmux command; its output lines."""
        assert self._process.stdin is not None
        self._process.stdin.write(line.encode() + b"\n")
        self._process.stdin.flush()
        return self.reply(line)

    def reply(self, line: str) -> list[str]:
        """The next command's reply (the first, the attach's own, is skipped by the caller)."""
        answer = self._replies.get(timeout=10)
        if answer is None:
            raise RuntimeError(f"tmux control client ended during {line!r}")
        ok, lines = answer
        if not ok:
            raise RuntimeError(f"tmux {line!r}: {' '.join(lines)}")
        return lines

    def wait_output(self, seen: int, until: float) -> int:
        """Block until the pane wrote after notification ``seen`` (or ``until``); the count."""
        with self._changed:
            while self.outputs == seen and self._process.poll() is None:
                left = until - time.perf_counter()
                if left <= 0:
                    break
                self._changed.wait(left)
            return self.outputs

    def close(self) -> None:
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


class Pane:
    """One program in a detached tmux session on a private tmux server.

    Keys are sent and the screen read through one control-mode client (:class:`Control`); the
    screen is read when the pane has written since the last read (or every :data:`POLL`
    seconds at most, should a notification be missed), so no tmux process is started per
    read and a program is not slowed by a poller spawning processes beside it."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], cwd: str) -> None:
        self.socket = f"logtui-bench-{os.getpid()}-{time.monotonic_ns()}"
        self._tmux(
            "-f", "/dev/null", "new-session", "-d", "-x", SIZE[0], "-y", SIZE[1], "-s", "bench",
            "exec " + shlex.join(argv), env=env, cwd=cwd,
        )
        self.pid = int(self._tmux("display-message", "-p", "-t", "bench", "#{pane_pid}"))
        self._socket_path = self._tmux("display-message", "-p", "#{socket_path}").strip()
        self._control = Control(self.socket, "bench")
        self._control.reply("attach")  # the attach command's own (empty) reply
        self.reads = 0
        """Screens read so far."""

    def _tmux(self, *args: str, env: dict[str, str] | None = None, cwd: str | None = None) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10,
            env=env, cwd=cwd, check=True,
        )
        return result.stdout

    def screen(self) -> str:
        """The pane's text now."""
        self.reads += 1
        return "\n".join(self._control.command("capture-pane -p -t bench"))

    def send(self, key: str) -> float:
        """Send one key (tmux key name); returns when it was sent."""
        sent = time.perf_counter()
        self._control.command(f"send-keys -t bench {key}")
        return sent

    def wait_for(self, needle: str, within: float) -> float | None:
        """When the screen first showed ``needle``: read again each time the pane wrote."""
        deadline = time.perf_counter() + within
        while True:
            seen = self._control.outputs
            if needle in self.screen():
                return time.perf_counter()
            now = time.perf_counter()
            if now >= deadline:
                return None
            self._control.wait_output(seen, min(deadline, now + POLL))

    def cpu_seconds(self) -> float:
        """User + system seconds the program used so far (all its threads)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def written(self) -> tuple[int, int]:
        """Bytes the program wrote so far and its write calls (all threads, from ``/proc``:
        its terminal's share, since a dashboard writes nothing else while it runs)."""
        fields = dict(line.split(": ") for line in
                      Path(f"/proc/{self.pid}/io").read_text().splitlines())
        return int(fields["wchar"]), int(fields["syscw"])

    def close(self) -> None:
        """Kill this private tmux server and the program in it, and remove its socket."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       timeout=10, check=False)
        self._control.close()
        if self._socket_path:
            Path(self._socket_path).unlink(missing_ok=True)


def _newest(screen: str) -> int:
    """The highest entry number on the screen, -1 if none."""
    from benchmarks.workers.synthetic import MARKER

    return max((int(n) for n in MARKER.findall(screen)), default=-1)


def _keys(
    pane: Pane,
    toggles: Sequence[tuple[str, str]],
    follow: str,
    seconds: float,
    sent_so_far: Callable[[], int],
) -> dict[str, Any]:
    """Alternate the toggles for ``seconds``: key-to-screen latencies and CPU meanwhile; then,
    following again, how far behind what was sent the screen is (proof that it follows).
    A run shorter than the warm-up (a smoke test) warms up for as long as it runs."""
    time.sleep(min(WARM_UP, seconds))
    cpu_start, wall_start = pane.cpu_seconds(), time.perf_counter()
    time.sleep(min(3.0, seconds))
    following = (pane.cpu_seconds() - cpu_start) / (time.perf_counter() - wall_start)
    cpu_start, wall_start = pane.cpu_seconds(), time.perf_counter()
    bytes_start, writes_start = pane.written()
    latencies: list[float] = []
    missed = 0
    turn = 0
    while time.perf_counter() - wall_start < seconds:
        key, needle = toggles[turn % len(toggles)]
        sent = pane.send(key)
        seen = pane.wait_for(needle, KEY_TIMEOUT)
        if seen is None:
            missed += 1
        else:
            latencies.append(seen - sent)
        turn += 1
        time.sleep(0.2)
    wall = time.perf_counter() - wall_start
    cpu = pane.cpu_seconds() - cpu_start
    bytes_end, writes_end = pane.written()
    if turn % len(toggles):
        pane.send(toggles[-1][0])
    pane.send(follow)  # back to following the newest
    time.sleep(1.0)
    behind = sent_so_far() - 1 - _newest(pane.screen())
    return {
        "behind_after_1s": behind,
        "cpu_following_percent": 100 * following,
        "key_p50": percentile(latencies, 0.5),
        "key_p95": percentile(latencies, 0.95),
        "key_samples": len(latencies),
        "keys_missed": missed,
        "cpu_percent": 100 * cpu / wall,
        "written_per_second": (bytes_end - bytes_start) / wall,
        "writes_per_second": (writes_end - writes_start) / wall,
        "latencies": latencies,
    }


def _merged(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One program's runs as one: latencies pooled, CPU averaged, the worst lag kept."""
    failed = [run for run in runs if "error" in run]
    if failed:
        return failed[0]
    if len(runs) == 1:
        return runs[0]
    latencies = [x for run in runs for x in run["latencies"]]
    return {
        "behind_after_1s": max(run["behind_after_1s"] for run in runs),
        "cpu_following_percent": sum(r["cpu_following_percent"] for r in runs) / len(runs),
        "key_p50": percentile(latencies, 0.5),
        "key_p95": percentile(latencies, 0.95),
        "key_samples": len(latencies),
        "keys_missed": sum(run["keys_missed"] for run in runs),
        "cpu_percent": sum(run["cpu_percent"] for run in runs) / len(runs),
        "written_per_second": sum(r["written_per_second"] for r in runs) / len(runs),
        "writes_per_second": sum(r["writes_per_second"] for r in runs) / len(runs),
        "latencies": latencies,
        "runs": len(runs),
    }


def _line(data: dict[str, Any]) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    return (
        f"{stamp}.{int(time.time() * 1000) % 1000:03d}Z {data.get('level', '')} "
        f"{data.get('kind', '')} {data.get('method', '')} {data.get('status', '')} "
        f"{data.get('serviceName', '')} {data.get('url', '')}\n"
    )


def lnav(seconds: float, rate: float, work: str) -> dict[str, Any]:
    """lnav following a file that grows at ``rate`` lines a second."""
    import json

    from benchmarks.workers.synthetic import EntryMaker

    maker = EntryMaker(lambda raw, data: data)
    path = Path(work) / "stream.log"
    path.write_text("".join(_line(d) for d in maker.batch(1000)))
    stop = threading.Event()

    def grow() -> None:
        with path.open("a") as out:
            start, written = time.perf_counter(), 0
            while not stop.is_set():
                due = int((time.perf_counter() - start) * rate)
                if due > written:
                    out.write("".join(_line(json.loads(maker.text(n)))
                                      for n in range(maker.made, maker.made + due - written)))
                    maker.made += due - written
                    out.flush()
                    written = due
                stop.wait(0.01)

    writer = threading.Thread(target=grow, daemon=True)
    writer.start()
    env = dict(os.environ, HOME=work, XDG_CONFIG_HOME=work)  # lnav's own state, thrown away
    pane = Pane(["lnav", str(path)], env, work)
    try:
        if pane.wait_for("LOG ❭", 10) is None:
            raise RuntimeError("lnav never showed its log view")
        return _keys(pane, [("?", "HELP ❭"), ("?", "LOG ❭")], "G", seconds, lambda: maker.made)
    finally:
        stop.set()
        pane.close()


def _on_stream(
    name: str,
    seconds: float,
    rate: float,
    work: str,
    argv_for: Callable[[Any], list[str]],
    toggles: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    """The program ``argv_for(server)`` on the harness's SSE server paced at ``rate``."""
    from benchmarks.sse_server import Pacing, PregeneratedSSEServer
    from benchmarks.workers.synthetic import EntryMaker

    maker = EntryMaker(lambda raw, data: data)
    texts = [maker.text(n) for n in range(int(rate * (seconds + WARM_UP + 15)))]
    gate = threading.Event()
    with PregeneratedSSEServer(
        texts, token=TOKEN, ending="hold", pacing=Pacing(rate), gate=gate
    ) as server:
        argv = argv_for(server)
        pane = Pane(argv, child_env({"LOGTUI_PROXY_TOKEN": TOKEN, "HOME": work}), work)
        try:
            deadline = time.perf_counter() + 15
            while server.stream_connections == 0:
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"{name} never connected: " + pane.screen()[-300:])
                time.sleep(0.01)
            gate.set()
            return _keys(
                pane, toggles, toggles[-1][0], seconds,
                lambda: server.sent_log[-1][0] if server.sent_log else 0,
            )
        finally:
            server.halt.set()
            pane.close()


def logtui(seconds: float, rate: float, work: str) -> dict[str, Any]:
    """``logtui proxy`` on the harness's SSE server paced at ``rate``, over loopback."""
    return _on_stream(
        "logtui", seconds, rate, work,
        lambda server: [PYTHON, "-m", "logtui", "proxy", server.base_url, "--state-dir", work,
                        "--no-resume"],
        [("Space", "paused ·"), ("f", "following")],
    )


def log_app(seconds: float, rate: float, work: str) -> dict[str, Any]:
    """Textual's ``Log`` app on the same paced stream, read with httpx-sse."""
    # The state line is the pane's last: a log line starts with its timestamp, never a word.
    return _on_stream(
        "the Log app", seconds, rate, work,
        lambda server: [PYTHON, "-m", "benchmarks.workers.tmux_follow", "app",
                        server.stream_url],
        [("Space", "\npaused"), ("f", "\nfollowing")],
    )


def run_log_app(url: str) -> None:
    """The ``Log`` app on ``url``, for real on this process's terminal (until it is killed)."""
    from types import SimpleNamespace

    from benchmarks.workers.baseline_app import BaselineApp
    from benchmarks.workers.synthetic import WireSource

    BaselineApp(
        lambda sink: WireSource(sink, url, TOKEN, lambda raw, data: SimpleNamespace(data=data)),
        max_lines=100_000,
    ).run()


Measure = Callable[[float, float, str], dict[str, Any]]


def _measure(measure: Measure, seconds: float, rate: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="logtui-bench-") as work:
        try:
            return measure(seconds, rate, work)
        except (RuntimeError, subprocess.SubprocessError, OSError) as error:
            return {"error": f"{type(error).__name__}: {error}"}


def main(argv: list[str]) -> None:
    """Measure each program (or say why one cannot be) and print the JSON result.

    With ROUNDS (a third argument) above 1, logtui and the ``Log`` app each run ROUNDS times
    for SECONDS / ROUNDS, in the order logtui, Log app, Log app, logtui..., so a load that
    rises or falls through the run weighs on both alike; lnav, for information, runs once.
    """
    if argv[0] == "app":
        run_log_app(argv[1])
        return
    seconds, rate = float(argv[0]), float(argv[1])
    rounds = int(argv[2]) if len(argv) > 2 else 1
    if shutil.which("tmux") is None:
        not_available("tmux is not installed")
    runs: dict[str, list[dict[str, Any]]] = {"logtui": [], "log_app": []}
    pair: list[tuple[str, Measure]] = [("logtui", logtui), ("log_app", log_app)]
    for turn in range(rounds):
        for name, measure in pair if turn % 2 == 0 else pair[::-1]:
            runs[name].append(_measure(measure, seconds / rounds, rate))
    result: dict[str, Any] = {name: _merged(side) for name, side in runs.items()}
    if shutil.which("lnav") is None:
        result["lnav"] = {"error": "lnav is not installed"}
    else:
        result["lnav"] = _measure(lnav, seconds, rate)
    emit(result)


if __name__ == "__main__":
    main(sys.argv[1:])
