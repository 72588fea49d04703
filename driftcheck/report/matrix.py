"""`--matrix`: environments as columns, the facts that identify them as rows.

A value that another environment also has is a collision (isolation); a row with more than
one value inside one environment is a disagreement (consistency). With colour they are red
and yellow; without colour (not a terminal, NO_COLOR) they carry a `*` or `!` instead, so the
table reads the same in a CI log. URLs keep their scheme; the prefix every environment shares
moves into the row's label. Cells wrap at `/`, `.`, `-` and spaces, and when the environments
do not fit the console's width (80 columns in most CI logs) they continue in another table.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from driftcheck.report.probe_view import probe_summary
from driftcheck.result import EnvironmentIdentity, ProbeResult

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
LABEL_WIDTH = 18
MIN_CELL = 16
_BREAK_AFTER = re.compile(r"(?<=[/.\-_:])")


def _shared_prefix(values: Sequence[str]) -> str:
    if len(values) < 2:
        return ""
    # Character-wise on purpose, then cut back to the last '/': URLs are not file paths.
    prefix = os.path.commonprefix(list(values))  # noqa: RUF071
    cut = prefix[: prefix.rfind("/") + 1] if "/" in prefix else ""
    return "" if cut.endswith("//") else cut  # keep at least the host in each cell


def _pieces(text: str, width: int) -> list[str]:
    """Words (with their trailing space); a word longer than `width` split after `/ . - _ :`."""
    pieces: list[str] = []
    for word in re.split(r"(?<= )", text):
        pieces.extend(_BREAK_AFTER.split(word) if len(word.rstrip()) > width else [word])
    return [p for p in pieces if p]


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width`, broken at spaces where it can, inside a long word
    after `/ . - _ :`, and cut only where nothing else fits."""
    lines: list[str] = []
    line = ""
    for piece in _pieces(text, width):
        while len(piece) > width:  # a piece longer than a line: cut it
            if line:
                lines.append(line)
                line = ""
            lines.append(piece[:width])
            piece = piece[width:]
        if len(line) + len(piece.rstrip()) > width:
            lines.append(line)
            line = ""
        line += piece
    if line:
        lines.append(line)
    return [item.rstrip() or item for item in lines]


def _chunks(identities: Sequence[EnvironmentIdentity], width: int
            ) -> list[tuple[Sequence[EnvironmentIdentity], int]]:
    """Environments per table and the cell width that fits the console."""
    # A table row: "│ label │ cell │ cell │": 3 characters of border per column, plus 1.
    per_table = max(1, (width - LABEL_WIDTH - 4) // (MIN_CELL + 3))
    chunks = []
    for start in range(0, len(identities), per_table):
        part = identities[start:start + per_table]
        cell = (width - LABEL_WIDTH - 4) // len(part) - 3
        chunks.append((part, max(8, cell)))
    return chunks


def _value_cell(label: str, identity: EnvironmentIdentity,
                values: Mapping[str, list[str]], prefix: str, collide: bool,
                cell_width: int, colour: bool) -> tuple[Text, bool]:
    """One environment's cell of a row, and whether it carries a colourless marker."""
    cell = Text()
    marked = False
    mine = values[identity.name]
    disagree = label in _SINGLE and len(mine) > 1
    for index, raw in enumerate(mine):
        key = raw.split(" ")[-1] if label == "keys" else raw
        others = any(
            key in ([v.split(" ")[-1] for v in theirs] if label == "keys" else theirs)
            for name, theirs in values.items() if name != identity.name)
        shared = collide and others
        style = "bold red" if shared else "yellow" if disagree else None
        text = raw[len(prefix):] if prefix else raw
        if not colour and (shared or disagree):
            text = ("* " if shared else "! ") + text
            marked = True
        if index:
            cell.append("\n")
        cell.append("\n".join(wrap(text, cell_width)), style=style)
    return (cell if mine else Text("–", style="dim")), marked


def _probe_cell(probes: Sequence[ProbeResult], cell_width: int) -> Text:
    cell = Text()
    for index, probe in enumerate(probes):
        summary = probe_summary(probe)
        if index:
            cell.append("\n")
        cell.append("\n".join(wrap(f"{probe.component}: {summary}", cell_width)),
                    style="bold red" if "wrong" in summary else "green")
    return cell if cell.plain else Text("–", style="dim")


def render_matrix(identities: Sequence[EnvironmentIdentity], console: Console,
                  probes: Mapping[str, Sequence[ProbeResult]] | None = None) -> None:
    """`probes` (environment -> its live probe results) adds a "live probes" row."""
    if not identities:
        return
    colour = console.color_system is not None and not console.no_color
    marked = False
    for part, cell_width in _chunks(identities, console.width):
        title = "Environments side by side" if part[0] is identities[0] else \
            "Environments side by side (continued)"
        table = Table(title=title, show_lines=True, title_justify="left", header_style="bold",
                      expand=False)
        table.add_column("", style="bold", no_wrap=True, max_width=LABEL_WIDTH)
        for identity in part:
            table.add_column(identity.name, no_wrap=True, max_width=cell_width)
        for label, values_of, collide in ROWS:
            values = {i.name: list(values_of(i)) for i in identities}
            urls = label in ("issuer", "JWKS")
            prefix = _shared_prefix([v for vs in values.values() for v in vs]) if urls else ""
            cells: list[Text] = []
            for identity in part:
                cell, marker = _value_cell(label, identity, values, prefix, collide,
                                           cell_width, colour)
                cells.append(cell)
                marked = marked or marker
            row_label = "\n".join(wrap(f"{label} ({prefix}…)", LABEL_WIDTH)) if prefix \
                else label
            table.add_row(row_label, *cells)
        if probes and any(probes.values()):
            table.add_row("live probes", *(_probe_cell(probes.get(i.name, ()), cell_width)
                                           for i in part))
        console.print(table)
    if colour:
        console.print(Text("red: the same value in another environment · yellow: more than "
                           "one value inside the environment", style="dim"))
    elif marked:
        console.print(Text("* the same value in another environment · ! more than one value "
                           "inside the environment"))
    console.print()
