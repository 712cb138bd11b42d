"""A field no entry has is named as a likely typo, with the closest known or seen name."""

from __future__ import annotations

from logtui.core.apis.generic_sse import GENERIC_FILTERS
from logtui.core.apis.proxy import PROXY_FILTERS
from logtui.core.filters import parse, split


def _reasons(expression: str, spec=PROXY_FILTERS, seen=()):  # type: ignore[no-untyped-def]
    plan = split(parse(expression), spec, seen_fields=seen)
    return {client.term.text: client.reason for client in plan.client_terms}


def test_a_misspelt_field_suggests_the_known_one() -> None:
    assert _reasons("statuz>=500")["statuz>=500"] == (
        "no entry has a field statuz; did you mean status?")


def test_a_field_seen_in_entries_is_suggested_and_is_not_called_missing() -> None:
    reasons = _reasons("colr=red colour=red", GENERIC_FILTERS, seen={"colour", "size"})
    assert reasons["colr=red"] == "no entry has a field colr; did you mean colour?"
    assert "no entry" not in reasons["colour=red"]


def test_a_name_like_nothing_gets_no_guess() -> None:
    assert _reasons("zzqqxx=1")["zzqqxx=1"] == "no entry has a field zzqqxx"


def test_known_fields_and_dotted_paths_keep_their_own_reasons() -> None:
    reasons = _reasons("url~^/v1 data.durationMs>100")
    assert all("no entry" not in reason for reason in reasons.values())
