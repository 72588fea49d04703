"""What a JSON Schema cannot say about one environment file: names that must refer to
something declared in the same file, and values that must be URLs.

Runs on the interpolated document after it passed the schema; each problem is a key path
and what was expected there (DC001)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

URL_KEYS = {
    "idp": ("issuer", "discovery_url", "jwks_uri"),
    "frontends": ("url", "runtime_config_url", "authority", "api_base_url"),
    "apis": ("url",),
    "gateways": ("url",),
}
URL_LISTS = {"apis": ("issuers",), "gateways": ("issuers",)}


def _not_url(value: str) -> str | None:
    """Why `value` is not an absolute http(s) URL, or None when it is one."""
    if "${" in value:
        return None  # an unresolved variable (validate --allow-unset): judged when set
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        return "expected an absolute http(s) URL such as \"https://login.example.com/tenant\""
    if not parts.hostname:
        return "expected a URL with a host name after the scheme"
    return None


def _urls(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    idp = document.get("idp", {})
    for key in URL_KEYS["idp"]:
        if isinstance(idp.get(key), str):
            yield f"idp.{key}", idp[key]
    for family in ("frontends", "apis", "gateways"):
        for name, component in document.get(family, {}).items():
            for key in URL_KEYS[family]:
                if isinstance(component.get(key), str):
                    yield f"{family}.{name}.{key}", component[key]
            for key in URL_LISTS.get(family, ()):
                for index, value in enumerate(component.get(key, ())):
                    if isinstance(value, str):
                        yield f"{family}.{name}.{key}[{index}]", value


def _api_names(document: Mapping[str, Any]) -> str:
    names = sorted(document.get("apis", {}))
    return f"apis: {', '.join(names)}" if names else "the file declares no [apis.NAME]"


def reference_problems(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key path, message) for each broken reference or non-URL value."""
    problems: list[tuple[str, str]] = []
    apis = document.get("apis", {})
    for key, value in _urls(document):
        why = _not_url(value)
        if why is not None:
            problems.append((key, f"{why}, got {value!r}"))
    for name, frontend in document.get("frontends", {}).items():
        api = frontend.get("api")
        if isinstance(api, str) and api not in apis:
            problems.append((f"frontends.{name}.api",
                             f"names API {api!r}, which this file does not declare "
                             f"({_api_names(document)})"))
    for name, gateway in document.get("gateways", {}).items():
        for index, upstream in enumerate(gateway.get("upstream_apis", ())):
            if upstream not in apis:
                problems.append((f"gateways.{name}.upstream_apis[{index}]",
                                 f"names API {upstream!r}, which this file does not declare "
                                 f"({_api_names(document)})"))
    for name, token in document.get("tokens", {}).items():
        for_api = token.get("for_api")
        if isinstance(for_api, str) and for_api not in apis:
            problems.append((f"tokens.{name}.for_api",
                             f"names API {for_api!r}, which this file does not declare "
                             f"({_api_names(document)})"))
        elif for_api is None and len(apis) > 1:
            problems.append((f"tokens.{name}",
                             "expected for_api: the environment has several APIs "
                             f"({_api_names(document)}) and the token's audience, "
                             "algorithms and claims are judged against one of them"))
    return problems
