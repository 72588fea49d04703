"""Acquire each environment's known-good token: client_credentials, env, file or command.

A source that fails yields a reason (DC301) that names the variable, file, command or HTTP
status and OAuth error, and never the secret or the token. Commands run without a shell.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from driftcheck.collect.http import JsonFetcher
from driftcheck.models import Environment, TokenSource
from driftcheck.redact import Redactor, truncated
from driftcheck.urls import named_origins, off_origin

MAX_TOKEN_FILE_BYTES = 64 * 1024
MAX_DESCRIPTION = 200


@dataclass(frozen=True)
class Acquired:
    raw: str | None
    failure: str | None = None


def _oauth_error(status: int | None, body: Any, redactor: Redactor) -> str:
    """The OAuth error a token endpoint answered, scrubbed of every form of the secret
    before it is cut to length (an echoed secret must not survive the cut in part)."""
    detail = f"HTTP {status}" if status is not None else "no response"
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        detail += f": {truncated(body['error'], MAX_DESCRIPTION, redactor)}"
        description = body.get("error_description")
        if isinstance(description, str) and description:
            detail += f" ({truncated(description, MAX_DESCRIPTION, redactor)})"
    return redactor.text(f"the token endpoint answered {detail}")


async def _client_credentials(
    source: TokenSource, environment: Environment, discovery: Any, fetcher: JsonFetcher
) -> Acquired:
    assert source.client_id is not None and source.client_secret_env is not None
    secret = os.environ.get(source.client_secret_env)
    if not secret:
        state = "is empty" if secret == "" else "is not set"
        return Acquired(None, f"client_secret_env {source.client_secret_env} {state}")
    endpoint = discovery.get("token_endpoint") if isinstance(discovery, dict) else None
    if not isinstance(endpoint, str):
        return Acquired(None, "no token_endpoint: the discovery document could not be read "
                        "or does not name one")
    refused = off_origin(endpoint, named_origins(
        environment.idp.issuer, environment.idp.discovery_url,
        allowed=environment.allowed_hosts))
    if refused is not None:  # never send a client secret where the configuration did not say
        return Acquired(None, f"token_endpoint {endpoint}: {refused.detail}")
    redactor = fetcher.redactor
    redactor.add(secret, source.client_id)  # before it is sent: whatever comes back is scrubbed
    form = {"grant_type": "client_credentials"}
    for name in ("scope", "resource", "audience"):
        value = getattr(source, name)
        if value:
            form[name] = value
    headers = {"Accept": "application/json"}
    if source.auth_method == "client_secret_post":
        form.update(client_id=source.client_id, client_secret=secret)
    else:  # RFC 6749 §2.3.1: form-encode both parts before base64
        pair = f"{quote_plus(source.client_id)}:{quote_plus(secret)}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    status, body, failure = await fetcher.post_form(
        endpoint, form, headers,
        allow_insecure=environment.allow_insecure_http, ca_bundle=environment.ca_bundle)
    if failure is not None:
        return Acquired(None, redactor.text(f"POST {endpoint} failed: {failure.detail} "
                                            f"({failure.kind})"))
    if status != 200:
        return Acquired(None, _oauth_error(status, body, redactor))
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        return Acquired(None, f"the token endpoint answered HTTP {status} without an "
                        "access_token")
    return Acquired(token)


def _from_file(source: TokenSource) -> Acquired:
    assert source.path is not None
    path = Path(source.path)
    try:
        if path.stat().st_size > MAX_TOKEN_FILE_BYTES:
            return Acquired(None, f"token file {path} is larger than {MAX_TOKEN_FILE_BYTES} "
                            "bytes")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Acquired(None, f"token file {path} not found")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror
        return Acquired(None, f"token file {path} cannot be read: {reason}")
    # One final newline is how files end; anything else is left for DC302 to name.
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    return Acquired(text) if text else Acquired(None, f"token file {path} is empty")


async def _from_command(source: TokenSource) -> Acquired:
    argv = list(source.command)
    try:
        process = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
    except FileNotFoundError:
        return Acquired(None, f"command not found: {argv[0]}")
    except OSError as exc:
        return Acquired(None, f"command {argv[0]} could not start: {exc.strerror}")
    try:
        stdout, _ = await asyncio.wait_for(process.communicate(), source.timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return Acquired(None, f"command {argv[0]} did not finish within {source.timeout:g} s")
    except asyncio.CancelledError:  # the run's deadline: leave no process behind
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        raise
    if process.returncode != 0:
        return Acquired(None, f"command {argv[0]} exited with code {process.returncode} "
                        "(its output is not shown: it may hold secrets)")
    text = stdout[:MAX_TOKEN_FILE_BYTES].decode("utf-8", "replace").strip()
    return Acquired(text) if text else Acquired(None, f"command {argv[0]} printed nothing")


async def acquire(
    source: TokenSource, environment: Environment, discovery: Any, fetcher: JsonFetcher
) -> Acquired:
    if source.refused is not None:
        return Acquired(None, source.refused)
    if source.source == "client_credentials":
        return await _client_credentials(source, environment, discovery, fetcher)
    if source.source == "env":
        assert source.env is not None
        value = os.environ.get(source.env)
        if value is None:
            return Acquired(None, f"environment variable {source.env} is not set")
        return Acquired(value) if value.strip() else Acquired(
            None, f"environment variable {source.env} is empty")
    if source.source == "file":
        return _from_file(source)
    return await _from_command(source)
