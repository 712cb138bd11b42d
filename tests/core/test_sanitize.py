"""Hostile wire text becomes visible, inert text: no escape sequence, reordering or hiding."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.sanitize import safe_line, safe_text

ATTACKS = {
    "osc-0-title": "\x1b]0;pwned\x07",
    "osc-2-title-st": "\x1b]2;pwned\x1b\\",
    "osc-52-clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "osc-8-hyperlink": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "clear-screen": "\x1b[2J\x1b[H",
    "report-title": "\x1b[21t",
    "c1-csi": "\x9b31mred",
    "c1-osc": "\x9d0;title\x9c",
    "del": "abc\x7f\x7f",
    "backspace-overwrite": "safe\x08\x08\x08\x08evil",
    "carriage-return-overwrite": "ok\rFAIL",
    "bell": "\x07",
    "nul": "a\x00b",
}


def is_inert(text: str) -> bool:
    """No C0 except LF/tab, no DEL/C1, no bidi or invisible format character, no surrogate."""
    for char in text:
        code = ord(char)
        if code < 0x20 and char not in "\n\t":
            return False
        if 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF:
            return False
        if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or code in (0x200E, 0x200F):
            return False
        if 0xE0000 <= code <= 0xE007F or code in (0x200B, 0xFEFF, 0x2028, 0x2029):
            return False
    return True


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_escape_and_control_sequences_become_inert_text(attack: str) -> None:
    for shown in (safe_line(attack), safe_text(attack)):
        assert is_inert(shown)
        assert "\n" not in safe_line(attack)


def test_escape_shows_as_a_control_picture_and_keeps_the_rest_readable() -> None:
    assert safe_line("\x1b[2J") == "\u241b[2J"
    assert safe_line("\x1b]0;pwned\x07") == "\u241b]0;pwned\u2407"
    assert safe_line("a\x00b\x7f") == "a\u2400b\u2421"


def test_c1_controls_are_marked_with_their_code_point() -> None:
    assert safe_line("\x9b31m") == "<U+009B>31m"
    assert safe_line("next\x85line") == "next<U+0085>line"


@pytest.mark.parametrize("code", [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F])
def test_bidi_controls_are_marked(code: int) -> None:
    assert safe_line(f"invoice{chr(code)}fdp.exe") == f"invoice<U+{code:04X}>fdp.exe"


@pytest.mark.parametrize("code", [0x200B, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0x3164, 0xE0041])
def test_invisible_characters_that_could_spoof_text_are_marked(code: int) -> None:
    assert safe_line(f"ad{chr(code)}min") == f"ad<U+{code:04X}>min"


def test_line_makes_line_breaks_visible_and_tabs_spaces() -> None:
    assert safe_line("a\nb\rc\r\nd\u2028e\u2029f\tg") == (
        "a\u240ab\u240dc\u240d\u240ad<U+2028>e<U+2029>f g"
    )


def test_text_keeps_newlines_and_tabs_but_not_carriage_returns() -> None:
    assert safe_text("a\n\tb\r\nc\u2028") == "a\n\tb\u240d\nc<U+2028>"


def test_lone_surrogates_are_marked_so_the_result_can_be_encoded() -> None:
    shown = safe_line("x\ud800y\udfffz")
    assert shown == "x<U+D800>y<U+DFFF>z"
    shown.encode("utf-8")


def test_ordinary_text_is_returned_unchanged_without_a_copy() -> None:
    for text in ("plain ascii", "héllo wörld ✓ 日本語 👨\u200d👩\u200d👧", "", "x" * 100_000):
        assert safe_line(text) is text
        assert safe_text(text) is text
    multi = "two\nlines\twith tab"
    assert safe_text(multi) is multi


def test_very_long_strings_are_handled_in_linear_time() -> None:
    clean = "y" * 8_000_000
    hostile = ("\x1b[31m" + "y" * 75) * 40_000
    start = time.perf_counter()
    assert safe_line(clean) is clean
    shown = safe_line(hostile)
    elapsed = time.perf_counter() - start
    assert shown.count("\u241b") == 40_000 and is_inert(shown)
    assert elapsed < 5.0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_any_text_comes_out_inert_and_encodable(text: str) -> None:
    line = safe_line(text)
    assert is_inert(line) and "\n" not in line and "\t" not in line
    line.encode("utf-8")
    multi = safe_text(text)
    assert is_inert(multi)
    assert multi.count("\n") == text.count("\n")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_sanitising_twice_changes_nothing_more(text: str) -> None:
    once = safe_line(text)
    assert safe_line(once) == once
    assert safe_text(safe_text(text)) == safe_text(text)
