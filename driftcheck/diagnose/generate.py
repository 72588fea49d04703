"""Writes the diagnose package's generated modules: `_gates.py` (the literals each reader
pattern needs, literals.py) and `_tables.py` (the parsed catalogue and families, tables.py).

    python -m driftcheck.diagnose.generate
"""

from __future__ import annotations

from pathlib import Path


def main() -> None:
    from driftcheck.diagnose import literals, tables

    here = Path(__file__).parent
    for name, text in (("_gates.py", literals.current()), ("_tables.py", tables.current())):
        (here / name).write_text(text, encoding="utf-8")
        print(f"wrote {here / name}")


if __name__ == "__main__":
    main()
