"""express-oauth2-jwt-bearer: `auth()` reads `ISSUER_BASE_URL`, `AUDIENCE`, `JWKS_URI`,
`TOKEN_SIGNING_ALG` (and `ISSUER`) from the process environment: `.env` files (dotenv does
not override variables already set) and the container's environment in the manifests."""

from __future__ import annotations

import io
from collections.abc import Mapping

from dotenv.parser import parse_stream

from driftcheck.deployed.files import ArtifactFiles, shown
from driftcheck.deployed.interface import Origin, ReaderOutput, Setting
from driftcheck.deployed.kubernetes import EnvVar, container_env
from driftcheck.models import DeployedRef

_FIELDS = {"ISSUER_BASE_URL": "issuers", "ISSUER": "issuers", "AUDIENCE": "audiences",
           "JWKS_URI": "jwks_uri", "TOKEN_SIGNING_ALG": "algorithms"}


_Values = dict[str, tuple[str, Origin, list[Origin]]]
"""Variable name -> (value, where it is set, where earlier files set it)."""


class ExpressJwtBearerReader:
    kinds = frozenset({"express-oauth2-jwt-bearer"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        values: _Values = {}
        read = _read_dotenv_files(files, ref, values)
        notes: list[str] = []
        env = container_env(files, ref.manifests, ref.select) if ref.manifests else None
        if env is not None:
            notes += env.notes
            _apply_container_env(env.variables, values, notes)
        if "AUDIENCE" not in values and (read or env is not None) and not any(
                "AUDIENCE" in n for n in notes):
            notes.append("AUDIENCE is set in none of these files: auth() then needs its "
                         "audience option in code (it refuses to start without one)")
        return ReaderOutput(tuple(read), tuple(_settings(values)), notes=tuple(notes))


def _read_dotenv_files(files: ArtifactFiles, ref: DeployedRef, values: _Values) -> list[str]:
    """Fill `values` from the .env files; the files read."""
    read: list[str] = []
    for path in files.expand(ref.paths):
        text = files.read_text(path)
        if text is None:
            continue
        read.append(shown(path))
        for binding in parse_stream(io.StringIO(text)):
            line = binding.original.line
            if binding.error:
                files.problem(path, "not a KEY=value line (python-dotenv cannot parse it)",
                              line)
            elif binding.key in _FIELDS:
                # dotenv keeps the first definition of a variable across files
                values.setdefault(binding.key, (binding.value or "", Origin(
                    shown(path), line, detail=binding.key), []))
    return read


def _apply_container_env(variables: Mapping[str, EnvVar], values: _Values,
                         notes: list[str]) -> None:
    """The container's environment wins over the .env files (dotenv does not override)."""
    for name, variable in variables.items():
        if name not in _FIELDS:
            continue
        if variable.value is None:
            notes.append(f"{name} comes from {variable.secret} and is not inspected")
            values.pop(name, None)
            continue
        earlier = [values[name][1]] if name in values else []
        values[name] = (variable.value, variable.origin, earlier)


def _settings(values: _Values) -> list[Setting]:
    settings: list[Setting] = []
    issuer = values.get("ISSUER_BASE_URL") or values.get("ISSUER")
    if issuer:
        settings.append(Setting("issuers", (issuer[0],), issuer[1], tuple(issuer[2])))
    for name in ("AUDIENCE", "JWKS_URI", "TOKEN_SIGNING_ALG"):
        if name in values:
            value, origin, earlier = values[name]
            field = _FIELDS[name]
            settings.append(Setting(field, value if field == "jwks_uri" else tuple(
                v.strip() for v in value.split(",") if v.strip()), origin, tuple(earlier)))
    return settings
