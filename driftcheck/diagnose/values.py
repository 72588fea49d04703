"""The values a message quotes: URLs, GUIDs, kids, expected/actual pairs and instants.

Instants come in many forms: epoch seconds (jwcrypto, Joken), ISO 8601 (Spring, jose,
aws-jwt-verify), RFC 1123 (lua-resty-jwt, HTTP dates) and .NET's `M/d/yyyy h:mm:ss tt` or
`MM/dd/yyyy HH:mm:ss` (Microsoft.IdentityModel, JwtBearer). Each is shown normalised to
ISO 8601 UTC so that two of them can be compared at a glance.
"""

from __future__ import annotations

import re

_URL = re.compile(r"https?://[^\s'\"<>,\]\)]+")
_GUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
_KID = re.compile(r"\bkid\b[\s:=]*(?:of\s+)?['\"]?([A-Za-z0-9_.\-]{2,})['\"]?", re.I)
_EXPECTED_ACTUAL = re.compile(
    r"expected:?\s+['\"]?(?P<expected>[^'\",\s]+)['\"]?,?\s+(?:but was|got|received|"
    r"but got|actual)[:\s]+['\"]?(?P<actual>[^'\",\s\]]+)", re.I)
_INSTANTS = (
    ("iso-8601", re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?"
                            r"(?:Z|[+-]\d{2}:?\d{2}| \+0000 UTC| UTC)?")),
    ("rfc-1123", re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} "
                            r"\d{2}:\d{2}:\d{2} GMT\b")),
    ("dotnet", re.compile(r"\b\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2}(?: [AP]M)?")),
    ("epoch", re.compile(r"(?<![\d.])1[5-9]\d{8}(?![\d.])")),
)


def instant(text: str, form: str) -> str | None:
    """`text` in the named form as ISO 8601 UTC, or None when it does not parse."""
    from datetime import UTC, datetime

    try:
        if form == "epoch":
            moment = datetime.fromtimestamp(int(text), UTC)
        elif form == "rfc-1123":
            from email.utils import parsedate_to_datetime

            moment = parsedate_to_datetime(text)
        elif form == "dotnet":
            pattern = "%m/%d/%Y %I:%M:%S %p" if text.endswith("M") else "%m/%d/%Y %H:%M:%S"
            moment = datetime.strptime(text, pattern).replace(tzinfo=UTC)
        else:
            cleaned = text.replace(" +0000 UTC", "+00:00").replace(" UTC", "+00:00")
            moment = datetime.fromisoformat(cleaned.replace(" ", "T", 1))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError, TypeError, IndexError):
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def quoted_values(text: str) -> dict[str, str]:
    """The values in `text` worth showing next to a reading."""
    found: dict[str, str] = {}
    if pair := _EXPECTED_ACTUAL.search(text):
        found["expected"], found["actual"] = pair.group("expected"), pair.group("actual")
    urls = list(dict.fromkeys(_URL.findall(text)))
    if urls:
        found["urls"] = ", ".join(urls[:3])
    guids = list(dict.fromkeys(_GUID.findall(text)))
    if guids:
        found["guids"] = ", ".join(guids[:3])
    if kid := _KID.search(text):
        found["kid"] = kid.group(1).rstrip(".")
    instants: list[str] = []
    taken: list[tuple[int, int]] = []
    for form, pattern in _INSTANTS:
        for match in pattern.finditer(text):
            if any(a <= match.start() < b for a, b in taken):
                continue
            taken.append(match.span())
            normalised = instant(match.group(0), form)
            if normalised:
                instants.append(f"{match.group(0)} ({form}) = {normalised}")
    if instants:
        found["instants"] = "; ".join(instants[:3])
    return found
