"""What several kinds share: running a conversion on distinct values only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd


def on_uniques(s: pd.Series, convert: Callable[[pd.Series], Any], dtype: str) -> pd.Series:
    """``convert`` on the distinct non-null values, mapped back (nulls stay null).

    Repeated ids and times (most rows of an interactions table) are parsed or hashed once.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    done = convert(pd.Series(uniques))
    values: Any = pd.array(done, dtype=dtype)
    taken = values.take(codes, allow_fill=True)
    return pd.Series(taken, index=s.index, name=s.name)
