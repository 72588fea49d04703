"""Load environment files: TOML -> extends -> ${VAR} -> JSON Schema -> frozen models."""

from driftcheck.load.loader import LoadResult, discover_files, load_environments
from driftcheck.load.problems import ConfigProblem

__all__ = ["ConfigProblem", "LoadResult", "discover_files", "load_environments"]
