"""Score columns for USER_ID, ITEM_ID and TIMESTAMP, and pick the best joint assignment."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from cleanroom_nb import _roles
from cleanroom_nb.infer._columns import (
    ID_TYPES,
    MIN_ID_VALUES,
    MIN_ROLE_SCORE,
    ROLE_NOUN,
    TOP_CANDIDATES,
    Col,
    few_text,
    may_be_slice,
    sample_text,
    time_values,
)
from cleanroom_nb.infer._patterns import (
    ALL_NULL,
    CONSTANT,
    DATE_STRING,
    DATETIME,
    EMAIL,
    FREE_TEXT,
    HEX_HASH,
    ISO_DATETIME,
    PERSON_NAME,
    PHONE,
    UUID,
)
from cleanroom_nb.infer._schema import ColumnProfile
from cleanroom_nb.infer._vocabulary import CATEGORICAL_WORDS


def _dates(c: Col) -> bool:
    """The values are dates (digits such as 20240131 only when the name says time)."""
    tf = c.profile.time_format if c.profile is not None else None
    return tf is not None and (not tf.needs_time_name or c.ev.time > 0)


def _id_values(c: Col, role: str, name_score: float = 0.0) -> tuple[float, str | None]:
    """Value score of a column for an ID role, or a veto reason."""
    p = c.profile
    if p is None:
        return 0.5, None
    if p.has(ALL_NULL):
        return 0.0, "all values are null"
    if p.has(CONSTANT):
        return 0.0, "it holds one value"
    if p.kind in ("list", "dict", "bytes", "mixed", "other", "timedelta", "bool", "empty"):
        return 0.0, f"it holds {p.kind} values"
    titled = bool(c.ev.core) and c.ev.core[-1] in ("name", "title") and p.mean_length <= 80
    if (p.has(FREE_TEXT) and not titled) or p.mean_length > 120:
        return 0.0, "it holds free text"
    if p.has(DATETIME, ISO_DATETIME, DATE_STRING) or _dates(c):
        return 0.0, "it holds dates"
    if p.has(PERSON_NAME):
        return 0.0, "it holds person names"
    if role == _roles.ITEM_ID and p.has(EMAIL, PHONE):
        return 0.0, "it holds personal contact data"
    if p.sequential:
        return 0.0, "its values count the rows (1, 2, 3 ...): a row key"
    d = p.est_distinct or p.distinct
    # A name that says the role outright needs fewer values (a small file, a few users).
    floor = 5 if name_score >= 0.9 else MIN_ID_VALUES
    if p.kind == "float" and not p.integral:
        return 0.0, "it holds fractional numbers"
    c.few.pop(role, None)
    if d < floor and d < p.sample_rows:
        if not _few_is_sample(c, name_score, d):
            return 0.0, f"it has only {d} distinct value{'s' if d != 1 else ''}, too few for ids"
        # The name and values say it; a sample cannot show how many the table has.
        c.few[role] = few_text(c, d, ROLE_NOUN[role])
    card = min(1.0, max(0.3, _log10(d) / 3))
    rpv = p.est_rows_per_value or p.rows_per_value
    if role == _roles.USER_ID:
        repeat = 1.0 if rpv >= 1.5 else 0.85 if rpv >= 1.15 else 0.6
    else:
        repeat = 1.0 if rpv >= 1.3 else 0.7
    v = card * repeat * (1 - 0.4 * min(p.null_ratio, 1.0))
    if p.time_unit and c.ev.time:
        return 0.0, "it holds Unix epoch times"
    if p.time_unit:
        v *= 0.6
    if role == _roles.USER_ID and p.has(EMAIL, PHONE):
        v *= 0.8
    return v, None


def _few_is_sample(c: Col, name_score: float, distinct: int) -> bool:
    """Few distinct ids that say more about the sample than the table.

    A name that says the role outright (``userid``, ``customer_id``), or a weaker one that marks
    an identifier (``session_id_hash``), with at least two id values: a sorted file's head or a
    short file holds few users; the readiness check counts the whole table. A plain word with
    few values (``device``: mobile, desktop) is a category, not an id.
    """
    if distinct < 2:
        return False
    if name_score >= 0.9:
        return True
    if name_score < 0.5:
        return False
    if c.ev.id_like or c.has(HEX_HASH, UUID):
        return True
    # Whole numbers under a name that is the user word itself ("session"), not 0/1 flags.
    p = c.p
    return (
        p.kind == "int"
        and c.ev.core == (c.ev.user_word,)
        and not (p.min_value in (0, 1) and p.max_value in (0, 1))
    )


def _log10(x: float) -> float:
    import math

    return math.log10(x) if x > 0 else 0.0


def _fixable_id_type(c: Col) -> bool:
    """Float ids (whole numbers, stored as float because of NaN) and small ints can be fixed."""
    p = c.profile
    if c.base in ("double", "float"):
        return p is None or p.integral
    return c.base in ("tinyint", "smallint")


def _score_id(c: Col, role: str, name_score: float, word: str) -> None:
    noun = ROLE_NOUN[role]
    if c.ev.entity:
        return
    hashed = c.has(HEX_HASH, UUID) or (role == _roles.USER_ID and c.has(EMAIL, PHONE))
    if name_score <= 0 and not (hashed and role == _roles.USER_ID and _user_by_values(c)):
        return
    fixable = _fixable_id_type(c)
    if c.base not in ID_TYPES and not fixable:
        if name_score >= 0.5 and c.base not in ("unknown",):
            c.names[role] = name_score
            c.near_miss[role] = (
                f"{c.name!r} matches by name ('{word}') but its Glue type {c.glue_type} is not "
                f"accepted ({role} takes {_roles.accepted_types_text(role)}); cast it to int64 "
                "or string"
            )
        return
    v, veto = _id_values(c, role, name_score)
    p = c.profile
    # A weak name ("<something>_id") is the item only if its values repeat.
    weak_item = not veto and 0 < name_score < 0.4 and role == _roles.ITEM_ID
    if weak_item and p is not None and (p.est_rows_per_value or p.rows_per_value) < 1.3:
        veto = "each value is on about one row (a row-level key)"
    if veto:
        if name_score >= 0.5:
            c.near_miss[role] = f"{c.name!r} matches by name ('{word}') but {veto}"
        return
    if name_score > 0:
        score = 0.5 * name_score + 0.5 * v
        head = f"name matches '{word}'"
    else:
        score = 0.4 * v
        head = f"values look like {'hashed ' if c.has(HEX_HASH, UUID) else ''}{noun} ids"
        if c.has(EMAIL, PHONE):
            head = "the only user identifier: raw e-mails or phone numbers (to be hashed)"
    if fixable:
        score *= 0.97
        head += f" (stored as {c.glue_type}: fix attached)"
    if role in c.few:
        head += f"; {c.few[role]}"
    c.scores[role] = score
    c.names[role] = name_score
    c.facts[role] = head


def _user_by_values(c: Col) -> bool:
    """User-like values and position where the name does not say user.

    Personal contact data, or hashed ids in the lead column (where exports put the user) whose
    name says nothing else (not an item, a category or a row key). Hashed ids elsewhere (an
    artist UUID in a listening log) have no evidence for the user.
    """
    if c.has(EMAIL, PHONE):
        return True
    ev = c.ev
    return c.position == 0 and ev.item < 0.3 and not ev.entity and ev.hint != "categorical"


def score_user(c: Col) -> None:
    _score_id(c, _roles.USER_ID, c.ev.user, c.ev.user_word)


def score_item(c: Col) -> None:
    _score_id(c, _roles.ITEM_ID, c.ev.item, c.ev.item_word)


def _time_storage(c: Col, kind: str) -> tuple[float, str] | None:
    """How well the storage fits TIMESTAMP (1 = as it is) and the words for it; None: no fix."""
    p = c.p
    if kind == "epoch":
        unit = f"Unix epoch {p.time_unit}"
        if c.base in ("bigint", "int"):
            return (1.0, unit) if p.time_unit == "s" else (0.9, unit + " (to be divided: fix)")
        if c.base in ("double", "float", "string"):
            return 0.85, f"{unit} stored as {c.glue_type} (fix attached)"
        return None
    if kind == "datetime":
        if c.base in ("timestamp", "date"):
            return 0.85, "datetimes" if c.base == "timestamp" else "dates (fix attached)"
        return None
    if kind == "text" and p.time_format is not None and c.base == "string":
        return 0.85, f"text times ({p.time_format.describe()}; fix attached)"
    if kind == "text" and p.time_format is not None and p.time_format.integer:
        return 0.85, f"times written as digits ({p.time_format.describe()}; fix attached)"
    return None


def score_time(c: Col) -> None:
    ev, p = c.ev, c.profile
    role = _roles.TIMESTAMP
    if ev.not_time:
        return
    kind = time_values(c)
    n = ev.time
    if p is None:
        if n >= 0.6 and c.base in ("bigint", "int", "timestamp"):
            c.scores[role] = 0.5 * n
            c.facts[role] = f"name matches '{ev.time_word}' (no sample values to check)"
        return
    if kind is None and _relative_times(c):
        c.scores[role] = 0.45 * n + 0.55 * 0.5
        c.facts[role] = (
            f"name matches '{ev.time_word}'; values are relative times ({p.min_value:,} .. "
            f"{p.max_value:,}, e.g. days or seconds since a start): their order is kept, but "
            "they are not dates"
        )
        return
    if kind is None:
        if n >= 0.6 and not p.has(ALL_NULL):
            lo, hi = p.min_value, p.max_value
            rng = f" ({lo:,} .. {hi:,})" if isinstance(lo, (int, float)) else ""
            hint = ""
            if (
                isinstance(lo, int)
                and isinstance(hi, int)
                and lo >= 19_000_101
                and hi <= 21_001_231
            ):
                hint = (
                    "; they look like YYYYMMDD dates: convert them with cleanroom_nb."
                    f"to_epoch_seconds(df[{c.name!r}].astype(str)) (ISO dates are read too)"
                )
            c.near_miss[role] = (
                f"{c.name!r} matches by name ('{ev.time_word}') but its values{rng} are not "
                f"Unix epoch times or datetimes{hint}"
            )
        return
    one_value = ""
    if p.has(CONSTANT) or (p.est_distinct or p.distinct) < 2:
        if n < 0.9 or p.has(ALL_NULL):
            return
        # A name that says the time and values that are times: one day in a short or sorted
        # sample (a day-by-day export's head, one daily object) is not a constant table.
        shown = f" ({p.examples[0]})" if p.examples else ""
        slice_hint = " (it may be one slice of the table)" if may_be_slice(c) else ""
        one_value = (
            f"; only one time{shown} in {sample_text(c)}{slice_hint}; the readiness check "
            "counts the table"
        )
        c.few[role] = one_value[2:]
    if n <= 0 and (ev.id_like or ev.user >= 0.3 or ev.item >= 0.3 or ev.hint == "numerical"):
        return
    storage = _time_storage(c, kind)
    if storage is None:
        c.near_miss[role] = (
            f"{c.name!r} holds times that no single format reads (or a Glue type "
            f"{c.glue_type} that cannot be converted); convert it with "
            f"cleanroom_nb.to_epoch_seconds(df[{c.name!r}])"
        )
        return
    v, what = storage
    score = 0.45 * n + 0.55 * v if n > 0 else 0.5 * v
    if one_value:
        score *= 0.8
    head = f"name matches '{ev.time_word}'; " if n > 0 else ""
    c.scores[role] = score
    c.facts[role] = f"{head}values are {what}{one_value}"


def assign(cols: list[Col]) -> dict[str, Col]:
    """The best joint assignment of the three required roles (no column twice)."""
    options: dict[str, list[Col | None]] = {}
    for role in _roles.REQUIRED_ROLES:
        # A column whose name fits much better but whose type does not (a float 'user_id')
        # keeps weaker names ('session_id') from being guessed in its place.
        near = max((c.names.get(role, 0.0) for c in cols if role in c.near_miss), default=0.0)
        cands = [
            c
            for c in cols
            if c.scores.get(role, 0.0) >= MIN_ROLE_SCORE
            and c.api_ok
            and (role == _roles.TIMESTAMP or c.names.get(role, 0.0) >= near - 0.3)
        ]
        cands.sort(key=lambda c: -c.scores[role])
        options[role] = [*cands[:TOP_CANDIDATES], None]
    best: tuple[float, tuple[Col | None, ...]] = (-1.0, (None, None, None))
    for combo in itertools.product(*(options[r] for r in _roles.REQUIRED_ROLES)):
        chosen = [c.name for c in combo if c is not None]
        if len(chosen) != len(set(chosen)):
            continue
        total = sum(
            c.scores[r] for c, r in zip(combo, _roles.REQUIRED_ROLES, strict=True) if c is not None
        )
        if total > best[0] + 1e-9:
            best = (total, combo)
    return {r: c for r, c in zip(_roles.REQUIRED_ROLES, best[1], strict=True) if c is not None}


def missing_reasons(cols: list[Col], assignment: Mapping[str, Col]) -> dict[str, str]:
    out: dict[str, str] = {}
    taken = {c.name: r for r, c in assignment.items()}
    for role in _roles.REQUIRED_ROLES:
        if role in assignment:
            continue
        near = [c.near_miss[role] for c in cols if role in c.near_miss and c.name not in taken]
        if near:
            out[role] = "; ".join(near[:2])
            continue
        other = [
            f"{c.name!r} fits it too but is {taken[c.name]}"
            for c in cols
            if c.name in taken and c.scores.get(role, 0.0) >= MIN_ROLE_SCORE
        ]
        bad_names = [c.name for c in cols if not c.api_ok and c.scores.get(role, 0) > 0]
        if bad_names:
            out[role] = (
                f"{bad_names[0]!r} fits by name and values but its name breaks the API's "
                "column-name pattern; rename it"
            )
        elif other:
            out[role] = other[0]
        elif role == _roles.TIMESTAMP:
            out[role] = "no column holds Unix epoch times or datetimes"
        else:
            noun = ROLE_NOUN[role]
            article = "an" if noun[0] in "aeiou" else "a"
            out[role] = (
                f"no column looks like {article} {noun} id (a name such as '{noun}_id' and "
                "many distinct values)"
            )
    return out


def _relative_times(c: Col) -> bool:
    """Whole numbers counted from a start (days or seconds since ...) under a clear time name.

    A name that says the time outright (``date_submitted``, ``timestamp``), many distinct
    integer values starting near zero, and nothing like an epoch: the order of events is
    there even though the dates are not.
    """
    p = c.profile
    if p is None or c.ev.time < 0.9 or c.ev.other_date or c.base not in ("bigint", "int"):
        return False
    lo, hi = p.min_value, p.max_value
    if not (isinstance(lo, int) and isinstance(hi, int)):
        return False
    return (p.est_distinct or p.distinct) >= MIN_ID_VALUES and lo >= -1000 and hi < 2e9


def by_elimination(cols: list[Col], assignment: dict[str, Col]) -> dict[str, Col]:
    """Fill a missing ITEM_ID with the one id column nothing else explains.

    When no column scores as the item, a single remaining id column (``id_assessment``)
    whose values repeat over rows, and that is no code, count, row key, time or personal
    data, is the item by elimination; the reason says so.
    """
    assignment = _contact_as_user(cols, assignment)
    role = _roles.ITEM_ID
    if role in assignment:
        return assignment
    taken = {c.name for c in assignment.values()}
    fits = [c for c in cols if c.name not in taken and _eliminates_to_item(c)]
    if len(fits) != 1:
        return assignment
    (c,) = fits
    p = c.p
    c.scores[role] = MIN_ROLE_SCORE
    c.facts[role] = (
        f"the only id column left ('{c.ev.core[-1] if c.ev.core else c.name}', "
        f"{p.est_rows_per_value or p.rows_per_value:.0f} rows per value): the item by elimination"
    )
    return {**assignment, role: c}


def _eliminates_to_item(c: Col) -> bool:
    p, ev = c.profile, c.ev
    if p is None or not ev.id_like or ev.entity or not c.api_ok or c.near_miss:
        return False
    if ev.hint_word in CATEGORICAL_WORDS or ev.time or ev.hint in ("numerical", "pii", "text"):
        return False
    if c.base not in ID_TYPES or p.sequential or p.time_unit or _dates(c):
        return False
    if p.has(ALL_NULL, CONSTANT, FREE_TEXT, EMAIL, PHONE, PERSON_NAME, DATETIME):
        return False
    d = p.est_distinct or p.distinct
    return d >= 5 and (p.est_rows_per_value or p.rows_per_value) >= 1.3


def _contact_as_user(cols: list[Col], assignment: dict[str, Col]) -> dict[str, Col]:
    """No user id, but one column of e-mails (or else phone numbers): that is the user.

    It gets a hash fix (a ``raw_pii`` error until applied), so it is never sent raw.
    """
    role = _roles.USER_ID
    if role in assignment:
        return assignment
    taken = {c.name for c in assignment.values()}
    kinds = (
        (EMAIL, "raw e-mail addresses (to be hashed)"),
        (PHONE, "raw phone numbers (to be hashed)"),
        (HEX_HASH, "hashed ids"),
        (UUID, "UUIDs"),
    )
    for pattern, what in kinds:
        fits = [
            c
            for c in cols
            if c.name not in taken
            and c.api_ok
            and c.base == "string"
            and c.profile is not None
            and c.profile.has(pattern)
            and (c.profile.est_distinct or c.profile.distinct) >= 2
            and (pattern in (EMAIL, PHONE) or (_repeats(c.profile) and _user_by_values(c)))
        ]
        if len(fits) == 1:
            (c,) = fits
            c.scores[role] = max(c.scores.get(role, 0.0), MIN_ROLE_SCORE)
            c.facts[role] = f"the only user identifier: {what}"
            return {**assignment, role: c}
    return assignment


def _repeats(p: ColumnProfile) -> bool:
    return (p.est_rows_per_value or p.rows_per_value) >= 1.3
