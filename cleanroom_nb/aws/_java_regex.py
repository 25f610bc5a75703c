"""Java regular expressions (as AWS evaluates the service model's patterns) in Python's ``re``.

What differs between the two engines is translated exactly; what has no exact Python form is
refused (:class:`UnsupportedPatternError`), never approximated.
"""

from __future__ import annotations

import re

from cleanroom_nb._errors import UnsupportedPatternError

_HEX = "0123456789abcdefABCDEF"
_JAVA_LINE_TERMINATORS = "\\n\\r\\u0085\\u2028\\u2029"
# Java's ``.`` (no DOTALL) matches anything but a line terminator.
_JAVA_DOT = f"[^{_JAVA_LINE_TERMINATORS}]"
# Java's ``$`` (no MULTILINE): end of input, or before a line terminator that ends the input
# (never between ``\r`` and ``\n``).
_JAVA_DOLLAR = "(?:\\Z|(?=\\r\\n\\Z)|(?<!\\r)(?=\\n\\Z)|(?=[\\r\\u0085\\u2028\\u2029]\\Z))"
_POSIX_CLASSES = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7F",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1F\\x7F",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0B\\f\\r",
}


def _py_char(code: int) -> str:
    return f"\\U{code:08X}" if code > 0xFFFF else f"\\u{code:04X}"


def java_regex_to_python(pattern: str) -> str:
    """Translate a Java regex (as AWS services evaluate the model's patterns) to Python ``re``.

    Compile the result with ``re.ASCII`` (Java's ``\\s``, ``\\w``, ``\\d`` are ASCII-only).
    What differs between the two engines is translated exactly:

    - ``\\uXXXX`` escapes: a high surrogate escape directly followed by a low surrogate escape
      is one supplementary code point (Java's ``Pattern.u()``); any other surrogate escape
      stays a lone code unit, as in Java. The model's ``\\uD800\\uDBFF-\\uDC00\\uDFFF``
      therefore adds only lone surrogates, so characters beyond U+FFFF do not match -- as in
      Java, which matches strings by code point.
    - ``.`` excludes every Java line terminator, ``$`` and ``\\Z`` also match before a final
      ``\\r``, ``\\r\\n``, U+0085, U+2028 or U+2029; ``\\z`` is Python's ``\\Z``.
    - ``\\x{h..h}``, ``\\e``, ``\\Q...\\E``, ``\\p{Alpha}``-style POSIX classes, ``(?<name>``.

    Raises
    ------
    UnsupportedPatternError
        For Java-only syntax with no exact Python form (Unicode ``\\p{L}``, nested classes,
        class intersection ``&&``, ``\\G``, ``\\R``, ...).

    Examples
    --------
    >>> java_regex_to_python("[\\\\uD83D\\\\uDE00a]")
    '[\\\\U0001F600a]'
    >>> re.fullmatch(java_regex_to_python("a.b"), "a\\u2028b") is None
    True
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    class_start = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            text, i = _escape(pattern, i, in_class)
            out.append(text)
            class_start = False
            continue
        if in_class:
            if c == "[" or pattern.startswith("&&", i):
                raise UnsupportedPatternError("nested character classes / && are Java-only")
            if c == "]" and not class_start:
                in_class = False
            out.append(c)
            class_start = False
            i += 1
            continue
        if c == "[":
            in_class = True
            j = i + 1
            if pattern[j : j + 1] == "^":
                j += 1
            out.append(pattern[i:j])
            i = j
            class_start = True
            continue
        if c == ".":
            out.append(_JAVA_DOT)
        elif c == "$":
            out.append(_JAVA_DOLLAR)
        elif pattern.startswith("(?<", i) and pattern[i + 3 : i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _hex_at(pattern: str, j: int, k: int) -> int | None:
    s = pattern[j : j + k]
    return int(s, 16) if len(s) == k and all(c in _HEX for c in s) else None


def _unicode_escape(pattern: str, i: int) -> tuple[str, int]:
    """``\\uXXXX`` (a surrogate pair of escapes is one code point, as in Java)."""
    code = _hex_at(pattern, i + 2, 4)
    if code is None:
        raise UnsupportedPatternError(f"bad \\u escape at {i}")
    i += 6
    if 0xD800 <= code <= 0xDBFF and pattern[i : i + 2] == "\\u":
        low = _hex_at(pattern, i + 2, 4)
        if low is not None and 0xDC00 <= low <= 0xDFFF:
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            i += 6
    return _py_char(code), i


def _hex_escape(pattern: str, i: int) -> tuple[str, int]:
    """``\\xhh`` and ``\\x{h...h}``."""
    if pattern[i + 2 : i + 3] == "{":
        end = pattern.find("}", i + 3)
        body = pattern[i + 3 : end] if end > 0 else ""
        if not body or any(ch not in _HEX for ch in body):
            raise UnsupportedPatternError(f"bad \\x{{...}} escape at {i}")
        return _py_char(int(body, 16)), end + 1
    code = _hex_at(pattern, i + 2, 2)
    if code is None:
        raise UnsupportedPatternError(f"bad \\x escape at {i}")
    return _py_char(code), i + 4


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """The Python form of the escape at ``pattern[i]`` and the index after it."""
    if i + 1 >= len(pattern):
        raise UnsupportedPatternError("pattern ends with a lone backslash")
    e = pattern[i + 1]
    if e == "u":
        return _unicode_escape(pattern, i)
    if e == "x":
        return _hex_escape(pattern, i)
    if e == "e":
        return "\\x1B", i + 2
    if e == "Q":
        end = pattern.find("\\E", i + 2)
        end = len(pattern) if end < 0 else end
        return re.escape(pattern[i + 2 : end]), end + 2
    if e == "p" and pattern[i + 2 : i + 3] == "{":
        end = pattern.find("}", i + 3)
        name = (pattern[i + 3 : end] if end > 0 else "").removeprefix("Is")
        if name not in _POSIX_CLASSES:
            raise UnsupportedPatternError(f"Java class \\p{{{name}}} has no re form")
        return (_POSIX_CLASSES[name] if in_class else f"[{_POSIX_CLASSES[name]}]"), end + 1
    if e in "dDsSwWtnrfa" or (not e.isalnum()) or (not in_class and e in "bBA"):
        return pattern[i : i + 2], i + 2
    if not in_class and e == "z":
        return "\\Z", i + 2
    if not in_class and e == "Z":
        return _JAVA_DOLLAR, i + 2
    raise UnsupportedPatternError(f"Java escape \\{e} has no exact re form")
