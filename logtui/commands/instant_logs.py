"""``logtui instant-logs ZONE``: live HTTP request logs of a Cloudflare or IBM CIS zone.

Module level imports only the standard library (and stdlib-only logtui modules) so
``logtui --help`` stays fast; the source, httpx and websockets load inside :func:`run`.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING, Any

from logtui.commands._stream_options import (
    add_common_arguments,
    add_filter_argument,
    seconds,
    whole_number,
)
from logtui.core.apis.instant_logs import PROFILE
from logtui.core.sources.instant_logs.defaults import (
    CIS_API_URL,
    CIS_CREDENTIAL_HINT,
    CIS_TOKEN_ENV,
    CIS_TOKEN_HEADER,
    CREDENTIAL_HINT,
    DEFAULT_API_URL,
    DEFAULT_FIELDS,
    EMAIL_ENV,
    KEY_ENV,
    RENEW_MARGIN,
    SESSION_MAX,
    TOKEN_ENV,
)

if TYPE_CHECKING:
    from logtui.commands._stream_options import StreamSettings
    from logtui.core.sources import SourceConfig
    from logtui.core.sources.instant_logs.query import InstantFilter

HELP = "live-tail a Cloudflare / IBM CIS zone's HTTP requests (Instant Logs over WebSocket)"

JOB_FILTER_KEYS = tuple(server_field.param for server_field in PROFILE.server_filters.fields)
"""The keys a job filter may use; the dashboard asks for all of them so it can test them."""
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")
_ZONE = re.compile(r"[A-Za-z0-9._-]{1,128}")


_sample = whole_number(1, "must be 1 (every request) or more")

IBM_FORMS = f"""\
IBM Cloud Internet Services (CIS) zones, two forms:
  confirmed by IBM's docs (its Instant Logs page): the job goes to the Cloudflare
    v4 endpoint, {DEFAULT_API_URL}/zones/ZONE/logpush/edge/jobs,
    with X-Auth-Email and X-Auth-Key: pass --email and --api-key
    (or ${EMAIL_ENV} and ${KEY_ENV}).
  following the CIS API's conventions (that page does not show it for Instant Logs):
    --ibm-crn CRN sends the job to CIS's own API,
    {CIS_API_URL}/CRN/zones/ZONE/logpush/edge/jobs (the CRN
    URL-encoded), with {CIS_TOKEN_HEADER}: Bearer <IAM token>, the way CIS's other
    Logpush endpoints take it. The token is ${CIS_TOKEN_ENV} or ibm_cis_token under
    [instant_logs] in the config file: an IAM access token, not an API key."""
"""The ``--help`` epilog: which IBM form is documented and which is inferred."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("zone", metavar="ZONE", help="the zone id")
    parser.add_argument(
        "--api-url", default=None, metavar="URL",
        help=f"the v4 API root (default {DEFAULT_API_URL}; with --ibm-crn the CIS API root,"
        f" default {CIS_API_URL}; or the demo server's)",
    )
    parser.add_argument(
        "--ibm-crn", default=None, metavar="CRN",
        help="use IBM CIS's own API for this CIS instance (crn:v1:...), authenticated with"
        f" an IAM token from ${CIS_TOKEN_ENV}; see below",
    )
    auth = parser.add_argument_group(
        "credentials",
        f"an API token (${TOKEN_ENV}), or an email and global API key\n"
        f"(${EMAIL_ENV} and ${KEY_ENV}); or api_token, email and api_key under\n"
        "[instant_logs] in ~/.config/logtui/config.toml (safer than flags)",
    )
    auth.add_argument("--token", default=None, help=f"API token (default: ${TOKEN_ENV})")
    auth.add_argument("--email", default=None, help=f"account email (default: ${EMAIL_ENV})")
    auth.add_argument("--api-key", default=None, help=f"global API key (default: ${KEY_ENV})")
    job = parser.add_argument_group("the job")
    job.add_argument(
        "--fields", default=",".join(DEFAULT_FIELDS), metavar="LIST",
        help=f"comma-separated HTTP request fields (default: {', '.join(DEFAULT_FIELDS)});"
        " the dashboard also asks for every field a job filter can use, so its filters can"
        " test them",
    )
    job.add_argument(
        "--sample", type=_sample, default=1, metavar="N",
        help="ask for one request in N (default 1: every request)",
    )
    add_filter_argument(
        job,
        "the dashboard's filter language, e.g. 'EdgeResponseStatus>=500 ClientCountry=ca';"
        " terms the job cannot express are applied here (-v says which)",
    )
    job.add_argument(
        "--renew-margin", type=seconds(allow_zero=True), default=RENEW_MARGIN, metavar="SECONDS",
        help="start the next session this long before the current one's limit (default 60)",
    )
    job.add_argument(
        "--session-max", type=seconds(allow_zero=True), default=SESSION_MAX, metavar="SECONDS",
        help="the server's session limit (default 3600)",
    )
    add_common_arguments(parser, target="zone", source_options=("api_url", "ibm_crn"),
                         with_filter=False)
    parser.epilog = f"{IBM_FORMS}\n\n{parser.epilog or ''}".rstrip()


def parse_fields(text: str) -> tuple[str, ...]:
    """``--fields`` as a tuple of names; a usage error for an empty list or a bad name."""
    from logtui.core.errors import ConfigError

    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    if not names:
        raise ConfigError("--fields needs at least one field name")
    for name in names:
        if not _FIELD_NAME.fullmatch(name):
            raise ConfigError(f"--fields: {name[:40]!r} is not a field name")
    return names


def api_root(args: argparse.Namespace) -> str:
    """The root the zone's URL hangs from: the v4 API, or CIS's ``{root}/{CRN, encoded}``."""
    from urllib.parse import quote

    from logtui.core.errors import ConfigError

    crn = getattr(args, "ibm_crn", None)
    if not crn:
        return str(args.api_url or DEFAULT_API_URL)
    crn = crn.strip()
    if not crn.startswith("crn:") or len(crn) > 512 or not crn.isprintable():
        raise ConfigError(
            "--ibm-crn must be the CIS instance's CRN, 'crn:v1:bluemix:public:internet-svcs:...'"
            " (ibmcloud cis instances shows it)"
        )
    root = str(args.api_url or CIS_API_URL).rstrip("/")
    return f"{root}/{quote(crn, safe='')}"


def credentials(args: argparse.Namespace) -> tuple[str | None, dict[str, str]]:
    """The API token, or the email/key headers; an :class:`AuthError` naming where to set them.

    Each comes from its flag, else the environment, else ``[instant_logs]`` in the config file
    (``api_token``, ``email``, ``api_key``). With ``--ibm-crn`` the IAM token comes from
    ``$IBM_CIS_TOKEN`` or ``ibm_cis_token`` and is sent as ``X-Auth-User-Token``.
    """
    from logtui.core.errors import AuthError
    from logtui.core.secrets import resolve_secret

    def secret(flag_value: str | None, env_var: str) -> str | None:
        config_key = PROFILE.credential(env_var).config_key
        return resolve_secret(flag_value=flag_value, env_var=env_var, config_key=config_key)

    if getattr(args, "ibm_crn", None):
        iam = secret(None, CIS_TOKEN_ENV)
        if not iam:
            raise AuthError(f"no IBM CIS credentials for --ibm-crn: {CIS_CREDENTIAL_HINT}")
        iam = iam.strip()
        if iam[:7].lower() == "bearer ":  # `ibmcloud iam oauth-tokens` prints it so
            iam = iam[7:].strip()
        return None, {CIS_TOKEN_HEADER: f"Bearer {iam}"}
    token = secret(args.token, TOKEN_ENV)
    if token:
        return token, {}
    email = secret(args.email, EMAIL_ENV)
    key = secret(args.api_key, KEY_ENV)
    if email and key:
        return None, {"X-Auth-Email": email, "X-Auth-Key": key}
    if email or key:
        missing = KEY_ENV if email else EMAIL_ENV
        raise AuthError(f"an email and an API key go together: set {missing} too")
    raise AuthError(f"no Instant Logs credentials: {CREDENTIAL_HINT}")


def build_config(
    args: argparse.Namespace, plan: InstantFilter, *, for_dashboard: bool
) -> SourceConfig:
    """The source configuration for the parsed arguments and the split filter."""
    from logtui.commands._stream_options import require_http_url
    from logtui.core.errors import ConfigError
    from logtui.core.sources import SourceConfig
    from logtui.core.sources.instant_logs.options import InstantLogsOptions
    from logtui.core.sources.instant_logs.query import fields_for
    from logtui.core.sources.instant_logs.source import zone_url

    api_url = require_http_url(api_root(args), "--api-url")
    if not _ZONE.fullmatch(args.zone):
        raise ConfigError("ZONE must be a zone id (letters, digits, '.', '_' or '-')")
    if args.history:
        raise ConfigError("Instant Logs has no history: a session starts now; drop --history")
    if getattr(args, "since", None) is not None:
        raise ConfigError("Instant Logs keeps no history: a session starts now; drop --since")
    if args.renew_margin >= args.session_max > 0:
        raise ConfigError("--renew-margin must be shorter than --session-max")
    token, headers = credentials(args)
    fields = parse_fields(args.fields)
    # The dashboard tests every term on the records, and its filter pane may add a term on any
    # job filter key later; headless mode tests only the terms the job cannot express here.
    if for_dashboard:
        fields = (*fields, *(key for key in JOB_FILTER_KEYS if key not in fields))
    fields = fields_for(plan.client_terms, fields)
    return SourceConfig(
        kind=PROFILE.name,
        url=zone_url(api_url, args.zone),
        secret=token,
        headers=headers,
        filters={"filter": plan.job_filter} if plan.job_filter else {},
        options=InstantLogsOptions(
            fields=fields,
            sample=args.sample,
            session_max=args.session_max,
            renew_margin=args.renew_margin,
            keepalive=min(10.0, args.idle_timeout / 3),
        ),
    )


def source_config(args: argparse.Namespace, *, for_dashboard: bool = False) -> SourceConfig:
    """The source ``args`` name, its job filter from ``--filter`` (a ``[sources.NAME]`` table
    builds its members with it too)."""
    from logtui.core.sources.instant_logs.query import plan_filter
    from logtui.core.wiring import checked_filter

    checked_filter(PROFILE.name, args.filter)
    return build_config(args, plan_filter(args.filter), for_dashboard=for_dashboard)


def run(args: argparse.Namespace) -> int:
    from logtui.commands._stream_options import (
        engine_options,
        settings_from_args,
        setup_from_args,
    )
    from logtui.core.sources.instant_logs.query import plan_filter
    from logtui.core.wiring import checked_filter

    checked_filter(PROFILE.name, args.filter)
    plan = plan_filter(args.filter)
    wants_tui = args.output == "tui" or (args.output is None and sys.stdout.isatty())
    setup = setup_from_args(args)
    if setup is not None and not args.filter:
        args.filter = setup.filter  # the view's filter: its job part goes to the job
    plan = plan_filter(args.filter)
    config = build_config(args, plan, for_dashboard=wants_tui)
    settings = settings_from_args(config, args, setup=setup)
    options = engine_options(settings)
    if wants_tui:
        from logtui.tui import run_dashboard

        return run_dashboard(
            config, buffer=settings.buffer, engine_options=options, initial_filter=args.filter,
            setup=settings.setup, remember=settings.source,
        )
    if plan.limit_note() and not args.verbose:
        sys.stderr.write(f"logtui: {plan.limit_note()}\n")
    if args.verbose:
        requested = parse_fields(args.fields)
        asked = getattr(config.options, "fields", ())
        added = [name for name in asked if name not in requested]
        lines = plan.describe()
        if plan.limit_note():
            lines.insert(0, plan.limit_note())
        if added:
            lines.append(f"added to --fields for the filter: {', '.join(added)}")
        for line in lines:
            sys.stderr.write(f"logtui: {line}\n")
    return _run_headless(settings, options, plan)


def _run_headless(settings: StreamSettings, options: dict[str, Any], plan: InstantFilter) -> int:
    from logtui.core.wiring import engine_factory
    from logtui.headless import run_headless

    factory = engine_factory(settings.config, options, predicate=plan.predicate)
    return run_headless(factory, verbose=settings.verbose)


__all__ = [
    "HELP",
    "IBM_FORMS",
    "add_arguments",
    "api_root",
    "build_config",
    "credentials",
    "parse_fields",
    "run",
    "source_config",
]
