"""Bad input never crashes, never hangs: each attack of the hostile trial (issue #16) as a
regression test. A bad file is a clear error (exit 2) naming the file and the key; the other
environments are still checked; nothing waits on a FIFO or reads /dev/zero; a token command
is ended with everything it started.

Attacks that could hang or exhaust memory run the CLI in a subprocess whose timeout is the
bound (never a timed assert)."""

from __future__ import annotations

import ctypes
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftcheck.collect.token_sources import acquire
from driftcheck.load import load_environments
from driftcheck.models import CommandSource
from driftcheck.safe_files import UnreadableFile, read_regular_bytes
from tests.conftest import env_toml

GOOD = env_toml("good", "http://127.0.0.1:9/good")
HANG_BOUND = 60  # seconds: the subprocess timeout that turns a hang into a failure


def driftcheck(*args: str, env: dict[str, str] | None = None, stdin: Any = None,
               stdout: Any = subprocess.PIPE, cwd: Path | None = None,
               preexec: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, bounded by HANG_BOUND; never a traceback."""
    result = subprocess.run([sys.executable, "-m", "driftcheck", *args], stdin=stdin,
                            stdout=stdout, stderr=subprocess.PIPE, text=True, env=env,
                            timeout=HANG_BOUND, cwd=cwd, preexec_fn=preexec)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def folder_with(tmp_path: Path, name: str, text: str | bytes) -> Path:
    """tmp_path/envs with a good environment and `name` holding `text`."""
    folder = tmp_path / "envs"
    folder.mkdir(exist_ok=True)
    (folder / "good.toml").write_text(GOOD)
    target = folder / name
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text)
    return folder


def assert_reported(folder: Path, *expected: str) -> None:
    """`validate` and `check --offline` both exit 2 with every `expected` text in the error,
    and the good environment is still loaded and checked."""
    validated = driftcheck("validate", str(folder))
    assert validated.returncode == 2, validated.stderr
    for text in expected:
        assert text in validated.stderr, validated.stderr
    assert "1 environment valid" in validated.stdout
    checked = driftcheck("check", "--offline", "--format", "json", str(folder))
    assert checked.returncode == 2, checked.stderr
    states = {e["name"]: e["status"] for e in json.loads(checked.stdout)["environments"]}
    assert states.pop("good") == "offline"
    assert set(states.values()) == {"invalid"}


def bad(name: str, body: str = "", **top: Any) -> str:
    return env_toml(name, f"http://127.0.0.1:9/{name}", body, **top)


# -- 1. No tracebacks: each a clear error naming the file and the key ---------------------


def test_dotted_keys_500_levels_deep(tmp_path):
    folder = folder_with(tmp_path, "deep.toml", bad("deep") + "x." * 500 + "y = 1\n")
    assert_reported(folder, "deep.toml: idp.x.x.x", "nested 33 levels deep; at most 32")


def test_arrays_nested_deeply(tmp_path):
    folder = folder_with(tmp_path, "arr.toml", bad("arr") + "a = " + "[" * 200 + "]" * 200)
    assert_reported(folder, "arr.toml: idp.a[0][0]", "nested")


def test_1200_chained_extends(tmp_path):
    folder = folder_with(tmp_path, "chain.toml",
                         bad("chain").replace('name = "chain"', 'name = "chain"\n'
                                              'extends = "_1.toml"'))
    for i in range(1, 1201):
        (folder / f"_{i}.toml").write_text(f'extends = "_{i + 1}.toml"\n')
    (folder / "_1201.toml").write_text("")
    assert_reported(folder, "_15.toml (extended by", "chain.toml): extends: extends chain "
                    "longer than 16 files")


def test_folder_tree_1500_levels_deep(tmp_path):
    folder = folder_with(tmp_path, "x.toml", bad("x"))
    fd = os.open(folder, os.O_RDONLY)  # dir_fd: no path grows beyond PATH_MAX
    for _ in range(1500):
        os.mkdir("d", dir_fd=fd)
        child = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.close(os.open("lost.toml", os.O_CREAT | os.O_WRONLY, dir_fd=fd))
    os.close(fd)
    try:
        validated = driftcheck("validate", str(folder))
    finally:
        _remove_deep_tree(folder / "d")
    assert validated.returncode == 2
    assert "folder not searched: more than 32 folder levels below" in validated.stderr
    assert "2 environments valid" in validated.stdout


def _remove_deep_tree(top: Path) -> None:
    """Without recursion (pytest's own clean-up would hit the recursion limit)."""
    fds = [os.open(top, os.O_RDONLY)]
    while "d" in os.listdir(fds[-1]):
        fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
    os.unlink("lost.toml", dir_fd=fds[-1])
    while len(fds) > 1:
        os.close(fds.pop())
        os.rmdir("d", dir_fd=fds[-1])
    os.close(fds.pop())
    top.rmdir()


def test_duration_of_400_digits(tmp_path):
    folder = folder_with(tmp_path, "dur.toml", bad("dur", f'rotation_overlap = "{"9" * 400}d"'))
    assert_reported(folder, "dur.toml: idp.rotation_overlap: expected at most 32 characters")


def test_duration_too_long_to_mean_anything(tmp_path):
    # Short enough for the schema, longer than any float date arithmetic wants.
    folder = folder_with(tmp_path, "dur.toml", bad("dur", f'rotation_overlap = "{"9" * 30}d"'))
    assert_reported(folder, "dur.toml: idp.rotation_overlap: expected a duration",
                    "of at most 36500d")


@pytest.mark.parametrize(("body", "key"), [
    ('[tokens.t]\nsource = "file"\npath = "t\\u0000oken"', "tokens.t.path"),
    ('[apis.a]\nalgorithms = ["HS256"]\nsecret_file = "s\\u0000"', "apis.a.secret_file"),
    ('[tokens.t]\nsource = "command"\ncommand = ["echo", "a\\u0000b"]', "tokens.t.command[1]"),
])
def test_nul_byte_in_a_path(tmp_path, body, key):
    folder = folder_with(tmp_path, "nul.toml", bad("nul", "") + body + "\n")
    assert_reported(folder, f"nul.toml: {key}: contains a NUL character")


@pytest.mark.parametrize("top", [{"extends": "_a\u0000.toml"}, {"ca_bundle": "ca\u0000.pem"}])
def test_nul_byte_in_extends_and_ca_bundle(tmp_path, top):
    folder = folder_with(tmp_path, "nul.toml", bad("nul", **top))
    assert_reported(folder, f"nul.toml: {next(iter(top))}: contains a NUL character")


def test_extends_pointing_at_dev_zero(tmp_path):
    folder = folder_with(tmp_path, "z.toml", bad("z", extends="_zero.toml"))
    (folder / "_zero.toml").symlink_to("/dev/zero")
    assert_reported(folder, "/dev/zero (extended by", "z.toml): cannot read file: a device, "
                    "not a regular file")


def test_environment_file_pointing_at_dev_zero(tmp_path):
    folder = folder_with(tmp_path, "good.toml", GOOD)
    (folder / "zero.toml").symlink_to("/dev/zero")
    assert_reported(folder, "cannot read file: a device, not a regular file")


def test_secret_file_pointing_at_dev_zero_and_non_utf8(tmp_path):
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "secret.bin").write_bytes(b"\xff\xfe\x00not text")
    for name, secret_file in (("zero", "/dev/zero"), ("bytes", "secret.bin")):
        (folder / f"{name}.toml").write_text(bad(name, f'[apis.a]\nalgorithms = ["HS256"]\n'
                                                       f'secret_file = "{secret_file}"\n'))
    result = driftcheck("check", "--format", "json", "--timeout", "5", str(folder))
    assert result.returncode == 3, result.stderr  # nothing reachable: the issuers are closed
    report = json.loads(result.stdout)
    assert {e["name"] for e in report["environments"]} == {"zero", "bytes"}


def test_non_utf8_hmac_secret_in_the_environment(tmp_path):
    (tmp_path / "hs.toml").write_text(bad("hs", '[apis.a]\nalgorithms = ["HS256"]\n'
                                                'secret_env = "HS_SECRET"\n'))
    env = {**os.environ}
    result = subprocess.run([sys.executable, "-m", "driftcheck", "check", "--timeout", "5",
                             str(tmp_path / "hs.toml")], capture_output=True, timeout=HANG_BOUND,
                            env={**{k.encode(): v.encode() for k, v in env.items()},
                                 b"HS_SECRET": b"ab\xffcd"})
    assert b"Traceback" not in result.stderr, result.stderr
    assert result.returncode == 3


def test_control_characters_in_names(tmp_path):
    folder = folder_with(tmp_path, "nl.toml", bad("prod").replace('"prod"', '"prod\\n"', 1))
    assert_reported(folder, "nl.toml: name: expected letters, digits, '.', '_' or '-', got "
                    "'prod\\n' (it holds a control character)")


def test_control_characters_in_component_names(tmp_path):
    folder = folder_with(tmp_path, "ctl.toml", bad("ctl", '[apis."or\\u001bders"]\n'))
    assert_reported(folder, "ctl.toml: apis: the key 'or\\x1bders' contains a control character")


def test_a_name_that_gains_a_newline_from_a_variable(tmp_path):
    (tmp_path / "v.toml").write_text(bad("${NAME}"))
    result = driftcheck("validate", str(tmp_path / "v.toml"), env={**os.environ, "NAME": "a\n"})
    assert result.returncode == 2
    assert "v.toml: name: expected letters" in result.stderr


def test_900000_pinned_kids(tmp_path):
    kids = ",".join(['"k"'] * 900_000)
    folder = folder_with(tmp_path, "big.toml", bad("big", f"pinned_kids = [{kids}]"))
    validated = driftcheck("validate", str(folder))
    assert validated.returncode == 2
    assert "big.toml: idp.pinned_kids: expected at most 1000 entries (this key may allow " \
        "fewer), got 900000" in validated.stderr
    assert len(validated.stderr) < 500  # the array is never printed back


def test_schema_bounds_array_sizes(tmp_path):
    kids = ",".join(f'"k{i}"' for i in range(101))
    folder = folder_with(tmp_path, "many.toml", bad("many", f"pinned_kids = [{kids}]"))
    assert_reported(folder, "many.toml: idp.pinned_kids: expected at most 100 items, got 101")


def test_snapshot_nested_100000_deep(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    url = "http://127.0.0.1:9/good/.well-known/openid-configuration"
    snapshot = tmp_path / "deep.toml"
    snapshot.write_text(
        'version = "1"\ntool = "x"\nwritten_at = "x"\ncollected_at = 0\n'
        f'[[responses]]\nurl = "{url}"\nstatus = 200\nbody_json = "{deep}"\n'
        f'[environments.good]\ndiscovery_url = "{url}"\n')
    (tmp_path / "good.toml").write_text(GOOD)
    for args in (("check", "--from-snapshot", str(snapshot), str(tmp_path / "good.toml")),
                 ("diff", str(snapshot), str(snapshot))):
        result = driftcheck(*args)
        assert result.returncode == 2
        assert "deep.toml: responses[0].body_json: JSON nested too deeply" in result.stderr


def test_snapshot_toml_nested_100000_deep(tmp_path):
    snapshot = tmp_path / "deep.toml"
    snapshot.write_text("a = " + "[" * 100_000 + "]" * 100_000)
    result = driftcheck("diff", str(snapshot), str(snapshot))
    assert result.returncode == 2
    assert "deep.toml: invalid TOML: nested too deeply" in result.stderr


@pytest.mark.parametrize(("text", "expected"), [
    ('version = "1"\naccepted = 1\n', "accepted: expected an array of tables"),
    ('version = "1"\n[[accepted]]\nfingerprint = "f"\nreason = "r"\nexpires = 2030-01-01\n'
     "rule." + "x." * 3000 + "y = 1\n", "accepted[0].rule: expected a string"),
])
def test_baseline_of_the_wrong_shape(tmp_path, cli, text, expected):
    (tmp_path / "good.toml").write_text(GOOD)
    (tmp_path / "b.toml").write_text(text)
    code, _, err = cli("check", "--offline", str(tmp_path / "good.toml"), "--baseline",
                       str(tmp_path / "b.toml"))
    assert code == 2
    assert f"b.toml: {expected}" in err


def test_snapshot_and_baseline_that_are_not_regular_files(tmp_path, fifo, cli):
    (tmp_path / "good.toml").write_text(GOOD)
    for flag, what in (("--from-snapshot", "snapshot"), ("--baseline", "baseline"),
                       ("--snapshot-in", "snapshot")):
        for special, reason in ((fifo, "a FIFO (named pipe)"), ("/dev/zero", "a device")):
            code, _, err = cli("check", "--offline", str(tmp_path / "good.toml"), flag,
                               str(special))
            assert code == 2
            assert f"{special}: cannot read the {what}: {reason}, not a regular file" in err


@pytest.mark.parametrize(("flag", "value"), [
    ("--now", "nan"), ("--now", "inf"), ("--now", "-inf"), ("--now", "1e300"),
    ("--timeout", "nan"), ("--timeout", "inf"), ("--timeout", "-1"), ("--timeout", "0"),
])
def test_numbers_that_are_not_a_time(tmp_path, cli, flag, value):
    (tmp_path / "good.toml").write_text(GOOD)
    code, _, err = cli("check", "--offline", str(tmp_path / "good.toml"), f"{flag}={value}")
    assert code == 2
    assert f"driftcheck check: error: {flag} " in err


def test_now_zero_is_honoured(cli):
    from tests.test_fuzz import TOKEN  # exp 2100-01-01 = 4102444800 = 47482 days after 0

    _, out, _ = cli("inspect", TOKEN, "--now", "0")
    assert "2100-01-01 00:00:00 UTC (in 47482 d)" in out


def test_full_disk_on_standard_output(tmp_path):
    (tmp_path / "good.toml").write_text(GOOD)
    with open("/dev/full", "w") as full:
        result = driftcheck("check", "--offline", "--format", "json", str(tmp_path), stdout=full)
    assert result.returncode == 2
    assert "driftcheck check: error: cannot write the output: No space left on device" in \
        result.stderr


def test_inspect_dev_zero_and_endless_standard_input():
    result = driftcheck("inspect", "@/dev/zero")
    assert result.returncode == 2
    assert "@/dev/zero: cannot read the token file: a device, not a regular file" in \
        result.stderr
    with open("/dev/zero", "rb") as zero:
        result = driftcheck("inspect", "-", stdin=zero)
    assert result.returncode == 2
    assert "standard input: the token is longer than 1048576 characters" in result.stderr


# -- 2. Hangs: FIFOs and devices are refused, not waited on ---------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def test_fifo_as_environment_file(tmp_path):
    folder = folder_with(tmp_path, "good.toml", GOOD)
    os.mkfifo(folder / "pipe.toml")
    assert_reported(folder, "pipe.toml: cannot read file: a FIFO (named pipe), not a regular file")


def test_fifo_as_extends(tmp_path):
    folder = folder_with(tmp_path, "x.toml", bad("x", extends="_pipe.toml"))
    os.mkfifo(folder / "_pipe.toml")
    assert_reported(folder, "_pipe.toml (extended by", "a FIFO (named pipe)")


def test_fifo_as_ca_bundle(tmp_path):
    folder = folder_with(tmp_path, "ca.toml", bad("ca", ca_bundle="ca.pem"))
    os.mkfifo(folder / "ca.pem")
    assert_reported(folder, "ca.toml: ca_bundle: ", "ca.pem: a FIFO (named pipe), not a "
                    "regular file")


def test_fifo_and_dev_zero_as_token_path_and_secret_file(sandbox, tmp_path, fifo):
    """Refused at once: the run does not wait, and the other environment's requests are not
    made to look like deadline failures."""
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "bad.toml").write_text(env_toml("bad", sandbox.tenant_url("dev"), f"""
        [apis.a]
        algorithms = ["HS256"]
        secret_file = "{fifo}"
        [tokens.fifo]
        source = "file"
        path = "{fifo}"
        [tokens.zero]
        source = "file"
        path = "/dev/zero"
        """))
    (folder / "ok.toml").write_text(env_toml("ok", sandbox.tenant_url("staging")))
    result = driftcheck("check", "--format", "json", str(folder))
    report = json.loads(result.stdout)
    states = {e["name"]: e["status"] for e in report["environments"]}
    assert states == {"bad": "checked", "ok": "checked"}
    messages = [f["message"] for f in report["findings"] if f["rule"] == "DC301"]
    assert any(f"token file {fifo} cannot be read: a FIFO (named pipe)" in m for m in messages)
    assert any("token file /dev/zero cannot be read: a device" in m for m in messages)
    assert not any(f["evidence"].get("failure") == "deadline" for f in report["findings"])


def test_safe_reader_refuses_what_is_not_a_regular_file(tmp_path, fifo):
    (tmp_path / "big").write_bytes(b"x" * 11)
    for path, reason in ((fifo, "a FIFO (named pipe)"), (Path("/dev/zero"), "a device"),
                         (tmp_path, "a folder"), (tmp_path / "big", "larger than 10 bytes"),
                         (tmp_path / "none", "not found"), (Path("a\0b"), "NUL character")):
        with pytest.raises(UnreadableFile, match=re.escape(reason)):
            read_regular_bytes(path, 10)


# -- 3. Token sources fail alone; their commands end with everything they started ---------


def test_non_utf8_client_secret_fails_alone(sandbox, tmp_path):
    (tmp_path / "dev.toml").write_text(env_toml("dev", sandbox.tenant_url("dev"), """
        [tokens.secret]
        source = "client_credentials"
        client_id = "probe-dev"
        client_secret_env = "BAD_SECRET"
        [tokens.other]
        source = "env"
        env = "GOOD_TOKEN"
        """))
    env = {k.encode(): v.encode() for k, v in os.environ.items()}
    env.update({b"BAD_SECRET": b"s\xffcret", b"GOOD_TOKEN": b"a.b.c"})
    result = subprocess.run([sys.executable, "-m", "driftcheck", "check", "--format", "json",
                             str(tmp_path)], capture_output=True, timeout=HANG_BOUND, env=env)
    assert b"Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    messages = {f["component"]: f["message"] for f in report["findings"]
                if f["rule"] in ("DC301", "DC302")}
    assert "client_secret_env BAD_SECRET is not UTF-8 text" in messages["tokens.secret"]
    assert "tokens.other" in messages  # acquired, then judged: not taken down with it
    assert not any("--timeout" in m for m in messages.values())
    # The bad secret was never sent: no token request (a POST) reached the sandbox.
    assert not [r for r in sandbox.requests if r.startswith("POST ")]


def _environment(tmp_path: Path, body: str) -> Any:
    (tmp_path / "e.toml").write_text(env_toml("e", "http://127.0.0.1:9/e", body))
    loaded = load_environments([tmp_path / "e.toml"], {})
    assert not loaded.problems, loaded.problems
    return loaded.environments[0]


def test_nul_byte_in_a_command_is_its_own_failure(tmp_path):
    import asyncio

    environment = _environment(tmp_path, '[tokens.t]\nsource = "command"\ncommand = ["x"]\n')
    source = CommandSource(name="t", command=("echo", "a\0b"))
    acquired = asyncio.run(acquire(source, environment, None, None))  # type: ignore[arg-type]
    assert acquired.failure == "command 'echo' contains a NUL character"


def test_a_failing_source_or_environment_is_reported_as_itself(sandbox, tmp_path, monkeypatch):
    """An exception in one token source stays with that source; an exception while
    collecting one environment is named as such, never as a --timeout of 0 s."""
    import asyncio

    from driftcheck.collect import live

    for name in ("dev", "staging"):
        (tmp_path / f"{name}.toml").write_text(env_toml(name, sandbox.tenant_url(name), """
            [tokens.broken]
            source = "env"
            env = "X"
            [tokens.fine]
            source = "env"
            env = "FINE_TOKEN"
            """))
    monkeypatch.setenv("FINE_TOKEN", "a.b.c")
    environments = load_environments([tmp_path], {}).environments
    real_acquire, real_collect = live.acquire, live._collect_environment

    async def acquire(source, environment, discovery, fetcher):  # type: ignore[no-untyped-def]
        if source.name == "broken":
            raise ValueError("text that may quote a secret")
        return await real_acquire(source, environment, discovery, fetcher)

    async def collect(fetcher, environment):  # type: ignore[no-untyped-def]
        if environment.name == "staging":
            raise RuntimeError("boom")
        return await real_collect(fetcher, environment)

    monkeypatch.setattr(live, "acquire", acquire)
    monkeypatch.setattr(live, "_collect_environment", collect)
    observations, _ = asyncio.run(live.collect_live_async(environments))
    dev = {t.name: t for t in observations.environments["dev"].tokens}
    assert dev["broken"].failure == "token source env failed: ValueError"
    assert dev["fine"].failure is None
    assert dev["fine"].fingerprint is not None
    staging = observations.environments["staging"]
    assert {t.failure for t in staging.tokens} == {
        "collecting this environment failed: RuntimeError"}
    discovery = observations.response(staging.discovery_url)
    assert discovery is not None
    assert discovery.failure is not None
    assert discovery.failure.kind == "collect-error"


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _wait_for(path: Path) -> int:
    for _ in range(600):
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"{path} never written")


def _command_environment(tmp_path: Path, script: str, timeout: str = "30s") -> Path:
    """An environment whose token command starts a grandchild `sleep` and writes its pid."""
    pid_file = tmp_path / "grandchild.pid"
    (tmp_path / "cmd.toml").write_text(env_toml("cmd", "http://127.0.0.1:9/cmd", f"""
        [tokens.t]
        source = "command"
        command = ["sh", "-c", "{script.format(pid=pid_file)}"]
        timeout = "{timeout}"
        """))
    return pid_file


@pytest.mark.parametrize(("script", "timeout", "failure"), [
    # Times out: the command and its child are ended.
    ("sleep 300 & echo $! > {pid}; wait", "1s", "did not finish within 1 s"),
    # Exits at once, leaving a child that holds its output open.
    ("sleep 300 & echo $! > {pid}; echo a.b.c", "30s", None),
    # Exits with an error, leaving a child behind.
    ("sleep 300 >/dev/null & echo $! > {pid}; exit 3", "30s", "exited with code 3"),
])
def test_command_children_end_with_it(tmp_path, script, timeout, failure):
    pid_file = _command_environment(tmp_path, script, timeout)
    result = driftcheck("check", "--format", "json", "--timeout", "20", str(tmp_path))
    grandchild = _wait_for(pid_file)
    assert not _alive(grandchild)
    messages = [f["message"] for f in json.loads(result.stdout)["findings"]
                if f["rule"] == "DC301"]
    if failure is None:
        assert messages == []
    else:
        assert any(failure in m for m in messages), messages


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_command_children_end_when_the_run_is_stopped(tmp_path, signum):
    pid_file = _command_environment(tmp_path, "sleep 300 & echo $! > {pid}; wait")
    run = subprocess.Popen([sys.executable, "-m", "driftcheck", "check", str(tmp_path)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        grandchild = _wait_for(pid_file)
        assert _alive(grandchild)
        run.send_signal(signum)
        _, err = run.communicate(timeout=HANG_BOUND)
    finally:
        run.kill()
    assert "Traceback" not in err, err
    assert run.returncode in (-signal.SIGTERM, 128 + signal.SIGTERM, 130, -signal.SIGINT)
    for _ in range(100):  # SIGKILL is delivered asynchronously
        if not _alive(grandchild):
            break
        time.sleep(0.05)
    assert not _alive(grandchild)


# -- 4. Sub-folders that are not searched are reported; extends follows its rule -----------


def test_symlinked_sub_folders_are_reported(tmp_path):
    folder = folder_with(tmp_path, "good.toml", GOOD)
    (folder / "loop").symlink_to(folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "other.toml").write_text(bad("other"))
    (folder / "linked").symlink_to(elsewhere)
    result = driftcheck("validate", str(folder))
    assert result.returncode == 2
    for name in ("linked", "loop"):
        assert f"envs/{name}: folder not searched: it is a symbolic link to a folder" in \
            result.stderr
    assert "1 environment valid" in result.stdout


def _without_root_file_access() -> None:
    """Drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set before exec, so
    that a root test run meets file permissions like anybody else (prctl PR_CAPBSET_DROP)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    folder = folder_with(tmp_path, "good.toml", GOOD)
    inside = folder / "team"
    inside.mkdir()
    (inside / "hidden.toml").write_text(bad("hidden"))
    inside.chmod(0)
    yield folder
    inside.chmod(0o755)


def test_unreadable_sub_folders_are_reported(locked):
    # As root, chmod 000 blocks nothing; the run drops the capabilities that let root read
    # any folder, so it meets the permissions a normal user would.
    result = driftcheck("validate", str(locked), preexec=_without_root_file_access)
    assert result.returncode == 2
    assert "envs/team: folder not searched: cannot read it (Permission denied)" in result.stderr
    assert "1 environment valid" in result.stdout


def test_extends_must_be_a_relative_defaults_file(tmp_path):
    defaults = tmp_path / "_defaults.toml"
    defaults.write_text("")
    for value in (str(defaults), "defaults.toml", "_defaults.json", "../x/_d.toml\n"):
        folder = folder_with(tmp_path, "x.toml", bad("x", extends=value))
        assert_reported(folder, "x.toml: extends: expected a relative path to a defaults file "
                        "whose name starts with '_' and ends with .toml")
    # Relative paths may leave the folder: shared defaults at the root of a tree.
    (tmp_path / "envs" / "x.toml").write_text(bad("x", extends="../_defaults.toml"))
    assert driftcheck("validate", str(tmp_path / "envs")).returncode == 0


# -- 6. Property: generated environment trees never crash, never hang ----------------------

NAMES = st.text(alphabet="abcxyz_.-", min_size=1, max_size=6)


@st.composite
def _documents(draw: st.DrawFn) -> str:
    """TOML that parses, with depth, sizes and values an environment file should not have."""
    depth = draw(st.integers(min_value=0, max_value=120))
    items = draw(st.integers(min_value=0, max_value=3000))
    value = draw(st.sampled_from(['"90s"', f'"{"9" * 400}d"', '"\\u0000"', '"prod\\n"', "1",
                                  '"${UNSET}"', '"/dev/zero"']))
    key = draw(st.sampled_from(["name", "extends", "ca_bundle", "idp.pinned_kids",
                                "idp.rotation_overlap", "apis.a.secret_file"]))
    lines = [f'name = "g{depth}"', "[idp]", 'issuer = "http://127.0.0.1:9/g"']
    lines.insert(0, f"{key} = {value}" if "." not in key else "")
    if "." in key:
        table, leaf = key.rsplit(".", 1)
        lines += [f"[{table}]" if table != "idp" else "", f"{leaf} = {value}"]
    lines.append("deep." * depth + "leaf = 1")
    lines.append("many = [" + ",".join(["1"] * items) + "]")
    return "\n".join(lines) + "\n"


ENTRY = st.one_of(
    st.tuples(st.just("valid"), NAMES),
    st.tuples(st.just("bytes"), st.binary(max_size=300)),
    st.tuples(st.just("document"), _documents()),
    st.tuples(st.just("fifo"), NAMES),
    st.tuples(st.just("dev-zero-link"), NAMES),
    st.tuples(st.just("loop-link"), NAMES),
    st.tuples(st.just("unreadable-folder"), NAMES),
    st.tuples(st.just("extends-special"), st.sampled_from(["/dev/zero", "fifo", "self"])),
)


@dataclass(frozen=True)
class _Spot:
    """Where one entry of a generated tree is written: `file` in folder `where` under `root`."""

    root: Path
    where: Path
    index: int

    @property
    def file(self) -> Path:
        return self.where / f"f{self.index}.toml"


def _write_unreadable_folder(spot: _Spot, _payload: Any) -> Path:
    inside = spot.where / f"locked{spot.index}"
    inside.mkdir()
    (inside / "x.toml").write_text(bad(f"u{spot.index}"))
    inside.chmod(0)
    return inside


def _write_extends_special(spot: _Spot, payload: str) -> None:
    where, file, index = spot.where, spot.file, spot.index
    target = {"/dev/zero": "_zero.toml", "fifo": "_fifo.toml", "self": file.name}
    defaults = where / target[payload]
    if payload == "/dev/zero" and not defaults.exists():
        defaults.symlink_to("/dev/zero")
    elif payload == "fifo" and not defaults.exists():
        os.mkfifo(defaults)
    if payload == "self":
        file.write_text(bad(f"s{index}", extends=f"_{index}.toml"))
        (where / f"_{index}.toml").write_text(f'extends = "_{index}.toml"\n')
    else:
        file.write_text(bad(f"s{index}", extends=target[payload]))


_WRITERS: dict[str, Callable[[_Spot, Any], object]] = {
    "valid": lambda spot, _payload: spot.file.write_text(bad(f"e{spot.index}")),
    "bytes": lambda spot, payload: spot.file.write_bytes(payload),
    "document": lambda spot, payload: spot.file.write_text(payload),
    "fifo": lambda spot, _payload: os.mkfifo(spot.file),
    "dev-zero-link": lambda spot, _payload: spot.file.symlink_to("/dev/zero"),
    "loop-link": lambda spot, _payload: (spot.where / f"loop{spot.index}").symlink_to(spot.root),
    "unreadable-folder": _write_unreadable_folder,
    "extends-special": _write_extends_special,
}
"""How each kind of ENTRY is written; a writer that returns a Path locked that folder."""


def _build_tree(root: Path, entries: list[tuple[list[str], tuple[str, Any]]]) -> list[Path]:
    """Write the entries; return the folders to chmod back before clean-up."""
    locked = []
    for index, (folders, (kind, payload)) in enumerate(entries):
        where = root.joinpath(*folders)
        where.mkdir(parents=True, exist_ok=True)
        written = _WRITERS[kind](_Spot(root, where, index), payload)
        if isinstance(written, Path):
            locked.append(written)
    return locked


TREES = st.lists(st.tuples(st.lists(st.sampled_from(["a", "b", "deep"]), max_size=4), ENTRY),
                 min_size=1, max_size=8)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(entries=TREES)
def test_generated_trees_never_crash_or_hang(tmp_path_factory, entries):
    """validate exits 0 or 2, check --offline 0, 1 or 2 (SPEC exit codes); never a
    traceback; every run bounded by the subprocess timeout. The runs drop root's file
    capabilities so that unreadable folders are unreadable here too."""
    root = tmp_path_factory.mktemp("tree")
    locked = _build_tree(root, entries)
    try:
        validated = driftcheck("validate", str(root), preexec=_without_root_file_access)
        checked = driftcheck("check", "--offline", "--format", "json", str(root),
                             preexec=_without_root_file_access)
    finally:
        for folder in locked:
            folder.chmod(0o755)
    assert validated.returncode in (0, 2), validated.stderr
    assert checked.returncode in (0, 1, 2), checked.stderr
    if checked.returncode != 2 or checked.stdout:
        json.loads(checked.stdout)


# In-process properties: the pieces that met the trial's numbers directly.


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A([0-9]{1,400}(ms|s|m|h|d)){1,3}\Z"))
def test_any_duration_is_seconds_or_a_value_error(text):
    from driftcheck.durations import MAX_DURATION, parse_duration

    try:
        seconds, error = parse_duration(text), ""
    except ValueError as exc:
        seconds, error = 0, str(exc)
    if error:
        assert "at most 36500d" in error
    else:
        assert 0 <= seconds <= MAX_DURATION


@settings(max_examples=200, deadline=None)
@given(st.floats() | st.integers(min_value=-10**30, max_value=10**30))
def test_any_now_is_a_time_or_a_usage_error(number):
    import math

    from driftcheck.cli import _parse_now
    from driftcheck.errors import UsageError

    try:
        now, error = _parse_now(str(number)), ""
    except UsageError as exc:
        now, error = None, str(exc)
    if error:
        assert error.startswith(f"--now {str(number)!r}: expected")
    else:
        assert now is not None
        assert math.isfinite(now)


NESTED = st.recursive(st.integers() | st.text(max_size=5),
                      lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(alphabet="abc", min_size=1, max_size=3), inner,
                                        min_size=1, max_size=3),
                      max_leaves=40)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.dictionaries(st.text(alphabet="abc", min_size=1, max_size=3), NESTED,
                             max_size=3),
       depth=st.integers(min_value=0, max_value=300))
def test_loading_any_document_never_raises(tmp_path_factory, extra, depth):
    import tomli_w

    folder = tmp_path_factory.mktemp("doc")
    document: dict[str, Any] = {"name": "x", "idp": {"issuer": "http://127.0.0.1:9/x"},
                                **extra}
    leaf = document
    for _ in range(depth):
        leaf = leaf.setdefault("deep", {})
    (folder / "x.toml").write_text(tomli_w.dumps(document))
    loaded = load_environments([folder], {})
    for problem in loaded.problems:
        assert problem.file.endswith("x.toml")
