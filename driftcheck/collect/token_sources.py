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
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FrameType
from typing import Any, assert_never
from urllib.parse import quote_plus

from driftcheck.collect.http import JsonFetcher
from driftcheck.models import (
    ClientCredentialsSource,
    CommandSource,
    Environment,
    EnvSource,
    FileSource,
    TokenSource,
)
from driftcheck.redact import Redactor, truncated
from driftcheck.safe_files import UnreadableFile, read_regular_text
from driftcheck.urls import named_origins, off_origin

MAX_TOKEN_FILE_BYTES = 64 * 1024
MAX_DESCRIPTION = 200
_CHUNK = 64 * 1024


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
    source: ClientCredentialsSource, environment: Environment, discovery: Any,
    fetcher: JsonFetcher
) -> Acquired:
    secret = os.environ.get(source.client_secret_env)
    if not secret:
        state = "is empty" if secret == "" else "is not set"
        return Acquired(None, f"client_secret_env {source.client_secret_env} {state}")
    try:
        secret.encode("utf-8")
    except UnicodeEncodeError:  # bytes the environment could not decode: never sent
        return Acquired(None, f"client_secret_env {source.client_secret_env} is not UTF-8 "
                        "text")
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
    for name, value in (("scope", source.scope), ("resource", source.resource),
                        ("audience", source.audience)):
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


def _from_env(source: EnvSource) -> Acquired:
    value = os.environ.get(source.env)
    if value is None:
        return Acquired(None, f"environment variable {source.env} is not set")
    return Acquired(value) if value.strip() else Acquired(
        None, f"environment variable {source.env} is empty")


async def _from_file(source: FileSource) -> Acquired:
    path = source.path
    try:  # off the event loop: the other environments' requests go on meanwhile
        text = await asyncio.to_thread(read_regular_text, path, MAX_TOKEN_FILE_BYTES)
    except UnreadableFile as exc:
        if str(exc) == "not found":
            return Acquired(None, f"token file {path} not found")
        return Acquired(None, f"token file {path} cannot be read: {exc}")
    # One final newline is how files end; anything else is left for DC302 to name.
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    return Acquired(text) if text else Acquired(None, f"token file {path} is empty")


_RUNNING: set[int] = set()
"""Process groups of commands still running, ended when the run is terminated."""


def _end_group(group: int) -> None:
    """Kill a command and everything it started (its own process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def end_running_commands() -> None:
    for group in list(_RUNNING):
        _end_group(group)
    _RUNNING.clear()


@contextlib.contextmanager
def commands_end_on_sigterm() -> Iterator[None]:
    """While token commands may run: SIGTERM ends their process groups first, then does what
    it did before (by default, terminate). Ctrl-C needs nothing: it cancels the tasks, and a
    cancelled command ends its group."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        end_running_commands()
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


async def _from_command(source: CommandSource) -> Acquired:
    argv = list(source.command)
    if any("\0" in part for part in argv):
        return Acquired(None, f"command {argv[0]!r} contains a NUL character")
    try:
        # A session of its own, so that the command's children are ended with it. Started
        # synchronously (a fork, no waiting), so that its group is known before anything
        # can cancel this task.
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
    except FileNotFoundError:
        return Acquired(None, f"command not found: {argv[0]}")
    except OSError as exc:
        return Acquired(None, f"command {argv[0]} could not start: {exc.strerror}")
    _RUNNING.add(process.pid)
    try:
        stdout = await asyncio.wait_for(_in_own_thread(_run_to_exit, process), source.timeout)
    except TimeoutError:
        return Acquired(None, f"command {argv[0]} did not finish within {source.timeout:g} s")
    finally:
        # Timed out or cancelled (the run's deadline, Ctrl-C): end the group, and the thread
        # reading it sees the end of its output. Once reaped, the thread has ended the group
        # itself.
        if process.returncode is None:
            _end_group(process.pid)
        _RUNNING.discard(process.pid)
    if len(stdout) > MAX_TOKEN_FILE_BYTES:
        return Acquired(None, f"command {argv[0]} printed more than {MAX_TOKEN_FILE_BYTES} "
                        "bytes")
    if process.returncode != 0:
        return Acquired(None, f"command {argv[0]} exited with code {process.returncode} "
                        "(its output is not shown: it may hold secrets)")
    text = stdout.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        return _from_token_response(text, argv[0])
    return Acquired(text) if text else Acquired(None, f"command {argv[0]} printed nothing")


def _in_own_thread(read: Callable[[subprocess.Popen[bytes]], bytes],
                   process: subprocess.Popen[bytes]) -> asyncio.Future[bytes]:
    """`read(process)` in a thread of its own (not the shared executor: a slow command must
    not hold up another command's reading while that one's timeout runs)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[bytes] = loop.create_future()

    def settle(outcome: bytes | BaseException) -> None:
        if future.done():  # cancelled meanwhile
            return
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

    def run() -> None:
        outcome: bytes | BaseException
        try:
            outcome = read(process)
        except BaseException as exc:  # handed to the awaiting task, raised there
            outcome = exc
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
            loop.call_soon_threadsafe(settle, outcome)

    threading.Thread(target=run, name=f"driftcheck-command-{process.pid}", daemon=True).start()
    return future


def _run_to_exit(process: subprocess.Popen[bytes]) -> bytes:
    """In a thread: the command's output (at most one byte over the cap) until it has exited.

    A process the command left running may hold the output open after the command exits; it
    is ended with the command's group, and what it printed is read for one more second."""
    assert process.stdout is not None
    chunks: list[bytes] = []
    size = 0
    exited_at: float | None = None
    with process.stdout, selectors.DefaultSelector() as selector:
        fd = process.stdout.fileno()
        selector.register(fd, selectors.EVENT_READ)
        while size <= MAX_TOKEN_FILE_BYTES:
            if selector.select(0.05):
                chunk = os.read(fd, _CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            elif exited_at is not None and time.monotonic() - exited_at > 1.0:
                break
            if exited_at is None and process.poll() is not None:
                exited_at = time.monotonic()
                _end_group(process.pid)
        if size > MAX_TOKEN_FILE_BYTES:
            _end_group(process.pid)  # printing without end
        process.wait()  # ends at the latest when the caller ends the group
        # What it left behind: the group id stays reserved while any member lives.
        _end_group(process.pid)
    return b"".join(chunks)


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
    """The token `source` yields. One case per kind, and no default: mypy insists that a new
    kind (models.TokenSource) gets its own handler here."""
    if source.refused is not None:
        return Acquired(None, source.refused)
    match source:
        case ClientCredentialsSource():
            return await _client_credentials(source, environment, discovery, fetcher)
        case EnvSource():
            return _from_env(source)
        case FileSource():
            return await _from_file(source)
        case CommandSource():
            return await _from_command(source)
        case _:
            assert_never(source)
