"""Where a server-side filter change leaves the new filter's entries incomplete."""

from __future__ import annotations

from logtui.core.coverage import Coverage, Gap, covers, gap_text


def test_fewer_parameters_cover_more_entries() -> None:
    assert covers({}, {"level": "warn"})
    assert covers({"level": "warn"}, {"level": "warn", "kind": "request"})
    assert not covers({"level": "warn"}, {})
    assert not covers({"level": "warn"}, {"level": "error"})


def test_narrowing_loses_nothing_and_continues_from_the_last_key() -> None:
    coverage = Coverage({}, None, 0.0)
    change = coverage.change({"level": "warn"}, "41", 10.0, backfills=True)
    assert (change.after_key, change.gap) == ("41", None)


def test_widening_backfills_from_the_last_key_before_narrowing() -> None:
    coverage = Coverage({}, None, 0.0)
    coverage.change({"level": "warn"}, "41", 10.0, backfills=True)
    change = coverage.change({}, "57", 22.0, backfills=True)
    assert (change.after_key, change.gap) == ("41", None)


def test_cycling_narrow_filters_backfills_from_before_the_first_of_them() -> None:
    coverage = Coverage({}, None, 0.0)
    coverage.change({"level": "warn"}, "41", 10.0, backfills=True)
    assert coverage.change({"level": "error"}, "50", 12.0, backfills=True).after_key == "41"
    assert coverage.change({"level": "info"}, "60", 14.0, backfills=True).after_key == "41"
    assert coverage.change({}, "70", 16.0, backfills=True).after_key == "41"
    # Complete again after that backfill: narrowing now continues from the newest key.
    assert coverage.change({"level": "info"}, "80", 18.0, backfills=True).after_key == "80"


def test_widening_without_a_backfill_reports_the_interval_once() -> None:
    coverage = Coverage({}, None, 0.0)
    coverage.change({"status": "blocked"}, None, 10.0, backfills=False)
    change = coverage.change({}, None, 22.0, backfills=False)
    assert change.gap == Gap(10.0, 22.0, ("status=blocked",), None)
    assert coverage.change({}, None, 30.0, backfills=False).gap is None


def test_a_gap_row_says_how_long_and_why() -> None:
    text = gap_text(Gap(1_700_000_531.0, 1_700_000_543.0, ("level=warn",), None))
    assert text == (
        "— 12 s not loaded: entries outside the filter level=warn were not fetched"
        " (22:22:11\u201322:22:23 UTC) —"
    )
