"""Numbers and counts written as people write them: ``3 rows each``, ``1 column``, ``2 errors``.

One home for the wording of figures in messages, reasons and the form, so that no screen shows
``400,000.0 rows each`` or ``1 error(s)``.
"""

from __future__ import annotations

import math

__all__ = ["count", "number", "plural"]


def plural(n: float, word: str, many: str | None = None) -> str:
    """``word`` for one, else its plural (``many``, or ``word + "s"``).

    Examples
    --------
    >>> plural(1, "column"), plural(2, "column"), plural(0, "entry", "entries")
    ('column', 'columns', 'entries')
    """
    return word if n == 1 else (many or f"{word}s")


def number(x: float) -> str:
    """A figure with the digits that matter: whole numbers without a decimal point.

    Thousands are separated; below 10 one decimal is kept when it says something.

    Examples
    --------
    >>> number(400_000.0), number(3), number(1.25), number(2.0), number(12.6), number(float("nan"))
    ('400,000', '3', '1.2', '2', '13', '?')
    """
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "?"
    if float(x).is_integer():
        return f"{int(x):,}"
    if abs(x) < 10:
        text = f"{x:.1f}"
        return text[:-2] if text.endswith(".0") else text
    return f"{round(x):,}"


def count(n: float, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural when ``n`` is not one.

    Examples
    --------
    >>> count(1, "error"), count(3, "warning"), count(400_000.0, "row"), count(1.5, "row")
    ('1 error', '3 warnings', '400,000 rows', '1.5 rows')
    >>> count(1.0025, "row")  # as shown: "1 row", never "1 rows"
    '1 row'
    """
    text = number(n)
    return f"{text} {word if text == '1' else (many or word + 's')}"
