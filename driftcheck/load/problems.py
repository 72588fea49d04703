"""A configuration problem: which file, which key path, what was expected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ConfigRule = Literal["DC001", "DC002", "DC003"]


@dataclass(frozen=True)
class ConfigProblem:
    rule: ConfigRule
    file: str
    message: str
    key_path: str | None = None
    line: int | None = None
    column: int | None = None
    environment: str | None = None
    """The environment's name when it is known, else the file's stem."""
    environment_file: str | None = None
    """The environment file being loaded, when `file` is a defaults file it extends."""

    @property
    def loaded_file(self) -> str:
        return self.environment_file or self.file

    def __str__(self) -> str:
        where = self.file
        if self.environment_file and self.environment_file != self.file:
            where += f" (extended by {self.environment_file})"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.key_path:
            where += f": {self.key_path}"
        return f"{where}: {self.message}"
