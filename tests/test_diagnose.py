"""`driftcheck diagnose`: every catalogue entry recognises its real message, unrelated text
is not claimed, and a token confirms the diagnosis or points elsewhere."""

from __future__ import annotations

import json

import pytest

from driftcheck.demo import demo_sandbox, exported, sandbox_variables
from driftcheck.diagnose import diagnose, entries
from driftcheck.diagnose.catalogue import match_catalogue
from driftcheck.findings import Step
from driftcheck.rules import get_rule


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e.id)
def test_every_entry_recognises_its_example(entry):
    matches = match_catalogue(entry.example)
    matched = [m for m in matches if m.entry.id == entry.id]
    assert matched, [m.entry.id for m in matches]
    assert matched[0].step in {s.value for s in Step}
    assert get_rule(matched[0].rule) is not None
    assert entry.source
    assert entry.library
    assert entry.versions
    assert diagnose(entry.example).known


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e.id)
def test_entry_steps_agree_with_the_rules(entry):
    """A catalogue entry's step is its rule's step (e.g. a missing exp is DC314, time)."""
    pairs = [(entry.step, entry.rule)] + [
        (entry.claim_steps.get(claim, entry.step), rule)
        for claim, rule in entry.claim_rules.items()]
    for step, rule in pairs:
        assert get_rule(rule).step.value == step, (entry.id, step, rule)


@pytest.mark.parametrize("entry", [e for e in entries() if not e.generic], ids=lambda e: e.id)
def test_specific_messages_come_before_generic_readings(entry):
    assert not match_catalogue(entry.example)[0].entry.generic


@pytest.mark.parametrize("message", [
    "connection refused", "database is locked", "Your order has shipped",
    "java.lang.NullPointerException at com.example.Orders.list(Orders.java:42)",
    "404 Not Found", "ImportError: No module named requests", "",
])
def test_unrelated_messages_are_not_claimed(message):
    diagnosis = diagnose(message)
    assert not diagnosis.known
    assert diagnosis.candidate_steps == []


@pytest.mark.parametrize(("message", "step", "rule", "captured"), [
    ("JsonWebTokenError: jwt audience invalid. expected: api://orders-prod or api://billing",
     "audience", "DC310", {"expected": "api://orders-prod or api://billing"}),
    ("An error occurred while attempting to decode the Jwt: The aud claim is not valid",
     "audience", "DC310", {"claim": "aud"}),
    ('joserfc.errors.InvalidClaimError: invalid_claim: Invalid claim: "typ"', "token-type",
     "DC312", {"claim": "typ"}),
    ("IDX10214: Audience validation failed. Audiences: 'web-staging'. Did not match: "
     "validationParameters.ValidAudience: 'api://orders-staging' or "
     "validationParameters.ValidAudiences: 'null'.", "audience", "DC310",
     {"actual": "web-staging", "expected": "api://orders-staging"}),
])
def test_captured_values_and_claim_specific_steps(message, step, rule, captured):
    match = diagnose(message).matches[0]
    assert (match.step, match.rule) == (step, rule)
    assert captured.items() <= match.captured.items()


def test_ambiguous_message_lists_candidates(cli):
    code, out, _ = cli("diagnose", "Jwks doesn't have key to match kid or alg from Jwt",
                       "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert document["known"] is True
    assert document["candidate_steps"] == ["key", "algorithm"]
    (match,) = document["matches"]
    assert {"library", "step", "rule", "captured", "misleading"} <= set(match)
    assert "JWKS cache" in match["misleading"]


def test_issuer_difference_is_classified(cli):
    code, out, _ = cli("diagnose", "IDX10205: Issuer validation failed. Issuer: "
                       "'https://login.example.com/t/'. Did not match: "
                       "validationParameters.ValidIssuer: 'https://login.example.com/t' or "
                       "validationParameters.ValidIssuers: 'null'.")
    assert code == 0
    assert "actual    https://login.example.com/t[/]" in out
    assert "differ only by a trailing slash" in out


def test_unknown_message_exits_1_and_guesses_nothing(cli):
    code, out, _ = cli("diagnose", "the database is on fire", "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["known"] is False
    assert document["matches"] == []
    code, out, _ = cli("diagnose", "Your order has shipped")
    assert code == 1
    assert "no diagnosis is offered" in out


def test_token_shows_the_expiry_is_really_clock_skew(sandbox, cli):
    fresh = sandbox.issue_token("dev", "probe-dev")
    _code, out, _ = cli("diagnose", "TokenExpiredError: jwt expired", "--token", fresh,
                       "--format", "json")
    check = json.loads(out)["token"]
    assert check["confirms"] is False
    assert "clock skew, not an expired token" in check["verdict"]
    sandbox.set_faults("dev", expired_tokens=True)
    stale = sandbox.issue_token("dev", "probe-dev")
    _, out, _ = cli("diagnose", "TokenExpiredError: jwt expired", "--token", stale,
                    "--format", "json")
    assert json.loads(out)["token"]["confirms"] is True
    assert fresh not in out
    assert stale not in out


def test_token_in_an_environment_points_elsewhere(cli):
    sandbox = demo_sandbox()
    with sandbox, exported(sandbox_variables(sandbox)):
        prod_token = sandbox.issue_token("prod", "probe-prod")
        code, out, _ = cli("diagnose", "IDX10223: Lifetime validation failed. The token is "
                           "expired. ValidTo: '11/28/2026 21:30:00', Current time: "
                           "'11/28/2026 22:15:03'.", "--token", prod_token, "--env", "staging",
                           "--format", "json")
    check = json.loads(out)["token"]
    assert code == 0
    assert check["confirms"] is False
    assert check["first_failing_step"] == "issuer"
    assert "points elsewhere" in check["verdict"]
    assert "prod's issuer" in check["verdict"]


def test_runbook(cli):
    code, out, _ = cli("diagnose", "Jwt issuer is not configured", "--runbook")
    assert code == 0
    assert out.startswith("## Auth incident record")
    for part in ("Exact error string", "Failing step and claim:** issuer", "Root cause",
                 "Environment-specific fix", "What exposed it fastest"):
        assert part in out


def test_diagnosing_text_imports_no_network_stack():
    """`diagnose TEXT` without --token reads a string: no run → collect → httpx (issue 21)."""
    import subprocess
    import sys

    probe = ("import sys\nfrom driftcheck.cli import main\n"
             "sys.argv = ['driftcheck', 'diagnose', 'TokenExpiredError: jwt expired', "
             "'--format', 'json']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('httpx', 'httpcore', 'asyncio', 'rich', 'jsonschema', 'joserfc') "
             "or m in ('driftcheck.run', 'driftcheck.collect', 'driftcheck.rules'))\n"
             "print('HEAVY', heavy, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=60)
    assert '"step": "time"' in done.stdout
    assert "HEAVY []" in done.stderr


def test_catalogue_step_vocabulary_is_the_findings_one():
    from driftcheck.diagnose.catalogue import STEPS

    assert {s.value for s in Step} == STEPS


def test_an_absent_claim_is_explained_as_absent_not_as_a_mismatch():
    from driftcheck.diagnose.report import ABSENT_CAUSES, diagnosis_document

    missing = diagnosis_document(diagnose("BadJWTException: Missing JWT audience (aud) claim"))
    assert missing["matches"][0]["rule"] == "DC310"
    assert missing["matches"][0]["likely_causes"] == list(ABSENT_CAUSES["DC310"])
    # a wrong value keeps the rule's own causes (a mismatch)
    wrong = diagnosis_document(diagnose("the token's audience does not match this API"))
    assert wrong["matches"][0]["rule"] == "DC310"
    assert wrong["matches"][0]["likely_causes"]
    assert wrong["matches"][0]["likely_causes"] != list(ABSENT_CAUSES["DC310"])
