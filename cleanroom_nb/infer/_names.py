"""Column names: tokens in every naming style and what the words say about a column's role.

Names alone fail on real tables (``uuid``, ``pid``, ``session``, ``aid``, ``t_dat``), so this
module only gives *name evidence*; :mod:`cleanroom_nb.infer._suggest` weighs it against the values.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Markers that turn a noun into an identifier ("customer_id", "StockCode", "InvoiceNo").
ID_MARKERS = frozenset(
    {
        "id",
        "ids",
        "key",
        "no",
        "nr",
        "num",
        "number",
        "code",
        "hash",
        "hashed",
        "idx",
        "ref",
        "sk",
        "pk",
        "fk",
        "identifier",
        "guid",
        "uri",
        "urn",
    }
)
# Modifiers that say nothing about the role ("customer_unique_id", "hashed_user").
NOISE = frozenset(
    {
        "unique",
        "global",
        "external",
        "internal",
        "full",
        "new",
        "original",
        "raw",
        "the",
        "of",
        "anon",
        "anonymous",
        "anonymized",
        "anonymised",
        "encoded",
        "encrypted",
        "masked",
        "sha",
        "sha256",
        "md5",
        "hex",
        "s",
        "str",
        "int",
        "col",
        "field",
        "my",
        "primary",
        "stamp",
    }
)
# Unit suffixes ("duration_ms", "ts_ms", "time_sec").
UNITS = frozenset(
    {
        "ms",
        "millis",
        "msec",
        "milliseconds",
        "sec",
        "secs",
        "seconds",
        "us",
        "micros",
        "ns",
        "nanos",
        "utc",
        "gmt",
        "local",
        "epoch",
        "unix",
    }
)

# Role words: word -> strength in [0, 1].
USER_WORDS: dict[str, float] = {
    **dict.fromkeys(
        [
            "user",
            "users",
            "customer",
            "customers",
            "cust",
            "client",
            "member",
            "visitor",
            "buyer",
            "shopper",
            "consumer",
            "subscriber",
            "viewer",
            "listener",
            "reader",
            "player",
            "gamer",
            "reviewer",
            "rater",
            "patron",
            "passenger",
            "traveler",
            "traveller",
            "cardholder",
            "uid",
            "msno",
            "fullvisitorid",
            "userid",
            "customerid",
            "clientid",
            "visitorid",
            "memberid",
            "person",
            "guest",
            "learner",
            "student",
            "borrower",
            "accountholder",
            "payer",
            "purchaser",
            "voter",
            "fan",
        ],
        1.0,
    ),
    **dict.fromkeys(
        [
            "account",
            "acct",
            "profile",
            "household",
            "cookie",
            "uuid",
            "owner",
            "holder",
            "anonymous_id",
            "device",
            "cc",
            "card",
            "cardholder_id",
            "ncodpers",
            "wallet",
        ],
        0.65,
    ),
    **dict.fromkeys(
        [
            "session",
            "sess",
            "sessionid",
            "playlist",
            "pid",
            "srch",
            "search",
            "visit",
            "browser_id",
        ],
        0.5,
    ),
    **dict.fromkeys(["email", "mail", "phone", "msisdn", "mobile", "username", "login"], 0.45),
}
ITEM_WORDS: dict[str, float] = {
    **dict.fromkeys(
        [
            "item",
            "items",
            "product",
            "products",
            "prod",
            "sku",
            "article",
            "movie",
            "film",
            "book",
            "isbn",
            "asin",
            "track",
            "song",
            "video",
            "content",
            "document",
            "doc",
            "offer",
            "listing",
            "hotel",
            "property",
            "prop",
            "game",
            "app",
            "course",
            "joke",
            "restaurant",
            "business",
            "recipe",
            "post",
            "news",
            "artwork",
            "iid",
            "itemid",
            "productid",
            "movieid",
            "articleid",
            "trackid",
            "merchandise",
            "goods",
            "upc",
            "ean",
            "gtin",
            "poi",
            "venue",
            "episode",
            "show",
            "anime",
            "podcast",
            "asset",
            "job",
            "question",
            "paper",
            "image",
            "photo",
            "vehicle",
            "car",
            "aid",
            "stock",
            "stockcode",
            "sku_id",
            "title_id",
            "tconst",
            "bookid",
            "gameid",
            "appid",
        ],
        1.0,
    ),
    **dict.fromkeys(
        [
            "artist",
            "album",
            "ad",
            "creative",
            "flight",
            "room",
            "merchant",
            "instrument",
            "symbol",
            "ticker",
            "security",
            "fund",
            "loan",
            "page",
            "banner",
            "deal",
            "coupon",
            "place",
            "station",
            "destination",
            "story",
            "series",
            "program",
            "programme",
            "channel_item",
            "listing_id",
            "url",
            "reference",
            "target",
            "object",
            "entity",
            "resource",
            "commodity",
            "material",
            "part",
        ],
        0.6,
    ),
    **dict.fromkeys(["title", "campaign", "route", "name"], 0.3),
}
# Row-level entities that are ids even without a marker ("Invoice", "transaction").
ENTITY_ALONE = frozenset(
    {"invoice", "receipt", "transaction", "txn", "booking", "reservation", "ticket"}
)
TIME_WORDS: dict[str, float] = {
    **dict.fromkeys(
        [
            "time",
            "timestamp",
            "timestamps",
            "ts",
            "tstamp",
            "datetime",
            "date",
            "dt",
            "dat",
            "when",
            "occurred",
            "epoch",
            "unixtime",
            "eventtime",
            "clicktime",
            "datestamp",
            "timestamp_ms",
            "created",
            "logged",
            "happened",
            "visited",
            "watched",
            "played",
            "listened",
            "purchased",
            "ordered",
            "rated",
            "viewed",
            "clicked",
            "booked",
            "searched",
            "tdat",
            "t",
        ],
        1.0,
    ),
    **dict.fromkeys(["day"], 0.45),
    **dict.fromkeys(
        [
            "at",
            "on",
            "updated",
            "modified",
            "time_stamp",
            "period",
            "moment",
            "instant",
            "start",
            "started",
            "end",
            "ended",
        ],
        0.6,
    ),
}
# Heads that look like times but are not interaction times (traps).
NOT_TIME = frozenset(
    {
        "duration",
        "offset",
        "timezone",
        "tz",
        "zone",
        "elapsed",
        "length",
        "dwell",
        "delay",
        "latency",
        "age",
        "ttl",
        "interval",
        "lag",
        "spent",
        "wait",
        "runtime",
        "tenure",
        "gap",
        "since",
        "diff",
        "delta",
        "hours",
        "minutes",
        "count",
        "hour",
        "minute",
        "weekday",
        "dow",
        "month",
        "year",
        "week",
        "quarter",
        "season",
        "zoneoffset",
        "timezoneoffset",
    }
)
# Dates that do not say when the interaction happened.
OTHER_DATES = frozenset(
    {
        "birth",
        "dob",
        "birthday",
        "release",
        "released",
        "registration",
        "registered",
        "signup",
        "joined",
        "expiry",
        "expiration",
        "expires",
        "due",
        "publication",
        "published",
        "first",
        "last",
        "open",
        "opened",
        "close",
        "closed",
        "founded",
        "valid",
        "effective",
        "checkin",
        "checkout",
        "departure",
        "arrival",
        "delivery",
        "delivered",
        "shipped",
        "shipping",
        "estimated",
        "approved",
        "renewal",
        "cancel",
        "cancelled",
        "canceled",
        "conversion",
    }
)
# Row-level entity ids that are neither users nor items (left out as features too).
ENTITY_WORDS = frozenset(
    {
        "row",
        "index",
        "idx",
        "order",
        "orders",
        "transaction",
        "transactions",
        "txn",
        "trans",
        "tran",
        "invoice",
        "receipt",
        "review",
        "rating",
        "event",
        "record",
        "line",
        "log",
        "request",
        "impression",
        "click",
        "interaction",
        "booking",
        "reservation",
        "ticket",
        "purchase",
        "payment",
        "basket",
        "cart",
        "message",
        "comment",
        "call",
        "entry",
        "activity",
        "conversion",
        "claim",
        "shipment",
        "sample",
        "obs",
        "observation",
        "tx",
        "unnamed",
        "serial",
        "seq",
        "sequence",
        "uuid4",
        "pageview",
        "hit",
        "trip",
        "instance",
        "submission",
        "attempt",
        "journey",
        "auction",
        "operation",
        "op",
        "display",
        "query",
    }
)
NUMERIC_WORDS = frozenset(
    {
        "price",
        "prices",
        "amount",
        "amt",
        "cost",
        "fare",
        "fee",
        "fees",
        "revenue",
        "sales",
        "total",
        "sum",
        "qty",
        "quantity",
        "quantities",
        "count",
        "cnt",
        "views",
        "clicks",
        "plays",
        "playcount",
        "listens",
        "duration",
        "length",
        "dwell",
        "rating",
        "ratings",
        "score",
        "scores",
        "stars",
        "star",
        "votes",
        "vote",
        "helpful",
        "helpfulness",
        "age",
        "weight",
        "height",
        "distance",
        "balance",
        "income",
        "salary",
        "discount",
        "tax",
        "spend",
        "spent",
        "minutes",
        "seconds",
        "percent",
        "pct",
        "ratio",
        "rate",
        "popularity",
        "budget",
        "runtime",
        "year",
        "lat",
        "lon",
        "lng",
        "latitude",
        "longitude",
        "position",
        "pos",
        "step",
        "usd",
        "eur",
        "gbp",
        "value",
        "worth",
        "margin",
        "profit",
        "size_bytes",
        "bytes",
        "pages",
        "sold",
        "units",
        "rank",
        "ranking",
        "elapsed",
        "latency",
        "delay",
        "tenure",
        "credit",
        "debit",
        "limit",
        "interest",
        "installments",
        "nights",
        "adults",
        "children",
        "guests",
        "stay",
        "days",
        "hours",
        "number",
        "num",
        "n",
        "frac",
        "fraction",
        "prob",
        "probability",
        "cpo",
        "cpc",
        "cpm",
        "ctr",
        "bid",
        "volume",
        "temperature",
        "progress",
        "completion",
        "watched_pct",
        "overall",
        "useful",
        "funny",
        "cool",
        "wins",
        "losses",
        "playtime",
        "hours_played",
        "reordered_count",
    }
)
CATEGORICAL_WORDS = frozenset(
    {
        "category",
        "categories",
        "cat",
        "categ",
        "class",
        "genre",
        "genres",
        "type",
        "types",
        "kind",
        "group",
        "segment",
        "department",
        "dept",
        "section",
        "aisle",
        "brand",
        "color",
        "colour",
        "size",
        "gender",
        "sex",
        "country",
        "city",
        "region",
        "state",
        "province",
        "zip",
        "zipcode",
        "postal",
        "postcode",
        "language",
        "lang",
        "locale",
        "platform",
        "device",
        "os",
        "browser",
        "channel",
        "source",
        "medium",
        "status",
        "level",
        "tier",
        "code",
        "flag",
        "label",
        "tag",
        "tags",
        "mode",
        "method",
        "currency",
        "store",
        "shop",
        "site",
        "market",
        "geo",
        "location",
        "loc",
        "weekday",
        "dow",
        "month",
        "hour",
        "season",
        "format",
        "quality",
        "condition",
        "plan",
        "membership",
        "club",
        "frequency",
        "action",
        "behavior",
        "behaviour",
        "reordered",
        "is",
        "has",
        "bool",
        "mcc",
        "industry",
        "occupation",
        "education",
        "marital",
        "team",
        "league",
        "publisher",
        "author",
        "director",
        "studio",
        "network",
        "carrier",
        "airline",
        "chain",
        "accommodation",
        "origin",
        "variant",
        "version",
        "agent",
        "useragent",
        "referrer",
        "domain",
        "placement",
        "slot",
        "position_type",
        "outcome",
        "result",
        "target_type",
        "gateway",
        "network_type",
        "connection",
        "carrier_name",
        "manufacturer",
        "model",
        "family",
        "subcategory",
        "division",
        "line_type",
        "product_type",
        "garment",
        "pattern",
        "appearance",
        "graphical",
        "perceived",
        "colour_group",
        "index_group",
        "sales_channel",
        "weekend",
        "holiday",
        "promo",
        "promotion",
        "coupon",
        "payment_type",
        "card_type",
        "verified",
        "recommended",
        "fraud",
        "click_bool",
        "booking_bool",
        "target",
        "y",
        "converted",
        "returned",
        "canceled",
        "cancelled",
        "refunded",
        "explicit",
        "mature",
        "adult",
        "premium",
        "free",
        "subscription",
        "tz",
        "timezone",
        "zone",
        "offset",
        "period",
    }
)
# Words that mark raw personal data.
PII_WORDS = frozenset(
    {
        "email",
        "mail",
        "e_mail",
        "phone",
        "msisdn",
        "mobile",
        "telephone",
        "tel",
        "cell",
        "firstname",
        "lastname",
        "fullname",
        "surname",
        "forename",
        "address",
        "street",
        "ssn",
        "passport",
        "iban",
        "ip",
        "ipaddress",
        "dob",
        "birthdate",
        "birthday",
    }
)
TEXT_WORDS = frozenset(
    {
        "text",
        "review",
        "comment",
        "comments",
        "description",
        "desc",
        "summary",
        "body",
        "message",
        "content",
        "note",
        "notes",
        "query",
        "title",
        "headline",
        "caption",
        "bio",
        "feedback",
        "reviewtext",
        "review_text",
        "tweet",
        "abstract",
        "remark",
        "remarks",
    }
)

VOCAB = frozenset(
    ID_MARKERS
    | NOISE
    | UNITS
    | set(USER_WORDS)
    | set(ITEM_WORDS)
    | set(TIME_WORDS)
    | NOT_TIME
    | OTHER_DATES
    | ENTITY_WORDS
    | NUMERIC_WORDS
    | CATEGORICAL_WORDS
    | PII_WORDS
    | TEXT_WORDS
    | {
        "first",
        "last",
        "full",
        "name",
        "stamp",
        "cart",
        "add",
        "to",
        "visitor",
        "stock",
        "invoice",
        "unit",
        "for",
        "in",
        "per",
        "sub",
        "top",
        "main",
    }
)

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@functools.lru_cache(maxsize=4096)
def tokens(name: str) -> tuple[str, ...]:
    """Lowercase word tokens of a column name in any style.

    camelCase, PascalCase, snake_case, UPPER_CASE, kebab-case, spaces and glued compounds
    of known words (``userid``, ``stockcode``) are all split.

    Examples
    --------
    >>> tokens("CustomerID"), tokens("user-id"), tokens("InvoiceDate"), tokens("t_dat")
    (('customer', 'id'), ('user', 'id'), ('invoice', 'date'), ('t', 'dat'))
    >>> tokens("timezoneOffset"), tokens("EVENT_TIME"), tokens("productcode")
    (('timezone', 'offset'), ('event', 'time'), ('product', 'code'))
    """
    out: list[str] = []
    for part in re.split(r"[^0-9A-Za-z]+", str(name)):
        for raw in _CAMEL.findall(part):
            word = raw.lower()
            if word.isdigit():
                continue
            out.extend(_split_compound(word))
    return tuple(out)


def _split_compound(word: str) -> list[str]:
    if word in VOCAB or len(word) < 5:
        return [word]
    # Two or three known words glued together: prefer the longest first word.
    for i in range(len(word) - 2, 1, -1):
        head, tail = word[:i], word[i:]
        if head in VOCAB:
            if tail in VOCAB:
                return [head, tail]
            if len(tail) >= 4:
                rest = _split_compound(tail)
                if len(rest) > 1 and all(r in VOCAB for r in rest):
                    return [head, *rest]
    return [word]


@dataclass(frozen=True)
class NameEvidence:
    """What a column's name says.

    Attributes
    ----------
    tokens
        The name's words.
    core
        The words without id markers, units and noise; ``core[-1]`` is the head noun.
    user, item, time
        Strength of the name's match for USER_ID, ITEM_ID and TIMESTAMP in [0, 1].
    user_word, item_word, time_word
        The word that matched (for reasons).
    id_like
        The name marks an identifier (``*_id``, ``*No``, ``*Code``, ``uid`` ...).
    entity
        A row-level id that is neither user nor item (order, transaction, review ids ...).
    hint
        ``"numerical"``, ``"categorical"``, ``"text"``, ``"pii"`` or None.
    hint_word
        The word behind ``hint``.
    not_time
        The name says duration/offset/age... (a time-looking trap).
    other_date
        A date that is not the interaction time (birth, release, signup ...).
    """

    tokens: tuple[str, ...]
    core: tuple[str, ...]
    user: float = 0.0
    item: float = 0.0
    time: float = 0.0
    user_word: str = ""
    item_word: str = ""
    time_word: str = ""
    id_like: bool = False
    entity: str = ""
    hint: str | None = None
    hint_word: str = ""
    not_time: bool = False
    other_date: bool = False


_ID_SUFFIXED = {"uid": "user", "iid": "item", "aid": "aid", "pid": "pid", "cid": "cid"}


@functools.lru_cache(maxsize=4096)
def name_evidence(name: str) -> NameEvidence:
    """Read a column name.

    Examples
    --------
    >>> e = name_evidence("customer_id"); (e.user, e.user_word, e.id_like)
    (1.0, 'customer', True)
    >>> name_evidence("order_item_id").entity, name_evidence("duration_ms").not_time
    ('order', True)
    >>> name_evidence("category_id").hint, name_evidence("StockCode").item
    ('categorical', 1.0)
    """
    toks = tokens(name)
    id_like = any(t in ID_MARKERS for t in toks) or any(t in _ID_SUFFIXED for t in toks)
    units = [t for t in toks if t in UNITS]
    core = tuple(t for t in toks if t not in ID_MARKERS and t not in NOISE and t not in UNITS)
    if not core and toks:
        # A name that is only a marker ("id", "uid", "ts", "code").
        core = tuple(t for t in toks if t not in NOISE) or toks
    head = core[-1] if core else ""

    def score(words: dict[str, float]) -> tuple[float, str]:
        best, word = 0.0, ""
        for pos, t in enumerate(core):
            w = words.get(t, 0.0)
            if not w:
                continue
            # The head noun decides; a modifier ("user_country") counts for little.
            factor = 1.0 if pos == len(core) - 1 else 0.35
            if w * factor > best:
                best, word = w * factor, t
        return best, word

    user, user_word = score(USER_WORDS)
    item, item_word = score(ITEM_WORDS)
    time, time_word = score(TIME_WORDS)
    not_time = head in NOT_TIME or any(t in ("duration", "offset", "elapsed") for t in core)
    if units and head.endswith("ed") and toks.index(units[0]) < toks.index(head):
        not_time = True  # "ms_played", "seconds_watched": a duration
    other_date = any(t in OTHER_DATES for t in core[:-1]) or head in OTHER_DATES
    if not_time:
        time = 0.0
    elif other_date and time:
        time *= 0.3
    if head in ("at", "on") and len(core) > 1 and core[-2].endswith("ed"):
        time, time_word = 0.9, core[-2] + "_" + head
    if units and any(t in ("epoch", "unix") for t in toks) and not not_time:
        time, time_word = max(time, 0.8), "epoch"
    # Glued/short id names.
    if toks == ("t",) or (head == "t" and len(core) == 1):
        time, time_word = 0.6, "t"

    entity = ""
    if id_like or head in ("index", "idx", "row", "unnamed"):
        if head in ENTITY_WORDS:
            entity = head
        elif len(core) >= 2 and head in ITEM_WORDS and any(t in ENTITY_WORDS for t in core[:-1]):
            # order_item_id / transaction_line_id: a line number inside an order.
            entity = next(t for t in core[:-1] if t in ENTITY_WORDS)
    elif head in ("index", "idx", "unnamed", "row") or (len(core) == 1 and head in ENTITY_ALONE):
        entity = head
    if entity:
        user, item = min(user, 0.1), min(item, 0.1)

    hint: str | None = None
    hint_word = ""
    for kind, words in (("pii", PII_WORDS), ("text", TEXT_WORDS)):
        hit = [t for t in core if t in words]
        if hit and not id_like:
            hint, hint_word = kind, hit[-1]
            break
    if hint is None and (
        (("first" in core or "last" in core or "full" in toks) and "name" in core)
        or core in (("first",), ("last",), ("name",), ("surname",))
    ):
        hint, hint_word = "pii", "name"
    if hint is None:
        if head in NUMERIC_WORDS and not id_like:
            hint, hint_word = "numerical", head
        elif head in CATEGORICAL_WORDS or (id_like and head not in NUMERIC_WORDS):
            hint, hint_word = "categorical", head
        elif any(t in NUMERIC_WORDS for t in core) and not id_like:
            hint, hint_word = "numerical", next(t for t in core if t in NUMERIC_WORDS)
        elif any(t in CATEGORICAL_WORDS for t in core):
            hint, hint_word = "categorical", next(t for t in core if t in CATEGORICAL_WORDS)
    if hint == "categorical" and head in CATEGORICAL_WORDS and head not in ("code",):
        # "category_id", "store_id", "sales_channel_id": a code, not a user or item.
        user, item = min(user, 0.2), min(item, 0.2)
    if head in NUMERIC_WORDS and not id_like:
        user, item = min(user, 0.15), min(item, 0.15)
    return NameEvidence(
        tokens=toks,
        core=core,
        user=user,
        item=item,
        time=time,
        user_word=user_word,
        item_word=item_word,
        time_word=time_word,
        id_like=id_like,
        entity=entity,
        hint=hint,
        hint_word=hint_word,
        not_time=not_time,
        other_date=other_date,
    )
