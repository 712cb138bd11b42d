"""The stream pane's truecolor filter draws exactly what Textual's own filter draws.

:class:`QuickTruecolor` hands a line back unchanged when no style in it needs converting; any
line with an ANSI colour, or dim over a colour, must still come out as Textual converts it.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import MONOKAI
from textual.color import Color
from textual.filter import ANSIToTruecolor

from logtui.tui.quick_truecolor import QuickTruecolor, quick_filters, unchanged_by_conversion

COLOURS = st.sampled_from([None, "red", "bright_cyan", "color(123)", "#102030", "rgb(9,200,9)",
                           "default"])
STYLES = st.builds(
    lambda color, bgcolor, dim, bold: Style(color=color, bgcolor=bgcolor, dim=dim, bold=bold),
    COLOURS, COLOURS, st.booleans(), st.booleans(),
)
SEGMENTS = st.lists(
    st.tuples(st.text(max_size=5), st.one_of(st.none(), STYLES)).map(lambda p: Segment(*p)),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(SEGMENTS, min_size=1, max_size=4))
def test_every_line_comes_out_as_textuals_filter_draws_it(lines: list[list[Segment]]) -> None:
    inner = ANSIToTruecolor(MONOKAI)
    quick = QuickTruecolor(inner)
    background = Color(10, 20, 30)
    for segments in lines:  # several lines: verdicts remembered from one line serve the next
        expected = inner.apply(segments, background)
        got = quick.apply(segments, background)
        assert [(s.text, s.style) for s in got] == [(s.text, s.style) for s in expected]


def test_a_truecolor_line_is_handed_back_as_it_came() -> None:
    segments = [Segment("12:00", Style(color="#aabbcc", bold=True)), Segment(" "),
                Segment("GET", Style(bgcolor="rgb(1,2,3)", dim=True))]
    assert QuickTruecolor(ANSIToTruecolor(MONOKAI)).apply(segments, Color(0, 0, 0)) is segments


def test_an_ansi_colour_or_dim_over_a_colour_is_converted() -> None:
    assert not unchanged_by_conversion(Style(color="red"))
    assert not unchanged_by_conversion(Style(bgcolor="color(3)"))
    assert not unchanged_by_conversion(Style(color="#000000", dim=True))
    assert unchanged_by_conversion(Style(dim=True))
    assert unchanged_by_conversion(Style(color="#010203", bgcolor="#040506", italic=True))


def test_the_wrapper_is_kept_while_the_apps_filter_stays_the_same() -> None:
    first = ANSIToTruecolor(MONOKAI)
    filters, kept = quick_filters([first], None)
    again, kept_again = quick_filters([first], kept)
    assert again[0] is filters[0] is kept is kept_again
    first.enabled = False
    disabled, _ = quick_filters([first], kept)
    assert disabled[0].enabled is False
    theme_changed, fresh = quick_filters([ANSIToTruecolor(MONOKAI)], kept)
    assert fresh is not kept and theme_changed[0] is fresh
