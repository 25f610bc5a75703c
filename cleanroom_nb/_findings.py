"""Findings: what a check reports, each with a level, a path, a code and a message."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem found by a check.

    Parameters
    ----------
    level
        ``"error"`` blocks the request; ``"warning"`` should be read and acknowledged.
    path
        Where the problem is, e.g. ``"trainingData[0].inputConfig.schema[3].columnName"``,
        ``"tags"``, ``"roleArn"`` or ``"columns.user_id"``.
    code
        A stable, machine-readable code such as ``"pattern"`` or ``"timestamp_unit"``.
    message
        What is wrong and how to fix it, in words (never a raw regular expression).
    details
        Machine-readable facts for code users (e.g. the service model's ``pattern``); not shown
        on screen and not part of equality.

    Examples
    --------
    >>> f = Finding("error", "name", "max_length", "name has 70 characters; use at most 63")
    >>> print(f)
    [error] name: name has 70 characters; use at most 63 (max_length)
    """

    level: Level
    path: str
    code: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        return f"[{self.level}] {self.path}: {self.message} ({self.code})"


class Findings(list[Finding]):
    """A list of :class:`Finding` with helpers and a notebook view.

    Examples
    --------
    >>> fs = Findings([Finding("warning", "tags", "x", "m")])
    >>> fs.ok, len(fs.warnings)
    (True, 1)
    """

    def __init__(self, items: Iterable[Finding] = ()) -> None:
        super().__init__(items)

    @property
    def errors(self) -> list[Finding]:
        """The findings with level ``"error"``."""
        return [f for f in self if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """The findings with level ``"warning"``."""
        return [f for f in self if f.level == "warning"]

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not self.errors

    def at(self, prefix: str) -> list[Finding]:
        """The findings whose path is ``prefix`` or lies under it."""
        return [
            f for f in self if f.path == prefix or f.path.startswith((prefix + ".", prefix + "["))
        ]

    def __str__(self) -> str:
        if not self:
            return "no findings"
        return "\n".join(str(f) for f in self)

    def _repr_html_(self) -> str:
        if not self:
            return "<p style='color:#1a7f37'>&#10003; no findings</p>"
        rows = "".join(
            "<tr><td style='color:{c}'>{lvl}</td><td><code>{p}</code></td><td>{code}</td>"
            "<td style='text-align:left'>{m}</td></tr>".format(
                c="#cf222e" if f.level == "error" else "#9a6700",
                lvl=f.level,
                p=html.escape(f.path),
                code=html.escape(f.code),
                m=html.escape(f.message),
            )
            for f in self
        )
        return (
            f"<p>{len(self.errors)} error(s), {len(self.warnings)} warning(s)</p>"
            "<table><thead><tr><th>level</th><th>path</th><th>code</th><th>message</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
        )


def format_findings(findings: Iterable[Finding]) -> str:
    """Render findings as an indented multi-line text for exception messages."""
    return "\n".join(f"  - {f}" for f in findings)
