"""What live probes cost at scale: requests sent and wall time, probes off vs on.

    python -m benchmarks.probes --envs 200 --latency 100ms [--full]

N environments (every tenth one `prod`), one sandbox tenant each with its protected API
(`/apis/NAME/orders/ping`, with the same injected latency as the IdP), each API declaring a
probe. Measures collection in-process (discovery, JWKS, token, probes) with `--no-probe`,
with the default cross-environment scope, and (with --full) with `--probe-scope all`; counts
the requests the protected APIs received.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.scale import ENVIRONMENT, start_sandbox
from driftcheck.collect.http import FetchPolicy
from driftcheck.collect.live import collect_live_async
from driftcheck.collect.probes import ProbeScope
from driftcheck.durations import parse_duration
from driftcheck.load import load_environments

PROBE = """[apis.orders.probe]
url = "${{DRIFTCHECK_SANDBOX_URL}}/apis/{name}/orders/ping"
"""


def write_environments(folder: Path, names: list[str]) -> None:
    for index, name in enumerate(names):
        tier = 'tier = "prod"\n' if index % 10 == 0 else ""
        text = tier + ENVIRONMENT.format(name=name, upper=name.upper()) + PROBE.format(name=name)
        (folder / f"{name}.toml").write_text(text)


def api_requests(url: str) -> int:
    counts: dict[str, int] = httpx.get(url + "/_requests").json()["requests"]
    return sum(n for path, n in counts.items() if "/apis/" in path)


def collect(folder: Path, scope: ProbeScope | None) -> tuple[float, float, int, int]:
    """(wall seconds, driftcheck's CPU seconds, probe cases sent, cases out of scope)."""
    loaded = load_environments([folder])
    started, cpu = time.perf_counter(), time.process_time()
    observations, _ = asyncio.run(collect_live_async(loaded.environments, FetchPolicy(),
                                                     probe_scope=scope))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    probes = [p for e in observations.environments.values() for p in e.probes]
    sent = sum(1 for p in probes for c in p.cases if c.answer is not None)
    return wall, cpu, sent, sum(p.out_of_scope for p in probes)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.probes")
    parser.add_argument("--envs", type=int, default=200)
    parser.add_argument("--latency", default="100ms")
    parser.add_argument("--full", action="store_true", help="also time --probe-scope all")
    args = parser.parse_args(argv)
    latency = parse_duration(args.latency)
    names = [f"t{i}" for i in range(args.envs)]
    server, url = start_sandbox(names, latency)
    results: dict[str, Any] = {"envs": args.envs, "latency_ms": latency * 1000}
    scopes: list[tuple[str, ProbeScope | None]] = [("no_probe", None),
                                                   ("default_scope", ProbeScope())]
    if args.full:
        scopes.append(("full_audit", ProbeScope(full=True)))
    try:
        with tempfile.TemporaryDirectory() as directory:
            folder = Path(directory) / "envs"
            folder.mkdir()
            write_environments(folder, names)
            for label, scope in scopes:
                before = api_requests(url)
                wall, cpu, sent, skipped = collect(folder, scope)
                results[label] = {"wall_s": round(wall, 2), "driftcheck_cpu_s": round(cpu, 2),
                                  "api_requests": api_requests(url) - before,
                                  "cases_sent": sent, "cases_out_of_scope": skipped}
    finally:
        server.terminate()
        server.join(5)
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python " \
                         f"{platform.python_version()}"
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
