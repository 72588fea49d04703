"""The installed command: entry points, the demo, the sandbox command."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

import driftcheck

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTCHECK_")}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "driftcheck", *args], capture_output=True,
                          text=True, timeout=120, env=environment, cwd=ROOT)


def test_version_via_module_and_console_script():
    module = run("--version")
    assert module.returncode == 0
    assert module.stdout.strip() == f"driftcheck {driftcheck.__version__}"
    script = Path(sys.executable).parent / "driftcheck"
    if script.exists():  # installed with pip (always the case in CI)
        result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
        assert result.stdout == module.stdout


def test_no_command_prints_help_and_exits_2():
    result = run()
    assert result.returncode == 2
    assert "COMMAND" in result.stdout


def test_demo_reports_findings_from_real_http(tmp_path):
    result = run("demo", "--output", f"json={tmp_path}/demo.json", NO_COLOR="1")
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert re.search(r"sandbox IdP at http://127\.0\.0\.1:\d+", result.stdout)
    report = json.loads((tmp_path / "demo.json").read_text())
    found = {(f["environment"], f["rule"]) for f in report["findings"]}
    assert ("dev", "DC010") in found  # a 404 from the sandbox's real HTTP server
    assert ("dev", "DC106") in found  # declared jwks_uri vs discovery
    assert ("dev", "DC209") in found  # Cache-Control max-age vs rotation_overlap
    assert ("staging", "DC102") in found  # from the sandbox's real discovery document
    assert ("staging", "DC701") in found  # the sandbox's Date header runs ahead
    assert ("staging", "DC407") in found  # deployed frontend config != declared
    assert ("staging", "DC505") in found  # ... and it calls prod's API
    assert ("staging", "DC501") in found
    assert ("prod", "DC501") in found
    assert {f["severity"] for f in report["findings"] if f["rule"] in ("DC501", "DC505")} == {
        "critical"}
    assert {f["rule"] for f in report["findings"] if f["environment"] == "prod"} == {
        "DC501", "DC803"}  # prod's deployed API also accepts dev's token (live probe)
    dc801 = next(f for f in report["findings"] if f["rule"] == "DC801"
                 and f["environment"] == "dev")
    assert dc801["step"] == "audience"
    assert dc801["evidence"]["prediction_mismatch"] is True
    assert "dev token ✗ ACCEPTED" in result.stdout
    dc010 = next(f for f in report["findings"] if f["rule"] == "DC010")
    assert dc010["evidence"]["status"] == 404
    assert "DC102 issuer-trailing-slash" in result.stdout


def test_demo_json_format_on_stdout():
    result = run("demo", "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["summary"]["exit_code"] == 1


def test_sandbox_command_serves_until_interrupted(tmp_path):
    env_file = tmp_path / "sandbox.env"
    process = subprocess.Popen(
        [sys.executable, "-m", "driftcheck", "sandbox", "--fault", "staging:trailing_slash_issuer",
         "--fault", "dev:clock_offset=120", "--api-fault", "prod:accepts_tenants=staging",
         "--api-fault", "dev:no_challenge", "--env-file", str(env_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert url, first
        deadline = time.monotonic() + 10
        while not env_file.exists() or "SANDBOX_PROBE_SECRET_PROD" not in env_file.read_text():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        variables = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
        assert variables["DRIFTCHECK_SANDBOX_URL"] == url.group(0)
        assert oct(env_file.stat().st_mode & 0o777) == "0o600"
        document = httpx.get(f"{url.group(0)}/tenants/staging/.well-known/openid-configuration")
        assert document.json()["issuer"].endswith("/tenants/staging/")
        # The printed environment files check against it.
        check = run("check", "environments", "--format", "json", **variables)
        report = json.loads(check.stdout)
        assert report["summary"]["findings"] >= 2
        found = {(f["environment"], f["rule"]) for f in report["findings"]}
        assert ("prod", "DC803") in found
        assert ("dev", "DC805") in found
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    for name, value in variables.items():
        if name.startswith("SANDBOX_PROBE_SECRET"):
            assert value not in out + err


def test_sandbox_bad_fault_is_a_usage_error():
    result = run("sandbox", "--fault", "staging:no_such_fault")
    assert result.returncode == 2
    assert "expected TENANT:FAULT[=VALUE]" in result.stderr
