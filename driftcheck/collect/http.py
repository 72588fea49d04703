"""GET JSON documents safely: size cap, timeouts, same-host redirects, failure classes.

Each URL is fetched once per run (concurrent callers share one task). A failure never raises:
it is recorded as a `FetchFailure` with a class a user can act on (DNS, refused, timeout, TLS,
HTTP status, not JSON, too large, redirected off-host, ...).
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from driftcheck.json_limits import MAX_DEPTH, too_deep
from driftcheck.observations import RECORDED_HEADERS, FailureKind, FetchFailure, HttpObservation
from driftcheck.redact import Redactor
from driftcheck.safe_files import UnreadableFile, read_regular_text
from driftcheck.urls import Origin, has_userinfo, origin, refusal, same_origin_hop

_RETRYABLE_KINDS: frozenset[FailureKind] = frozenset({"refused", "connection"})
log = logging.getLogger("driftcheck.collect")
"""One line per request: method, URL, outcome, time. Never a body or a header value."""


@dataclass(frozen=True)
class FetchPolicy:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 20.0
    max_bytes: int = 1024 * 1024
    retries: int = 2
    backoff: float = 0.2
    """First retry delay in seconds; doubles each time."""
    max_redirects: int = 5
    concurrency: int = 128
    keepalive: int = 2
    """Connections per client lane (see JsonFetcher._client): httpcore's pool polls every
    idle connection's socket on each request it schedules (encode/httpcore#924), so pools
    stay this small and a run uses concurrency / keepalive of them."""
    ca_bundle: str | None = None
    """A PEM file of CA certificates for every environment without its own `ca_bundle`;
    None means the system's trust store (OpenSSL's defaults, SSL_CERT_FILE honoured)."""
    deadline: float | None = None
    """Seconds for the whole collection (`--timeout`); what is unfinished then is reported
    as such and the rest is judged."""


class _Failed(Exception):
    """A fetch that ends here, with the failure class it is recorded under."""

    def __init__(self, kind: FailureKind, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.status = status


def _classify(exc: BaseException, url: str = "") -> tuple[FailureKind, str]:
    """Map an httpx/OS exception to a failure class and a short reason (no request data)."""
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        phases: dict[type[BaseException], str] = {
            httpx.ConnectTimeout: "connecting",
            httpx.ReadTimeout: "reading the response",
            httpx.WriteTimeout: "sending the request",
            httpx.PoolTimeout: "waiting for a connection",
        }
        return "timeout", f"timed out {phases.get(type(exc), 'in total')}"
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return "tls", f"certificate verification failed: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return "tls", f"TLS handshake failed: {cause.reason or cause}"
        if isinstance(cause, socket.gaierror):
            return "dns", "host name could not be resolved"
        if isinstance(cause, ConnectionRefusedError) or (
            isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
        ):
            return "refused", "connection refused"
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ConnectError) and url.lower().startswith("https://"):
        # TCP was accepted (not refused) and the connection died before any HTTP: the TLS
        # handshake was cut short (a server that does not speak TLS there, or one that drops
        # clients it rejects).
        return "tls", "the server closed the connection during the TLS handshake"
    text = str(exc)
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "dns", "host name could not be resolved"
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
        return "tls", f"TLS failed: {text[:200]}"
    if "Connection refused" in text or "[Errno 111]" in text:
        return "refused", "connection refused"
    return "connection", f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


class JsonFetcher:
    """Fetches JSON objects over one shared AsyncClient per trust configuration."""

    def __init__(
        self, policy: FetchPolicy | None = None, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        """`transport` replaces the network, for faults no real server can produce (DNS)."""
        self.policy = policy or FetchPolicy()
        self._transport = transport
        self._clients: dict[str | None, list[httpx.AsyncClient]] = {}
        self._contexts: dict[str | None, ssl.SSLContext] = {}
        self._turn = 0
        self._tasks: dict[str, asyncio.Task[HttpObservation]] = {}
        self._results: dict[str, HttpObservation] = {}
        self._semaphore = asyncio.Semaphore(self.policy.concurrency)
        self.redactor = Redactor()
        """Every secret this run sends, in every form: scrubbed from whatever comes back."""

    async def __aenter__(self) -> JsonFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        pending = [task for task in self._tasks.values() if not task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for lanes in self._clients.values():
            for client in lanes:
                await client.aclose()
        self._clients.clear()

    def _client(self, ca_bundle: str | None) -> httpx.AsyncClient:
        """The next of the clients ("lanes") for this trust configuration, round robin.

        httpcore's pool polls every idle connection's socket each time it schedules a
        request (encode/httpcore#924), so one pool with many kept-alive connections turns a
        large run quadratic, and one with few closes and reopens connections all the time.
        Lanes of `keepalive` connections each keep every connection alive and every poll
        short; the semaphore still bounds the whole run to `concurrency` requests."""
        ca_bundle = ca_bundle or self.policy.ca_bundle
        lanes = self._clients.setdefault(ca_bundle, [])
        wanted = max(1, -(-self.policy.concurrency // max(1, self.policy.keepalive)))
        if len(lanes) < wanted:
            lanes.append(self._new_client(ca_bundle, lanes[0] if lanes else None))
            return lanes[-1]
        self._turn = (self._turn + 1) % len(lanes)
        return lanes[self._turn]

    def _new_client(self, ca_bundle: str | None, sibling: httpx.AsyncClient | None
                    ) -> httpx.AsyncClient:
        if sibling is not None:
            context = self._contexts[ca_bundle]
        else:
            try:
                # Read as a capped regular file: a FIFO swapped in after loading must not block.
                context = ssl.create_default_context(
                    cadata=read_regular_text(ca_bundle, 16 * 1024 * 1024)) if ca_bundle \
                    else ssl.create_default_context()
            except UnreadableFile as exc:
                raise _Failed("tls", f"cannot load CA bundle {ca_bundle}: {exc}") from None
            except (OSError, ssl.SSLError) as exc:
                raise _Failed("tls", f"cannot load CA bundle {ca_bundle}: "
                              f"{getattr(exc, 'strerror', None) or exc}") from None
            self._contexts[ca_bundle] = context
        lane = max(1, min(self.policy.keepalive, self.policy.concurrency))
        return httpx.AsyncClient(
            transport=self._transport,
            # Loopback is never sent through a proxy from HTTP(S)_PROXY.
            mounts={"all://127.0.0.1": None, "all://localhost": None, "all://[::1]": None},
            verify=context,
            follow_redirects=False,
            timeout=httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout),
            limits=httpx.Limits(max_connections=lane, max_keepalive_connections=lane),
            headers={"Accept": "application/json", "User-Agent": "driftcheck"},
            trust_env=True,
        )

    async def get(
        self,
        url: str,
        *,
        allow_insecure: bool = False,
        ca_bundle: str | None = None,
        allowed: frozenset[Origin] = frozenset(),
    ) -> HttpObservation:
        """The observation of `url`; a URL already fetched in this run is not fetched again."""
        refused = refusal(url, allow_insecure)
        if refused is not None:
            observation = _failure(url, refused.kind, refused.detail)
            self._results.setdefault(url, observation)  # a real fetch by another env wins
            return observation
        task = self._tasks.get(url)
        if task is None:
            task = asyncio.ensure_future(
                self._fetch_with_retries(url, allow_insecure, ca_bundle, allowed)
            )
            self._tasks[url] = task
        observation = await asyncio.shield(task)
        self._results[url] = observation
        return observation

    async def post_form(
        self,
        url: str,
        form: dict[str, str],
        headers: dict[str, str],
        *,
        allow_insecure: bool = False,
        ca_bundle: str | None = None,
    ) -> tuple[int | None, Any, FetchFailure | None]:
        """POST a form once (no retries, no redirects): (status, JSON body or None, failure).

        Never sent over plain http outside loopback, since the form or headers carry a secret.
        """
        refused = refusal(url, allow_insecure)
        if refused is not None:
            return None, None, refused
        status: int | None = None
        try:
            async with self._semaphore, asyncio.timeout(self.policy.total_timeout):
                request = self._client(ca_bundle).stream("POST", url, data=form, headers=headers)
                async with request as response:
                    status = response.status_code
                    if response.is_redirect:
                        raise _Failed("off-host-redirect", "the token endpoint redirects; "
                                      "configure its final URL")
                    body = await self._read_capped(response)
        except _Failed as failed:
            return status, None, FetchFailure(failed.kind, failed.detail)
        except Exception as exc:  # transport faults become a classified failure
            kind, detail = _classify(exc, url)
            return status, None, FetchFailure(kind, detail)
        log.info("POST %s -> %s", self.redactor.text(url), status)
        try:
            document: Any = json.loads(body)
        except (ValueError, RecursionError):
            document = None
        if too_deep(document):
            document = None
        return status, document, None

    def record_refusal(self, url: str, failure: FetchFailure) -> None:
        """A URL deliberately not fetched (and why), unless something fetched it."""
        self._results.setdefault(url, _failure(url, failure.kind, failure.detail))

    def result(self, url: str) -> HttpObservation | None:
        """What came of `url` so far in this run, if it was asked for."""
        return self._results.get(url)

    def results(self) -> dict[str, HttpObservation]:
        """Every URL asked for in this run and what came of it."""
        return dict(self._results)

    async def _fetch_with_retries(
        self, url: str, allow_insecure: bool, ca_bundle: str | None,
        allowed: frozenset[Origin],
    ) -> HttpObservation:
        delay = self.policy.backoff
        for attempt in range(self.policy.retries + 1):
            observation = await self._fetch_once(url, allow_insecure, ca_bundle, allowed)
            failure = observation.failure
            retryable = failure is not None and (
                failure.kind in _RETRYABLE_KINDS
                or (observation.status is not None and observation.status >= 500)
            )
            if not retryable or attempt == self.policy.retries:
                return observation
            retry_after = observation.headers.get("retry-after", "")
            wait = float(retry_after) if retry_after.isdigit() else delay
            if wait > 5 * self.policy.backoff * (2**self.policy.retries):
                return observation  # the server asks for longer than we are willing to wait
            await asyncio.sleep(wait)
            delay *= 2
        raise AssertionError("unreachable")

    async def _fetch_once(
        self, url: str, allow_insecure: bool, ca_bundle: str | None,
        allowed: frozenset[Origin],
    ) -> HttpObservation:
        started = time.monotonic()
        received_at = time.time()
        current, status, headers = url, None, {}
        try:
            async with self._semaphore, asyncio.timeout(self.policy.total_timeout):
                for _hop in range(self.policy.max_redirects + 1):
                    async with self._client(ca_bundle).stream("GET", current) as response:
                        received_at = time.time()
                        status = response.status_code
                        headers = {
                            name: response.headers[name]
                            for name in RECORDED_HEADERS
                            if name in response.headers
                        }
                        if response.is_redirect:
                            current = _next_hop(url, current, response, allow_insecure,
                                                allowed)
                            continue
                        if status >= 400:
                            raise _Failed("http-status", f"HTTP {status} {response.reason_phrase}")
                        body = await self._read_capped(response)
                        break
                else:
                    raise _Failed(
                        "redirect-loop", f"more than {self.policy.max_redirects} redirects"
                    )
            document = _parse_json_object(body, headers.get("content-type", ""))
        except _Failed as failed:
            log.info("GET %s -> %s (%s)", url, failed.kind, failed.detail)
            return _failure(url, failed.kind, failed.detail, current, status, headers,
                            started, received_at)
        except Exception as exc:  # every transport fault becomes a classified failure
            kind, detail = _classify(exc, current)
            log.info("GET %s -> %s (%s)", url, kind, detail)
            return _failure(url, kind, detail, current, status, headers, started, received_at)
        log.info("GET %s -> %s in %.0f ms", url, status, (time.monotonic() - started) * 1000)
        return HttpObservation(
            url=url,
            final_url=current,
            status=status,
            elapsed_ms=(time.monotonic() - started) * 1000,
            received_at=received_at,
            headers=headers,
            body=document,
        )

    async def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _Failed("too-large", f"body of {int(declared)} bytes exceeds the {cap}-byte cap")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise _Failed("too-large", f"body exceeds the {cap}-byte cap")
            chunks.append(chunk)
        return b"".join(chunks)


def _next_hop(
    origin_url: str,
    current: str,
    response: httpx.Response,
    allow_insecure: bool,
    allowed: frozenset[Origin],
) -> str:
    """Where a redirect leads, if driftcheck may follow it: the same origin (scheme, host and
    port; or http upgraded to https on the same host), or an origin the environment file names
    (`allowed`); never from https down to http, never to a URL with user information."""
    location = str(response.headers.get("location", ""))
    target: str = urljoin(current, location)
    if urlsplit(current).scheme == "https" and urlsplit(target).scheme == "http" \
            and not allow_insecure:
        raise _Failed("insecure-redirect", "redirected from https to plain http")
    if has_userinfo(target):
        raise _Failed("off-host-redirect", "redirected to a URL with user information "
                      "(user:password@): not followed")
    if not same_origin_hop(current, target) and not same_origin_hop(origin_url, target) \
            and origin(target) not in allowed:
        scheme, host, port = origin(target)
        raise _Failed("off-host-redirect", f"redirected to another origin ({scheme}://{host}:"
                      f"{port}) that the configuration does not name; list it in "
                      "allowed_hosts to follow")
    return target


def _parse_json_object(body: bytes, content_type: str) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        shown = content_type.split(";")[0] or "no Content-Type"
        raise _Failed("not-json", f"response is not JSON ({shown})") from None
    if not isinstance(document, dict):
        raise _Failed("not-json", f"expected a JSON object, got a JSON {type(document).__name__}")
    if too_deep(document):
        raise _Failed("not-json", f"the JSON nests deeper than {MAX_DEPTH} levels")
    return document


def _failure(
    url: str,
    kind: FailureKind,
    detail: str,
    final_url: str | None = None,
    status: int | None = None,
    headers: dict[str, str] | None = None,
    started: float | None = None,
    received_at: float | None = None,
) -> HttpObservation:
    return HttpObservation(
        url=url,
        final_url=final_url or url,
        status=status,
        elapsed_ms=0.0 if started is None else (time.monotonic() - started) * 1000,
        received_at=received_at or time.time(),
        headers=headers or {},
        failure=FetchFailure(kind, detail),
    )
