"""The registry of fix kinds: each kind is ONE definition every path derives from.

A kind (one module in :mod:`cleanroom_nb.fixes.kinds`, registered with :func:`register`, in the
manner of pandera's engine registry and visions' types) says, from one class:

* :meth:`FixKind.plan`: whether a column needs it (from its role, Glue type and profile) and
  the :class:`~cleanroom_nb.fixes.Fix` the plan carries;
* :meth:`FixKind.convert`: the pandas/Arrow implementation (``apply_fixes``, ``Fix.pandas``'s
  functions, ``register_dataframe``);
* :meth:`FixKind.sql`: the Athena (Trino) expression (``fix_glue_table``);
* :meth:`FixKind.code`: the code shown to users (``Fix.pandas``), executable as written with
  ``import cleanroom_nb as crn`` and the frame as ``df``;
* :meth:`FixKind.preview`: before/after values (``preview_fix``);
* :meth:`FixKind.after`: the new storage in words, and the profile facts that change.

A new kind is one file in ``kinds/`` plus its tests (``tests/fixes/``); every registered kind
is run by the every-path test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol, TypeVar

import pandas as pd

from cleanroom_nb._errors import SchemaError
from cleanroom_nb.fixes._fix import Fix


class Profile(Protocol):
    """The profile facts a kind reads (``cleanroom_nb.ColumnProfile`` has them)."""

    time_unit: str | None
    time_format: Any
    integral: bool

    def has(self, *patterns: str) -> bool:
        """Whether any of ``patterns`` was seen in the sample."""


class Column(Protocol):
    """The column facts a kind reads (``cleanroom_nb.ColumnSchema`` has them)."""

    @property
    def name(self) -> str: ...
    @property
    def glue_type(self) -> str: ...
    @property
    def role(self) -> str | None: ...
    @property
    def profile(self) -> Any: ...


class FixKind:
    """One kind of fix. Subclasses set the class attributes and the methods below."""

    name: ClassVar[str]
    """The registry key (``"text_time"``)."""
    kind: ClassVar[str]
    """``Fix.kind``: the public kind (``"to_epoch_seconds"``, ``"to_int_id"``, ...)."""
    new_glue_type: ClassVar[str] = "bigint"
    priority: ClassVar[int] = 50
    """The plan tries kinds by ascending priority and takes the first fix one gives."""

    def plan(self, c: Column, quoted: str) -> Fix | None:
        """The fix ``c`` needs from this kind, or None (``quoted``: its SQL identifier)."""
        raise NotImplementedError

    def convert(self, s: pd.Series, params: Mapping[str, Any]) -> pd.Series:
        """The pandas/Arrow implementation: the new values (non-convertible give null)."""
        raise NotImplementedError

    def sql(self, quoted: str, params: Mapping[str, Any]) -> str:
        """The Athena (Trino) expression computing the new value of ``quoted``."""
        raise NotImplementedError

    def code(self, ref: str, params: Mapping[str, Any]) -> str:
        """The Python expression a person would run (``ref`` is ``df['col']``)."""
        raise NotImplementedError

    def after(self, c: Column, params: Mapping[str, Any]) -> str:
        """The new storage in words (the reason of the fixed column)."""
        raise NotImplementedError

    def profile_after(self, profile: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        """The ``ColumnProfile`` fields that change (``dataclasses.replace`` keywords)."""
        return {}

    def preview(self, s: pd.Series, fix: Fix, n: int = 5) -> pd.DataFrame:
        """The first ``n`` non-null values before and after the fix."""
        head = s[s.notna()].head(n)
        after = self.convert(head, fix.params)
        return pd.DataFrame({"before": head.to_numpy(), "after": after.to_numpy()})

    def make(
        self,
        c: Column,
        quoted: str,
        *,
        what: str,
        why: str,
        code: str,
        params: Mapping[str, Any],
        new_glue_type: str | None = None,
    ) -> Fix:
        """The :class:`Fix` of this kind for ``c``: its code and SQL come from this kind."""
        ref = f"df[{c.name!r}]"
        return Fix(
            column=c.name,
            kind=self.kind,
            what=what,
            why=why,
            code=code,
            pandas=f"{ref} = {self.code(ref, params)}",
            sql=self.sql(quoted, params),
            new_glue_type=new_glue_type or self.new_glue_type,
            params=dict(params),
            definition=self.name,
            after=self.after(c, params),
        )


KINDS: dict[str, FixKind] = {}
"""Registered kinds by name, in the order the plan tries them (ascending ``priority``)."""

K = TypeVar("K", bound=type[FixKind])


def register(cls: K) -> K:
    """Class decorator: register one instance of a kind under ``cls.name``."""
    KINDS[cls.name] = cls()
    ordered = sorted(KINDS.values(), key=lambda k: k.priority)
    KINDS.clear()
    KINDS.update((k.name, k) for k in ordered)
    return cls


def kind_of(fix: Fix) -> FixKind:
    """The kind that defines ``fix``.

    Raises
    ------
    SchemaError
        When ``fix`` names no registered kind.
    """
    kind = KINDS.get(fix.definition or _by_public_kind(fix))
    if kind is None:
        raise SchemaError(
            f"unknown fix kind {fix.definition or fix.kind!r} for column {fix.column!r}; "
            f"use a fix from schema.fixes (kinds: {', '.join(KINDS)})"
        )
    return kind


def _by_public_kind(fix: Fix) -> str:
    """The kind of a Fix made by hand without ``definition`` (from its public kind and params)."""
    if fix.kind == "to_epoch_seconds":
        if fix.params.get("format"):
            return "text_time"
        return "epoch_unit" if fix.params.get("unit") else "datetime"
    return {
        "to_int_id": "float_id",
        "hash_email": "hash_email",
        "hash_phone": "hash_phone",
        "cast": "type_cast",
    }.get(fix.kind, "")


def plan_column(c: Column, quoted: str) -> Fix | None:
    """The first registered kind's fix for ``c``, or None when its storage is fine."""
    if c.role is None:
        return None
    for kind in KINDS.values():
        fix = kind.plan(c, quoted)
        if fix is not None:
            return fix
    return None


def convert(s: pd.Series, fix: Fix) -> pd.Series:
    """``s`` converted by ``fix``'s kind (categories read as their values)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.dtype.categories.dtype)
    out = kind_of(fix).convert(s, fix.params)
    out.name = s.name
    return out
