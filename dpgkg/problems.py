"""Problems found while reading input: one line each, naming file, field and reason."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is; ``error`` means the file (or part of it) was not built."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Problem:
    """One finding about one input file.

    ``pointer`` is a JSON pointer (RFC 6901) into the file, ``""`` for the whole file.
    """

    file: str
    pointer: str
    reason: str
    severity: Severity = Severity.ERROR
    code: str = "invalid"

    def line(self) -> str:
        where = self.pointer or "(file)"
        return f"{self.severity.value}: {self.file}: {where}: {self.reason}"

    def as_dict(self) -> dict[str, str]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def json_pointer(parts: Iterable[object]) -> str:
    """Build an RFC 6901 pointer from path parts (escaping ``~`` and ``/``)."""
    out = []
    for part in parts:
        out.append(str(part).replace("~", "~0").replace("/", "~1"))
    return "".join("/" + p for p in out)


@dataclass
class ProblemLog:
    """Collects problems across a batch; never raises."""

    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        file: str,
        pointer: str,
        reason: str,
        severity: Severity = Severity.ERROR,
        code: str = "invalid",
    ) -> None:
        self.problems.append(Problem(file, pointer, reason, severity, code))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    def of(self, severity: Severity) -> list[Problem]:
        return [p for p in self.problems if p.severity is severity]

    @property
    def errors(self) -> list[Problem]:
        return self.of(Severity.ERROR)

    @property
    def warnings(self) -> list[Problem]:
        return self.of(Severity.WARNING)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self.problems:
            counts[p.code] = counts.get(p.code, 0) + 1
        return dict(sorted(counts.items()))

    def to_json(self) -> str:
        return json.dumps([p.as_dict() for p in self.problems], indent=2)
