"""to_epoch_seconds and hash_identifier."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import cleanroom_nb as crn
from cleanroom_nb.fixes import ConversionError

T0 = 1_700_000_000  # 2023-11-14T22:13:20Z


@pytest.mark.parametrize(
    ("values", "unit"),
    [
        (pd.Series([T0, T0 + 60]), None),
        (pd.Series([T0 * 1000 + 999, (T0 + 60) * 1000]), None),
        (pd.Series([T0 * 10**6 + 5, (T0 + 60) * 10**6]), None),
        (pd.Series([T0 * 10**9 + 7, (T0 + 60) * 10**9]), None),
        (pd.Series([T0 * 1000, (T0 + 60) * 1000]), "ms"),
        (pd.Series([float(T0) + 0.9, float(T0 + 60)]), None),
        (pd.Series([str(T0 * 1000), str((T0 + 60) * 1000)]), None),
        (pd.Series(["2023-11-14T22:13:20Z", "2023-11-14 22:14:20"]), None),
        (pd.Series(["2023-11-14T23:13:20+01:00", "2023-11-14T22:14:20.5Z"]), None),
        (pd.Series(pd.to_datetime([T0, T0 + 60], unit="s")), None),
        (pd.Series(pd.to_datetime([T0, T0 + 60], unit="s", utc=True)), None),
        (
            pd.Series(
                pd.to_datetime([T0, T0 + 60], unit="s", utc=True).tz_convert("America/New_York")
            ),
            None,
        ),
        (pd.Series(pd.to_datetime([T0, T0 + 60], unit="s").astype("datetime64[ms]")), None),
        (pd.Series([T0, T0 + 60], dtype="int64[pyarrow]"), "seconds"),
    ],
)
def test_to_epoch_seconds(values: pd.Series, unit: str | None) -> None:
    out = crn.to_epoch_seconds(values, unit=unit)
    assert str(out.dtype) == "int64"
    assert out.tolist() == [T0, T0 + 60]
    assert out.index.equals(values.index)


def test_dates_and_day_first_formats() -> None:
    out = crn.to_epoch_seconds(pd.Series(["2023-11-14", "2023-11-15"]))
    assert out.tolist() == [1_699_920_000, 1_700_006_400]


def test_nulls_stay_null() -> None:
    s = pd.Series([T0 * 1000, None, (T0 + 1) * 1000], name="ts")
    out = crn.to_epoch_seconds(s)
    assert str(out.dtype) == "Int64" and out.name == "ts"
    assert out.isna().tolist() == [False, True, False]
    assert out.dropna().tolist() == [T0, T0 + 1]
    dt_out = crn.to_epoch_seconds(pd.Series(pd.to_datetime(["2023-11-14T22:13:20", None])))
    assert dt_out.isna().tolist() == [False, True] and dt_out.iloc[0] == T0
    txt = crn.to_epoch_seconds(pd.Series(["2023-11-14T22:13:20Z", None]))
    assert txt.isna().tolist() == [False, True]


def test_bad_values_say_which() -> None:
    with pytest.raises(ConversionError, match="not dates") as info:
        crn.to_epoch_seconds(pd.Series(["2023-11-14", "soon"], name="when"))
    assert "'when'" in str(info.value) and "'soon'" in str(info.value)
    assert isinstance(info.value, crn.CleanroomNbError)
    with pytest.raises(ConversionError, match="unknown unit"):
        crn.to_epoch_seconds(pd.Series([1, 2]), unit="fortnights")


def test_roundtrip_of_the_sample_columns() -> None:
    r = np.random.default_rng(0)
    secs = T0 + r.integers(0, 10**7, 1000)
    dts = pd.Series(pd.to_datetime(secs, unit="s", utc=True)).dt.tz_convert("Asia/Kolkata")
    assert (crn.to_epoch_seconds(dts).to_numpy() == secs).all()
    text = dts.dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    assert (crn.to_epoch_seconds(text).to_numpy() == secs).all()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_hash_identifier_known_values() -> None:
    out = crn.hash_identifier(pd.Series(["abc", "", " \t"]), kind="id")
    assert out.iloc[0] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    # Empty once normalised is null (README: normalisation), never the digest of "".
    assert out.iloc[1:].isna().all()


def test_hash_identifier_normalises_emails_and_phones() -> None:
    s = pd.Series(
        ["  Alice@Example.COM ", "alice@example.com", "+1 (415) 555-0101", None, "ID-7"],
        name="who",
        index=[5, 6, 7, 8, 9],
    )
    out = crn.hash_identifier(s)
    assert out.iloc[0] == out.iloc[1] == _sha("alice@example.com")
    assert out.iloc[2] == _sha("14155550101")  # phones: digits only (README)
    assert pd.isna(out.iloc[3])
    assert out.iloc[4] == _sha("ID-7")
    assert out.name == "who" and list(out.index) == [5, 6, 7, 8, 9]
    assert out.dropna().str.fullmatch(r"[0-9a-f]{64}").all()
    assert crn.hash_identifier(pd.Series([" A@B.CO "]), kind="email").iloc[0] == _sha("a@b.co")
    assert crn.hash_identifier(pd.Series(["+44 20 7946 0958"]), kind="phone").iloc[0] == _sha(
        "442079460958"  # digits only: the leading + is dropped (README)
    )
    with pytest.raises(crn.CleanroomNbError):
        crn.hash_identifier(s, kind="nope")  # type: ignore[arg-type]


def test_hashed_ids_are_not_raw_pii_any_more() -> None:
    r = np.random.default_rng(0)
    n = 500
    df = pd.DataFrame(
        {
            "user_id": [f"person{x}@example.com" for x in r.integers(0, 100, n)],
            "item_id": r.integers(0, 200, n),
            "ts": T0 + r.integers(0, 10**6, n),
        }
    )
    assert any(f.code == "raw_pii" for f in crn.infer_schema(df).findings)
    df["user_id"] = crn.hash_identifier(df["user_id"])
    schema = crn.infer_schema(df)
    assert schema.user_id is not None and not any(f.code == "raw_pii" for f in schema.findings)


def test_yyyymmdd_numbers_and_strings() -> None:
    assert crn.to_epoch_seconds(pd.Series([20231114, 20231115])).tolist() == [
        1_699_920_000,
        1_700_006_400,
    ]
    assert crn.to_epoch_seconds(pd.Series(["20231114", None])).iloc[0] == 1_699_920_000
    # An explicit unit wins over the date reading.
    assert crn.to_epoch_seconds(pd.Series([20231114]), unit="s").tolist() == [20231114]
