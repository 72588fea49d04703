"""Real identity providers from the npm registry, started on 127.0.0.1 for a test.

`npm ci --prefix tests/interop` installs them (pinned by package-lock.json); `.ci/run` does
it. When they are missing the tests fail with that instruction rather than skip: an interop
suite that silently skips proves nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
READY_TIMEOUT = 30.0


def require_node_modules() -> None:
    missing = [name for name in ("oidc-provider", "oauth2-mock-server", "jose", "jsonwebtoken")
               if not (NODE_MODULES / name / "package.json").exists()]
    if missing or shutil.which("node") is None:
        pytest.fail(f"interop packages missing ({', '.join(missing) or 'node'}): run "
                    "`npm ci --prefix tests/interop`", pytrace=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class NodeServer:
    """One `node SCRIPT PORT CONFIG` process; `url` once it printed "ready URL"."""

    script: str
    config: Any
    workdir: Path
    port: int = field(default_factory=free_port)
    url: str = ""
    process: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)

    def start(self) -> NodeServer:
        require_node_modules()
        config_file = self.workdir / f"{self.script}-{self.port}.json"
        config_file.write_text(json.dumps(self.config))
        self.process = subprocess.Popen(
            ["node", str(HERE / self.script), str(self.port), str(config_file)],
            cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "NODE_NO_WARNINGS": "1"})
        ready = threading.Event()

        def read() -> None:
            assert self.process is not None
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.output.append(line.rstrip())
                if line.startswith("ready "):
                    self.url = line.split(" ", 1)[1].strip()
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(READY_TIMEOUT):
            self.stop()
            raise RuntimeError(f"{self.script} did not start: {' | '.join(self.output)}")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
