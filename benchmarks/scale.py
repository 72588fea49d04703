"""How driftcheck's cost grows with the number of environments.

    python -m benchmarks.scale --envs 500 --latency 100ms

Generates N environment files (one sandbox tenant each: discovery, JWKS, a frontend runtime
config and a client-credentials token), starts the sandbox IdP in its own process with the
injected latency, and measures:

- network phase, in-process: wall time of collection vs the floor (the longest chain of
  dependent requests, discovery -> JWKS or token, times the latency), at the chosen
  --concurrency;
- the same checks one request at a time (--concurrency 1) on a sample, scaled to N;
- requests the sandbox served (each distinct URL once; tokens are one POST each);
- CPU per environment for load + schema + rules + JSON report (network excluded: a replay of
  the recorded snapshot), median of repeats;
- a whole `driftcheck check` in a subprocess: wall time and peak RSS;
- token verification: driftcheck's analysis vs calling joserfc directly.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from driftcheck.collect.http import FetchPolicy
from driftcheck.collect.live import collect_live_async
from driftcheck.durations import parse_duration
from driftcheck.load import load_environments
from driftcheck.report.json_report import render_json
from driftcheck.run import CheckOptions, evaluate
from driftcheck.snapshot import read_snapshots, write_snapshot

ENVIRONMENT = """name = "{name}"
[idp]
issuer = "${{DRIFTCHECK_SANDBOX_URL}}/tenants/{name}"
rotation_overlap = "24h"
[frontends.web]
runtime_config_url = "${{DRIFTCHECK_SANDBOX_URL}}/apps/{name}/config.json"
runtime_config_map = {{ client_id = "/auth/clientId" }}
client_id = "web-{name}"
api_base_url = "${{DRIFTCHECK_SANDBOX_URL}}/apis/{name}"
audience = "api://orders-{name}"
[apis.orders]
url = "${{DRIFTCHECK_SANDBOX_URL}}/apis/{name}"
issuers = ["${{DRIFTCHECK_SANDBOX_URL}}/tenants/{name}"]
audiences = ["api://orders-{name}"]
algorithms = ["ES256"]
clock_skew = "60s"
jwks_cache_ttl = "10m"
[tokens.probe]
source = "client_credentials"
client_id = "probe-{name}"
client_secret_env = "SECRET_{upper}"
scope = "orders.read"
"""


def serve(names: list[str], latency: float, queue: Any) -> None:
    """The sandbox, in its own process."""
    from driftcheck.sandbox import Faults, Sandbox, default_tenant

    sandbox = Sandbox([default_tenant(n, Faults(alg="ES256", latency=latency)) for n in names])
    for name in names:  # keys are made lazily; make them before the clock runs
        sandbox.published_keys(name)
    sandbox.start()
    queue.put((sandbox.url, {f"SECRET_{n.upper()}": sandbox.client(n).secret for n in names}))
    sandbox.serve_forever()


def start_sandbox(names: list[str], latency: float) -> tuple[Any, str]:
    """The sandbox in a process of its own (so that its CPU is not the client's), with its URL
    and client secrets exported for the environment files: (the process, its URL)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    server = context.Process(target=serve, args=(names, latency, queue), daemon=True)
    server.start()
    url, secrets = queue.get(timeout=600)
    os.environ.update(secrets, DRIFTCHECK_SANDBOX_URL=url)
    return server, url


def write_environments(folder: Path, names: list[str]) -> None:
    for name in names:
        (folder / f"{name}.toml").write_text(ENVIRONMENT.format(name=name, upper=name.upper()))


def sandbox_requests(url: str) -> int:
    counts: dict[str, int] = httpx.get(url + "/_requests").json()["requests"]
    return sum(counts.values())


def collect(folder: Path, concurrency: int, names: list[str] | None = None) -> tuple[float, Any]:
    loaded = load_environments([folder])
    environments = [e for e in loaded.environments if names is None or e.name in names]
    policy = FetchPolicy(concurrency=concurrency)
    started = time.perf_counter()
    observations, _ = asyncio.run(collect_live_async(environments, policy))
    return time.perf_counter() - started, observations


def cpu_per_environment(folder: Path, snapshot: Path, repeats: int, count: int) -> float:
    """Load + schema validation + rules + JSON report, per environment. The recorded
    observations are read once, outside the timing: network (and its stand-in) excluded."""
    observations = read_snapshots([snapshot])
    samples = []
    for _ in range(repeats):
        started = time.process_time()
        loaded = load_environments([folder])
        result = evaluate(loaded, loaded.environments, observations, CheckOptions())
        render_json(result)
        samples.append((time.process_time() - started) / count)
    return statistics.median(samples)


def token_verification_ratio(rounds: int = 300) -> float:
    from joserfc import jwk, jwt

    from driftcheck.tokens.observe import analyze

    key = jwk.ECKey.generate_key("P-256", parameters={"kid": "k"}, private=True)
    public = jwk.ECKey.import_key(key.as_dict(private=False))
    token = jwt.encode({"alg": "ES256", "kid": "k"}, {"iss": "x", "exp": 4102444800}, key)
    keys = {public.thumbprint(): public}
    started = time.perf_counter()
    for _ in range(rounds):
        jwt.decode(token, public, algorithms=["ES256"])
    direct = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(rounds):
        analyze(token, name="t", environment="e", source="env", for_api=None, keys=keys)
    ours = time.perf_counter() - started
    return ours / direct


def whole_command(folder: Path, environment: dict[str, str], concurrency: int) -> tuple[float,
                                                                                          float]:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "driftcheck", "check", str(folder), "--format",
                    "json", "--concurrency", str(concurrency)], env=environment,
                   stdout=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kb / 1024


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale")
    parser.add_argument("--envs", type=int, default=500)
    parser.add_argument("--latency", default="100ms")
    parser.add_argument("--concurrency", type=int, default=FetchPolicy().concurrency,
                        help="in-flight requests for the concurrent run (default: driftcheck's "
                        f"own, {FetchPolicy().concurrency})")
    parser.add_argument("--baseline-sample", type=int, default=10,
                        help="environments checked one request at a time, scaled to N")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    latency = parse_duration(args.latency)
    names = [f"t{i}" for i in range(args.envs)]
    server, url = start_sandbox(names, latency)
    results: dict[str, Any] = {"envs": args.envs, "latency_ms": latency * 1000,
                               "concurrency": args.concurrency}
    try:
        with tempfile.TemporaryDirectory() as directory:
            folder = Path(directory) / "envs"
            folder.mkdir()
            write_environments(folder, names)
            before = sandbox_requests(url)
            wall, observations = collect(folder, args.concurrency)
            results["requests"] = sandbox_requests(url) - before
            floor = 2 * latency
            results.update(wall_s=round(wall, 3), floor_s=floor,
                           wall_over_floor=round(wall / floor, 2))
            sample = names[: max(1, min(args.baseline_sample, args.envs))]
            sequential, _ = collect(folder, 1, sample)
            scaled = sequential * args.envs / len(sample)
            results.update(sequential_s=round(scaled, 2), sample=len(sample),
                           speedup=round(scaled / wall, 1))
            high_wall, _ = collect(folder, 1024)
            results["wall_at_concurrency_1024_s"] = round(high_wall, 3)
            snapshot = Path(directory) / "snapshot.toml"
            write_snapshot(snapshot, observations)
            results["cpu_ms_per_env"] = round(
                cpu_per_environment(folder, snapshot, args.repeats, args.envs) * 1000, 2)
            command_wall, peak = whole_command(folder, dict(os.environ), args.concurrency)
            results.update(command_wall_s=round(command_wall, 2), peak_rss_mb=round(peak))
            results["token_verify_ratio"] = round(token_verification_ratio(), 2)
    finally:
        server.terminate()
        server.join(5)
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python " \
                         f"{platform.python_version()}"
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:28} {value}")
    return results


if __name__ == "__main__":
    main()
