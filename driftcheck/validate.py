"""`driftcheck validate`: every environment file read, named with its verdict, offline.

Besides loading (schema, references, URLs: `driftcheck.load`), it reports the secret
variables a `check` would need and that are not set: errors, or warnings under
`--allow-unset` (a pre-commit hook has no secrets)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from driftcheck.load import load_environments
from driftcheck.load.loader import discover_files, display_path
from driftcheck.load.problems import ConfigProblem
from driftcheck.load.trust import TRUSTED, Trust
from driftcheck.models import Environment


@dataclass(frozen=True)
class FileVerdict:
    file: str
    environment: str | None
    problems: tuple[ConfigProblem, ...] = ()
    unset_secrets: tuple[str, ...] = ()
    """`key path: VARIABLE` for each secret variable that is not set."""

    @property
    def verdict(self) -> str:
        if self.problems:
            return "invalid"
        return "warning" if self.unset_secrets else "ok"


def _secret_variables(environment: Environment) -> Iterator[tuple[str, str]]:
    """(key path, variable) of every secret or token the environment reads from a variable."""
    for name, token in environment.tokens.items():
        if token.source == "client_credentials" and token.client_secret_env:
            yield f"tokens.{name}.client_secret_env", token.client_secret_env
        if token.source == "env" and token.env:
            yield f"tokens.{name}.env", token.env
    for name, api in environment.apis.items():
        if api.secret_env:
            yield f"apis.{name}.secret_env", api.secret_env


def validate_files(paths: Sequence[str | Path], variables: Mapping[str, str], *,
                   allow_unset: bool, trust: Trust = TRUSTED
                   ) -> tuple[list[FileVerdict], bool, tuple[Environment, ...]]:
    """Each file's verdict, in the order the files were found, whether any failed (unset
    secret variables fail unless `allow_unset`), and the environments that loaded."""
    loaded = load_environments(paths, variables, allow_unset=allow_unset, trust=trust)
    by_file: dict[str, list[ConfigProblem]] = {}
    for problem in loaded.problems:
        by_file.setdefault(problem.loaded_file, []).append(problem)
    loaded_by_file = {e.file: e for e in loaded.environments}
    verdicts = []
    for path in discover_files(paths):
        shown = display_path(path)
        environment = loaded_by_file.get(shown)
        unset = tuple(f"{key}: {variable}" for key, variable in (
            _secret_variables(environment) if environment else ()) if variable not in variables)
        problems = by_file.get(shown, [])
        name = environment.name if environment else next(
            (p.environment for p in problems if p.environment), None)
        verdicts.append(FileVerdict(shown, name, tuple(problems), unset))
    # Problems of no environment file (a folder that could not be searched) get a line too.
    shown_files = {v.file for v in verdicts}
    for file, problems in by_file.items():
        if file not in shown_files:
            verdicts.append(FileVerdict(file, None, tuple(problems), ()))
    failed = bool(loaded.problems) or (not allow_unset and any(v.unset_secrets
                                                               for v in verdicts))
    return verdicts, failed, loaded.environments
