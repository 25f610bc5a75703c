"""A corpus of realistic interaction tables, modelled on public datasets.

Each table uses the dataset's real column names, dtypes and value formats (written from the
datasets' public descriptions; the values are generated). ``expect`` gives the role each
listed column must get (None = left out); ``missing`` maps a required role that no column
fits to words its reason must contain; ``warnings`` lists ``(code, column)`` findings that
must be present.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

U, I, T = "USER_ID", "ITEM_ID", "TIMESTAMP"  # noqa: E741
CAT, NUM = "CATEGORICAL_FEATURE", "NUMERICAL_FEATURE"
N = 3000  # rows per table: enough for the profile, small enough to keep tests fast


@dataclass(frozen=True)
class CorpusTable:
    name: str
    source: str
    build: Callable[[], pd.DataFrame]
    expect: dict[str, str | None]
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: tuple[tuple[str, str], ...] = ()
    fixes: tuple[tuple[str, str], ...] = ()
    """``(column, finding code)`` of fixes the schema must plan (suggestions follow meaning)."""


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(sum(map(ord, name)))


def _pick(rng: np.random.Generator, k: int, n: int = N, skew: float = 2.0) -> np.ndarray:
    """n draws from k values, popular ones more often (every value index < k)."""
    return np.minimum((k * rng.random(n) ** skew).astype(np.int64), k - 1)


def _hex(rng: np.random.Generator, k: int, length: int) -> np.ndarray:
    raw = rng.bytes(k * length // 2 + k).hex()
    return np.array([raw[i * length : (i + 1) * length] for i in range(k)], dtype=object)


def _alnum(rng: np.random.Generator, k: int, length: int, alphabet: str) -> np.ndarray:
    chars = np.array(list(alphabet))
    idx = rng.integers(0, len(chars), (k, length))
    return np.array(["".join(row) for row in chars[idx]], dtype=object)


def _epoch(rng: np.random.Generator, start: str, days: int, n: int = N) -> np.ndarray:
    base = int(pd.Timestamp(start, tz="UTC").timestamp())
    return np.sort(base + rng.integers(0, days * 86_400, n)).astype(np.int64)


def _fmt(seconds: np.ndarray, fmt: str) -> pd.Series:
    return pd.Series(pd.to_datetime(seconds, unit="s").strftime(fmt))


_FIRST = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
]
_LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
]
_TEXT = (
    "great product works well love it would buy again quality is poor the delivery "
    "was late but support helped and the price is fair for what you get"
)
_WORDS = _TEXT.split(" ")


def _text(rng: np.random.Generator, n: int = N, lo: int = 6, hi: int = 40) -> list[str]:
    return [" ".join(rng.choice(_WORDS, rng.integers(lo, hi))) for _ in range(n)]


def _names(rng: np.random.Generator, n: int = N) -> list[str]:
    return [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(n)]


# --------------------------------------------------------------------------- tables
def movielens() -> pd.DataFrame:
    r = _rng("movielens")
    return pd.DataFrame(
        {
            "userId": _pick(r, 600) + 1,
            "movieId": _pick(r, 2000, skew=3) + 1,
            "rating": r.choice([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5], N),
            "timestamp": _epoch(r, "1996-03-29", 8000),
        }
    )


def amazon_reviews() -> pd.DataFrame:
    r = _rng("amazon")
    users = _alnum(r, 900, 14, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    asins = np.array([f"{x:010d}" for x in r.integers(0, 10**10, 700)], dtype=object)
    t = _epoch(r, "2009-01-01", 3000)
    return pd.DataFrame(
        {
            "reviewerID": users[_pick(r, 900)],
            "asin": asins[_pick(r, 700)],
            "reviewerName": _names(r),
            "helpful": [[int(a), int(a + b)] for a, b in r.integers(0, 5, (N, 2))],
            "reviewText": _text(r),
            "overall": r.choice([1.0, 2.0, 3.0, 4.0, 5.0], N),
            "summary": [" ".join(r.choice(_WORDS, 3)) for _ in range(N)],
            "unixReviewTime": t,
            "reviewTime": _fmt(t, "%m %d, %Y"),
        }
    )


def retailrocket() -> pd.DataFrame:
    r = _rng("retailrocket")
    event = r.choice(["view", "addtocart", "transaction"], N, p=[0.9, 0.07, 0.03])
    tid = np.where(event == "transaction", r.integers(0, 17000, N), np.nan)
    return pd.DataFrame(
        {
            "timestamp": _epoch(r, "2015-05-03", 130) * 1000 + r.integers(0, 1000, N),
            "visitorid": _pick(r, 800) * 37,
            "event": event,
            "itemid": _pick(r, 1500) * 11,
            "transactionid": tid,
        }
    )


def online_retail_ii() -> pd.DataFrame:
    r = _rng("online_retail_ii")
    codes = np.array([f"{x}" + ("A" if x % 7 == 0 else "") for x in r.integers(10000, 90000, 900)])
    cust = (_pick(r, 500) + 12346).astype("float64")
    cust[r.random(N) < 0.2] = np.nan
    return pd.DataFrame(
        {
            "Invoice": [str(x) for x in 489434 + np.sort(_pick(r, 400, skew=1))],
            "StockCode": codes[_pick(r, 900)],
            "Description": r.choice(
                [
                    "WHITE HANGING HEART T-LIGHT HOLDER",
                    "WHITE METAL LANTERN",
                    "CREAM CUPID HEARTS COAT HANGER",
                    "PACK OF 72 RETRO SPOT CAKE CASES",
                    "JUMBO BAG RED RETROSPOT",
                ],
                N,
            ),
            "Quantity": r.integers(1, 48, N),
            "InvoiceDate": pd.to_datetime(_epoch(r, "2009-12-01", 700), unit="s"),
            "Price": np.round(r.gamma(2, 2, N), 2),
            "Customer ID": cust,
            "Country": r.choice(["United Kingdom", "France", "Germany", "EIRE", "Spain"], N),
        }
    )


def online_retail() -> pd.DataFrame:
    r = _rng("online_retail")
    codes = np.array([f"{x}" for x in r.integers(10000, 90000, 900)])
    cust = pd.array(_pick(r, 500) + 12346, dtype="Int64")
    return pd.DataFrame(
        {
            "InvoiceNo": [str(x) for x in 536365 + np.sort(_pick(r, 400, skew=1))],
            "StockCode": codes[_pick(r, 900)],
            "Description": r.choice(["WHITE HANGING HEART T-LIGHT HOLDER", "RED WOOLLY HOTTIE"], N),
            "Quantity": r.integers(1, 48, N),
            "InvoiceDate": _fmt(_epoch(r, "2010-12-01", 370), "%-m/%-d/%Y %-H:%M"),
            "UnitPrice": np.round(r.gamma(2, 2, N), 2),
            "CustomerID": cust,
            "Country": r.choice(["United Kingdom", "France", "Netherlands"], N),
        }
    )


def hm_transactions(parsed: bool = False) -> pd.DataFrame:
    r = _rng("hm")
    t = _epoch(r, "2018-09-20", 730)
    days = pd.to_datetime(t, unit="s").normalize()
    return pd.DataFrame(
        {
            "t_dat": days if parsed else pd.Series(days.strftime("%Y-%m-%d")),
            "customer_id": _hex(r, 700, 64)[_pick(r, 700)],
            "article_id": (r.integers(108775, 959461, 1200) * 1000 + 15)[_pick(r, 1200)],
            "price": np.round(r.gamma(2, 0.015, N), 6),
            "sales_channel_id": r.choice([1, 2], N, p=[0.3, 0.7]),
        }
    )


def otto() -> pd.DataFrame:
    r = _rng("otto")
    return pd.DataFrame(
        {
            "session": np.sort(_pick(r, 500, skew=1)).astype(np.int32),
            "aid": (_pick(r, 1800) * 977).astype(np.int32),
            "ts": _epoch(r, "2022-07-31", 28) * 1000,
            "type": r.choice(["clicks", "carts", "orders"], N, p=[0.9, 0.08, 0.02]),
        }
    )


def yoochoose() -> pd.DataFrame:
    r = _rng("yoochoose")
    t = _epoch(r, "2014-04-01", 180)
    return pd.DataFrame(
        {
            "session_id": np.sort(_pick(r, 700, skew=1)) + 1,
            "timestamp": [
                s + f".{ms:03d}Z"
                for s, ms in zip(_fmt(t, "%Y-%m-%dT%H:%M:%S"), r.integers(0, 1000, N), strict=True)
            ],
            "item_id": 214500000 + _pick(r, 1500) * 7,
            "category": r.choice(["0", "S", "1", "2", "3"], N),
        }
    )


def lastfm_1k() -> pd.DataFrame:
    r = _rng("lastfm")
    import uuid as _uuid

    arts = np.array([str(_uuid.UUID(int=int(x))) for x in r.integers(0, 2**62, 300)])
    tracks = np.array([str(_uuid.UUID(int=int(x))) for x in r.integers(0, 2**62, 1200)])
    return pd.DataFrame(
        {
            "userid": [f"user_{x:06d}" for x in _pick(r, 200) + 1],
            "timestamp": pd.to_datetime(_epoch(r, "2005-02-14", 1500), unit="s", utc=True),
            "musicbrainz-artist-id": arts[_pick(r, 300)],
            "artist-name": r.choice(["Deep Dish", "Portishead", "Radiohead", "Björk"], N),
            "musicbrainz-track-id": tracks[_pick(r, 1200)],
            "track-name": [f"Track {x}" for x in _pick(r, 1200)],
        }
    )


def criteo_attribution() -> pd.DataFrame:
    r = _rng("criteo")
    conv = r.random(N) < 0.05
    df = pd.DataFrame(
        {
            "timestamp": np.sort(r.integers(0, 2_678_400, N)),
            "uid": _pick(r, 900) * 1009 + 5,
            "campaign": (_pick(r, 120) * 97_331) + 103,
            "conversion": conv.astype(np.int64),
            "conversion_timestamp": np.where(conv, r.integers(0, 2_700_000, N), -1),
            "conversion_id": np.where(conv, r.integers(0, 10**6, N), -1),
            "attribution": (conv & (r.random(N) < 0.5)).astype(np.int64),
            "click": (r.random(N) < 0.3).astype(np.int64),
            "click_pos": np.where(conv, r.integers(0, 5, N), -1),
            "click_nb": np.where(conv, r.integers(1, 6, N), -1),
            "cost": np.round(r.gamma(1, 0.0002, N), 8),
            "cpo": np.round(r.gamma(2, 0.2, N), 6),
            "time_since_last_click": np.where(r.random(N) < 0.5, r.integers(0, 10**6, N), -1),
        }
    )
    for k in range(1, 10):
        df[f"cat{k}"] = r.integers(0, 30_000_000, 40)[_pick(r, 40)]
    return df


def outbrain_events() -> pd.DataFrame:
    r = _rng("outbrain")
    uuids = _hex(r, 900, 14)
    return pd.DataFrame(
        {
            "display_id": np.arange(1, N + 1),
            "uuid": uuids[_pick(r, 900)],
            "document_id": _pick(r, 1500) * 13 + 1,
            "timestamp": np.sort(r.integers(61, 1_295_999_805, N)),
            "platform": r.choice([1, 2, 3], N),
            "geo_location": r.choice(["US>SC>519", "US>CA>807", "GB>H9", "CA>ON", "US"], N),
        }
    )


def instacart() -> pd.DataFrame:
    r = _rng("instacart")
    return pd.DataFrame(
        {
            "order_id": np.sort(_pick(r, 400, skew=1)) + 1,
            "user_id": _pick(r, 300) + 1,
            "product_id": _pick(r, 2000, skew=3) + 1,
            "add_to_cart_order": r.integers(1, 30, N),
            "reordered": r.integers(0, 2, N),
            "order_number": r.integers(1, 100, N),
            "order_dow": r.integers(0, 7, N),
            "order_hour_of_day": r.integers(0, 24, N),
            "days_since_prior_order": np.where(r.random(N) < 0.1, np.nan, r.integers(0, 31, N)),
        }
    )


def spotify_mpd() -> pd.DataFrame:
    r = _rng("spotify")
    tracks = _alnum(r, 1500, 22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    pid = np.sort(_pick(r, 300, skew=1))
    modified = _epoch(r, "2012-01-01", 2000, 300)
    return pd.DataFrame(
        {
            "pid": pid,
            "pos": r.integers(0, 120, N),
            "track_uri": ["spotify:track:" + x for x in tracks[_pick(r, 1500)]],
            "artist_name": r.choice(["Drake", "Kanye West", "Kendrick Lamar", "Rihanna"], N),
            "track_name": [f"Song {x}" for x in _pick(r, 1500)],
            "duration_ms": r.integers(90_000, 420_000, N),
            "modified_at": modified[pid],
        }
    )


def book_crossing() -> pd.DataFrame:
    r = _rng("bx")
    isbns = np.array(
        [f"{x:09d}{r.choice(list('0123456789X'))}" for x in r.integers(0, 10**9, 1500)],
        dtype=object,
    )
    return pd.DataFrame(
        {
            "User-ID": _pick(r, 700) * 97 + 2,
            "ISBN": isbns[_pick(r, 1500)],
            "Book-Rating": r.choice(np.arange(11), N, p=[0.62] + [0.038] * 10),
        }
    )


def goodreads() -> pd.DataFrame:
    r = _rng("goodreads")
    t = _epoch(r, "2012-01-01", 2000)
    fmt = "%a %b %d %H:%M:%S -0700 %Y"
    return pd.DataFrame(
        {
            "user_id": _hex(r, 600, 32)[_pick(r, 600)],
            "book_id": [str(x) for x in _pick(r, 1800) * 31 + 1],
            "review_id": _hex(r, N, 32),
            "is_read": r.random(N) < 0.6,
            "rating": r.integers(0, 6, N),
            "date_added": _fmt(t, fmt),
            "date_updated": _fmt(t + 3600, fmt),
        }
    )


def steam_user_items() -> pd.DataFrame:
    r = _rng("steam")
    users = _alnum(r, 500, 10, "abcdefghijklmnopqrstuvwxyz0123456789")
    uid = _pick(r, 500)
    steam_ids = np.array([str(76561197960265728 + x) for x in r.integers(0, 10**9, 500)])
    return pd.DataFrame(
        {
            "user_id": users[uid],
            "steam_id": steam_ids[uid],
            "item_id": [str(x) for x in (_pick(r, 900) * 10 + 10)],
            "item_name": [f"Game {x}" for x in _pick(r, 900)],
            "playtime_forever": r.integers(0, 60_000, N),
            "playtime_2weeks": r.integers(0, 900, N),
        }
    )


def expedia_hotels() -> pd.DataFrame:
    r = _rng("expedia")
    srch = np.sort(_pick(r, 250, skew=1)) + 1
    t = _epoch(r, "2012-11-01", 240, 250)
    return pd.DataFrame(
        {
            "srch_id": srch,
            "date_time": _fmt(t[srch - 1], "%Y-%m-%d %H:%M:%S"),
            "site_id": r.choice([5, 14, 24, 32], N),
            "visitor_location_country_id": r.choice([219, 100, 55, 216], N),
            "prop_country_id": r.choice([219, 100, 55], N),
            "prop_id": _pick(r, 1800) * 7 + 1,
            "prop_starrating": r.integers(0, 6, N),
            "price_usd": np.round(r.gamma(3, 50, N), 2),
            "position": r.integers(1, 40, N),
            "click_bool": (r.random(N) < 0.05).astype(np.int64),
            "booking_bool": (r.random(N) < 0.03).astype(np.int64),
            "srch_length_of_stay": r.integers(1, 8, N),
            "srch_adults_count": r.integers(1, 5, N),
            "random_bool": r.integers(0, 2, N),
        }
    )


def trivago() -> pd.DataFrame:
    r = _rng("trivago")
    users = _alnum(r, 400, 12, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    sessions = _hex(r, 900, 13)
    s_idx = np.sort(_pick(r, 900, skew=1))
    return pd.DataFrame(
        {
            "user_id": users[s_idx % 400],
            "session_id": sessions[s_idx],
            "timestamp": _epoch(r, "2018-11-01", 8),
            "step": r.integers(1, 40, N),
            "action_type": r.choice(
                ["interaction item image", "clickout item", "search for poi", "filter selection"], N
            ),
            "reference": [str(x) for x in _pick(r, 1500) * 13 + 100],
            "platform": r.choice(["AA", "US", "BR", "DE"], N),
            "city": r.choice(["Santa Monica, USA", "Barcelona, Spain", "Berlin, Germany"], N),
            "device": r.choice(["mobile", "desktop", "tablet"], N),
        }
    )


def coveo() -> pd.DataFrame:
    r = _rng("coveo")
    return pd.DataFrame(
        {
            "session_id_hash": _hex(r, 600, 64)[np.sort(_pick(r, 600, skew=1))],
            "event_type": r.choice(["event", "pageview"], N),
            "product_action": r.choice(["detail", "add", "remove", "purchase", None], N),
            "product_sku_hash": _hex(r, 1200, 64)[_pick(r, 1200)],
            "server_timestamp_epoch_ms": _epoch(r, "2018-11-15", 120) * 1000,
            "hashed_url": _hex(r, 2500, 64)[_pick(r, 2500)],
        }
    )


def ta_feng() -> pd.DataFrame:
    r = _rng("tafeng")
    return pd.DataFrame(
        {
            "TRANSACTION_DT": _fmt(_epoch(r, "2000-11-01", 120), "%-m/%-d/%Y"),
            "CUSTOMER_ID": _pick(r, 700) * 1013 + 1069,
            "AGE_GROUP": r.choice(["<25", "25-29", "30-34", "35-39", ">65"], N),
            "PIN_CODE": r.choice(["115", "221", "105", "114", "Unknown"], N),
            "PRODUCT_SUBCLASS": r.choice([110411, 130315, 110217, 100205, 530101], N),
            "PRODUCT_ID": 4710085120000 + _pick(r, 1500) * 17,
            "AMOUNT": r.integers(1, 6, N),
            "ASSET": r.integers(10, 500, N),
            "SALES_PRICE": r.integers(10, 600, N),
        }
    )


def taobao_user_behavior() -> pd.DataFrame:
    r = _rng("taobao")
    return pd.DataFrame(
        {
            "user_id": _pick(r, 700) + 1,
            "item_id": _pick(r, 2000) * 331 + 46,
            "category_id": r.choice([4_145_813, 2_520_377, 4_801_426, 982_926, 2_735_466], N),
            "behavior_type": r.choice(["pv", "buy", "cart", "fav"], N, p=[0.89, 0.02, 0.06, 0.03]),
            "timestamp": _epoch(r, "2017-11-25", 9),
        }
    )


def santander() -> pd.DataFrame:
    r = _rng("santander")
    return pd.DataFrame(
        {
            "fecha_dato": r.choice(["2015-01-28", "2015-02-28", "2015-03-28"], N),
            "ncodpers": _pick(r, 900) + 15889,
            "ind_empleado": r.choice(["N", "A", "B"], N),
            "pais_residencia": r.choice(["ES", "FR", "DE"], N),
            "sexo": r.choice(["H", "V"], N),
            "renta": np.round(r.gamma(3, 30000, N), 2),
            "ind_ahor_fin_ult1": r.integers(0, 2, N),
            "ind_cco_fin_ult1": r.integers(0, 2, N),
        }
    )


def credit_card_transactions() -> pd.DataFrame:
    r = _rng("cc")
    cc = r.integers(10**15, 5 * 10**15, 500)
    unix = _epoch(r, "2012-01-01", 500)
    idx = _pick(r, 500)
    first = np.array(_FIRST)[r.integers(0, len(_FIRST), 500)]
    last = np.array(_LAST)[r.integers(0, len(_LAST), 500)]
    return pd.DataFrame(
        {
            "trans_date_trans_time": _fmt(unix + 220_838_400, "%Y-%m-%d %H:%M:%S"),
            "cc_num": cc[idx],
            "merchant": [f"fraud_Merchant {x}" for x in _pick(r, 600)],
            "category": r.choice(["misc_net", "grocery_pos", "entertainment", "gas_transport"], N),
            "amt": np.round(r.gamma(2, 30, N), 2),
            "first": first[idx],
            "last": last[idx],
            "gender": r.choice(["F", "M"], N),
            "city_pop": r.integers(100, 2_000_000, N),
            "trans_num": _hex(r, N, 32),
            "unix_time": unix,
            "is_fraud": (r.random(N) < 0.01).astype(np.int64),
        }
    )


def yelp_reviews() -> pd.DataFrame:
    r = _rng("yelp")
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return pd.DataFrame(
        {
            "review_id": _alnum(r, N, 22, alpha),
            "user_id": _alnum(r, 800, 22, alpha)[_pick(r, 800)],
            "business_id": _alnum(r, 600, 22, alpha)[_pick(r, 600)],
            "stars": r.integers(1, 6, N),
            "useful": r.integers(0, 20, N),
            "text": _text(r),
            "date": _fmt(_epoch(r, "2010-01-01", 3000), "%Y-%m-%d %H:%M:%S"),
        }
    )


def netflix_prize() -> pd.DataFrame:
    r = _rng("netflix")
    return pd.DataFrame(
        {
            "movie_id": _pick(r, 1200) + 1,
            "customer_id": _pick(r, 900) * 2003 + 6,
            "rating": r.integers(1, 6, N).astype(np.int8),
            "date": _fmt(_epoch(r, "1999-11-11", 2200), "%Y-%m-%d"),
        }
    )


def jester() -> pd.DataFrame:
    r = _rng("jester")
    return pd.DataFrame(
        {
            "user_id": _pick(r, 500) + 1,
            "joke_id": r.integers(1, 151, N),
            "rating": np.round(r.uniform(-10, 10, N), 3),
        }
    )


def traps() -> pd.DataFrame:
    """Every trap of the issue in one table: names that look like roles but are not."""
    r = _rng("traps")
    uid = _pick(r, 600)
    return pd.DataFrame(
        {
            "session_id": np.sort(_pick(r, 1500, skew=1)) + 10_000,
            "user_id": uid + 1,
            "order_item_id": r.integers(1, 6, N),
            "item_id": _pick(r, 1400) * 3 + 7,
            "category_id": r.choice(np.arange(1, 40), N),
            "duration_ms": r.integers(1_000, 600_000, N),
            "timezoneOffset": r.choice([-18000, -14400, 0, 3600, 19800], N),
            "event_ts": _epoch(r, "2023-01-01", 60),
            "created_date": _fmt(_epoch(r, "2022-01-01", 60), "%Y-%m-%d"),
            "email": [f"person{x}@example.com" for x in uid],
            "price": np.round(r.gamma(2, 9, N), 2),
        }
    )


def naming_styles() -> pd.DataFrame:
    """camelCase, UPPER, hyphen and space names; datetimes; nullable and pyarrow dtypes."""
    r = _rng("styles")
    return pd.DataFrame(
        {
            "Visitor Id": pd.array(_pick(r, 600) + 1, dtype="Int64"),
            "PRODUCT-SKU": pd.array(
                [f"SKU-{x:05d}" for x in _pick(r, 1300)], dtype="string[pyarrow]"
            ),
            "eventTime": pd.to_datetime(_epoch(r, "2023-05-01", 30), unit="s"),
            "isMobile": pd.array(r.random(N) < 0.4, dtype="boolean"),
            "Unit Price": pd.array(np.round(r.gamma(2, 9, N), 2), dtype="float64[pyarrow]"),
            "rating": r.integers(1, 6, N).astype(np.int16),
        }
    )


def kkbox() -> pd.DataFrame:
    r = _rng("kkbox")
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return pd.DataFrame(
        {
            "msno": [x + "=" for x in _alnum(r, 600, 43, alpha)[_pick(r, 600)]],
            "song_id": [x + "=" for x in _alnum(r, 1500, 43, alpha)[_pick(r, 1500)]],
            "source_system_tab": r.choice(["my library", "explore", "search", "discover"], N),
            "source_type": r.choice(["online-playlist", "local-library", "song"], N),
            "target": r.integers(0, 2, N),
        }
    )


def ms_played_history() -> pd.DataFrame:
    """Spotify streaming history: the time is a string; ms_played is a duration."""
    r = _rng("history")
    return pd.DataFrame(
        {
            "ts": pd.to_datetime(_epoch(r, "2021-01-01", 365), unit="s", utc=True).tz_convert(
                "Europe/Berlin"
            ),
            "username": [f"listener{x}" for x in _pick(r, 400)],
            "platform": r.choice(["Android OS", "iOS 14.4", "Windows 10"], N),
            "ms_played": r.integers(0, 400_000, N),
            "conn_country": r.choice(["DE", "US", "GB"], N),
            "spotify_track_uri": [
                "spotify:track:" + x
                for x in _alnum(r, 1500, 22, "abcdefghijklmnop0123456789")[_pick(r, 1500)]
            ],
            "shuffle": r.random(N) < 0.5,
        }
    )


def olist_orders() -> pd.DataFrame:
    """Olist e-commerce: orders joined with items and customers."""
    r = _rng("olist")
    cust = _pick(r, 700)
    t = _epoch(r, "2017-01-01", 600)
    return pd.DataFrame(
        {
            "order_id": _hex(r, N, 32),
            "customer_id": _hex(r, N, 32),  # one per order in Olist: not the person
            "customer_unique_id": _hex(r, 700, 32)[cust],
            "order_item_id": r.choice([1, 1, 1, 2, 3], N),
            "product_id": _hex(r, 1500, 32)[_pick(r, 1500)],
            "order_purchase_timestamp": _fmt(t, "%Y-%m-%d %H:%M:%S"),
            "price": np.round(r.gamma(2, 40, N), 2),
            "freight_value": np.round(r.gamma(2, 8, N), 2),
            "customer_state": r.choice(["SP", "RJ", "MG", "RS"], N),
        }
    )


def mind_behaviors() -> pd.DataFrame:
    """Microsoft MIND behaviors.tsv (news)."""
    r = _rng("mind")
    t = _epoch(r, "2019-11-09", 6)
    return pd.DataFrame(
        {
            "Impression ID": np.arange(1, N + 1),
            "User ID": [f"U{x}" for x in _pick(r, 800) * 7 + 13],
            "Time": _fmt(t, "%-m/%-d/%Y %-I:%M:%S %p"),
            "History": [" ".join(f"N{x}" for x in r.integers(1, 60000, 12)) for _ in range(N)],
            "Impressions": [f"N{a}-1 N{b}-0 N{c}-0" for a, b, c in r.integers(1, 60000, (N, 3))],
        }
    )


def avazu() -> pd.DataFrame:
    """Avazu CTR (ads): hour is YYMMDDHH, ids are 8-hex hashes, id is a uint64."""
    r = _rng("avazu")
    return pd.DataFrame(
        {
            "id": r.integers(0, 2**63, N).astype(np.uint64) * np.uint64(2),
            "click": (r.random(N) < 0.17).astype(np.int64),
            "hour": np.sort(r.choice([14102100, 14102101, 14102213, 14103023], N)),
            "C1": r.choice([1005, 1002, 1010], N),
            "banner_pos": r.choice([0, 1, 7], N),
            "site_id": _hex(r, 60, 8)[_pick(r, 60)],
            "app_id": _hex(r, 400, 8)[_pick(r, 400)],
            "app_category": _hex(r, 12, 8)[_pick(r, 12)],
            "device_id": _hex(r, 900, 8)[_pick(r, 900)],
            "device_type": r.choice([0, 1, 4, 5], N),
            "device_conn_type": r.choice([0, 2, 3], N),
            "C14": r.integers(15000, 24000, N),
        }
    )


TABLES: list[CorpusTable] = [
    CorpusTable(
        "movielens",
        "MovieLens ratings.csv",
        movielens,
        {"userId": U, "movieId": I, "timestamp": T, "rating": NUM},
    ),
    CorpusTable(
        "amazon_reviews",
        "Amazon reviews (McAuley) 5-core JSON",
        amazon_reviews,
        {
            "reviewerID": U,
            "asin": I,
            "unixReviewTime": T,
            "overall": NUM,
            "reviewerName": None,
            "reviewText": None,
            "helpful": None,
            "reviewTime": None,
        },
    ),
    CorpusTable(
        "retailrocket",
        "Retailrocket events.csv",
        retailrocket,
        {"visitorid": U, "itemid": I, "timestamp": T, "event": CAT, "transactionid": None},
        warnings=(("timestamp_unit", "timestamp"),),
    ),
    CorpusTable(
        "online_retail_ii",
        "UCI Online Retail II",
        online_retail_ii,
        {
            "StockCode": I,
            "InvoiceDate": T,
            "Invoice": None,
            "Customer ID": U,
            "Quantity": NUM,
            "Price": NUM,
            "Country": CAT,
            "Description": None,
        },
        warnings=(("timestamp_datetime", "InvoiceDate"), ("float_id", "Customer ID")),
        fixes=(("Customer ID", "float_id"), ("InvoiceDate", "timestamp_datetime")),
    ),
    CorpusTable(
        "online_retail",
        "UCI Online Retail (2010-2011)",
        online_retail,
        {
            "CustomerID": U,
            "StockCode": I,
            "InvoiceNo": None,
            "InvoiceDate": T,
            "UnitPrice": NUM,
            "Quantity": NUM,
        },
        warnings=(("timestamp_text", "InvoiceDate"),),
        fixes=(("InvoiceDate", "timestamp_text"),),
    ),
    CorpusTable(
        "hm_transactions",
        "H&M transactions_train.csv",
        hm_transactions,
        {"customer_id": U, "article_id": I, "t_dat": T, "price": NUM, "sales_channel_id": CAT},
        warnings=(("timestamp_text", "t_dat"),),
        fixes=(("t_dat", "timestamp_text"),),
    ),
    CorpusTable(
        "hm_transactions_parsed",
        "H&M, t_dat parsed as dates",
        lambda: hm_transactions(parsed=True),
        {"customer_id": U, "article_id": I, "t_dat": T},
        warnings=(("timestamp_datetime", "t_dat"),),
    ),
    CorpusTable(
        "otto",
        "OTTO session dataset",
        otto,
        {"session": U, "aid": I, "ts": T, "type": CAT},
        warnings=(("timestamp_unit", "ts"),),
    ),
    CorpusTable(
        "yoochoose",
        "YOOCHOOSE clicks (RecSys 2015)",
        yoochoose,
        {"session_id": U, "item_id": I, "timestamp": T, "category": CAT},
        fixes=(("timestamp", "timestamp_text"),),
    ),
    CorpusTable(
        "lastfm_1k",
        "Last.fm 1K users",
        lastfm_1k,
        {"userid": U, "musicbrainz-track-id": I, "timestamp": T, "musicbrainz-artist-id": None},
        warnings=(("timestamp_datetime", "timestamp"), ("glue_rename", "musicbrainz-track-id")),
    ),
    CorpusTable(
        "criteo_attribution",
        "Criteo Attribution Modeling",
        criteo_attribution,
        {"uid": U, "campaign": I, "timestamp": T, "conversion_id": None},
        warnings=(("timestamp_relative", "timestamp"),),
    ),
    CorpusTable(
        "outbrain_events",
        "Outbrain Click Prediction events.csv",
        outbrain_events,
        {
            "uuid": U,
            "document_id": I,
            "display_id": None,
            "timestamp": T,
            "platform": CAT,
            "geo_location": CAT,
        },
        warnings=(("timestamp_relative", "timestamp"),),
    ),
    CorpusTable(
        "instacart",
        "Instacart order_products + orders",
        instacart,
        {
            "user_id": U,
            "product_id": I,
            "order_id": None,
            "reordered": CAT,
            "order_dow": CAT,
            "days_since_prior_order": NUM,
        },
        missing={T: ("no column holds",)},
    ),
    CorpusTable(
        "spotify_mpd",
        "Spotify Million Playlist Dataset",
        spotify_mpd,
        {"pid": U, "track_uri": I, "modified_at": T, "duration_ms": NUM},
    ),
    CorpusTable(
        "book_crossing",
        "Book-Crossing BX-Book-Ratings",
        book_crossing,
        {"User-ID": U, "ISBN": I, "Book-Rating": NUM},
        missing={T: ("no column holds",)},
        warnings=(("glue_rename", "User-ID"),),
    ),
    CorpusTable(
        "goodreads",
        "Goodreads interactions (UCSD)",
        goodreads,
        {
            "user_id": U,
            "book_id": I,
            "review_id": None,
            "is_read": CAT,
            "rating": NUM,
            "date_added": T,
        },
        fixes=(("date_added", "timestamp_text"),),
    ),
    CorpusTable(
        "steam_user_items",
        "Steam australian_users_items",
        steam_user_items,
        {"user_id": U, "item_id": I, "steam_id": None, "playtime_forever": NUM},
        missing={T: ("no column holds",)},
    ),
    CorpusTable(
        "expedia_hotels",
        "Expedia Personalize Hotel Search",
        expedia_hotels,
        {
            "srch_id": U,
            "prop_id": I,
            "date_time": T,
            "site_id": CAT,
            "visitor_location_country_id": CAT,
            "price_usd": NUM,
            "click_bool": CAT,
        },
        fixes=(("date_time", "timestamp_text"),),
    ),
    CorpusTable(
        "trivago",
        "Trivago RecSys Challenge 2019",
        trivago,
        {
            "user_id": U,
            "reference": I,
            "timestamp": T,
            "session_id": None,
            "action_type": CAT,
            "device": CAT,
            "step": NUM,
        },
    ),
    CorpusTable(
        "coveo",
        "Coveo SIGIR eCom 2021 browsing",
        coveo,
        {
            "session_id_hash": U,
            "product_sku_hash": I,
            "server_timestamp_epoch_ms": T,
            "hashed_url": None,
            "event_type": CAT,
        },
        warnings=(("timestamp_unit", "server_timestamp_epoch_ms"),),
    ),
    CorpusTable(
        "ta_feng",
        "Ta Feng grocery",
        ta_feng,
        {
            "CUSTOMER_ID": U,
            "PRODUCT_ID": I,
            "TRANSACTION_DT": T,
            "AGE_GROUP": CAT,
            "AMOUNT": NUM,
            "SALES_PRICE": NUM,
            "PRODUCT_SUBCLASS": CAT,
        },
        fixes=(("TRANSACTION_DT", "timestamp_text"),),
    ),
    CorpusTable(
        "taobao_user_behavior",
        "Taobao UserBehavior.csv (Tmall/Alibaba)",
        taobao_user_behavior,
        {"user_id": U, "item_id": I, "timestamp": T, "category_id": CAT, "behavior_type": CAT},
    ),
    CorpusTable(
        "santander",
        "Santander Product Recommendation",
        santander,
        {"fecha_dato": T},
        missing={I: ("item",)},
        fixes=(("fecha_dato", "timestamp_text"),),
    ),
    CorpusTable(
        "credit_card_transactions",
        "Credit card transactions (Sparkov)",
        credit_card_transactions,
        {
            "cc_num": U,
            "merchant": I,
            "unix_time": T,
            "trans_num": None,
            "first": None,
            "last": None,
            "amt": NUM,
            "category": CAT,
            "is_fraud": CAT,
        },
    ),
    CorpusTable(
        "yelp_reviews",
        "Yelp Open Dataset review.json",
        yelp_reviews,
        {
            "user_id": U,
            "business_id": I,
            "review_id": None,
            "text": None,
            "stars": NUM,
            "date": T,
        },
        fixes=(("date", "timestamp_text"),),
    ),
    CorpusTable(
        "netflix_prize",
        "Netflix Prize",
        netflix_prize,
        {"customer_id": U, "movie_id": I, "rating": None, "date": T},
        fixes=(("date", "timestamp_text"),),
        warnings=(("small_int", "rating"),),
    ),
    CorpusTable(
        "jester",
        "Jester jokes",
        jester,
        {"user_id": U, "joke_id": I, "rating": NUM},
        missing={T: ("no column holds",)},
    ),
    CorpusTable(
        "traps",
        "every trap of the issue",
        traps,
        {
            "user_id": U,
            "item_id": I,
            "event_ts": T,
            "session_id": None,
            "order_item_id": None,
            "category_id": CAT,
            "duration_ms": NUM,
            "created_date": None,
            "email": None,
            "price": NUM,
        },
    ),
    CorpusTable(
        "naming_styles",
        "mixed naming styles and dtypes",
        naming_styles,
        {
            "Visitor Id": U,
            "PRODUCT-SKU": I,
            "eventTime": T,
            "isMobile": CAT,
            "Unit Price": NUM,
            "rating": None,
        },
        warnings=(
            ("glue_rename", "Visitor Id"),
            ("timestamp_datetime", "eventTime"),
            ("small_int", "rating"),
        ),
    ),
    CorpusTable(
        "kkbox",
        "KKBox music recommendation train.csv",
        kkbox,
        {"msno": U, "song_id": I, "source_type": CAT, "target": CAT},
        missing={T: ("no column holds",)},
    ),
    CorpusTable(
        "olist_orders",
        "Olist Brazilian e-commerce",
        olist_orders,
        {
            "customer_unique_id": U,
            "product_id": I,
            "order_id": None,
            "order_item_id": None,
            "order_purchase_timestamp": T,
            "price": NUM,
            "customer_state": CAT,
        },
        fixes=(("order_purchase_timestamp", "timestamp_text"),),
    ),
    CorpusTable(
        "mind_behaviors",
        "Microsoft MIND behaviors.tsv",
        mind_behaviors,
        {"User ID": U, "Impression ID": None, "Time": T, "History": None},
        missing={I: ("item",)},
        fixes=(("Time", "timestamp_text"),),
    ),
    CorpusTable(
        "avazu",
        "Avazu click-through prediction",
        avazu,
        {
            "device_id": U,
            "app_id": I,
            "id": None,
            "click": CAT,
            "app_category": CAT,
            "device_type": CAT,
            "hour": T,  # YYMMDDHH integers named as a time (issue 18)
        },
        fixes=(("hour", "timestamp_text"),),
    ),
    CorpusTable(
        "spotify_streaming_history",
        "Spotify extended streaming history",
        ms_played_history,
        {"username": U, "spotify_track_uri": I, "ts": T, "ms_played": NUM, "shuffle": CAT},
    ),
]


# --------------------------------------------------------------------------- issue 11 traps
# Suggestions follow meaning, fixes follow storage: each table below holds a column that means
# a required role but whose storage must change first (or a feature trap of the issue).
def rees46_events() -> pd.DataFrame:
    """REES46 e-commerce events: ``event_time`` as ``"2019-10-01 00:00:00 UTC"``."""
    r = _rng("rees46")
    return pd.DataFrame(
        {
            "event_time": _fmt(_epoch(r, "2019-10-01", 30), "%Y-%m-%d %H:%M:%S UTC"),
            "event_type": r.choice(["view", "cart", "purchase"], N, p=[0.8, 0.15, 0.05]),
            "product_id": _pick(r, 1500) + 1_000_000,
            "category_code": r.choice(["electronics.smartphone", "appliances.kitchen"], N),
            "brand": r.choice(["samsung", "apple", "xiaomi", "huawei"], N),
            "price": np.round(r.gamma(2, 90, N), 2),
            "user_id": _pick(r, 700) + 500_000_000,
            "user_session": [str(x) for x in _alnum(r, N, 36, "0123456789abcdef-")],
        }
    )


def iso_ms_z_clicks() -> pd.DataFrame:
    """ISO 8601 with milliseconds and ``Z``; a ``click_..._id`` item; UUID users."""
    r = _rng("isoz")
    ms = _epoch(r, "2021-03-01", 20) * 1000 + r.integers(0, 1000, N)
    stamps = pd.to_datetime(ms, unit="ms").strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z"
    users = _alnum(r, 500, 32, "0123456789abcdef")
    return pd.DataFrame(
        {
            "user_uuid": users[_pick(r, 500)],
            "click_article_id": _pick(r, 900) + 10,
            "click_timestamp": stamps,
            "click_environment": r.choice([1, 2, 4], N),
            "click_country": r.choice(["DE", "FR", "US", "BR"], N),
        }
    )


def twitter_likes() -> pd.DataFrame:
    """Twitter-style ``created_at``; digit-string user ids; a count (``num_likes``)."""
    r = _rng("twitter")
    return pd.DataFrame(
        {
            "user_id": [str(10**17 + x * 7919) for x in _pick(r, 400)],
            "tweet_id": [str(10**18 + x * 104_729) for x in _pick(r, 1200)],
            "created_at": _fmt(_epoch(r, "2019-10-01", 40), "%a %b %d %H:%M:%S +0000 %Y"),
            "num_likes": r.integers(0, 500, N),
            "lang": r.choice(["en", "es", "ja"], N),
        }
    )


def float_epoch_plays() -> pd.DataFrame:
    """Float epoch seconds (with fractions) and a float user id with NaN (ids with gaps)."""
    r = _rng("floatepoch")
    users = (_pick(r, 300) + 1).astype(float)
    users[::40] = np.nan
    return pd.DataFrame(
        {
            "listener_id": users,
            "track_id": _pick(r, 2000) + 1,
            "played_at": _epoch(r, "2020-01-01", 90) + np.round(r.random(N), 3),
            "n_skips": r.integers(0, 4, N),
            "ms_played": r.integers(1_000, 300_000, N),
        }
    )


def superstore_orders() -> pd.DataFrame:
    """A Superstore-style order table: US dates, labels that look like names, a person name."""
    r = _rng("superstore")
    cust = _pick(r, 400)
    return pd.DataFrame(
        {
            "Row ID": np.arange(1, N + 1),
            "Order Date": [
                f"{t.month}/{t.day}/{t.year}"
                for t in pd.to_datetime(_epoch(r, "2016-01-01", 700), unit="s")
            ],
            "Ship Mode": r.choice(["Second Class", "Standard Class", "First Class", "Same Day"], N),
            "Customer ID": [f"CG-{12_000 + x}" for x in cust],
            "Customer Name": np.array(_names(r, 400), dtype=object)[cust],
            "Segment": r.choice(["Consumer", "Corporate", "Home Office"], N),
            "Country": r.choice(["United States", "United Kingdom", "New Zealand"], N),
            "City": r.choice(["New York City", "Los Angeles", "San Francisco", "Fort Worth"], N),
            "Product ID": [f"FUR-BO-{10_000_000 + x}" for x in _pick(r, 1800)],
            "Sales": np.round(r.gamma(2, 60, N), 2),
        }
    )


def email_only_user() -> pd.DataFrame:
    """The only user identifier is a raw e-mail: USER_ID with a hash fix, never left raw."""
    r = _rng("emailonly")
    who = _pick(r, 500)
    return pd.DataFrame(
        {
            "email": [f"Shopper.{x}@Example.org" for x in who],
            "sku": [f"P{x:05d}" for x in _pick(r, 1100)],
            "ordered_at": _fmt(_epoch(r, "2022-06-01", 60), "%Y-%m-%dT%H:%M:%S%z") + "+02:00",
            "phone_number": [f"+44 20 7946 {x:04d}" for x in who],
            "channel": r.choice(["web", "app", "store"], N),
        }
    )


def review_few_per_user() -> pd.DataFrame:
    """Reviews: most users wrote one or two (few rows per user), ASIN items, US dates."""
    r = _rng("reviewsfew")
    return pd.DataFrame(
        {
            "reviewerID": [f"A{x:013d}" for x in r.integers(0, 2600, N)],
            "asin": [f"B00{x:07d}" for x in _pick(r, 700)],
            "overall": r.integers(1, 6, N).astype(float),
            "reviewTime": [
                t.strftime("%m %d, %Y")
                for t in pd.to_datetime(_epoch(r, "2012-01-01", 900), unit="s")
            ],
            "unixReviewTime": _epoch(r, "2012-01-01", 900),
            "summary": _text(r, N, 2, 6),
        }
    )


def rentals() -> pd.DataFrame:
    """Sakila-style rentals: the item is an ``inventory_id``; ``rental_id`` counts the rows."""
    r = _rng("rentals")
    start = _epoch(r, "2005-05-24", 80)
    return pd.DataFrame(
        {
            "rental_id": np.arange(1, N + 1),
            "rental_date": _fmt(start, "%Y-%m-%d %H:%M:%S"),
            "inventory_id": r.integers(1, 4582, N),
            "customer_id": _pick(r, 599, skew=1) + 1,
            "return_date": _fmt(start + r.integers(86_400, 9 * 86_400, N), "%Y-%m-%d %H:%M:%S"),
            "staff_id": r.integers(1, 3, N),
        }
    )


def small_file() -> pd.DataFrame:
    """A small file: 80 rows, 7 users: ``user_id`` is still the user."""
    r = _rng("smallfile")
    n = 80
    return pd.DataFrame(
        {
            "user_id": r.integers(1, 8, n),
            "movie_id": r.integers(1, 60, n),
            "rating": r.choice([1.0, 2.0, 3.0, 4.0, 5.0], n),
            "timestamp": _epoch(r, "2015-01-01", 300, n),
        }
    )


def playlist_counts() -> pd.DataFrame:
    """Counts (``num_tracks``, ``n_followers``, ``album_count``) are numerical, not ids."""
    r = _rng("counts")
    return pd.DataFrame(
        {
            "user_id": _pick(r, 500) + 1,
            "album_id": _pick(r, 1400) + 1,
            "modified_at": _epoch(r, "2017-01-01", 300),
            "num_tracks": r.integers(1, 376, N),
            "n_followers": r.integers(0, 90, N),
            "album_count": r.integers(1, 60, N),
        }
    )


TABLES += [
    CorpusTable(
        "rees46_events",
        "REES46 multi-category store events",
        rees46_events,
        {
            "event_time": T,
            "product_id": I,
            "user_id": U,
            "user_session": None,
            "event_type": CAT,
            "brand": CAT,
            "price": NUM,
        },
        warnings=(("timestamp_text", "event_time"),),
        fixes=(("event_time", "timestamp_text"),),
    ),
    CorpusTable(
        "iso_ms_z_clicks",
        "Globo.com news clicks (click_article_id), ISO 8601 with ms and Z",
        iso_ms_z_clicks,
        {"user_uuid": U, "click_article_id": I, "click_timestamp": T, "click_country": CAT},
        fixes=(("click_timestamp", "timestamp_text"),),
    ),
    CorpusTable(
        "twitter_likes",
        "Twitter-style timelines",
        twitter_likes,
        {"user_id": U, "tweet_id": I, "created_at": T, "num_likes": NUM, "lang": CAT},
        fixes=(("created_at", "timestamp_text"),),
    ),
    CorpusTable(
        "float_epoch_plays",
        "Listening logs with float epoch seconds and float ids",
        float_epoch_plays,
        {"listener_id": U, "track_id": I, "played_at": T, "n_skips": NUM, "ms_played": NUM},
        warnings=(("float_id", "listener_id"), ("glue_type", "played_at")),
        fixes=(("listener_id", "float_id"), ("played_at", "glue_type")),
    ),
    CorpusTable(
        "superstore_orders",
        "Sample Superstore orders",
        superstore_orders,
        {
            "Customer ID": U,
            "Product ID": I,
            "Order Date": T,
            "Row ID": None,
            "Ship Mode": CAT,
            "Segment": CAT,
            "Country": CAT,
            "City": CAT,
            "Customer Name": None,
            "Sales": NUM,
        },
        fixes=(("Order Date", "timestamp_text"),),
    ),
    CorpusTable(
        "email_only_user",
        "A shop export whose only customer key is the e-mail",
        email_only_user,
        {"email": U, "sku": I, "ordered_at": T, "phone_number": None, "channel": CAT},
        warnings=(("raw_pii", "email"),),
        fixes=(("email", "raw_pii"), ("ordered_at", "timestamp_text")),
    ),
    CorpusTable(
        "review_few_per_user",
        "Amazon reviews, most reviewers with one review",
        review_few_per_user,
        {
            "reviewerID": U,
            "asin": I,
            "unixReviewTime": T,
            "reviewTime": None,
            "summary": None,
            "overall": NUM,
        },
    ),
    CorpusTable(
        "rentals",
        "Sakila DVD rentals",
        rentals,
        {
            "customer_id": U,
            "inventory_id": I,
            "rental_date": T,
            "rental_id": None,
            "return_date": None,
        },
        fixes=(("rental_date", "timestamp_text"),),
    ),
    CorpusTable(
        "small_file",
        "A small MovieLens-style sample",
        small_file,
        {"user_id": U, "movie_id": I, "timestamp": T, "rating": NUM},
    ),
    CorpusTable(
        "playlist_counts",
        "Playlists with counts",
        playlist_counts,
        {
            "user_id": U,
            "album_id": I,
            "modified_at": T,
            "num_tracks": NUM,
            "n_followers": NUM,
            "album_count": NUM,
        },
    ),
]
