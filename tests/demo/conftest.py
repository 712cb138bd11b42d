"""Fixtures: a quiet demo server on an ephemeral port with a fixed clock, and HTTP clients."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from logtui.demo import DemoConfig, DemoServer

FIXED_NOW = 1_718_201_234.0
TOKEN = "test-token"
API_KEY = "test-key"


def fixed_clock() -> float:
    return FIXED_NOW


def make_config(**overrides: object) -> DemoConfig:
    settings: dict[str, object] = {
        "seed": 7, "rate": 0.0, "token": TOKEN, "api_key": API_KEY, "heartbeat": 15.0,
        "faults": "", "history": 0, "clock": fixed_clock,
    }
    settings.update(overrides)
    return DemoConfig(**settings)  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(make_config()) as running:
        yield running


@pytest.fixture
def proxy(server: DemoServer) -> Iterator[httpx.Client]:
    """A client for the proxy-logs API with the right Bearer token."""
    with httpx.Client(
        base_url=server.proxy_url, headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=httpx.Timeout(5.0),
    ) as client:
        yield client


@pytest.fixture
def nextdns(server: DemoServer) -> Iterator[httpx.Client]:
    """A client for the NextDNS API (profile ``abc123``) with the right key."""
    with httpx.Client(
        base_url=f"{server.nextdns_url}/profiles/abc123", headers={"X-Api-Key": API_KEY},
        timeout=httpx.Timeout(5.0),
    ) as client:
        yield client
