"""Start-up cost of the commands people run most, against the interpreter's own.

    python -m benchmarks.startup [--runs 15]

Target (issue 11): `driftcheck --version` and `driftcheck rules` within 1.5 x the time of
`python -c pass` + 100 ms. Issue 21: `driftcheck diagnose TEXT` (no --token) within about
100 ms of `driftcheck --version`. Prints the median of each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

# The installed console script, as users run it (falls back to `python -m driftcheck`).
DRIFTCHECK = shutil.which("driftcheck") or f"{sys.executable} -m driftcheck"
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "driftcheck --version": [DRIFTCHECK, "--version"],
    "driftcheck rules": [DRIFTCHECK, "rules"],
    "driftcheck diagnose TEXT": [DRIFTCHECK, "diagnose", "TokenExpiredError: jwt expired"],
    # Through every layer: no catalogue entry or family name knows it; the reader does.
    "driftcheck diagnose (reader)": [DRIFTCHECK, "diagnose", "the token has expired"],
}


# As users run it: an installed package has its bytecode compiled (pip compiles it at
# install; Python writes __pycache__ on the first run). A shell with PYTHONDONTWRITEBYTECODE
# set (some CI images and sandboxes) would measure compiling every module on every run.
ENVIRONMENT = {name: value for name, value in os.environ.items()
               if name != "PYTHONDONTWRITEBYTECODE"}


def median_seconds(command: list[str], runs: int) -> float:
    argv = command if " " not in command[0] else [*command[0].split(), *command[1:]]
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, env=ENVIRONMENT)  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, env=ENVIRONMENT)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    results = {name: median_seconds(command, args.runs) for name, command in COMMANDS.items()}
    budget = 1.5 * results["python -c pass"] + 0.1
    diagnose_budget = results["driftcheck --version"] + 0.1
    for name, seconds in results.items():
        limit = diagnose_budget if "diagnose" in name else budget
        verdict = "" if name.startswith("python") else (
            "  within budget" if seconds <= limit else f"  over the {limit * 1000:.0f} ms budget")
        print(f"{name:28} {seconds * 1000:6.0f} ms{verdict}")


if __name__ == "__main__":
    main()
