"""`driftcheck diagnose` in layers (issue 21): envelopes, families, the general reader, the
labelled corpus's numbers, and text that must stay unknown or vague."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from benchmarks.diagnose import corpus, measure, outcomes
from driftcheck.diagnose import diagnose, diagnose_response
from driftcheck.diagnose.envelope import unwrap
from driftcheck.diagnose.values import quoted_values
from driftcheck.findings import Step

STEPS = {s.value for s in Step}


# -- the corpus --------------------------------------------------------------------------

def test_corpus_is_large_varied_and_split_by_whole_libraries():
    rows = corpus()
    assert len(rows) >= 250
    assert len({r["library"] for r in rows}) >= 30
    assert len({r["language"] for r in rows}) >= 8
    splits = Counter(r["split"] for r in rows)
    assert set(splits) == {"dev", "held-out"}
    held_out = [r for r in rows if r["split"] == "held-out"]
    assert len(held_out) >= 150
    assert len({r["library"] for r in held_out}) >= 15
    assert len({r["language"] for r in held_out}) >= 6
    by_library: dict[str, set[str]] = {}
    for row in rows:
        by_library.setdefault(row["library"], set()).add(row["split"])
        assert row["expected"] in STEPS | {"vague", "unknown"}, row
        assert row["source"] and row["version"] and row["message"]
    assert all(len(s) == 1 for s in by_library.values()), "a library in both splits"
    assert Counter(r["expected"] for r in rows)["unknown"] >= 10
    assert Counter(r["expected"] for r in rows)["vague"] >= 10


def test_development_split_stays_where_it_is():
    """Every dev message right (the number reached while tuning on it), including the
    first held-out split that joined it."""
    results = outcomes("dev")
    numbers = measure(results)
    misses = [(o.expected, o.got, o.message[:80]) for o in results if o.got != o.expected]
    assert numbers.accuracy >= 1.0, misses
    assert numbers.precision >= 1.0, misses


def test_held_out_split_keeps_its_measured_numbers():
    """The second held-out split (24 libraries found nowhere else in the corpus), measured
    once after the reader was improved on the development split only. Neither target is
    met (95 % right, 98 % precision): 151/221 right (68.3 %) and 137/149 one-step answers
    right (91.9 %) were measured blind (docs/diagnose.md); this test keeps them from
    falling and is to be raised to the targets when they are met on a fresh split."""
    numbers = measure(outcomes("held-out"))
    assert numbers.right >= 151
    assert numbers.precision >= 137 / 149


# -- envelopes ---------------------------------------------------------------------------

def test_www_authenticate_error_description_decides():
    diagnosis = diagnose(
        'HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer error="invalid_token", '
        'error_description="The audience \'api://orders-staging\' is invalid"\n\n')
    assert (diagnosis.step, diagnosis.envelope, diagnosis.status) == (
        "audience", "www-authenticate", 401)


def test_bare_challenge_is_vague_not_a_guess():
    diagnosis = diagnose('HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer '
                         'error="invalid_token"\n')
    assert diagnosis.known and diagnosis.vague and diagnosis.step is None
    assert {"signature", "time", "issuer", "audience"} <= set(diagnosis.candidate_steps)


def test_json_body_and_log_line_noise_are_stripped():
    body = diagnose('{"error": "invalid_token", "error_description": "Jwt expired at '
                    '2026-11-28T21:30:00Z"}')
    assert (body.step, body.envelope) == ("time", "json-body")
    line = diagnose("2026-11-28T22:15:03.412Z WARN [req-7f3a9c] orders.auth: token "
                    "rejected: unexpected \"aud\" claim value")
    assert (line.step, line.envelope) == ("audience", "log-line")
    assert unwrap("2026-11-28 22:15:03,412 ERROR [8c1f] Invalid issuer").messages[0] == \
        "Invalid issuer"


def test_java_stack_trace_innermost_jwt_exception_wins():
    trace = (
        "org.springframework.security.oauth2.server.resource.InvalidBearerTokenException: "
        "Unauthorized\n\tat org.example.Filter.doFilter(Filter.java:10)\n"
        "Caused by: org.springframework.security.oauth2.jwt.BadJwtException: An error "
        "occurred while attempting to decode the Jwt: Signed JWT rejected: Invalid signature\n"
        "\tat org.springframework.security.oauth2.jwt.NimbusJwtDecoder.createJwt("
        "NimbusJwtDecoder.java:180)\n")
    diagnosis = diagnose(trace)
    assert (diagnosis.step, diagnosis.envelope) == ("signature", "stack-trace")


def test_python_traceback_cause_wins_over_the_handler():
    trace = (
        "Traceback (most recent call last):\n  File \"/app/auth.py\", line 4, in user\n"
        "    jwt.decode(token, key, algorithms=[\"RS256\"])\n"
        "jwt.exceptions.ImmatureSignatureError: The token is not yet valid (nbf)\n\n"
        "During handling of the above exception, another exception occurred:\n\n"
        "Traceback (most recent call last):\n  File \"/app/views.py\", line 9, in get\n"
        "    user(request)\nPermissionError: Unauthorized\n")
    diagnosis = diagnose(trace)
    assert (diagnosis.step, diagnosis.rule) == ("time", "DC307")


def test_dotnet_inner_exception_is_read_first():
    diagnosis = diagnose(
        "System.InvalidOperationException: IDX20803: Unable to obtain configuration from: "
        "'https://login.example.com/t/.well-known/openid-configuration'.\n ---> "
        "System.Net.Http.HttpRequestException: Connection refused (login.example.com:443)\n")
    assert diagnosis.step == "fetch" and "IDX20803" in diagnosis.decided_by[0]


def test_diagnose_response_reads_status_headers_and_body():
    diagnosis = diagnose_response(
        401, {"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"',
              "Content-Type": "text/plain"}, "Jwt issuer is not configured")
    assert (diagnosis.step, diagnosis.status) == ("issuer", 401)
    silent = diagnose_response(401, [("www-authenticate", "Bearer")], "")
    assert silent.vague
    forbidden = diagnose_response(403, {"Content-Type": "text/plain"}, "RBAC: access denied")
    assert not forbidden.known


# -- layers --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "step", "layer"), [
    ("IDX10223: the wording of a future version", "time", "family"),
    ("Microsoft.IdentityModel.Tokens.SecurityTokenInvalidAudienceException", "audience",
     "family"),
    ("jwt.exceptions.ImmatureSignatureError", "time", "family"),
    ("error: ErrTokenExpired", "time", "family"),
    ("JWTExpired", "time", "family"),
    ("The token has expired", "time", "reader"),
    ("oidc: id token issued by a different provider", "issuer", "reader"),
    ('claim "aud" does not contain the expected value', "audience", "reader"),
    ("no matching key found in jwks for kid 2026-11", "key", "reader"),
    ("token has 2 segments", "parse", "reader"),
    ("Token is missing the \"exp\" claim", "time", "catalogue"),
])
def test_each_layer_names_its_step(text, step, layer):
    diagnosis = diagnose(text)
    assert (diagnosis.step, diagnosis.layer) == (step, layer)
    assert diagnosis.decided_by and diagnosis.confidence in ("high", "medium")


@pytest.mark.parametrize(("text", "step"), [
    # Bare class names and enum kinds of development libraries, read as the words they are
    # made of (the reader, not the families: these go straight to read()).
    ("ExpiredSignature", "time"), ("InvalidIssuer", "issuer"), ("InvalidAudience", "audience"),
    ("InvalidAlgorithm", "algorithm"), ("io.fusionauth.jwt.JWTExpiredException", "time"),
    ("io.fusionauth.jwt.InvalidJWTSignatureException", "signature"),
    ("io.fusionauth.jwt.NoneNotAllowedException", "algorithm"), ("maxAge exceeded", "time"),
    ("decoded JWT is missing required claim(s)", "claims"),
    ("Missing required claim: exp", "time"),
])
def test_reader_splits_identifiers_and_reads_unnamed_claims(text, step):
    from driftcheck.diagnose.reader import read

    reading = read(text)
    assert (reading.kind, reading.step) == ("step", step), reading


def test_reader_leaves_codes_and_random_values_alone():
    from driftcheck.diagnose.reader import read

    assert read("IDX99999").kind == "none"
    assert read("kid VtWm3YgkbFvA8dLb").kind != "step"


@pytest.mark.parametrize("text", [
    "401", "Unauthorized", "invalid token", "Invalid or expired JWT",
    '{"message":"Unauthorized"}', "Authentication Error",
])
def test_vague_input_gets_candidates_not_a_guess(text):
    diagnosis = diagnose(text)
    assert diagnosis.known and diagnosis.vague and diagnosis.step is None
    assert len(diagnosis.candidate_steps) > 1


@pytest.mark.parametrize("text", [
    "Forbidden (CSRF token missing.): /api/orders/",
    "Error loading cookied session: cookie \"_oauth2_proxy\" not present",
    'HTTP/1.1 429 Too Many Requests\n\n{"message":"API rate limit exceeded"}',
    "client SSL certificate verify error: (10:certificate has expired)",
    'HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Basic realm="admin"\n',
    "connection refused", "Your order has shipped",
])
def test_unrelated_failures_claim_no_step(text):
    diagnosis = diagnose(text)
    assert not diagnosis.known and diagnosis.step is None and diagnosis.candidate_steps == []


def test_instants_in_every_form_are_normalised():
    found = quoted_values("exp 1764365400, ValidTo '11/28/2026 9:30:00 PM', "
                          "at Sat, 28 Nov 2026 21:30:00 GMT and 2026-11-28T21:30:00Z")
    assert found["instants"].count("= 2026-11-28T21:30:00Z") == 3


def test_json_output_has_layer_confidence_decided_by_and_envelope(cli, tmp_path):
    excerpt = tmp_path / "api.log"
    excerpt.write_text("2026-11-28T22:15:00Z INFO started\n"
                       "2026-11-28T22:15:03Z ERROR [req-1] token has invalid claims: token is "
                       "expired\n", encoding="utf-8")
    code, out, _ = cli("diagnose", f"@{excerpt}", "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert {"input", "matches", "candidate_steps", "known"} <= set(document)
    assert document["layer"] == "catalogue" and document["confidence"] == "high"
    assert document["envelope"] == "log-line" and document["decided_by"]
    assert document["matches"][0]["step"] == "time"
    code, _, err = cli("diagnose", f"@{tmp_path / 'missing.log'}")
    assert code == 2 and "missing.log" in err


def test_tokens_in_pasted_text_are_never_echoed(cli):
    token = ("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIn0."
             "c2lnbmF0dXJlLXNlZ21lbnQtdGhhdC1tdXN0LW5vdC1sZWFr")
    pasted = (f"2026-11-28T22:15:03Z ERROR [req-1] GET /orders Authorization: Bearer {token}\n"
              f"2026-11-28T22:15:03Z ERROR [req-1] jwt expired (token {token})\n")
    for output_format in ("console", "json"):
        code, out, _ = cli("diagnose", pasted, "--format", output_format)
        assert code == 0 and token not in out and token.split(".")[2] not in out
    assert "token redacted" in json.loads(out)["input"]
    assert diagnose(pasted).step == "time"
