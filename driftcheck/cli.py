"""Command line: argparse subcommands wired to load -> collect -> rules -> report."""

from __future__ import annotations

import argparse
import difflib
import errno
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from driftcheck._version import __version__
from driftcheck.errors import DriftcheckError, UsageError
from driftcheck.report.formats import OutputFormat, format_spec
from driftcheck.report.terminal import colour_wanted
from driftcheck.report.terminal import terminal_console as _console

# Heavy modules (httpx, rich, jsonschema, joserfc) are imported where a command needs them,
# so that `driftcheck --version` and `driftcheck rules` start fast.
if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from driftcheck.diagnose.catalogue import Diagnosis
    from driftcheck.history import KeyTimeline
    from driftcheck.inspect_token import Inspection
    from driftcheck.load.trust import Trust
    from driftcheck.models import Environment
    from driftcheck.run import CheckOptions, RunResult
    from driftcheck.sandbox import Sandbox

_Changed = TypeVar("_Changed", bound="DataclassInstance")


def replace(options: _Changed, **changes: Any) -> _Changed:
    """dataclasses.replace, imported when a command runs: `--version` and `rules` start
    without the dataclasses module (and the inspect module it imports)."""
    import dataclasses

    return dataclasses.replace(options, **changes)


FORMATS = tuple(f.value for f in OutputFormat)
"""`--format` and `--output FORMAT=FILE` choices of a run's report (driftcheck.report.formats)."""
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
    "untrusted": "DRIFTCHECK_UNTRUSTED",
    "allow_env": "DRIFTCHECK_ALLOW_ENV",
}


__all__ = ["FORMATS", "SEVERITIES", "build_parser", "colour_wanted", "main"]


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


def _codes(values: Sequence[str] | str | None, flag: str) -> list[str]:
    """--select/--ignore values as rule-ID prefixes (slugs resolved); unknown ones exit 2."""
    from driftcheck.policy import resolve_codes
    from driftcheck.rule_index import rule_slugs

    return resolve_codes(_prefixes(values), flag, rule_slugs())


def _outputs(values: Sequence[str] | None) -> list[tuple[OutputFormat, Path]]:
    outputs = []
    for value in values or ():
        fmt, sep, path = value.partition("=")
        if not sep or not path or fmt not in FORMATS:
            raise UsageError(
                f"--output {value!r}: expected FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}"
            )
        outputs.append((OutputFormat(fmt), Path(path)))
    return outputs


def _format(args: argparse.Namespace) -> OutputFormat:
    """--format, or DRIFTCHECK_FORMAT (a default argparse does not check against choices)."""
    try:
        return OutputFormat(args.format)
    except ValueError:
        raise UsageError(f"DRIFTCHECK_FORMAT={args.format!r}: expected one of "
                         f"{', '.join(FORMATS)}") from None


# Flags several commands share. Each group is one argparse parent parser (`parent()`) and the
# one place that reads its flags into the run's options (`apply`); a command lists its groups
# once (`_command`), so no command carries defaults for flags it does not have.


class FlagGroup(NamedTuple):
    name: str
    add: Callable[[argparse.ArgumentParser], None]
    apply: Callable[[argparse.Namespace, CheckOptions], CheckOptions]

    def parent(self) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(add_help=False)
        self.add(parser)
        return parser


def _check_options(args: argparse.Namespace, paths: Sequence[str] | None) -> CheckOptions:
    """The run's options from the command's flag groups, read in `APPLY_ORDER`."""
    from driftcheck.run import CheckOptions

    options = CheckOptions(paths=tuple(paths or ("environments",)))
    for group in APPLY_ORDER:
        if group in args.flag_groups:
            options = group.apply(args, options)
    return options


def _add_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="console",
                        help="what to print on standard output (default: console)")
    parser.add_argument("--output", action="append", metavar="FORMAT=FILE",
                        help="also write FORMAT to FILE (repeatable)")
    parser.add_argument("--verbose", action="store_true",
                        help="log each request (URL, status, time) to standard error")
    parser.add_argument("--matrix", action="store_true",
                        help="also show environments side by side (console format)")


def _apply_report(args: argparse.Namespace, options: CheckOptions) -> CheckOptions:
    _format(args)  # a bad DRIFTCHECK_FORMAT stops the run before it starts
    return options


def _add_fail_on(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fail-on", choices=SEVERITIES, default="high",
                        help="exit 1 when a finding is at or above this severity (default: high)")


def _apply_fail_on(args: argparse.Namespace, options: CheckOptions) -> CheckOptions:
    from driftcheck.findings import Severity

    if args.fail_on not in SEVERITIES:
        raise UsageError(f"DRIFTCHECK_FAIL_ON={args.fail_on!r}: expected one of "
                         f"{', '.join(SEVERITIES)}")
    return replace(options, fail_on=Severity(args.fail_on))


def _add_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--select", action="append", metavar="CODE-PREFIX",
                        help="only rules whose ID starts with this (repeatable, comma-separated)")
    parser.add_argument("--ignore", action="append", metavar="CODE-PREFIX",
                        help="skip rules whose ID starts with this (repeatable, comma-separated)")
    parser.add_argument("--baseline", metavar="FILE",
                        help="accepted findings (driftcheck baseline create): shown, not failing")


def _apply_selection(args: argparse.Namespace, options: CheckOptions) -> CheckOptions:
    return replace(options, baseline=args.baseline, select=_codes(args.select, "--select"),
                   ignore=_codes(args.ignore, "--ignore"))


def _add_environments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", action="append", metavar="NAME",
                        help="only this environment (repeatable)")


def _apply_environments(args: argparse.Namespace, options: CheckOptions) -> CheckOptions:
    return replace(options, environments=tuple(args.env or ()))


def _add_network(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--concurrency", type=int, metavar="N",
                        help="requests in flight at once (default: 128)")
    parser.add_argument("--ca-bundle", metavar="FILE",
                        help="PEM CA certificates to trust for environments without their own "
                        "ca_bundle (default: the system's trust store)")
    parser.add_argument("--max-response-bytes", type=int, metavar="N",
                        help="largest response body read (default: 1048576)")


def _apply_network(args: argparse.Namespace, options: CheckOptions) -> CheckOptions:
    policy = options.fetch
    if isinstance(args.concurrency, str):
        if not args.concurrency.isdigit():
            raise UsageError(f"DRIFTCHECK_CONCURRENCY={args.concurrency!r}: expected a whole "
                             "number of at least 1")
        args.concurrency = int(args.concurrency)
    if args.concurrency is not None:
        if args.concurrency < 1:
            raise UsageError("--concurrency: expected a whole number of at least 1")
        policy = replace(policy, concurrency=args.concurrency)
    if args.max_response_bytes is not None:
        if args.max_response_bytes < 1:
            raise UsageError("--max-response-bytes: expected a whole number of at least 1")
        policy = replace(policy, max_bytes=args.max_response_bytes)
    if args.ca_bundle is not None:
        if not Path(args.ca_bundle).is_file():
            raise UsageError(f"--ca-bundle {args.ca_bundle}: no such file")
        policy = replace(policy, ca_bundle=str(Path(args.ca_bundle).resolve()))
    return replace(options, fetch=policy)


def _add_deadline(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="deadline for the whole run's network work; what is unfinished "
                        "then is reported, the rest judged")


def _apply_deadline(args: argparse.Namespace, options: CheckOptions) -> CheckOptions:
    if args.timeout is None:
        return options
    if not math.isfinite(args.timeout) or args.timeout <= 0:
        raise UsageError(f"--timeout {args.timeout:g}: expected a finite number of seconds "
                         "above 0")
    return replace(options, fetch=replace(options.fetch, deadline=args.timeout))


def _add_now(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--now", metavar="TIME",
                        help="judge token times at TIME (epoch seconds or ISO 8601; default: "
                        "when the token was collected)")


def _apply_now(args: argparse.Namespace, options: CheckOptions) -> CheckOptions:
    return replace(options, now=_parse_now(args.now))


def _add_trust_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--untrusted", action="store_true",
                        help="the files come from an untrusted source (a pull request from a "
                        "fork): run no commands, read only allow-listed variables and files "
                        "inside the checked folders (SECURITY.md)")
    parser.add_argument("--allow-env", action="append", metavar="NAME",
                        help="with --untrusted: a variable the files may read (repeatable, "
                        "comma-separated)")


def _apply_trust(args: argparse.Namespace, options: CheckOptions) -> CheckOptions:
    return replace(options, trust=_trust(args))


def _add_snapshots(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--offline", action="store_true",
                        help="no network: only the rules that need none")
    parser.add_argument("--from-snapshot", action="append", metavar="FILE",
                        help="run every rule on recorded observations instead of the network "
                        "(repeatable: shards are merged)")
    parser.add_argument("--snapshot-out", metavar="FILE",
                        help="also write this run's observations to FILE (TOML)")
    parser.add_argument("--snapshot-in", metavar="FILE", action="append",
                        help="a snapshot of an earlier run to compare with (repeatable: the "
                        "newest is compared, all show in the HTML report's key timeline)")
    parser.add_argument("--shard", metavar="K/N",
                        help="check only slice K of N (by a hash of each environment's name) "
                        "and write its snapshot; merge the shards with --from-snapshot")


def _apply_snapshots(args: argparse.Namespace, options: CheckOptions) -> CheckOptions:
    shard = None
    if args.shard:
        index, sep, count = args.shard.partition("/")
        if not (sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
            raise UsageError(f"--shard {args.shard!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
        if not args.snapshot_out:
            raise UsageError("--shard needs --snapshot-out FILE: the shards' snapshots are "
                             "merged with --from-snapshot for the cross-environment rules")
        shard = (int(index), int(count))
    # --snapshot-in, repeatable: the rules compare with the newest, the key timeline shows all.
    earlier = [args.snapshot_in] if isinstance(args.snapshot_in, str) else list(
        args.snapshot_in or ())
    return replace(options, offline=args.offline, shard=shard,
                   from_snapshots=tuple(args.from_snapshot or ()),
                   snapshot_out=args.snapshot_out,
                   snapshot_in=earlier[-1] if earlier else None,
                   earlier_snapshots=tuple(earlier[:-1]))


def _add_probe_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-probe", action="store_true",
                        help="send no live probes (--offline sends none either)")
    parser.add_argument("--probe-scope", choices=("default", "all"), default="default",
                        help="whose tokens each probe sends besides its own: by default the "
                        "environments sharing an issuer host, audience or key plus up to 8 of "
                        "a lower or equal tier; 'all' for the full audit")


def _apply_probes(args: argparse.Namespace, options: CheckOptions) -> CheckOptions:
    """--no-probe and --probe-scope (live probes, SPEC "Live probes")."""
    from driftcheck.collect.probes import ProbeScope

    # An untrusted file names the probe URLs: it must not choose where tokens are sent
    # (TRUST is applied before this group).
    return replace(options, probe=not args.no_probe and not options.trust.untrusted,
                   probe_scope=ProbeScope(full=args.probe_scope == "all"))


REPORT = FlagGroup("report", _add_report, _apply_report)
FAIL_ON = FlagGroup("fail-on", _add_fail_on, _apply_fail_on)
SELECTION = FlagGroup("selection", _add_selection, _apply_selection)
ENVIRONMENTS = FlagGroup("environments", _add_environments, _apply_environments)
NETWORK = FlagGroup("network", _add_network, _apply_network)
DEADLINE = FlagGroup("deadline", _add_deadline, _apply_deadline)
NOW = FlagGroup("now", _add_now, _apply_now)
TRUST = FlagGroup("trust", _add_trust_arguments, _apply_trust)
SNAPSHOTS = FlagGroup("snapshots", _add_snapshots, _apply_snapshots)
PROBES = FlagGroup("probes", _add_probe_arguments, _apply_probes)

RUN_GROUPS = (REPORT, FAIL_ON, SELECTION, ENVIRONMENTS, NETWORK, DEADLINE, NOW, TRUST)
"""The flags of every command that runs the checks and reports (check, demo, diff, baseline
create), in the order their help lists them."""
APPLY_ORDER = (NETWORK, DEADLINE, FAIL_ON, REPORT, SNAPSHOTS, TRUST, NOW, SELECTION,
               ENVIRONMENTS, PROBES)
"""The order groups are read in: the first bad flag is the one reported; PROBES reads the
trust TRUST has set."""


def _command(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str,
             help: str, handler: Callable[[argparse.Namespace], int],
             groups: Sequence[FlagGroup] = ()) -> argparse.ArgumentParser:
    """A subcommand with its shared flag groups (as parent parsers) and its handler."""
    parser = commands.add_parser(name, help=help, parents=[g.parent() for g in groups])
    parser.set_defaults(handler=handler, flag_groups=tuple(groups))
    return parser


def _parse_now(value: str | None) -> float | None:
    """--now: seconds since the epoch, or an ISO 8601 time (UTC when no offset is given)."""

    if value is None:
        return None
    from datetime import UTC, datetime

    expected = ("expected seconds since the epoch or an ISO 8601 time such as "
                "2026-11-28T22:30:00Z")
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:  # nan, inf and times no calendar date holds are not a time to judge tokens at
        try:
            datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise UsageError(f"--now {value!r}: {expected} (years 1 to 9999)") from None
        return seconds
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now {value!r}: {expected}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _emit(result: RunResult, args: argparse.Namespace) -> int:
    from driftcheck.output_files import OutputError, write_whole

    # Every output is attempted and the report is printed even when a file cannot be
    # written; the failures follow it, and the exit code says so.
    from driftcheck.report.formats import render

    failures = list(result.write_errors)
    for fmt, path in _outputs(_listed(args.output)):
        try:
            write_whole(path, render(result, fmt), what=f"{fmt} report")
        except OutputError as exc:
            failures.append(f"--output {fmt}={path}: {exc}")
    try:
        _print_report(result, args)
        sys.stdout.flush()  # a reader that went away is found here, not after the failures
    except BrokenPipeError:
        from driftcheck.closed_output import reader_gone

        if not failures or not reader_gone(sys.stdout):
            raise  # main() ends quietly
        _discard_stdout()  # an output file that failed is still an error, said below (exit 2)
    for failure in failures:
        print(f"driftcheck: error: {failure}", file=sys.stderr)
    return 2 if failures else result.exit_code


def _print_report(result: RunResult, args: argparse.Namespace) -> None:
    from driftcheck.report.formats import draw, render

    fmt = _format(args)
    if format_spec(fmt).draw is None:
        sys.stdout.write(render(result, fmt))
        return
    # A format drawn on the terminal: --matrix puts the side-by-side view above it.
    if args.matrix:
        from driftcheck.report.matrix import render_matrix
        from driftcheck.report.printable import for_humans

        columns = os.environ.get("COLUMNS", "")
        render_matrix(for_humans(result.identities),
                      _console(width=int(columns) if columns.isdigit() else 80),
                      for_humans({s.name: s.probes for s in result.environments}))
    draw(result, fmt, _console(sys.stdout))


def cmd_check(args: argparse.Namespace) -> int:
    from driftcheck.report.progress import collection_progress, progress_wanted
    from driftcheck.run import run_check

    options = _check_options(args, args.paths)
    terminal = format_spec(_format(args)).draw is not None
    with collection_progress(progress_wanted(terminal, args.verbose)):
        result = run_check(options)
    return _emit(result, args)


def cmd_snapshot(args: argparse.Namespace) -> int:
    from driftcheck.run import run_check

    options = replace(_check_options(args, args.paths), snapshot_out=args.output_file)
    result = run_check(options)
    for problem in (f for f in result.findings if f.step.value == "config"):
        print(problem.message, file=sys.stderr)
    for failure in result.write_errors:
        print(f"driftcheck snapshot: error: {failure}", file=sys.stderr)
    if result.write_errors:
        return 2
    states = [s.state for s in result.environments]
    print(f"{args.output_file}: observations of {states.count('checked')} environment(s) "
          f"({states.count('unreachable')} unreachable, {states.count('invalid')} invalid)")
    return 2 if "invalid" in states else 0


def cmd_baseline(args: argparse.Namespace) -> int:
    import datetime as dt

    from driftcheck.baseline import write_baseline
    from driftcheck.findings import Severity
    from driftcheck.run import run_check

    try:
        expires = dt.date.fromisoformat(args.expires) if args.expires else (
            dt.date.today() + dt.timedelta(days=90))
    except ValueError:
        raise UsageError(f"--expires {args.expires!r}: expected a date such as 2027-01-31") \
            from None
    if expires < dt.date.today():
        raise UsageError(f"--expires {expires.isoformat()}: the date is in the past; an "
                         "acceptance needs an expiry to come")
    if not args.reason.strip():
        raise UsageError("--reason: say why these findings are accepted")
    target = Path(args.output_file)
    if target.exists() and not args.force:
        raise UsageError(f"-o {target}: the file exists (use --force to replace it)")
    result = run_check(replace(_check_options(args, args.paths), baseline=None))
    accepted = [f for f in result.findings if f.step.value != "config"]
    critical = [f for f in accepted if f.severity is Severity.CRITICAL]
    if critical and not args.accept_critical:
        listed = ", ".join(f"{f.rule} in {f.environment}" for f in critical[:5])
        raise UsageError(f"{len(critical)} critical finding(s) ({listed}"
                         f"{', …' if len(critical) > 5 else ''}): fix them, or accept them "
                         "explicitly with --accept-critical")
    write_baseline(args.output_file, accepted, args.reason, expires)
    counts = [f"{n} {s.value}" for s in sorted(Severity, key=lambda s: -s.rank)
              if (n := sum(1 for f in accepted if f.severity is s))]
    print(f"{args.output_file}: {len(accepted)} finding(s) accepted until "
          f"{expires.isoformat()}" + (f" ({', '.join(counts)})" if counts else ""))
    return 2 if any(s.state == "invalid" for s in result.environments) else 0


def cmd_diff(args: argparse.Namespace) -> int:
    from driftcheck.run import run_diff

    options = _check_options(args, args.paths)
    options = replace(options, from_snapshots=(args.new,), snapshot_in=args.old,
                      select=options.select or ["DC6"])
    return _emit(run_diff(options, args.paths), args)


def cmd_init_from_deployment(args: argparse.Namespace) -> int:
    """`init --from-deployment DIR`: one environment file per environment the repository's
    deployment artifacts name (driftcheck/deployed/discover.py)."""
    from driftcheck.deployed.init_files import init_from_deployment

    result = init_from_deployment(args.from_deployment, args.output_file or "environments",
                                  force=args.force)
    for file in result.written:
        name = file.stem
        print(f"{file}: environment {name!r}, issuer {result.issuers[name]}")
    for item in result.not_placed:
        print(f"not placed: {item}")
    print(f"{len(result.written)} environment file(s) written; check them with "
          f"`driftcheck check {args.output_file or 'environments'} --offline`")
    return 0 if result.written else 2


def cmd_init(args: argparse.Namespace) -> int:
    from driftcheck.collect.http import FetchPolicy
    from driftcheck.init_file import starter_document

    if args.from_deployment:
        return cmd_init_from_deployment(args)
    if not args.issuer or not args.name:
        raise UsageError("init needs --issuer URL and --name NAME (or --from-deployment DIR)")

    policy = FetchPolicy()
    if args.ca_bundle and not Path(args.ca_bundle).is_file():
        raise UsageError(f"--ca-bundle {args.ca_bundle}: no such file")
    try:
        starter = starter_document(args.name, args.issuer, tier=args.tier,
                                   allow_insecure_http=args.allow_insecure_http,
                                   ca_bundle=args.ca_bundle, policy=policy)
    except DriftcheckError as exc:
        print(f"driftcheck init: {exc}", file=sys.stderr)
        return 3
    for note in starter.notes:
        print(f"driftcheck init: {note}", file=sys.stderr)
    text = starter.text
    if args.output_file in (None, "-"):
        sys.stdout.write(text)
        return 0
    from driftcheck.output_files import write_whole

    target = Path(args.output_file)
    if target.exists() and not args.force:
        raise UsageError(f"-o {target}: the file exists (use --force to replace it)")
    write_whole(target, text, what="starter environment file")
    print(f"{target}: starter environment {args.name!r} written; fill in audiences, "
          "validators, frontends and a known-good token, then run `driftcheck validate "
          f"{target}`")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from driftcheck.demo import run_demo

    result, url = run_demo(_check_options(args, None))
    if format_spec(_format(args)).draw is not None:  # a banner above a terminal report
        _console().print(f"driftcheck {__version__} demo · sandbox IdP at {url} "
                         "(stopped after the run)\n")
    code = _emit(result, args)
    # Findings are the point of the demo; only a broken demo fails.
    return code if code in (2, 3) else 0


def _inspection_console(inspection: Inspection, now: float) -> None:
    from driftcheck.report.printable import for_humans
    from driftcheck.report.token_view import render_inspection

    render_inspection(for_humans(inspection), _console(), now)


def _inspection_json(inspection: Inspection, _now: float) -> None:
    import json

    from driftcheck.report.token_view import inspection_document

    print(json.dumps(inspection_document(inspection), indent=2, ensure_ascii=False))


INSPECTION_VIEWS: dict[str, Callable[[Inspection, float], None]] = {
    OutputFormat.CONSOLE.value: _inspection_console, OutputFormat.JSON.value: _inspection_json}
"""`inspect --format`: a token's inspection is not a run's report, so it has views of its own."""


def cmd_inspect(args: argparse.Namespace) -> int:
    import time

    from driftcheck.inspect_check import inspect_in_environment
    from driftcheck.inspect_token import inspect_token, read_token

    raw = read_token(args.token)
    now = _parse_now(args.now)
    now = time.time() if now is None else now
    if args.inspect_env:
        inspection = inspect_in_environment(raw, args.inspect_env,
                                            _check_options(args, args.paths), now)
    else:
        inspection = inspect_token(raw, now)
    # DRIFTCHECK_FORMAT names a run report's format: one this command lacks is its console.
    INSPECTION_VIEWS.get(args.format, _inspection_console)(inspection, now)
    if inspection.fatal is not None:
        return 1
    from driftcheck.findings import Severity

    fail_on = Severity(args.fail_on)
    return 1 if any(f.severity.rank >= fail_on.rank for f in inspection.token_findings) else 0


def _diagnose_input(argument: str) -> str:
    """The text to diagnose: quoted on the command line, `-` for standard input, `@FILE` for
    a file (a whole log excerpt or HTTP response)."""
    # Capped and regular files only: `@/dev/zero` or an endless pipe must not hang diagnose.
    from driftcheck.safe_files import UnreadableFile, read_regular_bytes

    cap = 4 * 1024 * 1024
    if argument == "-":
        text = sys.stdin.read(cap + 1)
        if len(text) > cap:
            raise UsageError(f"standard input: more than {cap} characters of error text")
    elif argument.startswith("@"):
        try:
            text = read_regular_bytes(argument[1:], cap).decode("utf-8", "replace")
        except UnreadableFile as exc:
            raise UsageError(f"{argument[1:]}: cannot read the error text: {exc}") from None
    else:
        text = argument
    if not text.strip():
        raise UsageError("no error message given (pass it quoted, - for standard input, or "
                         "@FILE)")
    return text


def cmd_diagnose(args: argparse.Namespace) -> int:
    import time

    from driftcheck.diagnose import diagnose

    text = _diagnose_input(args.message)
    diagnosis = diagnose(text)
    token_check = None
    if args.token:
        from driftcheck.diagnose.token_check import check_with_token
        from driftcheck.inspect_token import read_token

        now = _parse_now(args.now)
        now = time.time() if now is None else now
        token_check = check_with_token(diagnosis, read_token(args.token), args.inspect_env,
                                       _check_options(args, args.paths), now)
    if args.runbook:  # the incident record, whatever --format says
        from driftcheck.diagnose.report import runbook

        sys.stdout.write(runbook(diagnosis, token_check))
    else:
        sys.stdout.write(DIAGNOSIS_VIEWS.get(args.format, _diagnosis_console)(diagnosis,
                                                                             token_check))
    return 0 if diagnosis.known else 1


def _diagnosis_console(diagnosis: Diagnosis, token_check: dict[str, Any] | None) -> str:
    from driftcheck.diagnose.report import diagnosis_text

    return diagnosis_text(diagnosis, token_check)


def _diagnosis_json(diagnosis: Diagnosis, token_check: dict[str, Any] | None) -> str:
    import json

    from driftcheck.diagnose.report import diagnosis_document

    return json.dumps(diagnosis_document(diagnosis, token_check), indent=2,
                      ensure_ascii=False) + "\n"


DIAGNOSIS_VIEWS: dict[str, Callable[[Diagnosis, dict[str, Any] | None], str]] = {
    OutputFormat.CONSOLE.value: _diagnosis_console, OutputFormat.JSON.value: _diagnosis_json}
"""`diagnose --format`: the views of a diagnosis."""


def cmd_validate(args: argparse.Namespace) -> int:
    from driftcheck.validate import validate_files

    verdicts, failed, environments = validate_files(
        args.paths or ("environments",), os.environ, allow_unset=args.allow_unset,
        trust=_trust(args))
    problems = [p for v in verdicts for p in v.problems]
    for problem in problems:
        print(f"{problem} [{problem.rule}]", file=sys.stderr)
    for verdict in verdicts:
        label = f" ({verdict.environment})" if verdict.environment else ""
        detail = ""
        if verdict.problems:
            count = len(verdict.problems)
            detail = f": {count} problem{'s' if count != 1 else ''}"
        print(f"{verdict.verdict:<8} {verdict.file}{label}{detail}")
        for unset in verdict.unset_secrets:
            kind = "warning" if args.allow_unset else "error"
            print(f"  {kind}: {unset} is not set: `check` cannot get this secret or token "
                  "(DC301)", file=sys.stderr if not args.allow_unset else sys.stdout)
    unreadable = _unreadable_artifacts(environments)
    count = sum(1 for v in verdicts if not v.problems)
    files = sum(1 for v in verdicts if v.problems)
    summary = f"{count} environment{'s' if count != 1 else ''} valid"
    if problems:
        summary += f", {files} file{'s' if files != 1 else ''} invalid"
        summary += f" ({len(problems)} problem{'s' if len(problems) != 1 else ''})"
    missing = sum(len(v.unset_secrets) for v in verdicts)
    if missing:
        summary += f", {missing} secret variable{'s' if missing != 1 else ''} not set"
    if unreadable:
        summary += f", {unreadable} deployed artifact problem{'s' if unreadable != 1 else ''}"
    print(summary)
    return 2 if failed or unreadable else 0


def _unreadable_artifacts(environments: Sequence[Environment]) -> int:
    """Deployed artifacts are local files: `validate` reads them and reports what it cannot
    read (DC410) and what is worth knowing (a value from a Secret, not inspected; a key the
    framework does not bind), without judging their values."""
    from driftcheck.deployed.read import read_deployments

    count = 0
    for name, readings in read_deployments(environments).items():
        for reading in readings:
            for problem in reading.problems:
                where = problem.file + (f":{problem.line}" if problem.line else "") + (
                    f":{problem.column}" if problem.line and problem.column else "")
                print(f"{where}: {name}: {reading.component}.deployed ({reading.kind}): "
                      f"{problem.message} [DC410]", file=sys.stderr)
                count += 1
            for note in reading.notes:
                print(f"note: {name}: {reading.component}.deployed ({reading.kind}): {note}")
    return count


def cmd_schema(args: argparse.Namespace) -> int:
    from driftcheck.schema_doc import environment_file_markdown, schema_text

    text = environment_file_markdown() if args.markdown else schema_text(partial=args.partial)
    if args.output_file in (None, "-"):
        sys.stdout.write(text)
        return 0
    from driftcheck.output_files import write_whole

    target = Path(args.output_file)
    write_whole(target, text, what="schema")
    print(f"{target}: {'environment file reference' if args.markdown else 'JSON Schema'} "
          "written")
    return 0


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


def _sandbox_api_faults(sandbox: Sandbox, specs: Sequence[str], names: list[str]) -> None:
    """--api-fault TENANT:FAULT[=VALUE]: misbehaviour of a tenant's protected API."""
    from dataclasses import replace

    from driftcheck.sandbox.protected import API_FAULT_NAMES, ApiFaults, api_fault_value

    for spec in specs:
        tenant, sep, rest = spec.partition(":")
        name, _, raw = rest.partition("=")
        try:
            if not sep or tenant not in names or name not in API_FAULT_NAMES:
                raise ValueError("unknown tenant or fault")
            value = api_fault_value(name, raw or None)
        except ValueError as exc:
            raise UsageError(
                f"--api-fault {spec!r}: expected TENANT:FAULT[=VALUE] with TENANT one of "
                f"{', '.join(names)} and FAULT one of {', '.join(API_FAULT_NAMES)} ({exc})"
            ) from None
        current = sandbox.api_faults.get(tenant, ApiFaults())
        sandbox.api_faults[tenant] = replace(current, **{name: value})  # type: ignore[arg-type]


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
    page = None
    if args.output_file:  # -o writes the HTML page whatever --format prints
        from driftcheck.output_files import write_whole
        from driftcheck.report.html import render_history_html

        page = render_history_html(timeline)
        write_whole(args.output_file, page, what="history page")
    HISTORY_VIEWS.get(args.format, _history_console)(timeline, page)
    return 0


def _history_console(timeline: KeyTimeline, _page: str | None) -> None:
    from driftcheck.report.history_view import render_history

    render_history(timeline, _console())


def _history_html(timeline: KeyTimeline, page: str | None) -> None:
    """The page, the very one -o wrote when it wrote one."""
    from driftcheck.report.html import render_history_html

    sys.stdout.write(page if page is not None else render_history_html(timeline))


HISTORY_VIEWS: dict[str, Callable[[KeyTimeline, str | None], None]] = {
    OutputFormat.CONSOLE.value: _history_console, OutputFormat.HTML.value: _history_html}
"""`history --format`: the views of a key timeline."""


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
    _sandbox_api_faults(sandbox, args.api_fault or (), names)
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
        console.print(f"  api        {sandbox.api_url(name)}  (protected: live probe target)")
    variables = sandbox_variables(sandbox)
    if args.env_file:
        from driftcheck.output_files import write_whole

        path = Path(args.env_file)
        write_whole(path, "".join(f"{k}={v}\n" for k, v in variables.items()), mode=0o600,
                    what="sandbox variables file")
        console.print(f"\nURL and client secrets written to {path} (mode 600); load them with "
                      f"`set -a; . {path}; set +a`")
    else:
        console.print(f"\nexport {SANDBOX_URL_VARIABLE}={sandbox.url}   "
                      "(client secrets are not printed: use --env-file FILE)")
    import contextlib

    with contextlib.suppress(KeyboardInterrupt):
        sandbox.serve_forever()
    return 0


def _trust(args: argparse.Namespace) -> Trust:
    """--untrusted / DRIFTCHECK_UNTRUSTED and --allow-env / DRIFTCHECK_ALLOW_ENV."""
    from driftcheck.load.trust import Trust

    untrusted = args.untrusted
    if isinstance(untrusted, str):  # from DRIFTCHECK_UNTRUSTED
        word = untrusted.strip().lower()
        if word not in ("1", "true", "yes", "0", "false", "no"):
            raise UsageError(f"DRIFTCHECK_UNTRUSTED={untrusted!r}: expected true or false")
        untrusted = word in ("1", "true", "yes")
    allowed = args.allow_env or []
    if isinstance(allowed, str):
        allowed = [allowed]
    names = frozenset(n.strip() for v in allowed for n in v.replace(",", " ").split())
    if names and not untrusted:
        raise UsageError("--allow-env only means something with --untrusted")
    return Trust(untrusted=bool(untrusted), allowed_variables=names)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="driftcheck",
        description="Catch JWT/OIDC configuration drift between deployment environments.",
    )
    parser.add_argument("--version", action="version", version=f"driftcheck {__version__}")
    parser.set_defaults(handler=None, flag_groups=())  # `driftcheck` alone: the help
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = _command(commands, "check", "check environments against their live IdPs",
                     cmd_check, (*RUN_GROUPS, SNAPSHOTS, PROBES))
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="environment files or folders (default: ./environments)")

    _command(commands, "demo", "start the sandbox IdP, check the example environments, report",
             cmd_demo, (*RUN_GROUPS, PROBES))

    snapshot = _command(
        commands, "snapshot", "record what is deployed (discovery, JWKS, token facts) as TOML",
        cmd_snapshot, (ENVIRONMENTS, NETWORK, PROBES))
    snapshot.add_argument("paths", nargs="*", metavar="PATH")
    snapshot.add_argument("-o", "--output", dest="output_file", required=True, metavar="FILE")

    init = commands.add_parser(
        "init", help="write a starter environment file from a live IdP's discovery and JWKS")
    init.add_argument("--issuer", metavar="URL")
    init.add_argument("--name", metavar="NAME")
    init.add_argument("--from-deployment", metavar="DIR",
                      help="environment files from a repository's deployment artifacts "
                      "(-o names the output folder, default ./environments)")
    init.add_argument("--tier", choices=("prod", "nonprod"), default="nonprod")
    init.add_argument("-o", dest="output_file", metavar="FILE",
                      help="where to write it (default: standard output)")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.add_argument("--allow-insecure-http", action="store_true")
    init.add_argument("--ca-bundle", metavar="FILE")
    init.set_defaults(handler=cmd_init)

    diff = _command(commands, "diff", "what changed at each IdP between two snapshots",
                    cmd_diff, RUN_GROUPS)
    diff.add_argument("old", metavar="OLD.toml")
    diff.add_argument("new", metavar="NEW.toml")
    diff.add_argument("paths", nargs="*", metavar="PATH",
                      help="environment files, for names, rotation overlaps and file "
                      "locations (optional)")

    baseline = commands.add_parser("baseline", help="accept today's findings")
    baseline_commands = baseline.add_subparsers(dest="baseline_command", metavar="ACTION",
                                                required=True)
    create = _command(
        baseline_commands, "create",
        "write the current findings to a baseline file, with reason and expiry", cmd_baseline,
        RUN_GROUPS)
    create.add_argument("paths", nargs="*", metavar="PATH")
    create.add_argument("-o", dest="output_file", required=True, metavar="FILE",
                        help="the baseline file to write")
    create.add_argument("--reason", required=True, help="why these findings are accepted")
    create.add_argument("--expires", metavar="DATE",
                        help="until when (YYYY-MM-DD; default: 90 days from today)")
    create.add_argument("--force", action="store_true", help="replace an existing baseline")
    create.add_argument("--accept-critical", action="store_true",
                        help="also accept critical findings (refused without this flag)")

    inspect = _command(
        commands, "inspect", "decode a token safely (redacted, human times); --env validates it",
        cmd_inspect, (FAIL_ON, NETWORK, NOW))
    inspect.add_argument("token", metavar="TOKEN|-|@FILE",
                         help="the token, - for standard input, or @FILE")
    inspect.add_argument("--env", dest="inspect_env", metavar="NAME",
                         help="validate it as environment NAME's known-good token")
    inspect.add_argument("--path", dest="paths", action="append", metavar="PATH",
                         help="environment files or folders for --env (default: ./environments)")
    inspect.add_argument("--format", choices=tuple(INSPECTION_VIEWS), default="console")

    diagnose = _command(
        commands, "diagnose", "from a validator's error message to the step that failed",
        cmd_diagnose, (NOW,))
    diagnose.add_argument("message", metavar="ERROR-TEXT",
                          help="the error message, log excerpt or HTTP response (quoted), "
                          "- for standard input, or @FILE")
    diagnose.add_argument("--token", metavar="TOKEN|-|@FILE",
                          help="the token that failed: confirm the diagnosis or point elsewhere")
    diagnose.add_argument("--env", dest="inspect_env", metavar="NAME",
                          help="with --token: validate it in this environment")
    diagnose.add_argument("--path", dest="paths", action="append", metavar="PATH")
    diagnose.add_argument("--runbook", action="store_true",
                          help="print the incident record as Markdown")
    diagnose.add_argument("--format", choices=tuple(DIAGNOSIS_VIEWS), default="console")

    validate = _command(commands, "validate", "validate environment files (no network)",
                        cmd_validate, (TRUST,))
    validate.add_argument("paths", nargs="*", metavar="PATH")
    validate.add_argument("--allow-unset", action="store_true",
                          help="accept ${NAME} references whose variable is not set (the "
                          "pre-commit hook uses this)")

    rules = commands.add_parser("rules", help="the rule reference")
    rules.add_argument("id", nargs="?", metavar="ID", help="a rule ID or slug")
    rules.add_argument("--markdown", action="store_true", help="print docs/rules.md")
    rules.set_defaults(handler=cmd_rules)

    profile = commands.add_parser(
        "profiles", help="validator profiles: what each framework enforces, with sources")
    profile.add_argument("name", nargs="?", metavar="NAME", help="a profile name")
    profile.add_argument("--markdown", action="store_true", help="print docs/profiles.md")
    profile.set_defaults(handler=cmd_profiles)

    schema = commands.add_parser(
        "schema", help="print the environment file's JSON Schema (for editors and CI)")
    schema.add_argument("--partial", action="store_true",
                        help="the schema of defaults files used through `extends`")
    schema.add_argument("--markdown", action="store_true",
                        help="print docs/environment-file.md, the key reference")
    schema.add_argument("-o", dest="output_file", metavar="FILE", help="write it to FILE")
    schema.set_defaults(handler=cmd_schema)

    history = commands.add_parser(
        "history", help="key timeline across snapshots: rotations, overlaps, shared keys")
    history.add_argument("snapshots", nargs="+", metavar="SNAPSHOT",
                         help="snapshot files (driftcheck snapshot -o), in any order")
    history.add_argument("--path", dest="paths", action="append", metavar="PATH",
                         help="environment files or folders, for each rotation_overlap")
    history.add_argument("--format", choices=tuple(HISTORY_VIEWS), default="console")
    history.add_argument("-o", "--output", dest="output_file", metavar="FILE",
                         help="also write the HTML page to FILE")
    history.set_defaults(handler=cmd_history)

    sandbox = commands.add_parser("sandbox", help="run the sandbox IdP in the foreground")
    sandbox.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    sandbox.add_argument("--tenant", action="append", metavar="NAME",
                         help="tenant names (default: dev, staging, prod)")
    sandbox.add_argument("--fault", action="append", metavar="TENANT:FAULT[=VALUE]",
                         help="switch a fault on, e.g. staging:trailing_slash_issuer")
    sandbox.add_argument("--api-fault", action="append", metavar="TENANT:FAULT[=VALUE]",
                         help="misconfigure a tenant's protected API, e.g. "
                         "prod:accepts_tenants=staging or dev:audience=api://orders")
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


def _terminated(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    _apply_environment_defaults(parser)
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = args.handler
    if handler is None:
        parser.print_help()
        return 2
    import contextlib
    import signal

    # SIGTERM unwinds like Ctrl-C: output files being written are left whole, children end.
    with contextlib.suppress(ValueError):  # only the main thread may set handlers
        signal.signal(signal.SIGTERM, _terminated)
    if REPORT in args.flag_groups and args.verbose:
        import logging

        from driftcheck.report.printable import VisibleFormatter

        handler_ = logging.StreamHandler(sys.stderr)
        handler_.setFormatter(VisibleFormatter("driftcheck: %(message)s"))
        logging.basicConfig(level=logging.INFO, handlers=[handler_])
        # driftcheck logs each request once, with its outcome; httpx would log it again.
        for noisy in ("httpx", "httpcore"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        code = handler(args)
        sys.stdout.flush()  # a full disk is found here, not at interpreter exit
        return code
    except DriftcheckError as exc:
        print(f"driftcheck {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        from driftcheck.closed_output import READER_GONE_EXIT, reader_gone

        if isinstance(exc, BrokenPipeError) and reader_gone(sys.stdout):
            # The reader went away (`driftcheck rules | head -1`): no error of ours, no
            # message; 141 as if killed by SIGPIPE (why not 0: closed_output.READER_GONE_EXIT).
            _discard_stdout()
            return READER_GONE_EXIT
        if exc.errno not in _OUTPUT_ERRORS:
            raise
        _discard_stdout()
        print(f"driftcheck {args.command}: error: cannot write the output: {exc.strerror}",
              file=sys.stderr)
        return 2


# Standard output that cannot take the report (`> /dev/full`, a closed pipe, a size limit).
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EPIPE, errno.EFBIG, errno.EIO, errno.EDQUOT})


def _discard_stdout() -> None:
    """Point standard output at /dev/null, so that the text still buffered is not written
    again (and fails again) when the interpreter exits."""
    from driftcheck.closed_output import discard

    discard(sys.stdout)
