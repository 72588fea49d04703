"""Acquire each environment's known-good token: client_credentials, env, file or command.

A source that fails yields a reason (DC301) that names the variable, file, command or HTTP
status and OAuth error, and never the secret or the token. Commands run without a shell.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from driftcheck.collect.http import JsonFetcher
from driftcheck.models import Environment, TokenSource
from driftcheck.urls import named_hosts, off_host

MAX_TOKEN_FILE_BYTES = 64 * 1024
MAX_DESCRIPTION = 200


@dataclass(frozen=True)
class Acquired:
    raw: str | None
    failure: str | None = None


def scrub(text: str, *secrets: str | None) -> str:
    """`text` with every given secret replaced; for text a server or command wrote."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return text


def _oauth_error(status: int | None, body: Any, secret: str | None) -> str:
    detail = f"HTTP {status}" if status is not None else "no response"
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        detail += f": {body['error']}"
        description = body.get("error_description")
        if isinstance(description, str) and description:
            detail += f" ({description[:MAX_DESCRIPTION]})"
    return scrub(f"the token endpoint answered {detail}", secret)


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
    refused = off_host(endpoint, named_hosts(
        environment.idp.issuer, environment.idp.discovery_url,
        allowed=environment.allowed_hosts))
    if refused is not None:  # never send a client secret where the configuration did not say
        return Acquired(None, f"token_endpoint {endpoint}: {refused.detail}")
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
        return Acquired(None, scrub(f"POST {endpoint} failed: {failure.detail} "
                                    f"({failure.kind})", secret))
    if status != 200:
        return Acquired(None, _oauth_error(status, body, secret))
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
    if text.startswith("{"):
        return _from_token_response(text, argv[0])
    return Acquired(text) if text else Acquired(None, f"command {argv[0]} printed nothing")


def _from_token_response(text: str, command: str) -> Acquired:
    """A command that prints the token endpoint's JSON answer (what `curl` prints): its
    `access_token`. Only key names are ever quoted back: values may be secrets."""
    try:
        answer = json.loads(text)
    except ValueError:
        return Acquired(None, f"command {command} printed text that starts like JSON but is "
                        "not; print the access token alone, or the token endpoint's JSON")
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if isinstance(token, str) and token.strip():
        return Acquired(token.strip())
    keys = ", ".join(sorted(str(k) for k in answer)) if isinstance(answer, dict) else "none"
    return Acquired(None, f"command {command} printed a JSON object without access_token "
                    f"(keys: {keys}): print the access token alone (e.g. `| jq -r "
                    ".access_token`), or the token endpoint's JSON answer")


async def acquire(
    source: TokenSource, environment: Environment, discovery: Any, fetcher: JsonFetcher
) -> Acquired:
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
