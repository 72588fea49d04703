from __future__ import annotations

from driftcheck.findings import Finding, Severity, Step
from driftcheck.policy import exit_code, selected


def finding(rule: str, severity: Severity = Severity.HIGH) -> Finding:
    return Finding(rule, "x", severity, "env", "idp", Step.DISCOVERY, "m", "f")


def test_selection_by_prefix_longest_wins():
    found = [finding("DC102"), finding("DC304"), finding("DC309"), finding("DC010")]
    assert [f.rule for f in selected(found, ["DC3"], ["DC304"])] == ["DC309"]
    assert [f.rule for f in selected(found, ["DC304"], ["DC3"])] == ["DC304"]
    assert [f.rule for f in selected(found, [], ["DC0", "dc1"])] == ["DC304", "DC309"]
    assert selected(found) == found


def test_exit_code_precedence():
    high = [finding("DC102")]
    low = [finding("DC102", Severity.LOW)]
    assert exit_code(high, Severity.HIGH, config_error=True, nothing_checked=True) == 2
    assert exit_code(high, Severity.HIGH, config_error=False, nothing_checked=True) == 3
    assert exit_code(high, Severity.HIGH, config_error=False, nothing_checked=False) == 1
    assert exit_code(low, Severity.HIGH, config_error=False, nothing_checked=False) == 0
    assert exit_code(low, Severity.LOW, config_error=False, nothing_checked=False) == 1


def test_fingerprint_is_stable_and_distinct():
    assert finding("DC102").fingerprint == finding("DC102").fingerprint
    assert finding("DC102").fingerprint != finding("DC101").fingerprint
    assert len(finding("DC102").fingerprint) == 16


def test_durations_parse_and_format():
    from driftcheck.durations import format_seconds, parse_duration

    assert parse_duration("1h30m") == 5400
    assert parse_duration("500ms") == 0.5
    assert [format_seconds(s) for s in (45, 149.2, 600, 3600, 5400, 86400 * 3)] == [
        "45 s", "2 min 29 s", "10 min", "1 h", "1 h 30 min", "3 d"]
