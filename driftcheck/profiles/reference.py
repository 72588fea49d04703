"""Profiles as text: `driftcheck profiles [NAME]`, docs/profiles.md, and the per-rule
"how validators behave" tables of `driftcheck rules` and docs/rules.md. Plain text, no rich:
these commands should start fast."""

from __future__ import annotations

from driftcheck.durations import seconds_text
from driftcheck.profiles import Profile, profiles

LABELS = {
    "issuer_comparison": "issuer comparison",
    "issuer_template": "{tenantid} issuer template",
    "audience": "audience",
    "audience_array": "aud as an array",
    "clock_skew": "default clock skew",
    "jwks_cache": "JWKS cache",
    "refetch_on_unknown_kid": "refetch on unknown kid",
    "refetch_cooldown": "refetch cooldown",
    "key_lookup": "key for a token without kid",
    "exp_required": "exp required",
    "exp_checked": "exp checked",
    "nbf_checked": "nbf checked",
    "iat_checked": "future iat rejected",
    "algorithms": "algorithms",
    "default_algorithms": "accepted algorithms by default",
    "algorithms_setting": "algorithm setting",
    "issuer_setting": "issuer setting",
    "audience_setting": "audience setting",
    "clock_skew_setting": "clock skew setting",
    "jwks_uri_setting": "JWKS URL setting",
    "jwks_cache_setting": "JWKS cache setting",
    "typ_setting": "typ setting",
    "max_age_setting": "max token age setting",
    "typ": "typ",
}

RULE_ASPECTS: dict[str, tuple[str, ...]] = {
    "DC101": ("issuer_comparison", "issuer_template", "issuer_setting"),
    "DC102": ("issuer_comparison", "issuer_setting"),
    "DC103": ("issuer_comparison", "issuer_setting"),
    "DC309": ("issuer_comparison", "issuer_template", "issuer_setting"),
    "DC310": ("audience", "audience_array", "audience_setting"),
    "DC306": ("clock_skew", "exp_checked", "clock_skew_setting"),
    "DC307": ("clock_skew", "nbf_checked", "iat_checked", "clock_skew_setting"),
    "DC314": ("exp_required", "max_age_setting"),
    "DC304": ("key_lookup",),
    "DC209": ("jwks_cache", "refetch_on_unknown_kid", "refetch_cooldown", "rotation_lead",
              "jwks_cache_setting"),
    "DC211": ("jwks_cache", "jwks_cache_setting"),
    "DC106": ("jwks_uri_setting",),
    "DC406": ("clock_skew", "clock_skew_setting"),
    "DC701": ("clock_skew", "clock_skew_setting"),
    "DC303": ("default_algorithms", "algorithms_setting"),
    "DC404": ("algorithms_setting",),
    "DC312": ("typ", "typ_setting"),
}
"""Which profile values decide each rule's outcome for a given API, and the framework
setting its fix names."""


def value_text(field: str, value: object) -> str:
    if field == "jwks_cache":
        return "not fetched" if value is None else seconds_text(float(str(value)))
    if field in ("clock_skew", "refetch_cooldown"):
        return seconds_text(float(str(value)))
    if isinstance(value, tuple):
        return ", ".join(value) if value else "any the keys allow"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field == "algorithms_setting" and not value:
        return "none (the keys decide)"
    if field == "key_lookup":
        return {"any": "every key of its type is tried", "single": "the set's only key, if it "
                "has one key", "exact": "none: the kid must equal a key's"}.get(str(value),
                                                                              str(value))
    if field.endswith("_setting") and not value:
        return "none"
    return str(value)


def _lead(profile: Profile) -> str:
    lead = profile.rotation_lead
    return "manual" if lead is None else seconds_text(lead)


def cell(profile: Profile, field: str) -> str:
    if field == "rotation_lead":
        return _lead(profile)
    return value_text(field, profile.values()[field].value)


def profile_text(profile: Profile) -> str:
    lines = [f"{profile.name}: {profile.title}", f"  library: {profile.library}"]
    width = max(len(label) for label in LABELS.values())
    for field, sourced in profile.values().items():
        lines.append(f"  {LABELS[field].ljust(width)}  {value_text(field, sourced.value)}")
        lines.append(f"  {''.ljust(width)}    source: {sourced.source}")
    lines.append(f"  {'new key lead time'.ljust(width)}  {_lead(profile)}")
    return "\n".join(lines) + "\n"


_SUMMARY = ("issuer_comparison", "clock_skew", "jwks_cache", "refetch_on_unknown_kid",
            "exp_required", "audience")


def profiles_table_text() -> str:
    rows: list[tuple[str, ...]] = [
        ("profile", "issuer", "skew", "JWKS cache", "refetch", "exp req.", "audience",
         "key lead")]
    rows += [(p.name, *(cell(p, f) for f in _SUMMARY), _lead(p)) for p in profiles().values()]
    return _aligned(rows)


def _aligned(rows: list[tuple[str, ...]]) -> str:
    """Rows as plain text in columns two spaces apart."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                   + "\n" for row in rows)


def aspect_table_markdown(rule_id: str) -> list[str]:
    """Markdown lines: how each profile behaves for this rule; [] when no profile matters."""
    aspects = RULE_ASPECTS.get(rule_id)
    if not aspects:
        return []
    headers = ["validator", *(LABELS.get(a, "new key lead time") for a in aspects)]
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join([p.name, *(cell(p, a) for a in aspects)]) + " |"
              for p in profiles().values()]
    return lines


def aspect_table_text(rule_id: str) -> str:
    aspects = RULE_ASPECTS.get(rule_id)
    if not aspects:
        return ""
    rows: list[tuple[str, ...]] = [
        ("validator", *(LABELS.get(a, "new key lead time") for a in aspects))]
    rows += [(p.name, *(cell(p, a) for a in aspects)) for p in profiles().values()]
    return _aligned(rows)


_DOC_HEADER = """# Validator profiles

<!-- Generated from driftcheck/profiles/profiles.toml by `driftcheck profiles --markdown`;
     do not edit by hand. tests/test_profiles.py fails when this file is out of date. -->

The same token and discovery document pass one validator and fail another. Set
`validator = "NAME"` on an API or gateway and driftcheck judges it by what that framework
enforces with its defaults. A value the environment file declares (`clock_skew`,
`jwks_cache_ttl`, `issuer_comparison`, `refetch_on_unknown_kid`, `require_exp`,
`issuer_template`) overrides the profile's; findings and `--matrix` say which applied
("60 s, spring-security default").

**New key lead time** is how long before its first use a new signing key must be in the JWKS
for that validator: its refetch cooldown when it refetches on an unknown kid, else its whole
JWKS cache window (DC209). "manual": keys are configured, not fetched (JWKS cache "not
fetched"), so a new key needs a configuration change before the IdP signs with it.

Choices where the frameworks leave room:

- `strict` (the default) assumes the worst: exact issuers, 0 s skew, exp required, and no
  refetch on an unknown kid, so a declared `jwks_cache_ttl` is the full lead time. Its 0 s
  skew is an assumption for judging tokens, so DC406 does not report it as a setting.
- Microsoft.IdentityModel caches metadata for 12 h but ASP.NET Core's JwtBearer handler
  requests a refresh after an unknown-kid failure, at most every 5 min: the lead time is
  5 min (declare `refetch_on_unknown_kid = false` for hosts that do not refresh, and the
  lead time becomes 12 h).
- Where a vendor documents no value (API Gateway's clock skew and refetch behaviour) the
  profile says so in its source and assumes the strict reading.
- Issuer templates (`issuer_template = "https://login.microsoftonline.com/{tenantid}/v2.0"`)
  are filled from the token's `tid` only by profiles that do so themselves
  (microsoft-identitymodel, openid-client); elsewhere DC309 says the template has no effect.
"""


def profiles_markdown() -> str:
    lines = [_DOC_HEADER, "| " + " | ".join(
        ["profile", *(LABELS[f] for f in _SUMMARY), "new key lead time"]) + " |",
        "|" + " --- |" * (len(_SUMMARY) + 2)]
    lines += ["| " + " | ".join([f"[{p.name}](#{p.name})", *(cell(p, f) for f in _SUMMARY),
                                 _lead(p)]) + " |" for p in profiles().values()]
    for profile in profiles().values():
        lines += ["", f"## {profile.name}", "", f"{profile.title}. Library: {profile.library}.",
                  "", "| setting | default | source |", "| --- | --- | --- |"]
        lines += [f"| {LABELS[field]} | {value_text(field, sourced.value)} | "
                  f"{sourced.source.replace('|', '/')} |"
                  for field, sourced in profile.values().items()]
        lines.append(f"| new key lead time | {_lead(profile)} | computed |")
    return "\n".join(lines) + "\n"
