from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.interop.nodeproc import NodeServer

Start = Callable[[str, Any], NodeServer]


@pytest.fixture
def node_server(tmp_path: Path) -> Iterator[Start]:
    """Start real IdPs (`oidc_provider.mjs`, `mock_server.mjs`); all are stopped afterwards."""
    started: list[NodeServer] = []

    def start(script: str, config: Any, port: int | None = None) -> NodeServer:
        server = NodeServer(script, config, tmp_path)
        if port is not None:
            server.port = port
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()
