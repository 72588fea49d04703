"""Issue 17, "a gate people can trust": no false alarms on clean setups, no silent passes,
one cause -> one headline. Every example of the issue is a regression test here."""

from __future__ import annotations

import time

from tests.conftest import check_folder
from tests.test_tokens import client_credentials, environment, secrets  # noqa: F401

check = check_folder


# -- false alarms on a clean setup ------------------------------------------------------------

def test_a_fresh_token_is_judged_when_it_was_received_not_when_the_run_started(
        sandbox, secrets, tmp_path, cli):  # noqa: F811
    """A 0 s validator judged a token issued after the run started as "not valid yet, 0 ms
    ahead". Each token is judged at its own arrival, with one second of slack."""
    text = environment(sandbox, "dev", client_credentials("dev")).replace(
        'clock_skew = "60s"', 'validator = "pyjwt"')
    sandbox.set_faults("dev", latency=1.2)  # the token arrives well after the run started
    for _ in range(3):
        report = check(cli, tmp_path, ("dev", text))
        assert [f for f in report["findings"] if f["rule"] in ("DC306", "DC307")] == []


def test_now_given_judges_every_token_at_it(sandbox, secrets, tmp_path, cli):  # noqa: F811
    text = environment(sandbox, "dev", client_credentials("dev"))
    report = check(cli, tmp_path, ("dev", text), extra=("--now", str(int(time.time()) - 600)))
    (finding,) = [f for f in report["findings"] if f["rule"] == "DC307"]
    assert "not valid yet" in finding["message"]


def test_a_token_the_idp_issued_already_expired_gets_idp_advice(
        sandbox, secrets, tmp_path, cli):  # noqa: F811
    sandbox.set_faults("dev", expired_tokens=True)
    report = check(cli, tmp_path, ("dev", environment(sandbox, "dev", client_credentials("dev"))))
    (finding,) = [f for f in report["findings"] if f["rule"] == "DC306"]
    assert finding["message"].startswith("The IdP issued the token already expired")
    assert "access-token lifetime" in finding["fix"]
    assert "before it expires" not in finding["fix"]
    assert finding["evidence"]["issued_expired"] is True
