"""The Cloudflare v4 response envelope, validated with pydantic.

Every v4 answer (and IBM CIS's copy of the API) wraps its payload as
``{"success": bool, "errors": [{"code", "message"}], "messages": [...], "result": ...}``. A
schema is worth having here: the answer comes from a server we do not control, the fields we
read are few, and pydantic turns a malformed answer into one validation error instead of a
chain of ``isinstance`` checks. Unknown fields are ignored, as the API adds them freely.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = ["ApiMessage", "Envelope", "JobResult", "ValidationError"]


class ApiMessage(BaseModel):
    """One entry of ``errors`` or ``messages``."""

    model_config = ConfigDict(extra="ignore")

    code: int | str | None = None
    message: str = ""

    @field_validator("message", mode="before")
    @classmethod
    def _text_or_empty(cls, value: Any) -> str:
        return value if isinstance(value, str) else ""


class JobResult(BaseModel):
    """The ``result`` of a created Instant Logs job: what logtui reads of it."""

    model_config = ConfigDict(extra="ignore")

    id: int | str | None = None
    destination_conf: str | None = None
    filter: str = ""
    """The job filter as the server echoed it back (``""`` when absent or not a string)."""

    @field_validator("filter", mode="before")
    @classmethod
    def _filter_text(cls, value: Any) -> str:
        return value if isinstance(value, str) else ""


class Envelope(BaseModel):
    """A v4 answer. ``result`` is ``None`` when the call failed or the field was absent."""

    model_config = ConfigDict(extra="ignore")

    success: bool = True
    errors: list[ApiMessage] = Field(default_factory=list)
    message: str = ""
    """Some gateways answer errors with a bare top-level ``message`` instead of ``errors``."""
    result: JobResult | None = None

    @field_validator("errors", mode="before")
    @classmethod
    def _only_objects(cls, value: Any) -> list[Any]:
        return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

    @field_validator("message", mode="before")
    @classmethod
    def _message_text(cls, value: Any) -> str:
        return value if isinstance(value, str) else ""

    def has_code(self, code: int) -> bool:
        """Whether one of the errors carries ``code`` (as a number or its digits)."""
        return any(str(error.code) == str(code) for error in self.errors)

    def first_error(self) -> str:
        """The first error message the server gave, raw (the caller sanitises it)."""
        for error in self.errors:
            if error.message:
                return error.message
        return self.message
