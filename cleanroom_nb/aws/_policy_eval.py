"""A small IAM policy evaluator: statements by action and resource, conditions by operator.

It is what :func:`cleanroom_nb.check_role` needs, no more: ``*``/``?`` wildcards,
``NotAction``/``NotResource``, an explicit Deny wins; conditions of every statement (trust and
permissions) are evaluated by their operator (``String*``, ``Arn*``, ``Null``, the ``IfExists``
suffix, the ``ForAnyValue:``/``ForAllValues:`` prefixes) against a known request context. A condition on a key the context does not know is
"unknown" (None), never guessed. Permission boundaries, SCPs and resource policies are not
considered. Source: IAM User Guide, "IAM JSON policy elements: Condition operators"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cleanroom_nb.aws._service_role import wildcard_match


def as_list(value: Any) -> list[Any]:
    """A policy element as a list (``None`` is empty, a scalar is one item)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def document(doc: Any) -> dict[str, Any]:
    """A policy document as a dict (IAM answers URL-encoded JSON; boto3 usually decodes it).

    Examples
    --------
    >>> document('%7B%22Version%22%3A%20%222012-10-17%22%7D')
    {'Version': '2012-10-17'}
    """
    if isinstance(doc, Mapping):
        return dict(doc)
    if isinstance(doc, str):
        text = doc if doc.lstrip().startswith("{") else urllib.parse.unquote(doc)
        loaded = json.loads(text)
        return dict(loaded) if isinstance(loaded, Mapping) else {}
    return {}


def matches_any(patterns: Iterable[Any], value: str, *, case: bool) -> bool:
    """Whether any IAM wildcard pattern matches ``value`` as a whole."""
    return any(wildcard_match(str(p), value, case=case) for p in patterns)


def _statement_applies(stmt: Mapping[str, Any], action: str, resource: str) -> bool:
    if "Action" in stmt:
        action_ok = matches_any(as_list(stmt["Action"]), action, case=False)
    else:
        action_ok = not matches_any(as_list(stmt.get("NotAction")), action, case=False)
    if not action_ok:
        return False
    if "Resource" in stmt:
        return matches_any(as_list(stmt["Resource"]), resource, case=True)
    if "NotResource" in stmt:
        return not matches_any(as_list(stmt["NotResource"]), resource, case=True)
    return False


@dataclass(frozen=True)
class Decision:
    """Whether identity-policy statements allow an action on a resource in a request context.

    ``allowed`` is True, False, or None when it depends on a condition that cannot be evaluated
    here (a key the context does not know, an operator not implemented). ``unmet`` lists the
    Allow statements that name the action and resource but whose conditions do not hold, each
    with its evaluated conditions (the fix to name); ``unknown`` those that could not be told.
    """

    allowed: bool | None
    unmet: tuple[tuple[Mapping[str, Any], tuple[ConditionResult, ...]], ...] = ()
    unknown: tuple[tuple[Mapping[str, Any], tuple[ConditionResult, ...]], ...] = ()

    def __bool__(self) -> bool:
        return self.allowed is True


def decide(
    statements: Sequence[Mapping[str, Any]],
    action: str,
    resource: str,
    context: Mapping[str, str | None] | None = None,
) -> Decision:
    """Evaluate identity-policy ``statements`` for ``action`` on ``resource`` in ``context``.

    ``*``/``?`` wildcards, ``NotAction``/``NotResource``; each statement's Condition is
    evaluated against ``context`` (lower-cased keys, see :func:`evaluate_one`); an explicit
    Deny whose conditions hold wins. Permission boundaries, SCPs and resource policies are not
    considered.

    Examples
    --------
    >>> stmts = [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {
    ...     "ArnLike": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::bkt/events/*"}}}]
    >>> decide(stmts, "kms:Decrypt", "k", {"kms:encryptioncontext:aws:s3:arn":
    ...        "arn:aws:s3:::bkt/events/a.parquet"}).allowed
    True
    >>> decide(stmts, "kms:Decrypt", "k", {"kms:encryptioncontext:aws:s3:arn":
    ...        "arn:aws:s3:::bkt"}).allowed
    False
    """
    context = {k.lower(): v for k, v in (context or {}).items()}
    allowed = False
    deny_unknown = False
    unmet: list[tuple[Mapping[str, Any], tuple[ConditionResult, ...]]] = []
    unknown: list[tuple[Mapping[str, Any], tuple[ConditionResult, ...]]] = []
    for stmt in statements:
        if not _statement_applies(stmt, action, resource):
            continue
        results = tuple(evaluate_condition(stmt.get("Condition"), context))
        holds = all_true(results)
        if stmt.get("Effect") == "Deny":
            if holds is True:
                return Decision(False)
            deny_unknown = deny_unknown or holds is None
        elif stmt.get("Effect") == "Allow":
            if holds is True:
                allowed = True
            elif holds is False:
                unmet.append((stmt, results))
            else:
                unknown.append((stmt, results))
    if deny_unknown or (not allowed and unknown):
        return Decision(None, tuple(unmet), tuple(unknown))
    return Decision(allowed, tuple(unmet), tuple(unknown))


def is_allowed(
    statements: Sequence[Mapping[str, Any]],
    action: str,
    resource: str,
    context: Mapping[str, str | None] | None = None,
) -> bool:
    """Whether identity-policy ``statements`` certainly allow ``action`` on ``resource``.

    Conditions are evaluated against ``context`` (see :func:`decide`); one that cannot be
    evaluated is not counted as allowing.

    Examples
    --------
    >>> stmts = [{"Effect": "Allow", "Action": "glue:Get*", "Resource": "*"}]
    >>> is_allowed(stmts, "glue:GetTable", "arn:aws:glue:us-east-1:1:table/db/t")
    True
    >>> is_allowed(stmts, "glue:CreateDatabase", "arn:aws:glue:us-east-1:1:database/default")
    False
    """
    return decide(statements, action, resource, context).allowed is True


# ------------------------------------------------------------------------------ conditions

_NEGATED = frozenset(
    {"stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike"}
)
_KNOWN = _NEGATED | {
    "stringequals",
    "stringequalsignorecase",
    "stringlike",
    "arnequals",
    "arnlike",
    "null",
}


@dataclass(frozen=True)
class ConditionResult:
    """One ``operator: {key: values}`` pair of a Condition block and how it evaluated.

    ``result`` is True or False, or None when the operator or the key is not known here.
    """

    operator: str
    key: str
    values: tuple[str, ...]
    result: bool | None

    def __str__(self) -> str:
        values = ", ".join(self.values)
        return f"{self.operator} {self.key} = {values}"


def _arn_match(pattern: str, value: str) -> bool:
    """ArnLike/ArnEquals: each of the six colon-separated parts is matched on its own."""
    p_parts, v_parts = pattern.split(":", 5), value.split(":", 5)
    if len(p_parts) != 6 or len(v_parts) != 6:
        return False
    return all(wildcard_match(p, v) for p, v in zip(p_parts, v_parts, strict=True))


def _match(base: str, pattern: str, value: str) -> bool:
    if base in ("stringequals", "stringnotequals"):
        return pattern == value
    if base in ("stringequalsignorecase", "stringnotequalsignorecase"):
        return pattern.lower() == value.lower()
    if base in ("stringlike", "stringnotlike"):
        return wildcard_match(pattern, value)
    return _arn_match(pattern, value)  # the Arn* operators


def evaluate_one(
    operator: str, key: str, values: Any, context: Mapping[str, str | None]
) -> bool | None:
    """Evaluate ``operator: {key: values}`` against ``context``.

    ``context`` maps lower-cased keys to their value, or to None for a key known to be absent;
    a key that is not in ``context`` at all is unknown, and so is the result (None).

    Examples
    --------
    >>> evaluate_one("StringNotEquals", "aws:SourceAccount", "1", {"aws:sourceaccount": "1"})
    False
    >>> evaluate_one("StringEqualsIfExists", "aws:SourceOrgID", "o-1", {}) is None
    True
    """
    op = operator.lower()
    qualifier = ""
    if ":" in op:  # ForAnyValue: / ForAllValues: on a single-valued key
        qualifier, op = op.split(":", 1)
        if qualifier not in ("foranyvalue", "forallvalues"):
            return None
    if_exists = op.endswith("ifexists")
    base = op.removesuffix("ifexists")
    if base not in _KNOWN or key.lower() not in context:
        return None
    listed = [str(v) for v in as_list(values)]
    value = context[key.lower()]
    if base == "null":
        wants_absent = any(v.lower() == "true" for v in listed)
        return (value is None) is wants_absent
    if value is None:  # absent: IfExists, ForAllValues and the negated operators hold
        return if_exists or base in _NEGATED or qualifier == "forallvalues"
    hit = any(_match(base, p, value) for p in listed)
    return not hit if base in _NEGATED else hit


def evaluate_condition(condition: Any, context: Mapping[str, str | None]) -> list[ConditionResult]:
    """Every ``operator: {key: values}`` pair of a Condition block, evaluated.

    Examples
    --------
    >>> [r.result for r in evaluate_condition(
    ...     {"StringEqualsIfExists": {"aws:SourceAccount": ["1"]}}, {"aws:sourceaccount": "2"})]
    [False]
    """
    out: list[ConditionResult] = []
    if not isinstance(condition, Mapping):
        return out
    for operator, pairs in condition.items():
        if not isinstance(pairs, Mapping):
            out.append(ConditionResult(str(operator), "?", (), None))
            continue
        for key, values in pairs.items():
            result = evaluate_one(str(operator), str(key), values, context)
            shown = tuple(str(v) for v in as_list(values))
            out.append(ConditionResult(str(operator), str(key), shown, result))
    return out


def all_true(results: Iterable[ConditionResult]) -> bool | None:
    """True when every condition holds, False when one fails, None when one is unknown."""
    unknown = False
    for r in results:
        if r.result is False:
            return False
        if r.result is None:
            unknown = True
    return None if unknown else True
