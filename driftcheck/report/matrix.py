"""`--matrix`: environments as columns, the facts that identify them as rows.

A value that another environment also has is red (a collision: isolation); a row with more
than one value inside one environment is yellow (disagreement: consistency). URLs lose their
scheme and the prefix every environment shares, so 8 environments fit in 120 columns.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from driftcheck.identity import EnvironmentIdentity
from driftcheck.probes.judge import ProbeResult
from driftcheck.report.probe_view import probe_summary

Row = tuple[str, Callable[[EnvironmentIdentity], list[str]], bool]


def _per_component(values: Mapping[str, str]) -> list[str]:
    """"value (component)", one line per component, so the origin of each value shows."""
    return [f"{value} ({component})" for component, value in sorted(values.items())]


ROWS: tuple[Row, ...] = (
    ("tier", lambda i: [i.tier], False),
    ("tenant", lambda i: [i.tenant] if i.tenant else [], False),
    ("issuer", lambda i: sorted(i.issuers), True),
    ("JWKS", lambda i: sorted(i.jwks_uris), True),
    ("keys", lambda i: sorted(f"{kid or '-'} {tp[:8]}" for tp, kid in i.thumbprints.items()),
     True),
    ("client IDs", lambda i: sorted(i.client_ids), True),
    ("audiences", lambda i: sorted(i.audiences), True),
    ("algorithms", lambda i: sorted(i.algorithms), False),
    ("validators", lambda i: _per_component(i.validators), False),
    ("issuer comparison", lambda i: _per_component(i.issuer_comparisons), False),
    ("clock skew", lambda i: _per_component(i.clock_skews), False),
    ("key lead time", lambda i: _per_component(i.rotation_leads), False),
)
_SINGLE = {"issuer", "JWKS"}
"""Rows where one environment should have exactly one value."""


def _strip_scheme(value: str) -> str:
    return value.split("://", 1)[1] if "://" in value else value


def _shared_prefix(values: Sequence[str]) -> str:
    if len(values) < 2:
        return ""
    # Character-wise on purpose, then cut back to the last '/': URLs are not file paths.
    prefix = os.path.commonprefix(list(values))  # noqa: RUF071
    return prefix[: prefix.rfind("/") + 1] if "/" in prefix else ""


def render_matrix(identities: Sequence[EnvironmentIdentity], console: Console,
                  probes: Mapping[str, Sequence[ProbeResult]] | None = None) -> None:
    """`probes` (environment -> its live probe results) adds a "live probes" row."""
    if not identities:
        return
    table = Table(title="Environments side by side", show_lines=True, title_justify="left",
                  header_style="bold", expand=False)
    table.add_column("", style="bold", no_wrap=True)
    for identity in identities:
        table.add_column(identity.name, overflow="fold", max_width=max(
            12, (118 - 12) // len(identities) - 3))
    for label, values_of, collide in ROWS:
        values = {i.name: values_of(i) for i in identities}
        urls = label in ("issuer", "JWKS")
        shown = {n: [_strip_scheme(v) for v in vs] if urls else vs for n, vs in values.items()}
        prefix = _shared_prefix([v for vs in shown.values() for v in vs]) if urls else ""
        cells: list[Text] = []
        for identity in identities:
            cell = Text()
            mine = values[identity.name]
            disagree = label in _SINGLE and len(mine) > 1
            for index, (raw, text) in enumerate(zip(mine, shown[identity.name], strict=True)):
                others = any(raw in values[o.name] for o in identities if o.name != identity.name)
                key = raw.split(" ")[-1] if label == "keys" else raw
                if label == "keys":
                    others = any(key in [v.split(" ")[-1] for v in values[o.name]]
                                 for o in identities if o.name != identity.name)
                style = "bold red" if collide and others else "yellow" if disagree else None
                if index:
                    cell.append("\n")
                cell.append(text[len(prefix):] if prefix else text, style=style)
            cells.append(cell if mine else Text("–", style="dim"))
        row_label = f"{label}\n({prefix}…)" if prefix else label
        table.add_row(row_label, *cells)
    if probes and any(probes.values()):
        cells = []
        for identity in identities:
            cell = Text()
            for index, probe in enumerate(probes.get(identity.name, ())):
                summary = probe_summary(probe)
                if index:
                    cell.append("\n")
                cell.append(f"{probe.component}: {summary}",
                            style="bold red" if "wrong" in summary else "green")
            cells.append(cell if cell.plain else Text("–", style="dim"))
        table.add_row("live probes", *cells)
    console.print(table)
    console.print(Text("red: the same value in another environment · yellow: more than one "
                       "value inside the environment", style="dim"))
    console.print()
