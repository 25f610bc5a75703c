"""Bring the tags of an audience model or configured audience model to the wanted ones.

Tags are checked before they are sent (the service model's limits, at most 50, no ``aws:``
prefix: :func:`cleanroom_nb.request._rules.tag_rules`), and keys starting with ``aws:`` are never
removed: "You cannot edit or delete tag keys with this prefix" (the operations' ``tags``
documentation). Both calls go through the one seam, :func:`cleanroom_nb.audience._send.send`.
"""

from __future__ import annotations

from collections.abc import Mapping

import boto3

from cleanroom_nb._errors import RequestInvalidError
from cleanroom_nb._findings import format_findings
from cleanroom_nb.audience._send import send
from cleanroom_nb.audience._translate import call_error
from cleanroom_nb.request._model_checks import model_findings
from cleanroom_nb.request._rules import RESERVED_TAG_PREFIX, tag_rules
from cleanroom_nb.submit._compare import TagChanges, tag_changes


def update_tags(
    arn: str,
    current: Mapping[str, str] | None,
    wanted: Mapping[str, str] | None,
    *,
    boto3_session: boto3.Session | None = None,
) -> TagChanges:
    """Make the tags of ``arn`` equal ``wanted`` (``aws:`` keys stay); returns what changed.

    Raises
    ------
    RequestInvalidError
        A wanted tag breaks a documented limit (nothing was sent).
    AccessDeniedError
        The caller lacks ``cleanrooms-ml:TagResource`` / ``UntagResource``.
    """
    mine = {k: v for k, v in (current or {}).items() if not _reserved(k)}
    changes = tag_changes(mine, wanted)
    if not changes:
        return changes
    to_tag = changes.to_tag()
    if to_tag:
        request = {"resourceArn": arn, "tags": to_tag}
        findings = [
            *model_findings(request, "TagResource"),
            *tag_rules({"tags": dict(wanted or {})}),
        ]
        if findings:
            raise RequestInvalidError(
                f"the tags of {arn} were not changed:\n{format_findings(findings)}", findings
            )
        _send("TagResource", request, arn, boto3_session)
    removed = [k for k in changes.removed if not _reserved(k)]
    if removed:
        _send("UntagResource", {"resourceArn": arn, "tagKeys": removed}, arn, boto3_session)
    return changes


def _reserved(key: str) -> bool:
    return key.lower().startswith(RESERVED_TAG_PREFIX)


def _send(
    operation: str, request: Mapping[str, object], arn: str, session: boto3.Session | None
) -> None:
    what = f"{operation} on {arn}"
    try:
        send(operation, request, what=what, boto3_session=session)
    except Exception as exc:
        raise call_error(exc, what=what, actions=[f"cleanrooms-ml:{operation}"]) from exc
