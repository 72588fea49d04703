"""CI outputs end to end from a real sandbox run: SARIF (official schema), JUnit (a real
JUnit reader), Markdown, GitHub annotations; DRIFTCHECK_* defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml, Skipped

from driftcheck.demo import demo_sandbox, exported, sandbox_variables
from driftcheck.report.github import annotation, escape_data, escape_property
from driftcheck.resources import data_dir
from driftcheck.rules import all_rules
from tests.sarif import sarif_errors, validate_sarif

ENVIRONMENTS = str(data_dir("environments"))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One demo run writing every format, plus a second run for fingerprint stability."""
    from driftcheck.cli import main

    folder = tmp_path_factory.mktemp("outputs")
    sandbox = demo_sandbox().start()
    with exported(sandbox_variables(sandbox)):
        args = ["check", ENVIRONMENTS, "--format", "json"]
        for fmt in ("json", "sarif", "junit", "markdown", "github", "console"):
            args += ["--output", f"{fmt}={folder}/report.{fmt}"]
        assert main(args) == 1
        assert main(["check", ENVIRONMENTS, "--format", "json", "--output",
                     f"sarif={folder}/again.sarif"]) == 1
    sandbox.stop()
    return {path.name: path.read_text() for path in folder.iterdir()}


def test_sarif_validates_against_the_official_schema(outputs):
    document = json.loads(outputs["report.sarif"])
    validate_sarif(document)  # with formats: every URI is one
    (run,) = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in all_rules()]
    # No published address for the rule reference, so no helpUri (it must be absolute);
    # the help text names the command that prints it.
    assert not any("helpUri" in r for r in rules)
    assert rules[0]["help"]["text"].endswith("Reference: driftcheck rules DC001")
    # The format checker really checks: the relative helpUri of before is refused.
    rules[0]["helpUri"] = "docs/rules.md#dc001-schema-invalid"
    assert [e.split(":")[0] for e in sarif_errors(document)] == [
        "runs/0/tool/driver/rules/0/helpUri"]
    del rules[0]["helpUri"]
    report = json.loads(outputs["report.json"])
    assert len(run["results"]) == len(report["findings"])
    dc102 = next(r for r in run["results"] if r["ruleId"] == "DC102")
    assert rules[dc102["ruleIndex"]]["id"] == "DC102"
    assert dc102["level"] == "error"
    location = dc102["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("environments/staging.toml")
    lines = Path(ENVIRONMENTS, "staging.toml").read_text().splitlines()
    assert lines[location["region"]["startLine"] - 1].startswith("issuer = ")


def test_sarif_locations_are_uri_references_even_with_spaces(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my envs").mkdir()
    (tmp_path / "my envs" / "dev env.toml").write_text(
        'name = "dev"\ntier = "nowhere"\n[idp]\nissuer = "https://idp.example.test/dev"\n')
    code, out, _ = cli("check", "my envs", "--offline", "--format", "sarif")
    assert code == 2
    document = json.loads(out)
    validate_sarif(document)
    (result,) = document["runs"][0]["results"]
    assert result["ruleId"] == "DC001"
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "my%20envs/dev%20env.toml"}


def test_sarif_fingerprints_are_stable_across_runs(outputs):
    first = json.loads(outputs["report.sarif"])["runs"][0]["results"]
    second = json.loads(outputs["again.sarif"])["runs"][0]["results"]
    fingerprints = [r["partialFingerprints"]["driftcheck/v1"] for r in first]
    assert len(set(fingerprints)) == len(fingerprints)  # one per finding
    # The two runs used different sandbox ports, so URL-bearing subjects differ; everything
    # keyed by kid, field or component must not.
    stable = {r["ruleId"]: r["partialFingerprints"]["driftcheck/v1"] for r in first
              if r["ruleId"] in ("DC102", "DC701", "DC307", "DC209")}
    again = {r["ruleId"]: r["partialFingerprints"]["driftcheck/v1"] for r in second
             if r["ruleId"] in stable}
    assert stable == again
    assert len(stable) == 4


def test_junit_is_readable_and_has_passes_failures_and_skips(outputs, tmp_path):
    (tmp_path / "report.xml").write_text(outputs["report.junit"])
    xml = JUnitXml.fromfile(str(tmp_path / "report.xml"))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"dev", "staging", "prod"}
    rules = len(all_rules())
    for suite in suites.values():
        assert suite.tests == rules
    report = json.loads(outputs["report.json"])
    for name, suite in suites.items():
        failed = {case.name.split()[0] for case in suite
                  if any(isinstance(r, Failure) for r in case.result)}
        assert failed == {f["rule"] for f in report["findings"] if f["environment"] == name}
        skipped = {case.name.split()[0]: case.result[0].message for case in suite
                   if any(isinstance(r, Skipped) for r in case.result)}
        assert skipped["DC601"].startswith("no previous snapshot")
        assert skipped["DC004"].startswith("no baseline")
    passed = [case for case in suites["prod"] if not case.result]
    assert any(case.name == "DC102 issuer-trailing-slash" for case in passed)


def test_markdown_summary(outputs):
    text = outputs["report.markdown"]
    assert text.startswith("## driftcheck: 3 environments · ")
    assert "| environment | tier | status | first failing step | findings |" in text
    assert "| staging | nonprod | checked | time | 🟥 " in text  # where the token failed
    assert text.count("<details><summary>Evidence and fixes</summary>") == 3
    assert "Token `probe` → orders: parse ✅" in text


def test_github_annotations(outputs):
    lines = outputs["report.github"].splitlines()
    report = json.loads(outputs["report.json"])
    assert len(lines) == len(report["findings"]) + 1
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines[:-1])
    dc209 = next(line for line in lines if "title=DC209" in line)
    assert dc209.startswith("::warning file=")
    assert ",line=" in dc209


def test_github_escaping():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    from driftcheck.findings import Finding, Severity, Step

    finding = Finding("DC102", "x", Severity.HIGH, "e", "idp", Step.DISCOVERY,
                      "line one\nline two: 100%", "fix it", file="dir,a:b.toml", line=3)
    assert annotation(finding) == ("::error file=dir%2Ca%3Ab.toml,line=3,title=DC102 x::"
                                   "[e] line one%0Aline two: 100%25 Fix: fix it")


def test_console_output_file_is_plain(outputs):
    assert "\x1b[" not in outputs["report.console"]
    assert "first failing step" in outputs["report.console"]


def test_environment_variables_give_defaults(cli, monkeypatch, tmp_path):
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "x.toml").write_text('name = "x"\n[idp]\nissuer = "https://idp.test/x"\n'
                                   '[apis.a]\nalgorithms = ["none"]\n')
    monkeypatch.setenv("DRIFTCHECK_FORMAT", "json")
    monkeypatch.setenv("DRIFTCHECK_FAIL_ON", "critical")
    code, out, _ = cli("check", str(folder), "--offline")
    assert json.loads(out)["summary"]["fail_on"] == "critical"
    assert code == 0
    code, out, _ = cli("check", str(folder), "--offline", "--format", "console")
    assert out.rstrip().endswith("exit 0")  # the flag wins over the variable
    monkeypatch.setenv("DRIFTCHECK_FAIL_ON", "severe")
    code, _, err = cli("check", str(folder), "--offline")
    assert code == 2
    assert "DRIFTCHECK_FAIL_ON='severe'" in err
