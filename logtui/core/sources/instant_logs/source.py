"""Instant Logs (Cloudflare, IBM CIS): live HTTP request records of a zone over WebSocket.

Each connection the engine asks for is a session: a job created with
``POST {api}/zones/{zone}/logpush/edge/jobs`` (:mod:`.jobs`; older APIs serve it at
``.../logpush/edge``, tried after a 404 and remembered), then its WebSocket
(:mod:`.socket`), read and renewed before its 60-minute limit by
:class:`~.stream.SessionStream`. The engine's reconnects fit as follows:

- a dropped socket: the next connection dials the same session again (it survives a drop),
  and creates a new job only when the server says the session is gone;
- a connection logtui ends itself (a new filter, ``r``, quitting) closes the socket, which
  ends the session; the next job is created at once and, while the server is still ending the
  old session, a "session already active" answer is retried for a few seconds;
- a job logtui created but no longer wants (a new filter arrived before its socket opened,
  or a dropped session's filter changed) is still a session on the server until it goes
  unconnected for minutes: its socket is opened and closed at once, which ends it, before the
  next job is created;
- otherwise "session already active" means someone else holds the zone: a
  :class:`~.jobs.SessionActive` error (fatal, no retry loop) says so.

There is no history or resume point: a session starts at "now".
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote, unquote

import httpx
from websockets.asyncio.client import ClientConnection
from websockets.protocol import State

from logtui.core.constants import DEFAULT_MAX_EVENT_BYTES
from logtui.core.errors import ConfigError
from logtui.core.http import make_client
from logtui.core.models import SourceKind
from logtui.core.redact import redact_url
from logtui.core.sources.base import Connection, ConnectPlan, Source
from logtui.core.sources.instant_logs.defaults import (
    DEFAULT_FIELDS,
    KEEPALIVE,
    RENEW_MARGIN,
    SESSION_MAX,
)
from logtui.core.sources.instant_logs.jobs import (
    EndpointNotFound,
    Job,
    JobRequest,
    SessionActive,
    create_job,
)
from logtui.core.sources.instant_logs.options import InstantLogsOptions
from logtui.core.sources.instant_logs.socket import (
    Dialer,
    LiveSession,
    MessageDecoder,
    SessionGone,
    SessionRateLimited,
    dial,
)
from logtui.core.sources.instant_logs.stream import SessionStream
from logtui.core.sources.owned_client import OwnedClient

if TYPE_CHECKING:
    from logtui.core.sources import SourceConfig

RELEASE_TIMEOUT: Final = 5.0
"""How long ending an abandoned session of logtui's own may take before it is left to expire."""
OWN_SESSION_GRACE: Final = 5.0
"""After logtui closed its own session, "session already active" is retried this long."""
SOCKET_LIMIT_WAIT: Final = 60.0
"""The first wait after the session socket answered 429; it doubles while 429s go on."""
SOCKET_LIMIT_MAX: Final = 600.0


def zone_url(api_url: str, zone: str) -> str:
    """The zone's URL under the v4 API root: ``{api}/zones/{zone}``."""
    return f"{api_url.rstrip('/')}/zones/{quote(zone, safe='')}"


class InstantLogsSource(Source):
    """Live HTTP request records of one zone, one Instant Logs session after another."""

    kind: str = SourceKind.INSTANT_LOGS

    def __init__(
        self,
        *,
        url: str,
        secret: str | None,
        headers: Mapping[str, str],
        filters: Mapping[str, str],
        fields: Sequence[str] = DEFAULT_FIELDS,
        sample: int = 1,
        session_max: float = SESSION_MAX,
        renew_margin: float = RENEW_MARGIN,
        keepalive: float = KEEPALIVE,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        clock: Callable[[], float] = time.time,
        client_factory: Callable[[], httpx.AsyncClient] = make_client,
        dialer: Dialer | None = None,
        credential_hint: str | None = None,
    ) -> None:
        self._url = url.rstrip("/")
        self._credential_hint = credential_hint
        """What a refusal of the credentials says (see ``SourceConfig.credential_hint``)."""
        self._zone = unquote(self._url.rsplit("/", 1)[-1])
        self._jobs_url = f"{self._url}/logpush/edge/jobs"
        self._endpoint_known = False
        """Whether a job was created at ``_jobs_url`` (no fallback needed any more)."""
        self._secret = secret
        self._headers = dict(headers)
        self._job_filter = filters.get("filter", "")
        self._fields = tuple(fields)
        self._sample = max(1, sample)
        self._session_max = session_max
        self._renew_margin = renew_margin
        self._keepalive = keepalive
        self._max_event_bytes = max_event_bytes
        self._clock = clock
        self._dialer = dialer
        self._http = OwnedClient(client_factory)
        self._resumable: tuple[Job, float] | None = None
        """A session whose socket dropped: the next connection dials it again."""
        self._undialed: tuple[Job, float] | None = None
        """A job created whose socket never opened: dialled before another job is made."""
        self._abandoned: list[Job] = []
        """Jobs of logtui's own that no longer fit the filter: ended before the next job."""
        self._ended_own = False
        """logtui closed its own session last: "already active" may be that one ending."""
        self._socket_limited = 0
        """429 answers on the session socket in a row."""
        self.jobs: list[Job] = []
        """Every job created, oldest first (for diagnostics and tests)."""

    # -- Source API -------------------------------------------------------------------------

    @property
    def description(self) -> str:
        return f"{self.kind} {redact_url(self._url)}"

    @property
    def url(self) -> str:
        return redact_url(self._url)

    @property
    def filters(self) -> Mapping[str, str]:
        return {"filter": self._job_filter} if self._job_filter else {}

    @property
    def fields(self) -> tuple[str, ...]:
        """The record fields each job asks for."""
        return self._fields

    def set_filters(self, params: Mapping[str, str]) -> None:
        """Use a new job filter (``{"filter": json}``) from the next session on."""
        self._job_filter = params.get("filter", "")
        for held in (self._resumable, self._undialed):
            if held is not None:
                self._abandoned.append(held[0])
        self._resumable = None
        self._undialed = None

    async def open(self) -> None:
        self._http.open()

    async def aclose(self) -> None:
        await self._http.aclose()

    @asynccontextmanager
    async def connect(self, plan: ConnectPlan) -> AsyncIterator[Connection]:
        first = await self._first_session()
        stream = SessionStream(
            first,
            open_session=self._new_session,
            decoder=MessageDecoder(
                sample=self._sample,
                max_line_bytes=self._max_event_bytes,
                dedupe="RayID" in self._fields,
            ),
            session_max=self._session_max,
            renew_margin=self._renew_margin,
            keepalive=self._keepalive,
            overlap="RayID" in self._fields,
        )
        chunks = stream.chunks()
        try:
            yield chunks
        finally:
            with suppress(Exception):
                await chunks.aclose()
            primary = stream.primary
            dropped = primary.socket.state is State.CLOSED and not primary.closed_by_us
            await stream.aclose()
            if dropped and primary.socket.close_code != 1000:
                self._resumable = (primary.job, primary.created)
            else:
                self._resumable = None
                self._ended_own = True

    # -- sessions ---------------------------------------------------------------------------

    async def _first_session(self) -> LiveSession:
        if self._resumable is not None:
            job, created = self._resumable
            try:
                socket = await self._dial(job)
            except SessionGone:
                self._resumable = None
            else:
                self._resumable = None
                return LiveSession(job, socket, created)
        return await self._new_session(False)

    async def _new_session(self, after_own: bool) -> LiveSession:
        """Create a job and open its socket (or open one created earlier but never opened)."""
        loop = asyncio.get_running_loop()
        if self._undialed is not None:
            job, created = self._undialed
            try:
                socket = await self._dial(job)
            except SessionGone:
                self._undialed = None
            else:
                self._undialed = None
                return LiveSession(job, socket, created)
        ending_own = await self._release_abandoned() or after_own or self._ended_own
        try:
            job = await self._create_job(ending_own)
        except asyncio.CancelledError:
            # The server may have made the job before the answer was lost: ours, unseen.
            self._ended_own = True
            raise
        created = loop.time()
        self._ended_own = False
        self._undialed = (job, created)
        socket = await self._dial(job)
        self._undialed = None
        return LiveSession(job, socket, created)

    async def _release_abandoned(self) -> bool:
        """End the sessions of jobs logtui abandoned (a socket opened and closed ends one);
        whether there were any (the server may still be ending them)."""
        released = bool(self._abandoned)
        while self._abandoned:
            job = self._abandoned.pop()
            with suppress(Exception):
                async with asyncio.timeout(RELEASE_TIMEOUT):
                    socket = await dial(job.destination, max_size=self._max_event_bytes,
                                        now=self._clock(), **self._dial_options())
                    await socket.close()
        return released

    async def _create_job(self, own_session_ending: bool) -> Job:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (OWN_SESSION_GRACE if own_session_ending else 0.0)
        delay = 0.05
        request = JobRequest(self._fields, self._sample, self._job_filter)
        while True:
            try:
                job = await self._post_job(request)
            except SessionActive:
                if loop.time() + delay > deadline:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            if not job.id:
                job = dataclasses.replace(job, id=f"#{len(self.jobs) + 1}")
            self.jobs.append(job)
            return job

    async def _post_job(self, request: JobRequest) -> Job:
        """One job request; the first 404 on the current path tries the older one."""
        try:
            job = await self._post_job_at(self._jobs_url, request)
        except EndpointNotFound as first:
            if self._endpoint_known:
                raise
            legacy = f"{self._url}/logpush/edge"
            try:
                job = await self._post_job_at(legacy, request)
            except EndpointNotFound:
                raise first from None
            self._jobs_url = legacy
        self._endpoint_known = True
        return job

    async def _post_job_at(self, url: str, request: JobRequest) -> Job:
        return await create_job(
            self.client,
            url,
            request,
            headers=self.auth_headers(),
            zone=self._zone,
            now=self._clock(),
            credential_hint=self._credential_hint,
        )

    @property
    def jobs_url(self) -> str:
        """Where jobs are created (after a fallback, the older path), redacted."""
        return redact_url(self._jobs_url)

    def _dial_options(self) -> dict[str, Any]:
        """The dialler and credential hint every session socket is opened with."""
        kwargs: dict[str, Any] = {} if self._dialer is None else {"dialer": self._dialer}
        if self._credential_hint is not None:
            kwargs["credential_hint"] = self._credential_hint
        return kwargs

    async def _dial(self, job: Job) -> ClientConnection:
        try:
            socket = await dial(
                job.destination, max_size=self._max_event_bytes, now=self._clock(),
                **self._dial_options(),
            )
        except SessionRateLimited as error:
            wait = min(SOCKET_LIMIT_WAIT * 2**self._socket_limited, SOCKET_LIMIT_MAX)
            wait = max(wait, error.retry_after or 0.0)
            self._socket_limited = min(self._socket_limited + 1, 8)
            raise SessionRateLimited(
                f"{error}; the service asks for minutes: waiting {wait / 60:g} min before"
                " trying again",
                retry_after=wait,
            ) from None
        self._socket_limited = 0
        return socket

    # -- helpers ----------------------------------------------------------------------------

    @property
    def client(self) -> httpx.AsyncClient:
        """The open HTTP client; the source must be opened first."""
        return self._http.client

    def auth_headers(self) -> dict[str, str]:
        """The job request's credentials: a Bearer token, or the configured key headers."""
        headers = dict(self._headers)
        if self._secret:
            headers["Authorization"] = f"Bearer {self._secret}"
        return headers


def instant_logs_source(config: SourceConfig) -> InstantLogsSource:
    """The source for a :class:`~logtui.core.sources.SourceConfig` of kind Instant Logs.

    ``config.url`` is the zone's URL (:func:`zone_url`); ``config.options`` is an
    :class:`InstantLogsOptions`, or a mapping of its fields (``fields``, ``sample``,
    ``session_max``, ``renew_margin``, ``keepalive``).
    """
    given = config.options
    if isinstance(given, InstantLogsOptions):
        options = given
    elif isinstance(given, Mapping):
        options = InstantLogsOptions.from_mapping(given)
    else:
        raise ConfigError(f"Instant Logs takes InstantLogsOptions, not {type(given).__name__}")
    return InstantLogsSource(
        url=config.url,
        secret=config.secret,
        headers=config.headers,
        filters=config.filters,
        fields=options.fields,
        sample=options.sample,
        max_event_bytes=config.max_event_bytes,
        session_max=options.session_max,
        renew_margin=options.renew_margin,
        keepalive=max(0.05, options.keepalive),
        credential_hint=config.credential_hint,
    )


__all__ = [
    "OWN_SESSION_GRACE",
    "InstantLogsSource",
    "instant_logs_source",
    "zone_url",
]
