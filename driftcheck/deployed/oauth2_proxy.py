"""oauth2-proxy: its config file (`oauth2-proxy.cfg`, TOML syntax) and `OAUTH2_PROXY_*`
environment variables from the manifests (environment over file, as oauth2-proxy's viper
configuration applies them).

For bearer tokens (`skip_jwt_bearer_tokens = true`) oauth2-proxy accepts tokens of
`oidc_issuer_url` whose audience is `client_id` (or one of `oidc_extra_audiences`), and of
every `extra_jwt_issuers` "issuer=audience" pair.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from driftcheck.deployed.files import ArtifactFiles, shown
from driftcheck.deployed.interface import DisabledCheck, Origin, ReaderOutput, Setting
from driftcheck.deployed.kubernetes import container_env
from driftcheck.load.lines import key_lines
from driftcheck.models import DeployedRef

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_LISTS = {"extra_jwt_issuers", "oidc_extra_audiences"}


class OAuth2ProxyReader:
    kinds = frozenset({"oauth2-proxy"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        values: dict[str, tuple[Any, Origin]] = {}
        read: list[str] = []
        notes: list[str] = []
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
        env = container_env(files, ref.manifests, ref.select) if ref.manifests else None
        if env is not None:
            notes += env.notes
            for name, variable in env.variables.items():
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
        settings: list[Setting] = []
        disabled: list[DisabledCheck] = []
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
        skip_issuer = values.get("insecure_oidc_skip_issuer_verification")
        if skip_issuer is not None and str(skip_issuer[0]).lower() == "true":
            disabled.append(DisabledCheck(
                "issuer", "insecure_oidc_skip_issuer_verification = true", skip_issuer[1]))
        bearer = values.get("skip_jwt_bearer_tokens")
        if bearer is None or str(bearer[0]).lower() != "true":
            notes.append("skip_jwt_bearer_tokens is not true: bearer tokens are not accepted "
                         "(only oauth2-proxy's own session cookie)")
        if read == [] and env is None:
            return ReaderOutput(notes=tuple(notes))
        return ReaderOutput(tuple(read), tuple(settings), tuple(disabled), notes=tuple(notes))


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return []
