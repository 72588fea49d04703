"""ASP.NET Core JwtBearer and Microsoft.Identity.Web from `appsettings.json`,
`appsettings.{Environment}.json` and environment variables (`Authentication__Schemes__Bearer__
ValidAudiences__0`).

ASP.NET Core configuration is flat and case-insensitive: every key (`a:b:0`) is overridden on
its own by later sources (base file, environment file, environment variables), so a list can
mix items from several sources. The environment is `profile`, else `ASPNETCORE_ENVIRONMENT` /
`DOTNET_ENVIRONMENT` from the manifests, else "Production" (the host's default).

JwtBearer binds exactly what `JwtBearerConfigureOptions.Configure` reads from
`Authentication:Schemes:{scheme}` (dotnet/aspnetcore, src/Security/Authentication/JwtBearer/
src/JwtBearerConfigureOptions.cs, .NET 8): `ValidIssuer` + `ValidIssuers` (ValidateIssuer =
issuers.Count > 0), `ValidAudience` + `ValidAudiences` (ValidateAudience = audiences.Count > 0),
`Authority`, `MetadataAddress`, `RequireHttpsMetadata`, `IncludeErrorDetails`,
`RefreshOnIssuerKeyNotFound`, ... — and not `Audience`, which it never reads.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from driftcheck.deployed.files import ArtifactFiles, shown
from driftcheck.deployed.interface import (
    DisabledCheck,
    Origin,
    ReaderOutput,
    Setting,
)
from driftcheck.deployed.jsonc import json_key_line, read_json_with_comments
from driftcheck.deployed.kubernetes import ContainerEnv, container_env
from driftcheck.deployed.sources import Entry
from driftcheck.models import DeployedRef

_APPSETTINGS = re.compile(r"^appsettings(?:\.(?P<env>[^.]+))?\.json$", re.IGNORECASE)
SOURCE = "JwtBearerConfigureOptions (dotnet/aspnetcore, .NET 8)"
IDENTITY_WEB_SOURCE = "Microsoft.Identity.Web MicrosoftIdentityOptions"


def _flatten(value: Any, prefix: list[str], text: str, file: str,
             found: dict[str, Entry]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, [*prefix, str(key)], text, file, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(item, [*prefix, str(index)], text, file, found)
    else:
        key = ":".join(prefix)
        shown_value = value if not isinstance(value, bool) else str(value).lower()
        found[key.lower()] = Entry(key, None if value is None else str(shown_value),
                                   Origin(file, json_key_line(text, prefix), detail=key))


class _Configuration:
    """The merged, case-insensitive flat configuration and what each key overrode."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.overrode: dict[str, list[Origin]] = {}

    def add(self, entries: dict[str, Entry]) -> None:
        for key, entry in entries.items():
            if key in self.entries:
                self.overrode.setdefault(key, []).append(self.entries[key].origin)
            self.entries[key] = entry

    def get(self, key: str) -> Entry | None:
        entry = self.entries.get(key.lower())
        return entry if entry is not None and entry.value not in (None, "") else None

    def children(self, key: str) -> list[tuple[str, Entry]]:
        prefix = key.lower() + ":"
        return sorted(((k, e) for k, e in self.entries.items()
                       if k.startswith(prefix) and k[len(prefix):].isdigit()
                       and e.value not in (None, "")),
                      key=lambda pair: int(pair[0][len(prefix):]))

    def has_section(self, key: str) -> bool:
        prefix = key.lower() + ":"
        return any(k.startswith(prefix) for k in self.entries)

    def setting(self, field: str, key: str) -> Setting | None:
        entry = self.get(key)
        if entry is None:
            return None
        return Setting(field, str(entry.value), entry.origin,
                       tuple(self.overrode.get(key.lower(), ())))


def _environment_name(ref: DeployedRef, env: ContainerEnv | None) -> str:
    if ref.profile:
        return ref.profile
    for name in ("ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"):
        variable = env.variables.get(name) if env else None
        if variable is not None and variable.value:
            return variable.value
    return "Production"


def load_configuration(ref: DeployedRef, files: ArtifactFiles
                       ) -> tuple[_Configuration, list[str], list[str]]:
    """(configuration, files read in order, notes)."""
    env = container_env(files, ref.manifests, ref.select) if ref.manifests else None
    environment = _environment_name(ref, env)
    notes = list(env.notes) if env else []
    base: list[Path] = []
    specific: list[Path] = []
    for path in files.expand(ref.paths):
        match = _APPSETTINGS.match(path.name)
        if match is None or match["env"] is None:
            base.append(path)
        elif match["env"] == environment:
            specific.append(path)  # other environments' files are matched, not applied
    configuration = _Configuration()
    read: list[str] = []
    for path in base + specific:
        parsed = read_json_with_comments(files, path)
        if parsed is None:
            continue
        document, text = parsed
        found: dict[str, Entry] = {}
        _flatten(document, [], text, shown(path), found)
        configuration.add(found)
        read.append(shown(path))
    if env is not None:
        variables: dict[str, Entry] = {}
        for name, variable in env.variables.items():
            key = name.replace("__", ":")
            if variable.value is None:
                if ":" in key:
                    notes.append(f"{name} comes from {variable.secret} and is not inspected")
                continue
            variables[key.lower()] = Entry(key, variable.value, variable.origin)
        configuration.add(variables)
    return configuration, read, notes


def _list_setting(configuration: _Configuration, field: str, section: str, many: str,
                  one: str) -> Setting | None:
    items = configuration.children(f"{section}:{many}")
    single = configuration.get(f"{section}:{one}")
    values = [str(e.value) for _, e in items] + ([str(single.value)] if single else [])
    if not values:
        return None
    origins = [e.origin for _, e in items] + ([single.origin] if single else [])
    overrode = [o for k, _ in items for o in configuration.overrode.get(k, ())]
    if single:
        overrode += configuration.overrode.get(f"{section}:{one}".lower(), [])
    return Setting(field, tuple(dict.fromkeys(values)), origins[0], tuple(overrode))


def _scheme(configuration: _Configuration, select: str | None) -> str:
    """`select` when it names a scheme (it may name the container instead), else the only
    scheme configured, else JwtBearerDefaults.AuthenticationScheme ("Bearer")."""
    prefix = "authentication:schemes:"
    schemes = {e.key.split(":")[2] for k, e in configuration.entries.items()
               if k.startswith(prefix) and len(e.key.split(":")) > 3}
    by_lower = {s.lower(): s for s in schemes}
    if select and select.lower() in by_lower:
        return by_lower[select.lower()]
    return schemes.pop() if len(schemes) == 1 else "Bearer"


class AspNetCoreReader:
    kinds = frozenset({"aspnetcore"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        configuration, read, notes = load_configuration(ref, files)
        scheme = _scheme(configuration, ref.select)
        section = f"Authentication:Schemes:{scheme}"
        if not configuration.has_section(section):
            files.problem(", ".join(read) or ", ".join(ref.paths),
                          f"no {section} section: ASP.NET Core binds no JwtBearer setting "
                          "from configuration (JwtBearerConfigureOptions returns early)")
            return ReaderOutput(tuple(read), notes=tuple(notes))
        settings: list[Setting] = []
        disabled: list[DisabledCheck] = []
        section_origin = next(e.origin for k, e in configuration.entries.items()
                              if k.startswith(section.lower() + ":"))
        issuers = _list_setting(configuration, "issuers", section, "ValidIssuers", "ValidIssuer")
        audiences = _list_setting(configuration, "audiences", section, "ValidAudiences",
                                  "ValidAudience")
        if issuers:
            settings.append(issuers)
        else:
            disabled.append(DisabledCheck(
                "issuer", f"no {section}:ValidIssuer(s): ValidateIssuer is false ({SOURCE})",
                section_origin))
        if audiences:
            settings.append(audiences)
        else:
            disabled.append(DisabledCheck(
                "audience", f"no {section}:ValidAudience(s): ValidateAudience is false "
                f"({SOURCE})", section_origin))
        for field, key in (("authority", "Authority"), ("metadata_address", "MetadataAddress")):
            found = configuration.setting(field, f"{section}:{key}")
            if found is not None:
                settings.append(found)
        for field, key in (("require_https_metadata", "RequireHttpsMetadata"),
                           ("include_error_details", "IncludeErrorDetails"),
                           ("refetch_on_unknown_kid", "RefreshOnIssuerKeyNotFound")):
            found = configuration.setting(field, f"{section}:{key}")
            if found is None:
                continue
            # bool.Parse: "true"/"false" in any case, surrounding spaces allowed; anything
            # else makes the host throw FormatException at start-up.
            text = str(found.value).strip().lower()
            if text not in ("true", "false"):
                files.problem(found.origin.file or "", f"{section}:{key} = {found.value!r} is "
                              "not a boolean: bool.Parse throws and the app does not start",
                              found.origin.line)
                continue
            settings.append(Setting(field, text == "true", found.origin, found.overrode))
        ignored = configuration.get(f"{section}:Audience")
        if ignored is not None:
            notes.append(f"{section}:Audience ({ignored.origin}) is not read by "
                         f"{SOURCE}; ValidAudience(s) is")
        settings.append(Setting("clock_skew", 300.0, Origin(
            default="Microsoft.IdentityModel TokenValidationParameters.DefaultClockSkew: "
            "5 min, not bound from configuration")))
        return ReaderOutput(tuple(read), tuple(settings), tuple(disabled), notes=tuple(notes))


class IdentityWebReader:
    """Microsoft.Identity.Web's `AzureAd` section (or `select`): Instance, TenantId,
    ClientId, Audience. Without Audience, it accepts ClientId (v2 tokens) and
    api://ClientId (v1 tokens)."""

    kinds = frozenset({"microsoft-identity-web"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        configuration, read, notes = load_configuration(ref, files)
        section = ref.select or "AzureAd"
        if not configuration.has_section(section):
            files.problem(", ".join(read) or ", ".join(ref.paths),
                          f"no {section} section for Microsoft.Identity.Web")
            return ReaderOutput(tuple(read), notes=tuple(notes))
        settings: list[Setting] = []
        instance = configuration.setting("instance", f"{section}:Instance")
        tenant = configuration.setting("tenant", f"{section}:TenantId")
        client = configuration.setting("client_id", f"{section}:ClientId")
        audience = configuration.setting("audiences", f"{section}:Audience")
        if tenant is not None:
            base = str(instance.value) if instance else "https://login.microsoftonline.com/"
            authority = base.rstrip("/") + "/" + str(tenant.value) + "/v2.0"
            settings.append(Setting("authority", authority, tenant.origin))
        if audience is not None:
            settings.append(Setting("audiences", (str(audience.value),), audience.origin,
                                    audience.overrode))
        elif client is not None:
            settings.append(Setting(
                "audiences", (str(client.value), f"api://{client.value}"),
                Origin(client.origin.file, client.origin.line,
                       default=f"{IDENTITY_WEB_SOURCE}: no Audience, so ClientId (v2) and "
                       "api://ClientId (v1) are accepted", detail=client.origin.detail)))
        if client is not None:
            settings.append(client)
        return ReaderOutput(tuple(read), tuple(settings), notes=tuple(notes))

