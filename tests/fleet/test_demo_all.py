"""``logtui demo --source all``: the three demo APIs at once, merged, ``--faults`` on the
proxy-logs source only; Ctrl-C ends them all."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from logtui.demo.fault_spec import FaultSpec
from logtui.demo.faults import Endpoint, Fault, FaultBook
from tests.cli.process import LogtuiProcess, run_logtui


def test_demo_all_merges_the_three_apis_tagged_and_ctrl_c_ends_them_all(tmp_path: Path) -> None:
    process = LogtuiProcess(
        ["demo", "--source", "all", "--output", "ndjson", "--tag-source", "--rate", "40",
         "--history", "5", "--faults", "cut=~20"], tmp_path,
    )
    try:
        process.wait_until(lambda: {
            json.loads(line)["source"] for line in process.stdout
        } >= {"proxy", "nextdns", "instant-logs"} and len(process.stdout) > 150, timeout=40)
        process.interrupt()
        code = process.finish(20)
    finally:
        process.kill()

    assert code == 130, process.stderr
    lines = [json.loads(line) for line in process.stdout]
    proxy_ids = [line["payload"]["id"] for line in lines if line["source"] == "proxy"]
    assert proxy_ids == sorted(set(proxy_ids))  # through the cuts: each once, in order


def test_faults_given_for_some_endpoints_leave_the_others_healthy() -> None:
    book = FaultBook(FaultSpec.parse("cut=5"), only=frozenset({Endpoint.PROXY_STREAM}))
    assert book.next_run(Endpoint.PROXY_STREAM).fault != Fault()
    assert book.next_run(Endpoint.NEXTDNS_STREAM).fault == Fault()
    assert book.next_run(Endpoint.INSTANT_LOGS_SOCKET).fault == Fault()


def test_a_reader_that_goes_away_ends_all_sources_quietly(tmp_path: Path) -> None:
    result = run_logtui(
        ["bash", "-c", f"{sys.executable} -m logtui demo --source all --history 5 | head -n 3;"
         " exit ${PIPESTATUS[0]}"],
        tmp_path, shell=True, timeout=30,
    )

    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 3
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
