"""Load environment files: TOML -> extends -> ${VAR} -> JSON Schema -> frozen models."""

from driftcheck.load.loader import ConfigProblem, LoadResult, discover_files, load_environments

__all__ = ["ConfigProblem", "LoadResult", "discover_files", "load_environments"]
