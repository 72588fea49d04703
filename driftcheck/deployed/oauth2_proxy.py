"""oauth2-proxy: its config file (`oauth2-proxy.cfg`, TOML syntax), `OAUTH2_PROXY_*`
environment variables and the container's command-line flags from the manifests.

Precedence and names as oauth2-proxy documents them (oauth2-proxy/oauth2-proxy
`docs/docs/configuration/overview.md`, commit 0187cc8e, v7.x): "command line options will
overwrite environment variables and environment variables will overwrite configuration file
settings"; a config key is the flag with `-` replaced by `_`, plural (trailing `s`) for a flag
that may be given several times (`--oidc-extra-audience` -> `oidc_extra_audiences`); an
environment variable is `OAUTH2_PROXY_` + the config key in capitals. Flags are parsed as
pflag does (`pkg/apis/options/legacy_options.go` declares them): `--flag=value` or
`--flag value`, a bool flag alone means true and takes a value only after `=`, a list flag
(`StringSlice`) takes comma-separated values and may repeat, and a list given on the command
line replaces the list from the environment or the file; `--` ends the flags.

For bearer tokens (`skip_jwt_bearer_tokens = true`) oauth2-proxy accepts tokens of
`oidc_issuer_url` whose audience is `client_id` (or one of `oidc_extra_audiences`), and of
every `extra_jwt_issuers` "issuer=audience" pair.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from driftcheck.deployed.files import ArtifactFiles, shown
from driftcheck.deployed.interface import DisabledCheck, Origin, ReaderOutput, Setting
from driftcheck.deployed.kubernetes import EnvVar, container_env
from driftcheck.load.lines import key_lines
from driftcheck.models import DeployedRef

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_LISTS = {"extra_jwt_issuers", "oidc_extra_audiences"}
_BOOL_FLAGS = {"insecure-oidc-skip-issuer-verification", "skip-jwt-bearer-tokens"}
_FLAG_KEYS = {"oidc-issuer-url": "oidc_issuer_url", "client-id": "client_id",
              "extra-jwt-issuers": "extra_jwt_issuers",
              "oidc-extra-audience": "oidc_extra_audiences",
              "insecure-oidc-skip-issuer-verification":
                  "insecure_oidc_skip_issuer_verification",
              "skip-jwt-bearer-tokens": "skip_jwt_bearer_tokens"}
_UNEXPANDED = re.compile(r"\$\([A-Za-z_][A-Za-z0-9_.-]*\)")
_TRUE = {"1", "t", "T", "TRUE", "true", "True"}  # Go strconv.ParseBool


_Values = dict[str, tuple[Any, Origin]]
"""Config key -> (value, where it is set): file, then environment, then flags."""


class OAuth2ProxyReader:
    kinds = frozenset({"oauth2-proxy"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        values: _Values = {}
        read = _read_config_files(files, ref, values)
        notes: list[str] = []
        env = container_env(files, ref.manifests, ref.select) if ref.manifests else None
        if env is not None:
            notes += env.notes
            _apply_environment(env.variables, values, notes)
            flags, unresolved = _flags(env.arguments)  # command-line flags win
            values.update(flags)
            notes += unresolved
        settings = _identity_settings(values)
        disabled: list[DisabledCheck] = []
        skip_issuer = values.get("insecure_oidc_skip_issuer_verification")
        if skip_issuer is not None and _true(skip_issuer[0]):
            disabled.append(DisabledCheck(
                "issuer", "insecure_oidc_skip_issuer_verification = true", skip_issuer[1]))
        bearer = values.get("skip_jwt_bearer_tokens")
        if bearer is None or not _true(bearer[0]):
            notes.append("skip_jwt_bearer_tokens is not true: bearer tokens are not accepted "
                         "(only oauth2-proxy's own session cookie)")
        if read == [] and env is None:
            return ReaderOutput(notes=tuple(notes))
        return ReaderOutput(tuple(read), tuple(settings), tuple(disabled), notes=tuple(notes))


def _read_config_files(files: ArtifactFiles, ref: DeployedRef, values: _Values) -> list[str]:
    """Fill `values` from the config files; the files read."""
    read: list[str] = []
    for path in files.expand(ref.paths):
        text = files.read_text(path)
        if text is None:
            continue
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            position = _TOML_POSITION.search(str(exc))
            files.problem(path, "invalid config file: " + _TOML_POSITION.sub("", str(exc)),
                          int(position[1]) if position else None,
                          int(position[2]) if position else None)
            continue
        lines = key_lines(text)
        read.append(shown(path))
        for key, value in document.items():
            values[key] = (value, Origin(shown(path), lines.get(key), detail=key))
    return read


def _apply_environment(variables: Mapping[str, EnvVar], values: _Values,
                       notes: list[str]) -> None:
    """`OAUTH2_PROXY_*` variables overwrite the config file's keys."""
    for name, variable in variables.items():
        if not name.startswith("OAUTH2_PROXY_"):
            continue
        key = name.removeprefix("OAUTH2_PROXY_").lower()
        if variable.value is None:
            notes.append(f"{name} comes from {variable.secret} and is not inspected")
            continue
        from_env: Any = variable.value
        if key in _LISTS:
            from_env = [v.strip() for v in variable.value.split(",") if v.strip()]
        values[key] = (from_env, variable.origin)


def _identity_settings(values: _Values) -> list[Setting]:
    """The issuers and audiences of the bearer tokens oauth2-proxy accepts."""
    settings: list[Setting] = []
    issuers: list[str] = []
    audiences: list[str] = []
    first: dict[str, Origin] = {}
    if isinstance(values.get("oidc_issuer_url", (None,))[0], str):
        issuers.append(values["oidc_issuer_url"][0])
        first["issuers"] = values["oidc_issuer_url"][1]
    if isinstance(values.get("client_id", (None,))[0], str):
        audiences.append(values["client_id"][0])
        first.setdefault("audiences", values["client_id"][1])
    for extra in _as_list(values.get("oidc_extra_audiences", (None,))[0]):
        audiences.append(extra)
        first.setdefault("audiences", values["oidc_extra_audiences"][1])
    for pair in _as_list(values.get("extra_jwt_issuers", (None,))[0]):
        issuer, _, audience = pair.partition("=")
        issuers.append(issuer)
        audiences += [audience] if audience else []
        first.setdefault("issuers", values["extra_jwt_issuers"][1])
    if issuers:
        settings.append(Setting("issuers", tuple(dict.fromkeys(issuers)), first["issuers"]))
    if audiences:
        settings.append(Setting("audiences", tuple(dict.fromkeys(audiences)),
                                first["audiences"]))
    return settings


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return []


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip() in _TRUE)


def _flags(arguments: Sequence[tuple[str, Origin]]
           ) -> tuple[dict[str, tuple[Any, Origin]], list[str]]:
    """The flags driftcheck reads, by config key, from a container's command and args; and
    notes on flags whose value names a variable driftcheck cannot see (a Secret's)."""
    found: dict[str, tuple[Any, Origin]] = {}
    notes: list[str] = []
    index = 0
    while index < len(arguments):
        argument, origin = arguments[index]
        index += 1
        if argument == "--":
            break
        if not argument.startswith("--") or len(argument) == 2:
            continue  # the program, or a value of a flag driftcheck does not read
        name, has_value, value = argument[2:].partition("=")
        if not has_value:
            if name in _BOOL_FLAGS:
                value = "true"
            elif index < len(arguments) and not arguments[index][0].startswith("-"):
                value = arguments[index][0]
                index += 1
            else:
                continue  # a flag with no value (a bool flag driftcheck does not read)
        key = _FLAG_KEYS.get(name)
        if key is None:
            continue
        at = replace(origin, detail=f"args --{name}")
        if _UNEXPANDED.search(value):
            notes.append(f"--{name} ({at.file}:{at.line}) takes its value from a variable "
                         "driftcheck cannot read (a Secret's, or undefined); not inspected")
            continue
        if key in _LISTS:
            earlier = found[key][0] if key in found else []
            found[key] = (earlier + next(csv.reader([value])), found[key][1] if key in found
                          else at)
        else:
            found[key] = (value, at)
    return found, notes
