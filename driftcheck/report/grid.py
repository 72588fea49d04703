"""The token acceptance grid of the audit page: which API accepted whose token.

Rows are APIs and gateways, columns are whose token was sent (the environment's own, each
other environment's, each forged kind). Live probes fill it; this module only defines the
view-model the HTML renderer draws, so the probe results map onto it in one function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from driftcheck.result import ProbeResult

Verdict = Literal["accepted", "rejected", "not-sent"]
ColumnKind = Literal["own", "environment", "forged", "none"]


@dataclass(frozen=True)
class GridColumn:
    key: str
    """"own", "env:prod", "forged:alg-none", "no-token"."""
    label: str
    kind: ColumnKind

    @property
    def must_accept(self) -> bool:
        """Only the environment's own known-good token should be accepted."""
        return self.kind == "own"


@dataclass(frozen=True)
class GridCell:
    verdict: Verdict
    status: int | None = None
    """The HTTP status the API answered with."""
    step: str | None = None
    """For a rejection: the step the API's answer named (`unknown` when it named none)."""


@dataclass(frozen=True)
class GridRow:
    environment: str
    component: str
    """`apis.orders`, `gateways.edge`."""
    cells: tuple[tuple[str, GridCell], ...]
    """Column key -> cell; a column missing here was not sent."""

    def cell(self, column: GridColumn) -> GridCell:
        return dict(self.cells).get(column.key, GridCell("not-sent"))


@dataclass(frozen=True)
class AcceptanceGrid:
    columns: tuple[GridColumn, ...]
    rows: tuple[GridRow, ...]


def outcome(column: GridColumn, cell: GridCell) -> Literal["ok", "problem", "none"]:
    """Whether a cell is what an isolated, correctly validating API answers."""
    if cell.verdict == "not-sent":
        return "none"
    accepted = cell.verdict == "accepted"
    return "ok" if accepted == column.must_accept else "problem"


def grid_from_probes(probes: Sequence[ProbeResult]) -> AcceptanceGrid | None:
    """The grid of a run's live probes (`EnvironmentStatus.probes`): one row per probed API
    or gateway, one column per kind of token sent; None when nothing was probed."""
    columns: dict[str, GridColumn] = {}
    rows = []
    for probe in probes:
        cells = []
        for case in probe.cases:
            if case.kind == "no-token":
                column = GridColumn("no-token", "no token", "none")
            elif case.kind == "own":
                column = GridColumn("own", "own token", "own")
            elif case.kind == "other-env":
                column = GridColumn(f"env:{case.environment}", f"{case.environment} token",
                                    "environment")
            else:
                column = GridColumn(f"forged:{case.forged}", case.label, "forged")
            columns.setdefault(column.key, column)
            if not case.sent:
                continue
            verdict: Verdict = "accepted" if case.outcome == "accepted" else "rejected" \
                if case.outcome == "rejected" else "not-sent"
            step = case.reading.step if case.reading is not None else None
            cells.append((column.key, GridCell(verdict, case.status, step)))
        rows.append(GridRow(probe.environment, probe.component, tuple(cells)))
    if not rows:
        return None
    order = {"none": 0, "own": 1, "environment": 2, "forged": 3}
    ordered = sorted(columns.values(), key=lambda c: (order[c.kind], c.key))
    return AcceptanceGrid(tuple(ordered), tuple(rows))
