"""A reader that goes away (`driftcheck rules | head -1`) ends the CLI quietly with 141 (as if
killed by SIGPIPE: driftcheck.closed_output), while an output that cannot be written (a full
disk, an unwritable `--output` file) stays a clear error with exit 2. Real pipes, real
readers, the CLI in its own process."""

from __future__ import annotations

import fcntl
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from driftcheck.closed_output import READER_GONE_EXIT, reader_gone
from tests.conftest import env_toml

HANG_BOUND = 60  # seconds: the subprocess timeout that turns a hang into a failure
TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."
# Unbuffered standard output (PYTHONUNBUFFERED, python -u) writes each report with one
# write(2); a reader leaving mid-write makes it a short write, which Python's text layer does
# not retry, so no EPIPE is ever seen. The CLI runs as a user's shell starts it.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def piped(args: list[str], reader: list[str], *, reader_first: bool,
          pipe_size: int | None = None) -> tuple[int, str, str]:
    """`driftcheck ARGS | READER` on a real pipe: (driftcheck's exit code, its standard
    error, what the reader printed). `reader_first`: the reader has exited (closing its end)
    before driftcheck starts; else both run at once, and `pipe_size` bounds what the pipe
    holds, so that output larger than twice it cannot all fit before the reader leaves."""
    read_end, write_end = os.pipe()
    if pipe_size is not None:
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, pipe_size)
    consumer = subprocess.Popen(reader, stdin=read_end, stdout=subprocess.PIPE, text=True)
    os.close(read_end)
    if reader_first:
        consumer.wait(timeout=HANG_BOUND)
    try:
        writer = subprocess.Popen([sys.executable, "-m", "driftcheck", *args], env=ENV,
                                  stdout=write_end, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write_end)
    _, err = writer.communicate(timeout=HANG_BOUND)
    out, _ = consumer.communicate(timeout=HANG_BOUND)
    assert "Traceback" not in err, err
    return writer.returncode, err, out


def full_output(args: list[str]) -> str:
    return subprocess.run([sys.executable, "-m", "driftcheck", *args], capture_output=True,
                          text=True, timeout=HANG_BOUND, env=ENV).stdout


@pytest.fixture
def fixture_folder(tmp_path: Path) -> Path:
    """Environments checked offline: a report of several kilobytes, no network."""
    folder = tmp_path / "envs"
    folder.mkdir()
    for index in range(64):  # (a report far larger than two pipe buffers, whatever tmp path)
        name = f"env{index:02d}"
        (folder / f"{name}.toml").write_text(env_toml(name, f"http://127.0.0.1:9/{name}"))
    return folder


def test_rules_into_head_ends_quietly():
    listing = full_output(["rules"])
    first = listing.splitlines()[0]
    assert len(listing) > 2 * 4096  # cannot all sit in the pipe and head's one read
    code, err, out = piped(["rules"], ["head", "-1"], reader_first=False, pipe_size=4096)
    assert out == first + "\n"
    assert err == ""
    assert code == READER_GONE_EXIT == 141


def test_the_rule_reference_into_head_ends_quietly():
    code, err, out = piped(["rules", "--markdown"], ["head", "-1"], reader_first=False)
    assert out.startswith("#")
    assert (code, err) == (READER_GONE_EXIT, "")


def test_a_json_report_into_head_ends_quietly(fixture_folder):
    args = ["check", "--offline", "--format", "json", str(fixture_folder)]
    assert len(full_output(args)) > 2 * 4096
    code, err, out = piped(args, ["head", "-1"], reader_first=False, pipe_size=4096)
    assert out == "{\n"
    assert (code, err) == (READER_GONE_EXIT, "")


@pytest.mark.parametrize("args", [
    ["rules"],
    ["rules", "DC101"],  # drawn by rich, which would exit 1 ("findings") on its own
    ["diagnose", "invalid audience"],
    ["diagnose", "invalid audience", "--format", "json"],
    ["inspect", TOKEN],
    ["schema"],
], ids=" ".join)
def test_a_reader_gone_before_the_first_write_ends_quietly(args):
    code, err, out = piped(args, ["true"], reader_first=True)
    assert (code, err, out) == (READER_GONE_EXIT, "", "")


@pytest.mark.parametrize("fmt", ["json", "console", "markdown", "sarif"])
def test_a_check_report_to_a_reader_gone_ends_quietly(fixture_folder, fmt):
    code, err, _ = piped(["check", "--offline", "--format", fmt, str(fixture_folder)],
                         ["true"], reader_first=True)
    assert (code, err) == (READER_GONE_EXIT, "")


def test_a_live_check_on_the_sandbox_to_a_reader_gone_ends_quietly(sandbox, tmp_path):
    for name in ("dev", "staging", "prod"):
        (tmp_path / f"{name}.toml").write_text(env_toml(name, sandbox.tenant_url(name)))
    code, err, _ = piped(["check", "--format", "json", str(tmp_path)], ["true"],
                         reader_first=True)
    assert (code, err) == (READER_GONE_EXIT, "")


# -- must stay errors -------------------------------------------------------------------------

def test_a_full_disk_on_standard_output_stays_an_error_with_exit_2(fixture_folder):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "driftcheck", "check", "--offline", "--format", "json",
             str(fixture_folder)], stdout=full, stderr=subprocess.PIPE, text=True,
            timeout=HANG_BOUND)
    assert result.returncode == 2
    assert "driftcheck check: error: cannot write the output: No space left on device" in \
        result.stderr


def test_an_unwritable_output_file_stays_an_error_when_the_reader_is_gone(fixture_folder,
                                                                        tmp_path):
    (tmp_path / "file").write_text("")
    report = tmp_path / "file" / "report.json"  # a file where a folder should be
    written = tmp_path / "report.sarif"
    code, err, _ = piped(["check", "--offline", "--format", "json", str(fixture_folder),
                          "--output", f"json={report}", "--output", f"sarif={written}"],
                         ["true"], reader_first=True)
    assert code == 2
    assert f"--output json={report}: {report}: cannot write the json report" in err
    assert "cannot write the output" not in err  # the closed pipe itself stays quiet
    assert written.read_text().startswith("{")  # the other outputs are still written


def test_an_unwritable_output_file_with_a_reader_still_there_exits_2(fixture_folder,
                                                                    tmp_path):
    (tmp_path / "file").write_text("")
    report = tmp_path / "file" / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "driftcheck", "check", "--offline", "--format", "json",
         str(fixture_folder), "--output", f"json={report}"], capture_output=True, text=True,
        timeout=HANG_BOUND)
    assert result.returncode == 2
    assert f"{report}: cannot write the json report" in result.stderr
    assert result.stdout.startswith("{")


def test_a_broken_pipe_that_is_not_standard_output_is_not_silenced(cli, monkeypatch):
    # Standard output is fine (captured): a BrokenPipeError from elsewhere is a fault to
    # show, never the quiet end of a reader gone.
    import driftcheck.cli

    def broken(_args: object) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(driftcheck.cli, "cmd_rules", broken)
    code, _, err = cli("rules")
    assert code == 2
    assert "driftcheck rules: error: cannot write the output: Broken pipe" in err


def test_reader_gone_is_true_only_for_a_pipe_whose_reader_closed(tmp_path):
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as stream:
        assert not reader_gone(stream)  # a reader is still there
        os.close(read_end)
        assert reader_gone(stream)
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())  # nothing left to flush
    with open(tmp_path / "f", "w") as regular:
        assert not reader_gone(regular)
    assert not reader_gone(io.StringIO())
