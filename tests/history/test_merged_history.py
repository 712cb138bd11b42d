"""Several sources' histories read back as one: every entry of every source once, in time
order across them, over real sockets to servers written from the API docs."""

from __future__ import annotations

import time

import pytest

from logtui.core.eventtime import entry_time
from logtui.core.history import history_reader
from logtui.core.merged_history import MergedHistory
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig
from tests.history.doc_servers import NextDNSLog, ProxyLog

from .test_readers import _times

NOW_MS = int(time.time() * 1000)


@pytest.mark.parametrize("limit", [7, 25])
async def test_pages_across_sources_hold_each_entry_once_in_time_order(limit: int) -> None:
    dns, web = NextDNSLog(), ProxyLog(page_cap=50)
    dns_times, web_times = _times(4, 120), _times(5, 90)
    for n, ms in enumerate(dns_times):
        dns.add(ms, f"q{n}.example")
    for n, ms in enumerate(web_times):
        web.add(ms, entry_id=10 + n)
    seen: list[tuple[str, int]] = []
    async with dns, web:
        readers = {
            "home": history_reader(SourceConfig(kind=SourceKind.NEXTDNS,
                                                url=f"{dns.base}/profiles/p", secret="k")),
            "web": history_reader(SourceConfig(kind=SourceKind.PROXY,
                                               url=f"{web.base}/api/proxy-logs", secret="t")),
        }
        merged = MergedHistory({name: r for name, r in readers.items() if r is not None})
        when = NOW_MS / 1000
        pages = 0
        async with merged:
            while True:
                page = await merged.before(when, limit=limit)
                pages += 1
                times = [entry_time(e) for e in page.entries]
                assert times == sorted(times)
                assert len(page.entries) <= limit or len(set(times)) == 1
                seen[:0] = [(e.source or "", round(entry_time(e) * 1000)) for e in page.entries]
                if page.exhausted:
                    break
                assert page.entries
                when = times[0]
    assert sorted(ms for name, ms in seen if name == "home") == dns_times
    assert sorted(ms for name, ms in seen if name == "web") == web_times
    assert [ms for _, ms in seen] == sorted(ms for _, ms in seen)
    assert pages >= (len(dns_times) + len(web_times)) // limit


async def test_a_source_that_fails_is_named_in_the_error() -> None:
    web = ProxyLog(page_cap=50)
    web.add(NOW_MS - 1000, entry_id=1)
    async with web:
        good = history_reader(SourceConfig(kind=SourceKind.PROXY,
                                           url=f"{web.base}/api/proxy-logs", secret="t"))
        gone = history_reader(SourceConfig(kind=SourceKind.PROXY,
                                           url="http://127.0.0.1:9/api/proxy-logs", secret="t"))
        assert good is not None and gone is not None
        with pytest.raises(Exception, match=r"^gone: "):
            async with MergedHistory({"web": good, "gone": gone}) as merged:
                await merged.before(NOW_MS / 1000, limit=10)
