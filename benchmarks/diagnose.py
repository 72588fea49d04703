"""How often `driftcheck diagnose` names the right step, on the labelled corpus.

    python -m benchmarks.diagnose [--misses] [--split dev|held-out]

Reads every `*.jsonl` file in tests/diagnose/corpus/ (messages.jsonl, and any held-out
split a corpus author adds as a file of its own) and prints, per split (dev, held-out) and
per layer (catalogue, family, reader): messages, right answers, accuracy, and the precision
of the answers that name one step (not marked vague). Targets (issue 21): held-out accuracy
>= 95 %, precision of non-vague answers >= 98 %. The held-out split is only measured here,
never tuned on.

Every line of a `held-out*.jsonl` file is held-out; in any other file a line's split is
its `split` field (dev when absent). Split names that begin with "held-out" ("held-out-3")
are the held-out split.

A right answer: the expected step, or a vague answer for a message labelled `vague`, or no
step for a message labelled `unknown`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "diagnose" / "corpus"
LAYERS = ("catalogue", "family", "reader", "none")


@dataclass(frozen=True)
class Outcome:
    library: str
    message: str
    expected: str
    got: str
    """A step, "vague" or "unknown"."""
    layer: str
    where: str
    """The corpus file and line ("messages.jsonl:12")."""


@dataclass(frozen=True)
class Measure:
    messages: int
    right: int
    stepped: int
    """Answers that name one step (not vague, not unknown)."""
    stepped_right: int

    @property
    def accuracy(self) -> float:
        return self.right / self.messages if self.messages else 1.0

    @property
    def precision(self) -> float:
        return self.stepped_right / self.stepped if self.stepped else 1.0


def corpus_files() -> list[Path]:
    """Every split file of the corpus, in name order."""
    return sorted(CORPUS.glob("*.jsonl"))


def _split_of(row: dict[str, str], path: Path) -> str:
    if path.name.startswith("held-out"):
        return "held-out"
    split = row.get("split") or "dev"
    return "held-out" if split.startswith("held-out") else split


def corpus() -> list[dict[str, str]]:
    """Every labelled line of every corpus file; `file` names the file it came from and
    `split` is normalised to "dev" or "held-out"."""
    rows = []
    for path in corpus_files():
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path.name}:{number}: not JSON ({error})") from None
                if not isinstance(row, dict):
                    raise ValueError(f"{path.name}:{number}: expected a JSON object")
                row["split"] = _split_of(row, path)
                row["file"] = f"{path.name}:{number}"
                rows.append(row)
    return rows


def outcomes(split: str) -> list[Outcome]:
    from driftcheck.diagnose import diagnose

    found = []
    for row in corpus():
        if row["split"] != split:
            continue
        diagnosis = diagnose(row["message"])
        got = "unknown" if not diagnosis.known else (
            "vague" if diagnosis.vague else str(diagnosis.step))
        found.append(Outcome(row["library"], row["message"], row["expected"], got,
                             diagnosis.layer or "none", row["file"]))
    return found


def measure(items: Iterable[Outcome]) -> Measure:
    items = list(items)
    stepped = [o for o in items if o.got not in ("vague", "unknown")]
    return Measure(len(items), sum(o.got == o.expected for o in items), len(stepped),
                   sum(o.got == o.expected for o in stepped))


def table(split: str, results: list[Outcome]) -> str:
    rows = [("all", measure(results))] + [
        (layer, measure(o for o in results if o.layer == layer)) for layer in LAYERS]
    lines = [f"{split}: {len(results)} messages from "
             f"{len({o.library for o in results})} libraries",
             f"  {'layer':10} {'answers':>7} {'right':>6} {'accuracy':>9} "
             f"{'one-step':>8} {'precision':>9}"]
    for name, m in rows:
        lines.append(f"  {name:10} {m.messages:7d} {m.right:6d} {m.accuracy:9.1%} "
                     f"{m.stepped:8d} {m.precision:9.1%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.diagnose")
    parser.add_argument("--misses", action="store_true", help="list the dev split's misses")
    parser.add_argument("--split", choices=("dev", "held-out"),
                        help="measure one split only (while tuning: dev, so that the "
                             "held-out answers stay unseen)")
    args = parser.parse_args(argv)
    for split in (args.split,) if args.split else ("dev", "held-out"):
        results = outcomes(split)
        if not results:
            print(f"{split}: no messages (no {split} line in {CORPUS.name}/*.jsonl)\n")
            continue
        print(table(split, results))
        if args.misses and split == "dev":
            for o in results:
                if o.got != o.expected:
                    print(f"    miss {o.where}: expected {o.expected}, got {o.got} "
                          f"({o.layer}): {o.message[:160]!r}")
        print()
    print("targets: held-out accuracy >= 95.0 %, precision of one-step answers >= 98.0 %")


if __name__ == "__main__":
    main()
