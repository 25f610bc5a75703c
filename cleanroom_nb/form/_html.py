"""Small HTML pieces the views share: finding lines, code with syntax highlighting, tables."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from cleanroom_nb._findings import Finding

Setter = Callable[[Any, str, Any], None]
"""``set_(widget, trait, value)``: set a trait only when it differs (the views' setter)."""

RED, AMBER, GREEN, GREY = "#cf222e", "#9a6700", "#1a7f37", "#6e7781"
MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, DejaVu Sans Mono, monospace"


def findings_html(findings: Iterable[Finding]) -> str:
    """One line per finding: its message in words (never its pattern or details)."""
    return "".join(
        f"<div class='crn-finding crn-{f.level}' "
        f"style='color:{RED if f.level == 'error' else AMBER}'>"
        f"{'&#10007;' if f.level == 'error' else '&#9888;'} {html.escape(f.message)}</div>"
        for f in findings
    )


def grey(text: str, *, cls: str = "") -> str:
    """A small grey note (``""`` for no text)."""
    if not text:
        return ""
    klass = f" class='{cls}'" if cls else ""
    return f"<div{klass} style='color:{GREY};font-size:12px'>{html.escape(text)}</div>"


def scan_estimate_html(text: str) -> str:
    """An Athena query's scan estimate, shown before it runs (``""`` for none)."""
    return grey(text, cls="crn-scan-estimate")


def bytes_scanned_html(text: str) -> str:
    """The bytes an Athena query scanned, shown after it ran (``""`` for none)."""
    return grey(text, cls="crn-bytes-scanned")


@functools.lru_cache(maxsize=32)
def code_html(code: str, language: str = "python") -> str:
    """``code`` in a monospace block with Pygments' syntax highlighting (inline styles).

    Examples
    --------
    >>> "font-family" in code_html("x = 1")
    True
    """
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import JsonLexer, PythonLexer

    lexer = PythonLexer() if language == "python" else JsonLexer()
    body = highlight(code, lexer, HtmlFormatter(nowrap=True, noclasses=True, style="default"))
    return (
        f"<pre class='crn-code crn-code-{language}' style='font-family:{MONO};font-size:12px;"
        "line-height:1.4;max-height:360px;overflow:auto;background:#f6f8fa;padding:8px;"
        f"margin:0;white-space:pre'>{body}</pre>"
    )


def table_html(
    header: Sequence[str], rows: Iterable[Sequence[str]], *, cls: str, raw: bool = False
) -> str:
    """A small table; cells are escaped unless ``raw`` (then they are HTML already)."""
    cell = (lambda s: s) if raw else html.escape
    head = "".join(f"<th style='text-align:left;padding:2px 10px 2px 0'>{h}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f"<td style='padding:2px 10px 2px 0'>{cell(str(v))}</td>" for v in row)
        + "</tr>"
        for row in rows
    )
    return (
        f"<table class='{cls}' style='border-collapse:collapse;font-size:13px'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
