"""Column names: tokens in every naming style and what the words say about a column's role.

Names alone fail on real tables (``uuid``, ``pid``, ``session``, ``aid``, ``t_dat``), so this
module only gives *name evidence*; :mod:`cleanroom_nb.infer._suggest` weighs it against the values.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from cleanroom_nb.infer._vocabulary import (
    CATEGORICAL_WORDS,
    CONTAINER_WORDS,
    COUNT_PREFIXES,
    ENTITY_ALONE,
    ENTITY_WORDS,
    ID_MARKERS,
    ITEM_WORDS,
    NOISE,
    NOT_TIME,
    NUMERIC_WORDS,
    OTHER_DATES,
    PII_WORDS,
    TEXT_WORDS,
    TIME_WORDS,
    UNITS,
    USER_WORDS,
    VOCAB,
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


def _score(core: tuple[str, ...], words: dict[str, float]) -> tuple[float, str]:
    """The strongest role word of the name: the head noun decides, modifiers count little."""
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


def _time_evidence(
    toks: tuple[str, ...], core: tuple[str, ...], units: list[str], time: float, time_word: str
) -> tuple[float, str, bool, bool]:
    """(time strength, word, not_time, other_date) after the traps and event names."""
    head = core[-1] if core else ""
    not_time = head in NOT_TIME or any(t in ("duration", "offset", "elapsed") for t in core)
    if units and head.endswith("ed") and toks.index(units[0]) < toks.index(head):
        not_time = True  # "ms_played", "seconds_watched": a duration
    other_date = any(t in OTHER_DATES for t in core[:-1]) or head in OTHER_DATES
    if not_time:
        time = 0.0
    elif other_date and time:
        time *= 0.3
    if (
        len(core) == 2
        and TIME_WORDS.get(core[0], 0.0) >= 1.0
        and head.endswith("ed")
        and head not in TIME_WORDS
        and not (not_time or other_date)
    ):
        # "date_added", "time_liked": the time of an event the name spells out.
        time, time_word = 0.95, core[0] + "_" + head
    if head in ("at", "on") and len(core) > 1 and core[-2].endswith("ed"):
        time, time_word = 0.9, core[-2] + "_" + head
    if units and any(t in ("epoch", "unix") for t in toks) and not not_time:
        time, time_word = max(time, 0.8), "epoch"
    # Glued/short id names.
    if toks == ("t",) or (head == "t" and len(core) == 1):
        time, time_word = 0.6, "t"
    return time, time_word, not_time, other_date


def _hint(
    toks: tuple[str, ...], core: tuple[str, ...], id_like: bool, count: bool
) -> tuple[str | None, str]:
    """What kind of feature the name suggests (pii, text, numerical, categorical) and why."""
    head = core[-1] if core else ""
    hint: str | None = None
    hint_word = ""
    for kind, words in (("pii", PII_WORDS), ("text", TEXT_WORDS)):
        hit = [t for t in core if t in words]
        if hit and not id_like:
            hint, hint_word = kind, hit[-1]
            break
    if hint is None and (
        (("first" in core or "last" in core or "full" in toks) and "name" in core)
        or core in (("first",), ("last",), ("surname",))
        or (head == "name" and any(t in USER_WORDS or t == "display" for t in core[:-1]))
    ):
        hint, hint_word = "pii", "name"
    if hint is None and count:
        hint, hint_word = "numerical", toks[0]
    if hint is None:
        if head in NUMERIC_WORDS and not id_like:
            hint, hint_word = "numerical", head
        elif head in CATEGORICAL_WORDS or (id_like and head not in NUMERIC_WORDS):
            hint, hint_word = "categorical", head
        elif any(t in NUMERIC_WORDS for t in core) and not id_like:
            hint, hint_word = "numerical", next(t for t in core if t in NUMERIC_WORDS)
        elif any(t in CATEGORICAL_WORDS for t in core):
            hint, hint_word = "categorical", next(t for t in core if t in CATEGORICAL_WORDS)
    return hint, hint_word


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

    user, user_word = _score(core, USER_WORDS)
    item, item_word = _score(core, ITEM_WORDS)
    time, time_word = _score(core, TIME_WORDS)
    time, time_word, not_time, other_date = _time_evidence(toks, core, units, time, time_word)
    if head in ("name", "title") and len(core) >= 2 and ITEM_WORDS.get(core[-2], 0.0) > item:
        # "trackName", "product_title": the name identifies the thing it names.
        item, item_word = 0.8 * ITEM_WORDS[core[-2]], core[-2]

    entity = ""
    if id_like or head in ("index", "idx", "row", "unnamed"):
        if head in ENTITY_WORDS:
            entity = head
        elif len(core) >= 2 and head in ITEM_WORDS and any(t in CONTAINER_WORDS for t in core[:-1]):
            # order_item_id / transaction_line_id: a line number inside an order (but
            # click_article_id is the article that was clicked).
            entity = next(t for t in core[:-1] if t in CONTAINER_WORDS)
    elif head in ("index", "idx", "unnamed", "row") or (len(core) == 1 and head in ENTITY_ALONE):
        entity = head
    if entity:
        user, item = min(user, 0.1), min(item, 0.1)
    count = _is_count(toks)
    if count:
        id_like, entity = False, ""
        user, item = min(user, 0.15), min(item, 0.15)
    elif id_like and not entity and not (user or item or time) and _plain_noun(head):
        # An id of something the vocabulary does not name ("inventory_id"): maybe the item.
        item, item_word = 0.35, head

    hint, hint_word = _hint(toks, core, id_like, count)
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


def _is_count(toks: tuple[str, ...]) -> bool:
    """``num_tracks``, ``n_items``, ``number_of_reviews``: a count, not an id."""
    if len(toks) < 2 or toks[0] not in COUNT_PREFIXES:
        return False
    last = toks[-1]
    return toks[1] == "of" or (last.endswith("s") and not last.endswith("ss") and len(last) > 3)


def _plain_noun(word: str) -> bool:
    """A word no group of the vocabulary claims (so it says nothing against being the item)."""
    return (
        len(word) >= 3
        and word not in CATEGORICAL_WORDS
        and word not in NUMERIC_WORDS
        and word not in ENTITY_WORDS
        and word not in PII_WORDS
        and word not in ID_MARKERS
        and word not in OTHER_DATES
    )
