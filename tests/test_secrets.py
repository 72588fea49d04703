"""Secrets never leave: no output format carries a client secret, a token or key material."""

from __future__ import annotations

import json

from driftcheck.demo import demo_sandbox, exported, sandbox_variables
from driftcheck.resources import data_dir


def test_demo_outputs_carry_no_client_secret(cli, tmp_path):
    sandbox = demo_sandbox()
    with sandbox:
        variables = sandbox_variables(sandbox)
        secrets = [v for k, v in variables.items() if k.startswith("SANDBOX_PROBE_SECRET")]
        with exported(variables):
            outputs = []
            for fmt in ("console", "json"):
                code, out, err = cli("check", str(data_dir("environments")), "--format", fmt,
                                     "--output", f"{fmt}={tmp_path}/{fmt}.out")
                assert code == 1
                outputs += [out, err, (tmp_path / f"{fmt}.out").read_text()]
            code, out, err = cli("validate", str(data_dir("environments")))
            outputs += [out, err]
    assert len(secrets) == 3
    assert json.loads(outputs[3])["findings"]
    for text in outputs:
        for secret in secrets:
            assert secret not in text
