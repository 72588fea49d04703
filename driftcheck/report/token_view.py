"""How `driftcheck inspect` shows a token: decoded, redacted, with human times and warnings.

The signature segment is never shown (only its length), nor the token (only a fingerprint).
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.text import Text

from driftcheck.durations import describe_instant
from driftcheck.inspect_token import Inspection
from driftcheck.report.console import render_finding, verdict_line
from driftcheck.report.json_report import finding_document, verdict_document
from driftcheck.tokens.claims import MILLISECONDS_THRESHOLD, TIME_CLAIMS


def _value(name: str, value: Any, now: float) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    if name in TIME_CLAIMS and isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value >= MILLISECONDS_THRESHOLD else value
        unit = " as milliseconds" if value >= MILLISECONDS_THRESHOLD else ""
        shown += f"  {describe_instant(seconds, now)}{unit}"
    return shown


def render_inspection(inspection: Inspection, console: Console, now: float) -> None:
    console.print(Text("Decoded without verifying: this alone says nothing about whether the "
                       "token is valid.", style="bold yellow"))
    console.print(Text(f"fingerprint  fp:{inspection.fingerprint}"))
    for damage in inspection.damage:
        console.print(Text(f"damage       {damage.kind}: {damage.detail}", style="red"))
    if inspection.fatal is not None:
        console.print(Text(f"unreadable   {inspection.fatal.kind}: {inspection.fatal.detail}",
                           style="bold red"))
    for title, part in (("header", inspection.header), ("claims", inspection.claims)):
        if part is None:
            continue
        console.print(Text(title, style="bold"))
        width = max((len(k) for k in part), default=0)
        for name, value in part.items():
            console.print(Text(f"  {name:<{width}}  {_value(name, value, now)}"))
    if inspection.header is not None:
        console.print(Text(f"signature    {inspection.signature_length} bytes (not shown)",
                           style="dim"))
    if inspection.kind is not None:
        console.print(Text(f"looks like   {inspection.kind.kind} token "
                           f"({'; '.join(inspection.kind.evidence)})"))
    for warning in inspection.warnings:
        console.print(Text(f"warning      {warning}", style="yellow"))
    if inspection.validation is not None:
        console.print()
        console.print(Text(f"Validated as the known-good token of {inspection.environment}:",
                           style="bold"))
        status = next(s for s in inspection.validation.environments
                      if s.name == inspection.environment)
        for verdict in status.tokens:
            console.print(verdict_line(verdict))
        findings = inspection.token_findings
        for index, finding in enumerate(findings):
            render_finding(console, finding, first=index == 0 and len(findings) > 1)


def inspection_document(inspection: Inspection) -> dict[str, Any]:
    document: dict[str, Any] = {
        "fingerprint": inspection.fingerprint,
        "verified": False,
        "damage": [{"kind": d.kind, "detail": d.detail} for d in inspection.damage],
        "unreadable": None if inspection.fatal is None else {
            "kind": inspection.fatal.kind, "detail": inspection.fatal.detail},
        "header": inspection.header,
        "claims": inspection.claims,
        "signature_bytes": inspection.signature_length,
        "kind": None if inspection.kind is None else {
            "kind": inspection.kind.kind, "evidence": list(inspection.kind.evidence)},
        "warnings": list(inspection.warnings),
        "validation": None,
    }
    if inspection.validation is not None:
        status = next(s for s in inspection.validation.environments
                      if s.name == inspection.environment)
        document["validation"] = {
            "environment": inspection.environment,
            "tokens": [verdict_document(v) for v in status.tokens],
            "findings": [finding_document(f) for f in inspection.token_findings],
        }
        document["verified"] = bool(status.tokens) and all(
            result != "fail" for _, result in status.tokens[0].steps)
    return document
