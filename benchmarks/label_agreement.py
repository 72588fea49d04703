"""How far the corpus's human labels agree: `python -m benchmarks.label_agreement`.

Issue 21 asks for >= 98 % precision of one-step diagnoses against the corpus authors'
labels. This measures the ceiling that target sits under: two more labellers, who saw
neither the reader nor the authors' labels, labelled the same 300 messages (a seeded sample
of the sixth session's read splits, dev-9a to dev-15b) from the messages alone, with the
authors' brief. The sample names each message by corpus file and line
(`benchmarks/label_study/sample.json`); the labellers' answers are `labels-A.json` and
`labels-B.json` there; the authors' labels are read from the corpus itself.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from benchmarks.diagnose import CORPUS

STUDY = Path(__file__).resolve().parent / "label_study"
NO_STEP = frozenset({"vague", "unknown"})


def _authors() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    found[f"{path.name}:{number}"] = json.loads(line)["expected"]
    return found


def agreement(a: Mapping[str, str], b: Mapping[str, str]) -> tuple[int, int]:
    """Messages both labelled, and how many with the same label."""
    shared = a.keys() & b.keys()
    return len(shared), sum(a[k] == b[k] for k in shared)


def step_precision(by: Mapping[str, str], against: Mapping[str, str]) -> tuple[int, int]:
    """Of the one-step labels `by` gave, how many `against` labelled the same: the precision a
    perfect copy of `by` would measure against `against`."""
    stepped = [k for k in by.keys() & against.keys() if by[k] not in NO_STEP]
    return len(stepped), sum(by[k] == against[k] for k in stepped)


def main() -> None:
    sample = json.loads((STUDY / "sample.json").read_text(encoding="utf-8"))
    authors = _authors()
    labels = {"author": {where: authors[where] for where in sample}}
    for name in ("A", "B"):
        answers = json.loads((STUDY / f"labels-{name}.json").read_text(encoding="utf-8"))
        labels[name] = {sample[int(k) - 1]: v for k, v in answers.items()}
    print(f"label agreement on {len(sample)} messages of dev-9a to dev-15b "
          "(labellers saw neither the reader nor the authors' labels)")
    for x, y in (("A", "author"), ("B", "author"), ("A", "B")):
        n, same = agreement(labels[x], labels[y])
        print(f"  {x} and {y}: same label {same}/{n} ({same / n:.1%})")
    for x, y in (("A", "author"), ("B", "author"), ("A", "B"), ("B", "A"),
                 ("author", "A"), ("author", "B")):
        n, same = step_precision(labels[x], labels[y])
        print(f"  {x}'s one-step labels that {y} shares: {same}/{n} ({same / n:.1%})")
    both = {k: v for k, v in labels["A"].items() if labels["B"].get(k) == v}
    n, same = agreement(both, labels["author"])
    print(f"  where A and B agree ({n}), the author agrees: {same}/{n} ({same / n:.1%})")
    disagreements = Counter(
        tuple(sorted((labels["A"][k], labels["author"][k]))) for k in labels["A"]
        if labels["A"][k] != labels["author"][k])
    print("  most frequent A/author disagreements: " + ", ".join(
        f"{a}~{b} {count}" for (a, b), count in disagreements.most_common(8)))


if __name__ == "__main__":
    main()
