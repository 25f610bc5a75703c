"""The fix plan: what each column needs before Clean Rooms ML can read it, and the schema after.

Suggestions follow meaning, fixes follow storage. A column that means the time, the user or
the item keeps that role; when its storage must change (text dates, float ids, raw e-mails),
the schema carries one :class:`~cleanroom_nb.fixes.Fix` for it. What each kind of fix needs,
does, shows and writes in SQL is defined once in :mod:`cleanroom_nb.fixes`; this module asks
that registry for the plan and derives the schema of the fixed data (:func:`after_fixes`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from cleanroom_nb.fixes import Fix, kind_of, plan_column

if TYPE_CHECKING:
    from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema

__all__ = ["Fix", "after_fixes", "fix_text", "fixed_column", "plan_fix", "plan_fixes"]


def plan_fixes(schema: TrainingSchema) -> tuple[Fix, ...]:
    """One fix per column of ``to_api()`` whose storage must change (see :class:`Fix`)."""
    out = []
    for c in schema.columns:
        if c.role is None:
            continue
        fix = plan_fix(c, sql_name=schema.api_name(c))
        if fix is not None:
            out.append(fix)
    return tuple(out)


def plan_fix(c: ColumnSchema, *, sql_name: str | None = None) -> Fix | None:
    """The fix ``c`` needs for its role, or None when it is fine as it is."""
    quoted = '"' + (sql_name or c.glue_name).replace('"', '""') + '"'
    return plan_column(c, quoted)


def fixed_column(c: ColumnSchema, fix: Fix) -> ColumnSchema:
    """``c`` as it is after ``fix``: the new Glue type, profile and a reason describing it.

    The role, confidence and the user's edits are kept.
    """
    kind = kind_of(fix)
    profile = c.profile
    if profile is not None:
        profile = replace(profile, **kind.profile_after(profile, fix.params))
    return replace(
        c,
        glue_type=fix.new_glue_type,
        profile=profile,
        reason=fix.after,
    )


def after_fixes(schema: TrainingSchema) -> TrainingSchema:
    """The schema of ``apply_fixes(df, schema)``'s result, from ``schema`` itself.

    Each fixed column gets its new Glue type, its profile facts after the fix and a reason
    that describes the new storage ("bigint epoch seconds, converted from text '%Y-%m-%d'");
    roles, confidences and ``with_role`` edits are kept, nothing is inferred again.
    """
    from cleanroom_nb.infer._schema import TrainingSchema

    fixes = {f.column: f for f in schema.fixes}
    cols = [fixed_column(c, fixes[c.name]) if c.name in fixes else c for c in schema.columns]
    return TrainingSchema.from_columns(
        cols,
        missing=schema.missing,
        source=schema.source,
        extra_findings=schema.extra_findings,
        glue_names=schema.glue_names,
    )


def fix_text(fix: Fix) -> str:
    """The fix as a sentence for a finding: what to run."""
    return f"Fix: {fix.what}: {fix.pandas} (or crn.apply_fixes(df, schema))."
