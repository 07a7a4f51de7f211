"""Row-level findings of an import, shared by every kind of import (the tenancy
register, grøn drift's readings, labels and degree days): the person sees the row as
numbered in their file, the column and what is wrong."""

from __future__ import annotations

from typing import Any

from almen.imports.models import FINDINGS_CAP

ERROR, WARNING = "error", "warning"


class Findings:
    """Row-level findings, capped for storage; the counts are always complete."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.omitted = 0
        self.errors = 0
        self.warnings = 0
        self.error_rows: set[int] = set()  # complete, for counting rows refused

    def add(self, level: str, row: int | None, column: str, message: str) -> None:
        if level == ERROR:
            self.errors += 1
            if row is not None:
                self.error_rows.add(row)
        else:
            self.warnings += 1
        if len(self.items) < FINDINGS_CAP:
            self.items.append({"level": level, "row": row, "column": column, "message": message})
        else:
            self.omitted += 1

    def error(self, row: int | None, column: str, message: str) -> None:
        self.add(ERROR, row, column, message)

    def warning(self, row: int | None, column: str, message: str) -> None:
        self.add(WARNING, row, column, message)


class FileRejected(Exception):
    """The file cannot be used at all (unreadable, CPR numbers, wrong columns)."""

    def __init__(self, findings: Findings, *, cpr: bool = False) -> None:
        super().__init__(findings)
        self.findings = findings
        self.cpr = cpr
