from __future__ import annotations

import json
import socket
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from driftcheck.cli import main
from driftcheck.sandbox import Faults, Sandbox, default_tenant
from tests.servers import StaticServer


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """dev, staging and prod tenants, all well-behaved until a test switches faults on."""
    with Sandbox([default_tenant(n) for n in ("dev", "staging", "prod")]) as running:
        yield running


@pytest.fixture
def static_server() -> Iterator[StaticServer]:
    with StaticServer() as server:
        yield server


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env_toml(name: str, issuer: str, body: str = "", **top: Any) -> str:
    """A minimal environment file: name, issuer and whatever `body` adds."""
    lines = [f'name = "{name}"']
    lines += [f"{key} = {json.dumps(value)}" for key, value in top.items()]
    lines += ["", "[idp]", f'issuer = "{issuer}"', textwrap.dedent(body)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def write_file(relative: str, text: str) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write_file


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the CLI in-process: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


__all__ = ["Faults", "env_toml"]


def check_folder(cli: Callable[..., tuple[int, str, str]], tmp_path: Path,
                 *files: tuple[str, str], extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """Write `files` (name, TOML text) as the only environments of tmp_path/envs, run
    `driftcheck check --format json` on them, and return the report (exit 0 or 1 expected)."""
    folder = tmp_path / "envs"
    folder.mkdir(exist_ok=True)
    for stale in folder.glob("*.toml"):
        stale.unlink()
    for name, text in files:
        (folder / f"{name}.toml").write_text(text)
    code, out, err = cli("check", str(folder), "--format", "json", *extra)
    assert code in (0, 1), err
    report: dict[str, Any] = json.loads(out)
    return report
