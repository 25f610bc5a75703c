"""The bundled sample interactions dataset (generated: realistic, reproducible and fast)."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa

START = 1_704_067_200
"""2024-01-01T00:00:00Z: the first event time (Unix epoch seconds)."""
DAYS = 90

_EVENT_TYPES = ("view", "cart", "purchase")
_EVENT_P = (0.72, 0.18, 0.10)
_DEVICES = ("web", "ios", "android")
_DEVICE_P = (0.45, 0.30, 0.25)
_DOMAINS = ("example.com", "mail.example.org", "shop.example.net")


def sample_interactions(
    n_rows: int = 1_200_000,
    n_users: int = 120_000,
    n_items: int = 25_000,
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """Retail interactions: who did what with which product, and when.

    The default size passes Clean Rooms ML's data rules (at least 1,000,000 rows and
    100,000 users with 2+ interactions each: every user gets at least two).

    Columns: ``customer_id`` (SHA-256 hex of the customer's e-mail: a hashed id, not raw
    PII), ``product_id`` (int64, popular products more often), ``event_time`` (int64 Unix
    epoch seconds over 90 days from 2024-01-01), ``event_type`` (view/cart/purchase),
    ``price`` (float64, per product), ``quantity`` (int32), ``device`` (web/ios/android) and
    ``email`` (the raw e-mail: personal data that a schema must leave out).

    Parameters
    ----------
    n_rows, n_users, n_items
        Rows, distinct customers and distinct products. ``n_rows`` must be at least
        ``2 * n_users``.
    seed
        Random seed (same seed, same data).

    Examples
    --------
    >>> df = sample_interactions(2_000, 500, 100)
    >>> df.shape, int(df["customer_id"].value_counts().min()) >= 2
    ((2000, 8), True)
    >>> list(df.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['customer_id', 'product_id', 'event_time', 'event_type', 'price', 'quantity', 'device',
     'email']
    """
    if n_users < 1 or n_items < 1:
        raise ValueError("n_users and n_items must be at least 1")
    if n_rows < 2 * n_users:
        raise ValueError(
            f"n_rows ({n_rows:,}) must be at least 2 * n_users ({2 * n_users:,}) so that "
            "every user has two interactions"
        )
    rng = np.random.default_rng(seed)
    # Users: two rows each, the rest drawn with a heavy tail (some users are very active).
    activity = rng.pareto(1.5, n_users) + 1.0
    extra = rng.choice(n_users, size=n_rows - 2 * n_users, p=activity / activity.sum())
    user = np.concatenate([np.repeat(np.arange(n_users), 2), extra])
    rng.shuffle(user)
    # Items: popularity follows a power law.
    item = np.minimum((n_items * rng.random(n_rows) ** 2.5).astype(np.int64), n_items - 1)
    product_ids = 100_000 + rng.permutation(n_items).astype(np.int64)
    item_price = np.round(np.exp(rng.normal(3.0, 0.8, n_items)), 2) - 0.01
    # Times: 90 days, busier in the evening.
    day = rng.integers(0, DAYS, n_rows)
    second = (rng.normal(19 * 3600, 4 * 3600, n_rows) % 86_400).astype(np.int64)
    event_time = START + day * 86_400 + second
    event_code = rng.choice(len(_EVENT_TYPES), size=n_rows, p=_EVENT_P)
    device_code = rng.choice(len(_DEVICES), size=n_rows, p=_DEVICE_P)
    quantity = np.where(event_code == 2, rng.geometric(0.6, n_rows), 1).astype(np.int32)

    emails = [f"customer{u:06d}@{_DOMAINS[u % len(_DOMAINS)]}" for u in range(n_users)]
    hashed = [hashlib.sha256(e.encode()).hexdigest() for e in emails]
    return pd.DataFrame(
        {
            "customer_id": _take_strings(hashed, user),
            "product_id": product_ids[item],
            "event_time": event_time.astype(np.int64),
            "event_type": _take_strings(list(_EVENT_TYPES), event_code),
            "price": item_price[item],
            "quantity": quantity,
            "device": _take_strings(list(_DEVICES), device_code),
            "email": _take_strings(emails, user),
        }
    )


def _take_strings(values: list[str], codes: np.ndarray) -> pd.Series:
    """``values[codes]`` as a pandas string column, gathered in Arrow (no Python loop)."""
    taken = pa.array(values, type=pa.large_string()).take(pa.array(codes))
    return pd.Series(pd.array(taken.cast(pa.large_string()), dtype="str"))
