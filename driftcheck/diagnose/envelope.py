"""What a pasted error came wrapped in, and the messages inside it, innermost first.

Users paste what they have: an HTTP response (status line, headers, body), a bare
`WWW-Authenticate` challenge, a JSON error body, a log excerpt with timestamps, levels and
request ids, or a multi-line stack trace. `unwrap` finds the validator's own words in it, so
that the catalogue, the families and the reader see the message and not the noise. Only the
standard library's readers are used (json for bodies, email's header parser for headers).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

EnvelopeKind = Literal["www-authenticate", "json-body", "log-line", "stack-trace", "plain"]

_STATUS_LINE = re.compile(r"^HTTP/\d(?:\.\d)?\s+(\d{3})\b[^\n]*$", re.MULTILINE)
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$")
# RFC 6750 §3 / RFC 9110 §11.2 auth-param: name=token or name="quoted string".
_AUTH_PARAM = re.compile(r'([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')
_TAGS = re.compile(r"<[^>]+>")

# Stack traces: Java/Kotlin (`Caused by:`, `\tat `), .NET (` ---> `, `   at `), Python
# tracebacks, Node (`    at `). Compiled on first use: most input is one line.


@dataclass(frozen=True)
class _TracePatterns:
    java_frame: re.Pattern[str]
    dotnet_frame: re.Pattern[str]
    node_frame: re.Pattern[str]
    py_frame: re.Pattern[str]
    php_frame: re.Pattern[str]
    exception_line: re.Pattern[str]

    def frame(self, line: str) -> bool:
        return bool(self.java_frame.match(line) or self.dotnet_frame.match(line)
                    or self.node_frame.match(line) or self.py_frame.match(line)
                    or self.php_frame.match(line))


@cache
def _trace() -> _TracePatterns:
    return _TracePatterns(
        java_frame=re.compile(r"^\s+at [\w$.<>/]+\(.*\)\s*$|^\s+\.\.\. \d+ (?:common frames )?more|"
                              r"^\s+\.\.\. \d+ common frames omitted"),
        dotnet_frame=re.compile(r"^\s+at [\w.`<>\[\], ]+\(.*\)(?: in .*)?\s*$"),
        node_frame=re.compile(r"^\s+at .+[):]\d+\)?\s*$|"
                              # Dart/Flutter: "#0      get (package:x/y.dart:21:10)"
                              r"^(?:\S+ \(\d+\): )?#\d+\s+\S.*\((?:package|dart):[^)]*\)\s*$"),
        py_frame=re.compile(r'^\s+File ".*", line \d+'),
        # PHP: "#0 /var/www/src/Parser.php(61): Parser->verify('eyJ...')", "#3 {main}"
        php_frame=re.compile(r"^\s*#\d+ (?:\S+\(\d+\): .*|\{main\}|\[internal function\]: .*)$|"
                             r"^\s*Stack trace:\s*$"),
        exception_line=re.compile(
            r"^(?:Caused by: |Exception in thread \"[^\"]*\" )?"
            r"(?P<type>(?:[A-Za-z_$][\w$]*(?:\.|::|\\))*[A-Za-z_$][\w$]*"
            r"(?:Error|Exception|Exceeded|Failed|Invalid|Expired|Fault))"
            r"(?:\s*\([^)]*\))?(?::\s?(?P<message>.*?))?"
            # (PHP names the file after the message: "… in /var/www/src/Parser.php:45")
            r"(?: in /\S+:\d+)?$"),
    )


# Log lines: leading timestamps, levels, thread and request ids, logger names.
_LOG_PREFIXES = [
    re.compile(r"^\[?\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?"
               r"(?:Z|[+-]\d{2}:?\d{2})?\]?\s*"),
    re.compile(r"^\[\d{2}/\w{3}/\d{4}[: ]\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?\]\s*"),
    re.compile(r"^(?:\d+#\d+: \*\d+ |\d+ --- )"),
    re.compile(r"^(?:\[\s*)?(?:TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|FATAL|CRIT(?:ICAL)?|"
               r"fail|info|warn|dbug|crit|error|debug|warning)(?:\s*\])?(?::|\s)\s*"),
    re.compile(r"^\[[^\]\n]{1,80}\]\s*"),
    re.compile(r"^[\w-]+\.(?:ERROR|WARNING|INFO|DEBUG|NOTICE|CRITICAL):\s*"),
    re.compile(r"^(?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:\[\d+\])?\s*:?\s+"),
    re.compile(r"^[a-z][\w.]*\.[A-Za-z][\w$]+\s+:\s+"),
]
_EXCEPTION_TYPE_END = re.compile(r"(?:Error|Exception)\s*:?\s*$")
_LOGFMT_FIELD = re.compile(r'\b(msg|message|error|err|reason)=(?:"((?:[^"\\]|\\.)*)"|(\S+))')
_LOGFMT_LINE = re.compile(r'^\s*(?:time|ts|level)=')
# ("hint": league/oauth2-server's detail beside a generic error_description; "description":
# Flask-JWT's body)
_MESSAGE_KEYS = ("hint", "error_description", "message", "detail", "reason", "description",
                 "error_message", "errorMessage", "msg", "exception", "error")
_LOG_LEVEL_KEYS = ("level", "lvl", "severity", "log.level")
_LOG_CAUSE_KEYS = ("error", "err", "errorMessage", "error_message", "reason", "cause")
_NESTED_KEYS = ("originalError", "inner", "cause", "error", "messages", "errors")
_CLAIM_KEYS = ("exp", "nbf", "iat", "iss", "aud", "sub", "kid", "alg", "typ")


@dataclass(frozen=True)
class Unwrapped:
    """The pasted text, what wrapped it, and the messages found in it."""

    text: str
    envelope: EnvelopeKind
    messages: tuple[str, ...]
    """Candidate messages, most specific first (the innermost exception, the challenge's
    error_description, the body's message); the whole text is always last."""
    status: int | None = None
    challenge: Mapping[str, str] = field(default_factory=dict)
    """RFC 6750 parameters of a `WWW-Authenticate: Bearer` challenge (`error`, ...)."""
    scheme: str | None = None
    """The challenge's auth scheme (`Bearer`, `Basic`, `DPoP`), if any."""


def challenge_params(value: str) -> tuple[str | None, dict[str, str]]:
    """The scheme and auth-params of one `WWW-Authenticate` value (RFC 9110 §11.6.1)."""
    scheme_match = re.match(r"\s*([A-Za-z][\w-]*)\b", value)
    scheme = scheme_match.group(1) if scheme_match else None
    rest = value[scheme_match.end():] if scheme_match else value
    params = {m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3) or "")
              .replace('\\"', '"') for m in _AUTH_PARAM.finditer(rest)}
    return scheme, params


def _json_messages(document: Any, depth: int = 0) -> list[str]:
    """Human messages in a JSON error body, innermost (nested causes) first."""
    if depth > 4:
        return []
    found: list[str] = []
    if isinstance(document, list):
        for item in document:
            found += _json_messages(item, depth + 1)
        return found
    if not isinstance(document, dict):
        return [document] if isinstance(document, str) and depth else []
    for key in _NESTED_KEYS:
        value = document.get(key)
        if isinstance(value, dict | list):
            found += _json_messages(value, depth + 1)
    name = document.get("name") or document.get("type") or document.get("code")
    # A structured log line (zap, zerolog, logrus, pino: it has a level) states its event in
    # "message"/"msg" and the cause in "error"/"err": the cause is the more specific.
    logged = any(key in document for key in _LOG_LEVEL_KEYS)
    for key in _LOG_CAUSE_KEYS + _MESSAGE_KEYS if logged else _MESSAGE_KEYS:
        value = document.get(key)
        if isinstance(value, str) and value.strip():
            found.append(f"{name}: {value}" if isinstance(name, str) and key == "message"
                         and name != value else value)
    for key in _CLAIM_KEYS:  # Kong: {"exp": "token expired"}
        value = document.get(key)
        if isinstance(value, str):
            found.append(f"{key}: {value}")
    if isinstance(name, str) and not found:
        found.append(name)
    return found


def _embedded_json(line: str) -> list[str]:
    start = line.find("{")
    if start < 0:
        return []
    try:
        document = json.loads(line[start:line.rfind("}") + 1])
    except ValueError:
        return []
    return _json_messages(document)


def _strip_log_prefix(line: str) -> str:
    """The message of a log line without its timestamp, level, ids and logger name."""
    logfmt = _LOGFMT_FIELD.findall(line) if _LOGFMT_LINE.match(line) else []
    if logfmt:
        return ": ".join(quoted or bare for _key, quoted, bare in logfmt)
    previous = None
    while previous != line:
        previous = line
        for prefix in _LOG_PREFIXES:
            found = prefix.match(line)
            # A logger name is noise; an exception's class name is evidence (families).
            if found and not _EXCEPTION_TYPE_END.search(found.group(0)):
                line = line[found.end():]
    return line.strip()


_PYTHON_EXCEPTION_LINE = re.compile(
    r"^(?!Traceback \(|During handling |The above exception )(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*"
    r"(?::\s.*)?$")


def _python_source(lines: list[str]) -> set[int]:
    """Indexes of the frames and quoted source lines of a Python traceback."""
    return {index for index, line in enumerate(lines) if line.startswith((" ", "\t"))}


def _exceptions(lines: list[str]) -> list[str]:
    """`Type: message` of each exception in a stack trace, innermost first."""
    patterns = _trace()
    found: list[tuple[str, bool]] = []  # (text, is_python_chain_cause_order)
    python = any(line.startswith("Traceback (most recent call last)") for line in lines)
    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        stripped = line.strip()
        if stripped.startswith("---> "):  # .NET inner exception, inline or on its own line
            stripped = stripped[5:]
        if " ---> " in stripped:
            parts = [p.strip() for p in stripped.split(" ---> ")]
            found += [(p, False) for p in parts]
            index += 1
            continue
        if patterns.frame(line) or not stripped:
            index += 1
            continue
        match = patterns.exception_line.match(_strip_log_prefix(stripped)) or \
            patterns.exception_line.match(stripped) or (
                # (a Python traceback's exception line is the unindented one, whatever its
                # class is called: InvalidJWSSignature, JWTMissingKey)
                python and _PYTHON_EXCEPTION_LINE.match(line))
        if match and (not python or not line.startswith(" ")):
            text = stripped.removeprefix("Caused by: ")
            # A message that continues on the next lines (IDX10501's kid, lcobucci's list).
            follow = index + 1
            while follow < len(lines) and lines[follow].strip() and not (
                    patterns.frame(lines[follow])
                    or lines[follow].lstrip().startswith(("Caused by:", "--->", "Traceback"))
                    or patterns.exception_line.match(lines[follow].strip())):
                text += "\n" + lines[follow].strip()
                follow += 1
            found.append((text, False))
            index = follow
            continue
        index += 1
    texts = [text for text, _ in found]
    # Java and .NET print the outermost first; a Python traceback prints the cause first.
    return texts if python else list(reversed(texts))


def _is_stack_trace(lines: list[str]) -> bool:
    return any(line.startswith(("Caused by:", "Traceback (most recent call last)"))
               or " ---> " in line or line.strip().startswith("---> ")
               or _trace().frame(line) for line in lines)


# A source file's path names code, not a failure (PHP's "… in /var/www/src/Algorithms/
# Hmac.php:45" would otherwise read as words).
_SOURCE_PATH = re.compile(r"\s(?:in|at)\s/\S+\.(?:php|py|js|mjs|cjs|ts|java|go|rb|cs|rs|kt|ex|exs|"
                          r"erl)(?::\d+)+\b")


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        item = _SOURCE_PATH.sub("", item).strip()
        if item and item not in seen:
            seen[item] = None
    return tuple(seen)


# Response headers that explain a refusal (x-clerk-auth-reason, x-error-message, grpc-message).
_MEANINGFUL_HEADER = re.compile(r"auth|error|reason|message|detail|problem")


# Challenge parameters that name what is asked for, not what failed.
_REQUEST_PARAM = re.compile(r'[,\s]*\b(?:scope|service|token_type)=(?:"[^"]*"|[^,\s]*)')


def _failure_params(value: str) -> str:
    return _REQUEST_PARAM.sub("", value)


def _response(text: str) -> Unwrapped | None:
    """An HTTP response or a bare header block: status, challenge, body."""
    status_match = _STATUS_LINE.search(text)
    lines = text[status_match.end():].lstrip("\r\n").splitlines() if status_match \
        else text.splitlines()
    headers: list[tuple[str, str]] = []
    body_start = len(lines)
    for index, line in enumerate(lines):
        header = _HEADER_LINE.match(line.rstrip("\r"))
        if not line.strip():
            body_start = index + 1
            break
        if header is None:
            if not status_match:
                return None
            body_start = index
            break
        headers.append((header.group(1).lower(), header.group(2).strip()))
    challenges = [value for name, value in headers if name == "www-authenticate"]
    if not status_match and not challenges:
        return None
    scheme, params = challenge_params(challenges[0]) if challenges else (None, {})
    body = "\n".join(lines[body_start:]).strip()
    messages: list[str] = []
    if params.get("error_description"):
        messages.append(params["error_description"])
    envelope: EnvelopeKind = "www-authenticate" if challenges else "plain"
    if body.startswith("<"):  # an HTML error page: its text only
        messages.append(" ".join(_TAGS.sub(" ", body).split()))
    elif body:
        inner = unwrap(body)
        messages += [m for m in inner.messages if m != body]
        messages.append(body)
        if not challenges and inner.envelope != "plain":
            envelope = inner.envelope
    # The whole response is read last, without the headers that only describe the transport
    # (a Set-Cookie's "expires", a Date): they name no failure.
    # A challenge's service, scope (a registry's scope="repository:…:pull") and token_type
    # parameters name what is asked for, not what failed.
    readable = "\n".join([
        *([status_match.group(0).strip()] if status_match else []),
        *(f"{name}: {_failure_params(value) if name == 'www-authenticate' else value}"
          for name, value in headers
          if name.endswith("-authenticate") or _MEANINGFUL_HEADER.search(name)),
        body])
    return Unwrapped(text, envelope, _unique([*messages, readable.strip() or text]),
                     int(status_match.group(1)) if status_match else None, params, scheme)


# Advice and guesses after the failure ("Most likely the ID token is expired", "Make sure you
# passed the entire string JWT", "See https://…"): they are not what failed.
_ADVICE = re.compile(
    r"(?:(?<=[.!?])\s+|^)(?:most likely|probably|perhaps|maybe|possibly|make sure|please|"
    r"try |get a |see |check |ensure |verify that|for more|"
    r"this (?:usually|often|typically|may|might|could) (?:indicates?|means?))[^.!?]*(?:[.!?]|$)",
    re.IGNORECASE)


# The protocol's own description of a generic error code (RFC 6749 §4.1.2.1 and §5.2, as
# fosite/Hydra and league/oauth2-server print it before their detail): it names no step.
_GENERIC_DESCRIPTION = re.compile(
    r"the request is missing a required parameter, includes an invalid parameter value, "
    r"includes a parameter more than once, or is otherwise malformed\.?|"
    r"the resource owner or authorization server denied the request\.?|"
    r"the request could not be authorized\.?", re.IGNORECASE)


def without_advice(message: str) -> str:
    """`message` without its advice sentences and generic protocol descriptions (the whole
    message if nothing else is left)."""
    stated = _ADVICE.sub("", message).strip()
    if _GENERIC_DESCRIPTION.search(stated):
        stated = _GENERIC_DESCRIPTION.sub("", stated).strip(" \t\n,;:")
    return stated or message


def unwrap(text: str) -> Unwrapped:
    """The envelope of `text` and the candidate messages inside it."""
    text = text.strip()
    response = _response(text)
    if response is not None:
        return response
    if text.startswith(("{", "[")):
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        if document is not None:
            return Unwrapped(text, "json-body", _unique([*_json_messages(document), text]))
    lines = text.splitlines()
    if len(lines) > 1 and _is_stack_trace(lines):
        exceptions = _exceptions(lines)
        # Frames name the code that ran, not what failed ("token.deserialize(jwt, key)").
        source = _python_source(lines) if any(
            line.startswith("Traceback (most recent call last)") for line in lines) else set()
        stripped = [_strip_log_prefix(line) for index, line in enumerate(lines)
                    if line.strip() and index not in source and not _trace().frame(line)]
        # (the whole trace last, without its frames: a frame names code, not a failure)
        return Unwrapped(text, "stack-trace",
                         _unique([*exceptions, *stripped, "\n".join(stripped) or text]))
    messages: list[str] = []
    context: list[str] = []
    envelope: EnvelopeKind = "plain"
    for line in lines:
        message = _strip_log_prefix(line)
        if message != line.strip():
            envelope = "log-line"
        if message.startswith("{") and len(lines) > 1:
            # A structured logger's properties on a line of their own (Duende's
            # {"ValidateLifetime": true, …}) describe the request, after the message.
            context += [*_embedded_json(message), message]
            continue
        messages += _embedded_json(message)
        if message:
            messages.append(message)
    if context and messages:
        messages = [*context, *messages]
    else:
        messages += context
    if len(lines) > 1 and envelope == "plain":
        # One message over several lines (IDX10501's kid, lcobucci's list): whole first.
        return Unwrapped(text, envelope, _unique([text, *messages]))
    # In a log excerpt the last line is the newest.
    return Unwrapped(text, envelope, _unique([*reversed(messages), text]))


def from_response(status: int, headers: Mapping[str, str] | Iterable[tuple[str, str]],
                  body: str) -> str:
    """An HTTP answer as the text `diagnose` reads (for live probes): status line, the
    headers that matter, body."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    kept = [f"{name}: {value}" for name, value in pairs
            if name.lower() in ("www-authenticate", "content-type")]
    return "\n".join([f"HTTP/1.1 {status}", *kept, "", body.strip()]).strip() + "\n"
