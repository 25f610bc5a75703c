"""Property tests of the bad-input promise of infer_schema.

Any DataFrame whose column names are unique strings gets a schema that covers every column;
frames that cannot be a table raise InvalidFrameError; nothing else ever escapes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleanroom_nb as crn
from cleanroom_nb import _roles
from cleanroom_nb.aws import _service_model

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

names = st.one_of(
    st.text(min_size=0, max_size=12),
    st.sampled_from(["user_id", "item_id", "timestamp", "UserID", "ts", "price", "é名前", ""]),
    st.text(alphabet="ab_ -", min_size=129, max_size=200),
)

scalars = st.one_of(
    st.none(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.booleans(),
    st.binary(max_size=8),
    st.lists(st.integers(0, 9), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(0, 9), max_size=2),
    st.datetimes(min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2100, 1, 1)),
    st.dates(),
)


def _typed_column(kind: str, n: int, seed: int) -> Any:
    r = np.random.default_rng(seed)
    if kind == "int64":
        return r.integers(-(10**12), 10**12, n)
    if kind == "uint64":
        return r.integers(0, 2**63, n).astype(np.uint64)
    if kind == "int8":
        return r.integers(-100, 100, n).astype(np.int8)
    if kind == "int16":
        return r.integers(-100, 100, n).astype(np.int16)
    if kind == "float":
        x = r.random(n)
        x[r.random(n) < 0.2] = np.nan
        return x
    if kind == "epoch_ms":
        return 1_600_000_000_000 + r.integers(0, 10**10, n)
    if kind == "Int64":
        return pd.array(
            [None if v % 3 == 0 else int(v) for v in r.integers(0, 50, n)], dtype="Int64"
        )
    if kind == "boolean":
        return pd.array([None if v == 2 else bool(v) for v in r.integers(0, 3, n)], dtype="boolean")
    if kind == "pyarrow_int":
        return pd.array(r.integers(0, 50, n), dtype="int64[pyarrow]")
    if kind == "pyarrow_str":
        return pd.array([f"s{v}" for v in r.integers(0, 50, n)], dtype="string[pyarrow]")
    if kind == "category":
        return pd.Categorical(r.choice(["a", "b", "c"], n))
    if kind == "datetime_tz":
        return pd.to_datetime(1_600_000_000 + r.integers(0, 10**7, n), unit="s", utc=True)
    if kind == "datetime":
        return pd.to_datetime(1_600_000_000 + r.integers(0, 10**7, n), unit="s")
    if kind == "timedelta":
        return pd.to_timedelta(r.integers(0, 10**6, n), unit="s")
    if kind == "all_null":
        return [None] * n
    if kind == "str":
        return [f"u{v}" for v in r.integers(0, 20, n)]
    if kind == "email":
        return [f"p{v}@example.com" for v in r.integers(0, 20, n)]
    raise AssertionError(kind)


KINDS = [
    "int64",
    "uint64",
    "int8",
    "int16",
    "float",
    "epoch_ms",
    "Int64",
    "boolean",
    "pyarrow_int",
    "pyarrow_str",
    "category",
    "datetime_tz",
    "datetime",
    "timedelta",
    "all_null",
    "str",
    "email",
]


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    cols = draw(st.lists(names, min_size=1, max_size=6, unique=True))
    n = draw(st.integers(0, 25))
    data: dict[str, Any] = {}
    for i, name in enumerate(cols):
        if draw(st.booleans()):
            data[name] = _typed_column(draw(st.sampled_from(KINDS)), n, i)
        else:
            data[name] = pd.Series(draw(st.lists(scalars, min_size=n, max_size=n)), dtype=object)
    return pd.DataFrame(data, columns=cols)


def _check_schema(df: pd.DataFrame, schema: crn.TrainingSchema) -> None:
    assert isinstance(schema, crn.TrainingSchema)
    # The per-column paths handled every oddity: the whole-frame fallback was not needed.
    assert not [f for f in schema.findings if f.code == "inference_failed"], schema.findings
    assert [c.name for c in schema.columns] == list(df.columns)
    for c in schema.columns:
        assert 0.0 <= c.confidence <= 1.0
        assert c.reason
        assert isinstance(c.glue_type, str) and c.glue_type
        if c.role is not None:
            fixed = {f.column for f in schema.fixes}
            assert _roles.accepts(c.role, c.glue_type) or c.name in fixed
    for entry in schema.to_api():
        assert _service_model.matches(_service_model.COLUMN_NAME_PATH, entry["columnName"])
    assert len(schema.features) <= _roles.MAX_FEATURES
    for role in _roles.REQUIRED_ROLES:
        assert len(schema.role_columns(role)) == 1 or role in schema.missing
    repr(schema)
    schema._repr_html_()


@SETTINGS
@given(frames())
def test_any_frame_with_unique_string_names_gets_a_schema(df: pd.DataFrame) -> None:
    _check_schema(df, crn.infer_schema(df))


@SETTINGS
@given(frames(), st.integers(1, 10))
def test_small_samples_still_cover_every_column(df: pd.DataFrame, rows: int) -> None:
    _check_schema(df, crn.infer_schema(df, sample_rows=rows))


bad_frames = st.one_of(
    st.builds(lambda n: pd.DataFrame(index=range(n)), st.integers(0, 5)),
    st.builds(
        lambda name, n: pd.DataFrame([[1, 2]] * n, columns=[name, name]),
        names,
        st.integers(0, 3),
    ),
    st.builds(
        lambda key, n: pd.DataFrame({key: [1] * n, "ok": [2] * n}),
        st.one_of(st.integers(), st.floats(allow_nan=False), st.tuples(st.integers())),
        st.integers(0, 3),
    ),
    st.builds(
        lambda n: pd.DataFrame(
            np.zeros((n, 2)), columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")])
        ),
        st.integers(0, 3),
    ),
)


@SETTINGS
@given(bad_frames)
def test_frames_that_cannot_be_tables_get_invalid_frame_error(df: pd.DataFrame) -> None:
    try:
        crn.infer_schema(df)
    except crn.InvalidFrameError as exc:
        assert isinstance(exc, crn.CleanroomNbError)
        message = str(exc)
        assert any(w in message for w in ("rename", "flatten", "columns")), message
    else:
        raise AssertionError("expected InvalidFrameError")


@SETTINGS
@given(st.one_of(st.none(), st.integers(), st.lists(st.integers()), st.text()))
def test_non_frames_get_invalid_frame_error(value: Any) -> None:
    try:
        crn.infer_schema(value)
    except crn.InvalidFrameError:
        pass
    else:
        raise AssertionError("expected InvalidFrameError")
