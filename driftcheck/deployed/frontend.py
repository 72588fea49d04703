"""Frontends: bundler `.env` files (Vite, Next.js, Create React App) with each tool's
precedence, and JSON runtime configuration files.

`.env` values are inlined into the bundle at build time: what was built is what runs, until
the next build. Precedence (lowest first, `mode` = `profile`, default "production"):
- Vite: `.env`, `.env.local`, `.env.[mode]`, `.env.[mode].local` (Vite guide, "Env Variables
  and Modes"); only `VITE_*` reach the browser.
- Next.js and Create React App: `.env`, `.env.[mode]`, `.env.local`, `.env.[mode].local`
  (Next.js "Environment Variables" load order; CRA "Adding Custom Environment Variables");
  only `NEXT_PUBLIC_*` / `REACT_APP_*` reach the browser.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from dotenv.parser import parse_stream

from driftcheck.deployed.files import ArtifactFiles, shown
from driftcheck.deployed.interface import Origin, ReaderOutput, Setting
from driftcheck.deployed.jsonc import json_key_line, read_json_with_comments
from driftcheck.json_pointer import resolve_pointer
from driftcheck.models import DeployedRef

_PUBLIC_PREFIX = {"vite": "VITE_", "nextjs": "NEXT_PUBLIC_", "create-react-app": "REACT_APP_"}


def _rank(kind: str, name: str, mode: str) -> int | None:
    """Precedence of an `.env*` file name (higher wins), or None when it does not apply."""
    if kind == "vite":
        order = [".env", ".env.local", f".env.{mode}", f".env.{mode}.local"]
    else:
        order = [".env", f".env.{mode}", ".env.local", f".env.{mode}.local"]
    return order.index(name) if name in order else None


def _env_file(files: ArtifactFiles, path: Path) -> dict[str, tuple[str, Origin]]:
    text = files.read_text(path)
    if text is None:
        return {}
    found: dict[str, tuple[str, Origin]] = {}
    for binding in parse_stream(io.StringIO(text)):
        line = binding.original.line
        if binding.error:
            files.problem(path, "not a KEY=value line (python-dotenv cannot parse it)", line)
        elif binding.key is not None:
            found[binding.key] = (binding.value or "",
                                  Origin(shown(path), line, detail=binding.key))
    return found


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_REFERENCE = re.compile(rf"\\?\$(?:\{{(?P<braced>{_NAME})\}}|(?P<bare>{_NAME}))")


def _expand(value: str, known: dict[str, str], depth: int = 0) -> str | None:
    """`$NAME` and `${NAME}` as the bundlers' dotenv-expand resolves them from the loaded
    files (`\\$` is a literal `$`); None when a name is set nowhere."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        if match.group(0).startswith("\\"):
            return match.group(0)[1:]
        name = match["braced"] or match["bare"]
        if name not in known or depth > 5:
            missing = True
            return match.group(0)
        inner = _expand(known[name], known, depth + 1)
        if inner is None:
            missing = True
            return match.group(0)
        return inner

    result = _REFERENCE.sub(replace, value)
    return None if missing else result


class DotenvFrontendReader:
    kinds = frozenset({"vite", "nextjs", "create-react-app"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        mode = ref.profile or "production"
        notes: list[str] = []
        ranked: list[tuple[int, int, Path]] = []
        for position, path in enumerate(files.expand(ref.paths)):
            rank = _rank(ref.kind, path.name, mode)
            if rank is None and path.name.startswith(".env"):
                continue  # another mode's file
            ranked.append((rank if rank is not None else -1, position, path))
        ordered = [p for _, _, p in sorted(ranked)]
        values: dict[str, list[tuple[str, Origin]]] = {}
        for path in ordered:
            for key, pair in _env_file(files, path).items():
                values.setdefault(key, []).append(pair)
        if not ref.map:
            files.problem(ref.declared_in, "deployed.map names no variables (e.g. map = "
                          "{ authority = \"VITE_OIDC_AUTHORITY\" })")
        settings: list[Setting] = []
        prefix = _PUBLIC_PREFIX[ref.kind]
        for field, variable in sorted(ref.map.items()):
            if not variable.startswith(prefix):
                files.problem(ref.declared_in, f"map.{field} = {variable!r}: only {prefix}* "
                              f"variables reach the browser bundle ({ref.kind})")
                continue
            found = values.get(variable)
            if not found:
                files.problem(", ".join(shown(p) for p in ordered) or ", ".join(ref.paths),
                              f"{variable} (map.{field}) is set in none of the files for "
                              f"mode {mode!r}")
                continue
            value, origin = found[-1]
            expanded = _expand(value, {k: v[-1][0] for k, v in values.items()})
            if expanded is None:
                files.problem(origin.file or "", f"{variable} = {value}: a variable reference "
                              "no file of this mode sets; not compared", origin.line,
                              unresolved=True)
                continue
            settings.append(Setting(field, expanded, origin,
                                    tuple(o for _, o in found[:-1])))
        return ReaderOutput(tuple(shown(p) for p in ordered), tuple(settings),
                            notes=tuple(notes))


class JsonRuntimeConfigReader:
    """A runtime configuration file (what `runtime_config_url` serves), read from disk;
    `map` holds JSON Pointers as `runtime_config_map` does."""

    kinds = frozenset({"json"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        settings: dict[str, Setting] = {}
        read: list[str] = []
        for path in files.expand(ref.paths):
            parsed = read_json_with_comments(files, path)
            if parsed is None:
                continue
            document, text = parsed
            read.append(shown(path))
            for field, pointer in sorted(ref.map.items()):
                if pointer and not pointer.startswith("/"):
                    continue  # reported once below
                found, value = resolve_pointer(document, pointer)
                if not found or not isinstance(value, str):
                    continue
                segments = [s.replace("~1", "/").replace("~0", "~")
                            for s in pointer.split("/")[1:]]
                origin = Origin(shown(path), json_key_line(text, segments), detail=pointer)
                earlier = settings.get(field)
                settings[field] = Setting(field, value, origin, (
                    (*earlier.overrode, earlier.origin) if earlier else ()))
        for field, pointer in sorted(ref.map.items()):
            if pointer and not pointer.startswith("/"):
                files.problem(ref.declared_in, f"map.{field} = {json.dumps(pointer)}: kind "
                              "\"json\" maps fields to JSON Pointers such as \"/auth/authority\"")
            elif field not in settings and read:
                files.problem(", ".join(read), f"map.{field} = {json.dumps(pointer)} finds no "
                              "string in the runtime configuration")
        return ReaderOutput(tuple(read), tuple(settings.values()))
