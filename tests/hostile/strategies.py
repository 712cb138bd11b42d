"""Hypothesis strategies drawing fault schedules from the whole space the hostile peers know."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.hostile.faults import Fault, Kind, RetryAfter, Style

styles = st.builds(
    Style,
    line_ending=st.sampled_from(["\n", "\r\n", "\r"]),
    id_padding=st.booleans(),
    gzip=st.booleans(),
    heartbeats=st.just(True),
    retry_ms=st.none() | st.sampled_from([0, 1, 100]),
    hostile_text=st.booleans(),
)
_after = st.integers(0, 8)


def faults(*, proxy: bool) -> st.SearchStrategy[Fault]:
    """One connection's fate; restarts and ``reset`` only where the API has them."""
    common = [
        st.builds(Fault, kind=st.just(Kind.PLAIN), after=_after, style=styles),
        st.builds(Fault, kind=st.just(Kind.CUT), after=_after, offset=st.integers(1, 400),
                  style=styles),
        st.builds(Fault, kind=st.just(Kind.TCP_RESET), after=_after, style=styles),
        st.builds(Fault, kind=st.just(Kind.STALL), after=_after, seconds=st.just(0.9),
                  style=styles),
        st.builds(Fault, kind=st.just(Kind.STATUS), status=st.sampled_from([429, 503]),
                  retry_after=st.sampled_from(list(RetryAfter))),
        st.builds(Fault, kind=st.just(Kind.UNKNOWN_EVENT), after=_after, style=styles),
    ]
    if proxy:
        common += [
            st.builds(Fault, kind=st.just(Kind.RESET_EVENT), after=_after, style=styles),
            st.builds(Fault, kind=st.just(Kind.RESTART), after=_after,
                      ids_lower=st.booleans(), style=styles),
        ]
    else:
        common.append(st.builds(Fault, kind=st.just(Kind.BAD_RESUME),
                                bad_resume_as_400=st.booleans()))
    return st.one_of(common)


def schedules(*, proxy: bool, max_size: int = 3) -> st.SearchStrategy[list[Fault]]:
    return st.lists(faults(proxy=proxy), max_size=max_size)


__all__ = ["faults", "schedules", "styles"]
