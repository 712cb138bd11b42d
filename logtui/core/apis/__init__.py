"""The registry of log APIs: one :class:`~logtui.core.apis.base.ApiProfile` per API, by name.

The built-in profiles are imported on the first lookup, not at import time: the generic modules
that profiles are made of import this registry themselves. A profile registered at run time
(:func:`register`) is a full API: columns, filters, stats and its command come from it.
"""

from __future__ import annotations

import importlib

from logtui.core.apis.base import ApiProfile, Credential, FieldSet, ToggleSpec
from logtui.core.errors import ConfigError

BUILTIN_MODULES: tuple[str, ...] = ("proxy", "nextdns", "generic_sse", "instant_logs")
"""The built-in profile modules under ``logtui.core.apis``, in the order ``--help`` lists them."""

_PROFILES: dict[str, ApiProfile] = {}
_DERIVED: dict[str, ApiProfile] = {}
"""Profiles made at run time from others (a dashboard over several sources): found by
:func:`profile_for`, never listed (they have no command, demo or credentials of their own)."""
_loaded = False


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_MODULES:
        profile: ApiProfile = importlib.import_module(f"logtui.core.apis.{module}").PROFILE
        _PROFILES.setdefault(profile.name, profile)


def register(profile: ApiProfile) -> ApiProfile:
    """Add (or replace) the profile for ``profile.name``; returns it."""
    _load_builtins()
    _PROFILES[profile.name] = profile
    return profile


def register_derived(profile: ApiProfile) -> ApiProfile:
    """Make ``profile`` findable by name without listing it among the APIs; returns it."""
    _DERIVED[profile.name] = profile
    return profile


def unregister(name: str) -> None:
    """Remove a profile (a test's toy API); unknown names are ignored."""
    _PROFILES.pop(str(name), None)
    _DERIVED.pop(str(name), None)


def profile_for(kind: str) -> ApiProfile:
    """The profile of the API named ``kind`` (a :class:`SourceKind` or any registered name)."""
    _load_builtins()
    found = _PROFILES.get(str(kind)) or _DERIVED.get(str(kind))
    if found is None:
        raise ConfigError(f"no log API named {str(kind)!r}")
    return found


def all_profiles() -> tuple[ApiProfile, ...]:
    """Every registered profile, built-ins first."""
    _load_builtins()
    return tuple(_PROFILES.values())


__all__ = [
    "ApiProfile",
    "Credential",
    "FieldSet",
    "ToggleSpec",
    "all_profiles",
    "profile_for",
    "register",
    "register_derived",
    "unregister",
]
