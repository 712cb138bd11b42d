"""Several named sources in one view: the merged profile and the filter over all of them."""

from __future__ import annotations

from typing import Any

from logtui.core.apis import all_profiles, profile_for
from logtui.core.apis.merged import (
    SOURCE_PALETTE,
    SourceRef,
    merged_identity,
    merged_profile,
    source_colours,
)
from logtui.core.filters.multi import MultiFilterSession
from logtui.core.models import Entry

PROXIES = (SourceRef("home", "proxy"), SourceRef("office", "proxy"))
MIXED = (*PROXIES, SourceRef("dns", "nextdns"))


def _entry(name: str, **data: Any) -> Entry:
    return Entry(raw="{}", data=data, source=name)


def test_sources_of_one_api_keep_its_columns_with_a_source_column_after_the_time() -> None:
    profile = merged_profile(PROXIES)
    names = [column.name for column in profile.columns]
    assert names == ["time", "source", *[c.name for c in profile_for("proxy").columns][1:]]


def test_sources_of_several_apis_share_time_source_level_and_a_summary() -> None:
    profile = merged_profile(MIXED)
    columns = {column.name: column for column in profile.columns}
    assert list(columns) == ["time", "source", "level", "summary"]
    request = _entry("home", level="warn", url="/v1/users", status=404)
    query = _entry("dns", status="blocked", domain="ads.example")
    assert columns["level"].extract(request) == "warn"
    assert columns["level"].extract(query) == "blocked"
    assert columns["summary"].extract(request) == "/v1/users"
    assert columns["summary"].extract(query) == "ads.example"
    assert columns["source"].extract(query) == "dns"


def test_a_merged_profile_is_found_by_name_but_never_listed_as_an_api() -> None:
    profile = merged_profile(MIXED)
    assert profile_for(profile.name) is profile
    assert profile.name not in {str(p.name) for p in all_profiles()}


def test_each_source_keeps_its_colour_and_a_few_sources_never_share_one() -> None:
    first = source_colours(["home", "office", "dns"])
    assert source_colours(["dns", "home", "office"]) == first
    assert len(set(first.values())) == 3
    many = source_colours([f"s{i}" for i in range(len(SOURCE_PALETTE))])
    assert len(set(many.values())) == len(SOURCE_PALETTE)


def test_two_sources_never_de_duplicate_each_others_entries() -> None:
    identity = merged_identity(PROXIES)
    assert identity(_entry("home", id=7)) != identity(_entry("office", id=7))
    assert identity(_entry("home", id=7)) == identity(_entry("home", id=7))


def test_source_terms_filter_by_the_source_name_here() -> None:
    session = MultiFilterSession(MIXED)
    entries = [_entry("home", level="info"), _entry("office", level="info"),
               _entry("dns", status="allowed")]
    for expression, kept in (
        ("source=home", ["home"]),
        ("source!=dns", ["home", "office"]),
        ("source=home,dns", ["home", "dns"]),
        ("-source:off", ["home", "dns"]),
    ):
        outcome = session.evaluate(expression)
        assert outcome.predicate is not None
        assert [e.source for e in entries if outcome.predicate(e)] == kept, expression
        assert outcome.client_terms == (expression,)


def test_a_server_term_goes_only_to_the_sources_the_source_terms_select() -> None:
    outcome = MultiFilterSession(MIXED).evaluate("source=home level=error")
    assert outcome.member_params == {"home": {"level": "error"}}


def test_a_field_a_sources_api_lacks_is_never_sent_to_it_and_filters_it_here() -> None:
    outcome = MultiFilterSession(MIXED).evaluate("level=error")
    assert outcome.member_params == {
        "home": {"level": "error"}, "office": {"level": "error"}, "dns": {},
    }
    assert outcome.server_terms == ("level=error (home, office)",)
    assert any(note.startswith("level=error (dns)") for note in outcome.notes)
    assert outcome.predicate is not None
    assert not outcome.predicate(_entry("dns", status="blocked"))
    assert outcome.predicate(_entry("home", level="error"))


def test_each_source_reads_a_field_name_in_its_own_apis_terms() -> None:
    outcome = MultiFilterSession(MIXED).evaluate("status=blocked")
    assert outcome.member_params["dns"] == {"status": "blocked"}
    assert outcome.member_params["home"] == {}
    assert outcome.predicate is not None
    assert outcome.predicate(_entry("dns", status="blocked"))
    assert not outcome.predicate(_entry("home", status=500))


def test_the_proxy_payloads_own_source_field_is_read_as_payload_source() -> None:
    outcome = MultiFilterSession(PROXIES).evaluate("payload.source=edge")
    assert outcome.predicate is not None
    assert outcome.predicate(_entry("home", **{"source": "edge"}))
    assert not outcome.predicate(_entry("home", **{"source": "backend"}))
    assert outcome.member_params == {"home": {}, "office": {}}


def test_an_unknown_source_name_is_said() -> None:
    outcome = MultiFilterSession(MIXED).evaluate("source=hom")
    assert outcome.member_params == {}
    assert any("no source named hom" in note for note in outcome.notes)


def test_an_expression_that_does_not_parse_is_an_error_with_its_column() -> None:
    outcome = MultiFilterSession(MIXED).evaluate("source=home status>=")
    assert not outcome.ok and outcome.error_position is not None


def test_sources_of_one_api_keep_its_quick_toggles_after_the_source_one() -> None:
    fields = [spec.field for spec in merged_profile(PROXIES).toggles]
    assert fields == ["source", *[spec.field for spec in profile_for("proxy").toggles]]
    assert [spec.field for spec in merged_profile(MIXED).toggles] == ["source"]


def test_the_buffer_keeps_alike_ids_of_two_sources_and_places_history_by_event_time() -> None:
    from logtui.core.apis.merged import merged_order
    from logtui.core.store import EntryStore

    store = EntryStore(100, identity=merged_identity(PROXIES), order=merged_order(PROXIES))

    def proxy(name: str, row_id: int, ms: int, origin: str = "live") -> Entry:
        return Entry(raw="{}", data={"id": row_id, "tsMs": 1_718_201_234_000 + ms},
                     origin=origin, source=name)  # type: ignore[arg-type]

    store.extend([proxy("home", 1, 500), proxy("office", 1, 600)])
    assert [e.source for e in store.view] == ["home", "office"]
    # Older history of each, arriving late: placed among the rows by event time, not by id.
    store.extend([proxy("office", 90, 100, "history"), proxy("home", 2, 550, "history")])
    assert [(e.source, e.data["id"]) for e in store.view] == [
        ("office", 90), ("home", 1), ("home", 2), ("office", 1),
    ]
    store.extend([proxy("home", 1, 500)])
    assert len(store) == 4 and store.refused == 1
