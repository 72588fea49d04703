"""Command line: argparse subcommands wired to load -> collect -> rules -> report."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from driftcheck._version import __version__
from driftcheck.errors import DriftcheckError, UsageError

# Heavy modules (httpx, rich, jsonschema, joserfc) are imported where a command needs them,
# so that `driftcheck --version` and `driftcheck rules` start fast.
if TYPE_CHECKING:
    from rich.console import Console

    from driftcheck.run import CheckOptions, RunResult

FORMATS = ("console", "json", "sarif", "junit", "markdown", "github", "html")
SEVERITIES = ("info", "low", "medium", "high", "critical")  # = driftcheck.findings.Severity

# DRIFTCHECK_<FLAG> environment variables give flag defaults, for CI (flags still win).
ENVIRONMENT_DEFAULTS = {
    "format": "DRIFTCHECK_FORMAT",
    "fail_on": "DRIFTCHECK_FAIL_ON",
    "select": "DRIFTCHECK_SELECT",
    "ignore": "DRIFTCHECK_IGNORE",
    "output": "DRIFTCHECK_OUTPUT",
    "baseline": "DRIFTCHECK_BASELINE",
    "ca_bundle": "DRIFTCHECK_CA_BUNDLE",
    "concurrency": "DRIFTCHECK_CONCURRENCY",
}


def _console(stream: TextIO | None = None, *, plain: bool = False) -> Console:
    """Colour on a terminal (rich honours NO_COLOR); plain, unwrapped text anywhere else."""
    from rich.console import Console

    stream = stream or sys.stdout
    if not plain and stream.isatty():
        return Console(file=stream, highlight=False)
    return Console(file=stream, highlight=False, soft_wrap=True, color_system=None,
                   force_terminal=False, width=120)


def _render(result: RunResult, fmt: str, file: TextIO | None = None) -> str | None:
    """Render to `file` (console format, with colour when it is a terminal) or as text."""
    if fmt != "console":
        from driftcheck.report import text_renderer

        return text_renderer(fmt)(result)
    from driftcheck.report.console import render_console

    if file is not None:
        render_console(result, _console(file))
        return None
    import io

    buffer = io.StringIO()
    render_console(result, _console(buffer, plain=True))
    return buffer.getvalue()


def _listed(values: Sequence[str] | str | None) -> list[str]:
    """A repeatable flag's values; from an environment variable, one comma-separated string
    (or, for --output, space-separated FORMAT=FILE pairs)."""
    if values is None:
        return []
    if isinstance(values, str):
        return values.split()
    return list(values)


def _prefixes(values: Sequence[str] | str | None) -> list[str]:
    if isinstance(values, str):
        values = [values]
    return [p.strip() for v in values or () for p in v.split(",") if p.strip()]


def _outputs(values: Sequence[str] | None) -> list[tuple[str, Path]]:
    outputs = []
    for value in values or ():
        fmt, sep, path = value.partition("=")
        if not sep or not path or fmt not in FORMATS:
            raise UsageError(
                f"--output {value!r}: expected FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}"
            )
        outputs.append((fmt, Path(path)))
    return outputs


def _check_options(args: argparse.Namespace) -> CheckOptions:
    from dataclasses import replace

    from driftcheck.collect.http import FetchPolicy
    from driftcheck.findings import Severity
    from driftcheck.run import CheckOptions

    policy = FetchPolicy()
    if isinstance(args.concurrency, str):
        if not args.concurrency.isdigit():
            raise UsageError(f"DRIFTCHECK_CONCURRENCY={args.concurrency!r}: expected a whole "
                             "number of at least 1")
        args.concurrency = int(args.concurrency)
    if args.concurrency is not None:
        if args.concurrency < 1:
            raise UsageError("--concurrency: expected a whole number of at least 1")
        policy = replace(policy, concurrency=args.concurrency)
    if getattr(args, "timeout", None) is not None:
        if args.timeout <= 0:
            raise UsageError("--timeout: expected a number of seconds above 0")
        policy = replace(policy, deadline=args.timeout)
    if args.max_response_bytes is not None:
        if args.max_response_bytes < 1:
            raise UsageError("--max-response-bytes: expected a whole number of at least 1")
        policy = replace(policy, max_bytes=args.max_response_bytes)
    if args.ca_bundle is not None:
        if not Path(args.ca_bundle).is_file():
            raise UsageError(f"--ca-bundle {args.ca_bundle}: no such file")
        policy = replace(policy, ca_bundle=str(Path(args.ca_bundle).resolve()))
    if args.fail_on not in SEVERITIES:
        raise UsageError(f"DRIFTCHECK_FAIL_ON={args.fail_on!r}: expected one of "
                         f"{', '.join(SEVERITIES)}")
    if getattr(args, "format", "console") not in FORMATS:
        raise UsageError(f"DRIFTCHECK_FORMAT={args.format!r}: expected one of "
                         f"{', '.join(FORMATS)}")
    shard = None
    if getattr(args, "shard", None):
        index, sep, count = args.shard.partition("/")
        if not (sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
            raise UsageError(f"--shard {args.shard!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
        if not getattr(args, "snapshot_out", None):
            raise UsageError("--shard needs --snapshot-out FILE: the shards' snapshots are "
                             "merged with --from-snapshot for the cross-environment rules")
        shard = (int(index), int(count))
    return CheckOptions(
        shard=shard,
        baseline=getattr(args, "baseline", None),
        from_snapshots=tuple(getattr(args, "from_snapshot", None) or ()),
        snapshot_out=getattr(args, "snapshot_out", None),
        snapshot_in=_snapshots_in(args)[-1] if _snapshots_in(args) else None,
        earlier_snapshots=tuple(_snapshots_in(args)[:-1]),
        now=_parse_now(args.now),
        paths=tuple(args.paths or ("environments",)),
        environments=tuple(args.env or ()),
        offline=getattr(args, "offline", False),
        fail_on=Severity(args.fail_on),
        select=_prefixes(args.select),
        ignore=_prefixes(args.ignore),
        fetch=policy,
    )


def _snapshots_in(args: argparse.Namespace) -> list[str]:
    """--snapshot-in, repeatable: the rules compare with the newest, the key timeline shows all."""
    value = getattr(args, "snapshot_in", None)
    return [value] if isinstance(value, str) else list(value or ())


def _parse_now(value: str | None) -> float | None:
    """--now: seconds since the epoch, or an ISO 8601 time (UTC when no offset is given)."""

    if value is None:
        return None
    from datetime import UTC, datetime

    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now {value!r}: expected seconds since the epoch or an ISO 8601 "
                         "time such as 2026-11-28T22:30:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _emit(result: RunResult, args: argparse.Namespace) -> int:
    for fmt, path in _outputs(_listed(args.output)):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_render(result, fmt) or "", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--output {fmt}={path}: cannot write: {exc.strerror}") from None
    if args.format == "console":
        if getattr(args, "matrix", False):
            from driftcheck.report.matrix import render_matrix

            render_matrix(result.identities, _console())
        _render(result, "console", sys.stdout)
    else:
        sys.stdout.write(_render(result, args.format) or "")
    return result.exit_code


def cmd_check(args: argparse.Namespace) -> int:
    from driftcheck.run import run_check

    return _emit(run_check(_check_options(args)), args)


def cmd_snapshot(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from driftcheck.run import run_check

    options = replace(_check_options(args), snapshot_out=args.output_file)
    result = run_check(options)
    for problem in (f for f in result.findings if f.step.value == "config"):
        print(problem.message, file=sys.stderr)
    states = [s.state for s in result.environments]
    print(f"{args.output_file}: observations of {states.count('checked')} environment(s) "
          f"({states.count('unreachable')} unreachable, {states.count('invalid')} invalid)")
    return 2 if "invalid" in states else 0


def cmd_baseline(args: argparse.Namespace) -> int:
    import datetime as dt
    from dataclasses import replace

    from driftcheck.baseline import write_baseline
    from driftcheck.run import run_check

    try:
        expires = dt.date.fromisoformat(args.expires) if args.expires else (
            dt.date.today() + dt.timedelta(days=90))
    except ValueError:
        raise UsageError(f"--expires {args.expires!r}: expected a date such as 2027-01-31") \
            from None
    if not args.reason.strip():
        raise UsageError("--reason: say why these findings are accepted")
    result = run_check(replace(_check_options(args), baseline=None))
    accepted = [f for f in result.findings if f.step.value != "config"]
    write_baseline(args.output_file, accepted, args.reason, expires)
    print(f"{args.output_file}: {len(accepted)} finding(s) accepted until {expires.isoformat()}")
    return 2 if any(s.state == "invalid" for s in result.environments) else 0


def cmd_diff(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from driftcheck.run import run_diff

    options = replace(_check_options(args), from_snapshots=(args.new,), snapshot_in=args.old,
                      select=_prefixes(args.select) or ["DC6"])
    return _emit(run_diff(options, args.paths), args)


def cmd_init(args: argparse.Namespace) -> int:
    from driftcheck.collect.http import FetchPolicy
    from driftcheck.init_file import starter_document

    policy = FetchPolicy()
    if args.ca_bundle and not Path(args.ca_bundle).is_file():
        raise UsageError(f"--ca-bundle {args.ca_bundle}: no such file")
    try:
        text = starter_document(args.name, args.issuer, tier=args.tier,
                                allow_insecure_http=args.allow_insecure_http,
                                ca_bundle=args.ca_bundle, policy=policy)
    except DriftcheckError as exc:
        print(f"driftcheck init: {exc}", file=sys.stderr)
        return 3
    if args.output_file in (None, "-"):
        sys.stdout.write(text)
        return 0
    target = Path(args.output_file)
    if target.exists() and not args.force:
        raise UsageError(f"-o {target}: the file exists (use --force to replace it)")
    target.write_text(text, encoding="utf-8")
    print(f"{target}: starter environment {args.name!r} written; fill in audiences, frontends "
          "and a known-good token, then run `driftcheck validate`")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from driftcheck.demo import run_demo

    result, url = run_demo(_check_options(args))
    if args.format == "console":
        _console().print(f"driftcheck {__version__} demo · sandbox IdP at {url} "
                         "(stopped after the run)\n")
    code = _emit(result, args)
    # Findings are the point of the demo; only a broken demo fails.
    return code if code in (2, 3) else 0


def cmd_inspect(args: argparse.Namespace) -> int:
    import json
    import time

    from driftcheck.inspect_token import inspect_in_environment, inspect_token, read_token
    from driftcheck.report.token_view import inspection_document, render_inspection

    raw = read_token(args.token)
    now = _parse_now(args.now) or time.time()
    if args.inspect_env:
        inspection = inspect_in_environment(raw, args.inspect_env, _check_options(args), now)
    else:
        inspection = inspect_token(raw, now)
    if args.format == "json":
        print(json.dumps(inspection_document(inspection), indent=2, ensure_ascii=False))
    else:
        render_inspection(inspection, _console(), now)
    if inspection.fatal is not None:
        return 1
    from driftcheck.findings import Severity

    fail_on = Severity(args.fail_on)
    return 1 if any(f.severity.rank >= fail_on.rank for f in inspection.token_findings) else 0


def cmd_diagnose(args: argparse.Namespace) -> int:
    import json
    import time

    from driftcheck.diagnose import diagnose
    from driftcheck.diagnose.report import diagnosis_document, diagnosis_text, runbook
    from driftcheck.inspect_token import read_token

    text = sys.stdin.read() if args.message == "-" else args.message
    if not text.strip():
        raise UsageError("no error message given (pass it quoted, or - for standard input)")
    diagnosis = diagnose(text)
    token_check = None
    if args.token:
        from driftcheck.diagnose.token_check import check_with_token

        now = _parse_now(args.now) or time.time()
        token_check = check_with_token(diagnosis, read_token(args.token), args.inspect_env,
                                       _check_options(args), now)
    if args.runbook:
        sys.stdout.write(runbook(diagnosis, token_check))
    elif args.format == "json":
        print(json.dumps(diagnosis_document(diagnosis, token_check), indent=2,
                         ensure_ascii=False))
    else:
        sys.stdout.write(diagnosis_text(diagnosis, token_check))
    return 0 if diagnosis.known else 1


def cmd_validate(args: argparse.Namespace) -> int:
    from driftcheck.load import load_environments

    loaded = load_environments(args.paths or ("environments",), allow_unset=args.allow_unset)
    for problem in loaded.problems:
        print(f"{problem} [{problem.rule}]", file=sys.stderr)
    count = len(loaded.environments)
    files = len({p.loaded_file for p in loaded.problems})
    summary = f"{count} environment{'s' if count != 1 else ''} valid"
    if loaded.problems:
        summary += f", {files} file{'s' if files != 1 else ''} invalid"
        summary += f" ({len(loaded.problems)} problem{'s' if len(loaded.problems) != 1 else ''})"
    print(summary)
    return 2 if loaded.problems else 0


def cmd_rules(args: argparse.Namespace) -> int:
    if not args.id and not args.markdown:  # from the generated index: no rule imports
        from driftcheck.rule_index import table_text

        sys.stdout.write(table_text())
        return 0
    from driftcheck.report.rule_reference import print_rule, rules_markdown
    from driftcheck.rules import get_rule

    if args.markdown:
        sys.stdout.write(rules_markdown())
        return 0
    found = get_rule(args.id)
    if found is None:
        raise UsageError(f"no rule {args.id!r}; `driftcheck rules` lists them all")
    print_rule(_console(), found)
    return 0


def cmd_profiles(args: argparse.Namespace) -> int:
    from driftcheck.profiles import profiles
    from driftcheck.profiles.reference import profile_text, profiles_markdown, profiles_table_text

    if args.markdown:
        sys.stdout.write(profiles_markdown())
        return 0
    if not args.name:
        sys.stdout.write(profiles_table_text())
        return 0
    found = profiles().get(args.name.strip().lower())
    if found is None:
        close = [n for n in profiles() if n.startswith(args.name.strip().lower())] or \
            difflib.get_close_matches(args.name, list(profiles()), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UsageError(f"no validator profile {args.name!r}{hint}; `driftcheck profiles` "
                         "lists them all")
    sys.stdout.write(profile_text(found))
    return 0


def _fault_value(name: str, raw: str | None) -> object:
    from dataclasses import fields

    from driftcheck.sandbox.tenants import Faults

    kinds = {f.name: f.type for f in fields(Faults)}
    kind = str(kinds[name])
    if raw is None:
        if "bool" not in kind:
            raise UsageError(f"--fault …:{name} needs a value (…:{name}=VALUE)")
        return True
    try:
        if "bool" in kind:
            return raw.lower() in ("1", "true", "yes", "on")
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
    except ValueError:
        raise UsageError(f"--fault …:{name}={raw}: expected a number") from None
    if "Mapping" in kind:
        raise UsageError(f"--fault …:{name} can only be set from Python, not the command line")
    return raw


def cmd_history(args: argparse.Namespace) -> int:
    from driftcheck.history import TimelinePoint, key_timeline
    from driftcheck.snapshot import read_snapshots

    points = [TimelinePoint(Path(p).name, read_snapshots([p])) for p in args.snapshots]
    overlaps: dict[str, float | None] = {}
    if args.paths:
        from driftcheck.load import load_environments

        loaded = load_environments(args.paths)
        for problem in loaded.problems:
            print(f"{problem} [{problem.rule}]", file=sys.stderr)
        overlaps = {e.name: e.idp.rotation_overlap for e in loaded.environments}
    timeline = key_timeline(points, overlaps)
    if args.format == "html" or args.output_file:
        from driftcheck.report.html import render_history_html

        page = render_history_html(timeline)
        if args.output_file:
            try:
                Path(args.output_file).write_text(page, encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"-o {args.output_file}: cannot write: {exc.strerror}") \
                    from None
        if args.format == "html":
            sys.stdout.write(page)
    if args.format == "console":
        from driftcheck.report.history_view import render_history

        render_history(timeline, _console())
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    from driftcheck.demo import SANDBOX_URL_VARIABLE, sandbox_variables
    from driftcheck.sandbox import FAULT_NAMES, Sandbox, default_tenant

    names = args.tenant or ["dev", "staging", "prod"]
    faults: dict[str, dict[str, object]] = {n: {} for n in names}
    for spec in args.fault or ():
        tenant, sep, rest = spec.partition(":")
        name, _, raw = rest.partition("=")
        if not sep or tenant not in faults or name not in FAULT_NAMES:
            raise UsageError(
                f"--fault {spec!r}: expected TENANT:FAULT[=VALUE] with TENANT one of "
                f"{', '.join(names)} and FAULT one of {', '.join(FAULT_NAMES)}"
            )
        faults[tenant][name] = _fault_value(name, raw or None)
    sandbox = Sandbox([default_tenant(n) for n in names], port=args.port)
    try:
        sandbox.start()
    except OSError as exc:
        raise UsageError(f"--port {args.port}: cannot listen: {exc.strerror}") from None
    for name, changes in faults.items():
        if changes:
            sandbox.set_faults(name, **changes)
    console = _console()
    console.print(f"driftcheck sandbox IdP on {sandbox.url}  (Ctrl-C stops it)")
    for name in names:
        base = sandbox.tenant_url(name)
        on = {k: v for k, v in faults[name].items()}
        console.print(f"\n{name}  issuer {sandbox.issuer(name)}" + (f"  faults {on}" if on else ""))
        console.print(f"  discovery  {base}/.well-known/openid-configuration")
        console.print(f"  jwks       {base}/jwks")
        console.print(f"  token      {base}/token  (client_credentials; client probe-{name})")
        console.print(f"  frontend   {sandbox.frontend_config_url(name)}")
    variables = sandbox_variables(sandbox)
    if args.env_file:
        path = Path(args.env_file)
        path.touch(mode=0o600, exist_ok=True)
        os.chmod(path, 0o600)
        path.write_text("".join(f"{k}={v}\n" for k, v in variables.items()), encoding="utf-8")
        console.print(f"\nURL and client secrets written to {path} (mode 600); load them with "
                      f"`set -a; . {path}; set +a`")
    else:
        console.print(f"\nexport {SANDBOX_URL_VARIABLE}={sandbox.url}   "
                      "(client secrets are not printed: use --env-file FILE)")
    import contextlib

    with contextlib.suppress(KeyboardInterrupt):
        sandbox.serve_forever()
    return 0


def _add_check_arguments(parser: argparse.ArgumentParser, *, paths: bool = True) -> None:
    if paths:
        parser.add_argument("paths", nargs="*", metavar="PATH",
                            help="environment files or folders (default: ./environments)")
    parser.add_argument("--format", choices=FORMATS, default="console",
                        help="what to print on standard output (default: console)")
    parser.add_argument("--output", action="append", metavar="FORMAT=FILE",
                        help="also write FORMAT to FILE (repeatable)")
    parser.add_argument("--fail-on", choices=SEVERITIES, default="high",
                        help="exit 1 when a finding is at or above this severity (default: high)")
    parser.add_argument("--select", action="append", metavar="CODE-PREFIX",
                        help="only rules whose ID starts with this (repeatable, comma-separated)")
    parser.add_argument("--ignore", action="append", metavar="CODE-PREFIX",
                        help="skip rules whose ID starts with this (repeatable, comma-separated)")
    parser.add_argument("--env", action="append", metavar="NAME",
                        help="only this environment (repeatable)")
    parser.add_argument("--concurrency", type=int, metavar="N",
                        help="requests in flight at once (default: 128)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="deadline for the whole run's network work; what is unfinished "
                        "then is reported, the rest judged")
    parser.add_argument("--verbose", action="store_true",
                        help="log each request (URL, status, time) to standard error")
    parser.add_argument("--baseline", metavar="FILE",
                        help="accepted findings (driftcheck baseline create): shown, not failing")
    parser.add_argument("--matrix", action="store_true",
                        help="also show environments side by side (console format)")
    parser.add_argument("--now", metavar="TIME",
                        help="judge token times at TIME (epoch seconds or ISO 8601; default: "
                        "when the token was collected)")
    parser.add_argument("--ca-bundle", metavar="FILE",
                        help="PEM CA certificates to trust for environments without their own "
                        "ca_bundle (default: the system's trust store)")
    parser.add_argument("--max-response-bytes", type=int, metavar="N",
                        help="largest response body read (default: 1048576)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="driftcheck",
        description="Catch JWT/OIDC configuration drift between deployment environments.",
    )
    parser.add_argument("--version", action="version", version=f"driftcheck {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="check environments against their live IdPs")
    _add_check_arguments(check)
    check.add_argument("--offline", action="store_true",
                       help="no network: only the rules that need none")
    check.add_argument("--from-snapshot", action="append", metavar="FILE",
                       help="run every rule on recorded observations instead of the network "
                       "(repeatable: shards are merged)")
    check.add_argument("--snapshot-out", metavar="FILE",
                       help="also write this run's observations to FILE (TOML)")
    check.add_argument("--snapshot-in", metavar="FILE", action="append",
                       help="a snapshot of an earlier run to compare with (repeatable: the "
                       "newest is compared, all show in the HTML report's key timeline)")
    check.add_argument("--shard", metavar="K/N",
                       help="check only slice K of N (by a hash of each environment's name) "
                       "and write its snapshot; merge the shards with --from-snapshot")
    check.set_defaults(handler=cmd_check)

    demo = commands.add_parser(
        "demo", help="start the sandbox IdP, check the example environments, report")
    _add_check_arguments(demo, paths=False)
    demo.set_defaults(handler=cmd_demo, paths=None)

    snapshot = commands.add_parser(
        "snapshot", help="record what is deployed (discovery, JWKS, token facts) as TOML")
    snapshot.add_argument("paths", nargs="*", metavar="PATH")
    snapshot.add_argument("-o", "--output", dest="output_file", required=True, metavar="FILE")
    snapshot.add_argument("--env", action="append", metavar="NAME")
    snapshot.add_argument("--ca-bundle", metavar="FILE")
    snapshot.add_argument("--concurrency", type=int, metavar="N")
    snapshot.add_argument("--max-response-bytes", type=int, metavar="N")
    snapshot.set_defaults(handler=cmd_snapshot, select=None, ignore=None, fail_on="high",
                          now=None)

    init = commands.add_parser(
        "init", help="write a starter environment file from a live IdP's discovery and JWKS")
    init.add_argument("--issuer", required=True, metavar="URL")
    init.add_argument("--name", required=True, metavar="NAME")
    init.add_argument("--tier", choices=("prod", "nonprod"), default="nonprod")
    init.add_argument("-o", dest="output_file", metavar="FILE",
                      help="where to write it (default: standard output)")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.add_argument("--allow-insecure-http", action="store_true")
    init.add_argument("--ca-bundle", metavar="FILE")
    init.set_defaults(handler=cmd_init)

    diff = commands.add_parser("diff", help="what changed at each IdP between two snapshots")
    diff.add_argument("old", metavar="OLD.toml")
    diff.add_argument("new", metavar="NEW.toml")
    diff.add_argument("paths", nargs="*", metavar="PATH",
                      help="environment files, for names, rotation overlaps and file "
                      "locations (optional)")
    _add_check_arguments(diff, paths=False)
    diff.set_defaults(handler=cmd_diff, offline=False)

    baseline = commands.add_parser("baseline", help="accept today's findings")
    baseline_commands = baseline.add_subparsers(dest="baseline_command", metavar="ACTION",
                                                required=True)
    create = baseline_commands.add_parser(
        "create", help="write the current findings to a baseline file, with reason and expiry")
    create.add_argument("paths", nargs="*", metavar="PATH")
    create.add_argument("-o", dest="output_file", required=True, metavar="FILE",
                        help="the baseline file to write")
    create.add_argument("--reason", required=True, help="why these findings are accepted")
    create.add_argument("--expires", metavar="DATE",
                        help="until when (YYYY-MM-DD; default: 90 days from today)")
    _add_check_arguments(create, paths=False)
    create.set_defaults(handler=cmd_baseline, offline=False)

    inspect = commands.add_parser(
        "inspect", help="decode a token safely (redacted, human times); --env validates it")
    inspect.add_argument("token", metavar="TOKEN|-|@FILE",
                         help="the token, - for standard input, or @FILE")
    inspect.add_argument("--env", dest="inspect_env", metavar="NAME",
                         help="validate it as environment NAME's known-good token")
    inspect.add_argument("--path", dest="paths", action="append", metavar="PATH",
                         help="environment files or folders for --env (default: ./environments)")
    inspect.add_argument("--format", choices=("console", "json"), default="console")
    inspect.add_argument("--fail-on", choices=SEVERITIES, default="high")
    inspect.add_argument("--now", metavar="TIME")
    inspect.add_argument("--ca-bundle", metavar="FILE")
    inspect.add_argument("--concurrency", type=int, metavar="N")
    inspect.add_argument("--max-response-bytes", type=int, metavar="N")
    inspect.set_defaults(handler=cmd_inspect, select=None, ignore=None, offline=False, env=None)

    diagnose = commands.add_parser(
        "diagnose", help="from a validator's error message to the step that failed")
    diagnose.add_argument("message", metavar="ERROR-TEXT",
                          help="the error message as logged (quoted), or - for standard input")
    diagnose.add_argument("--token", metavar="TOKEN|-|@FILE",
                          help="the token that failed: confirm the diagnosis or point elsewhere")
    diagnose.add_argument("--env", dest="inspect_env", metavar="NAME",
                          help="with --token: validate it in this environment")
    diagnose.add_argument("--path", dest="paths", action="append", metavar="PATH")
    diagnose.add_argument("--runbook", action="store_true",
                          help="print the incident record as Markdown")
    diagnose.add_argument("--format", choices=("console", "json"), default="console")
    diagnose.add_argument("--now", metavar="TIME")
    diagnose.set_defaults(handler=cmd_diagnose, select=None, ignore=None, offline=False,
                          env=None, fail_on="high", concurrency=None, ca_bundle=None,
                          max_response_bytes=None)

    validate = commands.add_parser("validate", help="validate environment files (no network)")
    validate.add_argument("paths", nargs="*", metavar="PATH")
    validate.add_argument("--allow-unset", action="store_true",
                          help="accept ${NAME} references whose variable is not set (the "
                          "pre-commit hook uses this)")
    validate.set_defaults(handler=cmd_validate)

    rules = commands.add_parser("rules", help="the rule reference")
    rules.add_argument("id", nargs="?", metavar="ID", help="a rule ID or slug")
    rules.add_argument("--markdown", action="store_true", help="print docs/rules.md")
    rules.set_defaults(handler=cmd_rules)

    profile = commands.add_parser(
        "profiles", help="validator profiles: what each framework enforces, with sources")
    profile.add_argument("name", nargs="?", metavar="NAME", help="a profile name")
    profile.add_argument("--markdown", action="store_true", help="print docs/profiles.md")
    profile.set_defaults(handler=cmd_profiles)

    history = commands.add_parser(
        "history", help="key timeline across snapshots: rotations, overlaps, shared keys")
    history.add_argument("snapshots", nargs="+", metavar="SNAPSHOT",
                         help="snapshot files (driftcheck snapshot -o), in any order")
    history.add_argument("--path", dest="paths", action="append", metavar="PATH",
                         help="environment files or folders, for each rotation_overlap")
    history.add_argument("--format", choices=("console", "html"), default="console")
    history.add_argument("-o", "--output", dest="output_file", metavar="FILE",
                         help="also write the HTML page to FILE")
    history.set_defaults(handler=cmd_history)

    sandbox = commands.add_parser("sandbox", help="run the sandbox IdP in the foreground")
    sandbox.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    sandbox.add_argument("--tenant", action="append", metavar="NAME",
                         help="tenant names (default: dev, staging, prod)")
    sandbox.add_argument("--fault", action="append", metavar="TENANT:FAULT[=VALUE]",
                         help="switch a fault on, e.g. staging:trailing_slash_issuer")
    sandbox.add_argument("--env-file", metavar="FILE",
                         help="write DRIFTCHECK_SANDBOX_URL and client secrets to FILE")
    sandbox.set_defaults(handler=cmd_sandbox)
    return parser


def _apply_environment_defaults(parser: argparse.ArgumentParser) -> None:
    """DRIFTCHECK_* variables become defaults of the subcommands that have the flag."""
    defaults = {dest: os.environ[name] for dest, name in ENVIRONMENT_DEFAULTS.items()
                if os.environ.get(name)}
    if not defaults:
        return
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                known = {a.dest for a in subparser._actions}
                subparser.set_defaults(**{k: v for k, v in defaults.items() if k in known})
                _apply_environment_defaults(subparser)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    _apply_environment_defaults(parser)
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    if getattr(args, "verbose", False):
        import logging

        logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                            format="driftcheck: %(message)s")
    try:
        return handler(args)
    except DriftcheckError as exc:
        print(f"driftcheck {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
