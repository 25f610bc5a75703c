"""The words the name reader knows, grouped by what they say about a column.

Data only: :mod:`cleanroom_nb.infer._names` holds the logic that reads them. Adding a synonym is
a one-line change: append the word to a line of the right group (role words sit in groups of one
strength in [0, 1]). Words are lowercase tokens as :func:`cleanroom_nb.infer._names.tokens` splits
names (``"CustomerID"`` -> ``customer``, ``id``).
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _weighted(*groups: tuple[float, str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for strength, text in groups:
        out.update(dict.fromkeys(text.split(), strength))
    return out


# Markers that turn a noun into an identifier ("customer_id", "StockCode", "InvoiceNo").
ID_MARKERS = _words(
    """
    id ids key no nr num number code hash hashed idx ref sk pk fk identifier guid uri urn
    """
)

# Modifiers that say nothing about the role ("customer_unique_id", "hashed_user").
NOISE = _words(
    """
    unique global external internal full new original raw the of anon anonymous anonymized
    anonymised encoded encrypted masked sha sha256 md5 hex s str int col field my primary stamp
    """
)

# Unit suffixes ("duration_ms", "ts_ms", "time_sec").
UNITS = _words(
    """
    ms millis msec milliseconds sec secs seconds us micros ns nanos utc gmt local epoch unix
    """
)

# Role words: word -> strength in [0, 1].
USER_WORDS: dict[str, float] = _weighted(
    (
        1.0,
        """
        user users customer customers cust client member visitor buyer shopper consumer subscriber
        viewer listener reader player gamer reviewer rater patron passenger traveler traveller
        cardholder uid msno fullvisitorid userid customerid clientid visitorid memberid person guest
        learner student borrower accountholder payer purchaser voter fan
        """,
    ),
    (
        0.65,
        """
        account acct profile household cookie uuid owner holder anonymous_id device cc card
        cardholder_id ncodpers wallet
        """,
    ),
    (
        0.5,
        """
        session sess sessionid playlist pid srch search visit browser_id
        """,
    ),
    (
        0.45,
        """
        email mail phone msisdn mobile username login
        """,
    ),
)

ITEM_WORDS: dict[str, float] = _weighted(
    (
        1.0,
        """
        item items product products prod sku article movie film book isbn asin track song video
        content document doc offer listing hotel property prop game app course joke restaurant
        business recipe post news artwork iid itemid productid movieid articleid trackid merchandise
        goods upc ean gtin poi venue episode show anime podcast asset job question paper image photo
        vehicle car aid stock stockcode sku_id title_id tconst bookid gameid appid
        """,
    ),
    (
        0.6,
        """
        artist album ad creative flight room merchant instrument symbol ticker security fund loan
        page banner deal coupon place station destination story series program programme
        channel_item listing_id url reference target object entity resource commodity material part
        inventory
        """,
    ),
    (
        0.4,
        """
        title name
        """,
    ),
    (
        0.3,
        """
        campaign route
        """,
    ),
)

# Row-level entities that are ids even without a marker ("Invoice", "transaction").
ENTITY_ALONE = _words(
    """
    invoice receipt transaction txn booking reservation ticket
    """
)

TIME_WORDS: dict[str, float] = _weighted(
    (
        1.0,
        """
        time timestamp timestamps ts tstamp datetime date dt dat when occurred epoch unixtime
        eventtime clicktime datestamp timestamp_ms created logged happened visited watched played
        listened purchased ordered rated viewed clicked booked searched tdat t
        """,
    ),
    (
        0.45,
        """
        day
        """,
    ),
    (
        0.6,
        """
        at on updated modified time_stamp period moment instant start started end ended
        """,
    ),
)

# Heads that look like times but are not interaction times (traps).
NOT_TIME = _words(
    """
    duration offset timezone tz zone elapsed length dwell delay latency age ttl interval lag
    spent wait runtime tenure gap since diff delta hours minutes count hour minute weekday dow
    month year week quarter season zoneoffset timezoneoffset
    """
)

# Dates that do not say when the interaction happened.
OTHER_DATES = _words(
    """
    birth dob birthday release released registration registered signup joined expiry expiration
    expires due publication published first last open opened close closed founded valid
    effective checkin checkout departure arrival delivery delivered shipped shipping estimated
    approved renewal cancel cancelled canceled conversion
    """
)

# Row-level entity ids that are neither users nor items (left out as features too).
ENTITY_WORDS = _words(
    """
    row index idx order orders transaction transactions txn trans tran invoice receipt review
    rating event record line log request impression click interaction booking reservation ticket
    purchase payment basket cart message comment call entry activity conversion claim shipment
    sample obs observation tx unnamed serial seq sequence uuid4 pageview hit trip instance
    submission attempt journey auction operation op display query rental rent loan_event
    """
)

# Entities that contain items ("order_item_id" is a line inside an order, not the item); an event
# word instead ("click_article_id") names the item the event was about.
CONTAINER_WORDS = _words(
    """
    order orders transaction transactions txn trans tran invoice receipt basket cart booking
    reservation shipment line trip journey auction submission ticket rental
    """
)

# First words that make a count ("num_tracks", "n_items", "number_of_reviews").
COUNT_PREFIXES = _words(
    """
    num n nb nr number no cnt count
    """
)

NUMERIC_WORDS = _words(
    """
    price prices amount amt cost fare fee fees revenue sales total sum qty quantity quantities
    count cnt views clicks plays playcount listens duration length dwell rating ratings score
    scores stars star votes vote helpful helpfulness age weight height distance balance income
    salary discount tax spend spent minutes seconds percent pct ratio rate popularity budget
    runtime year lat lon lng latitude longitude position pos step usd eur gbp value worth margin
    profit size_bytes bytes pages sold units rank ranking elapsed latency delay tenure credit
    debit limit interest installments nights adults children guests stay days hours number num n
    frac fraction prob probability cpo cpc cpm ctr bid volume temperature progress completion
    watched_pct overall useful funny cool wins losses playtime hours_played reordered_count
    """
)

CATEGORICAL_WORDS = _words(
    """
    category categories cat categ class genre genres type types kind group segment department
    dept section aisle brand color colour size gender sex country city region state province zip
    zipcode postal postcode language lang locale platform device os browser channel source
    medium status level tier code flag label tag tags mode method currency store shop site
    market geo location loc weekday dow month hour season format quality condition plan
    membership club frequency action behavior behaviour reordered is has bool mcc industry
    occupation education marital team league publisher author director studio network carrier
    airline chain accommodation origin variant version agent useragent referrer domain placement
    slot position_type outcome result target_type gateway network_type connection carrier_name
    manufacturer model family subcategory division line_type product_type garment pattern
    appearance graphical perceived colour_group index_group sales_channel weekend holiday promo
    promotion coupon payment_type card_type verified recommended fraud click_bool booking_bool
    target y converted returned canceled cancelled refunded explicit mature adult premium free
    subscription tz timezone zone offset period
    """
)

# Words that mark raw personal data.
PII_WORDS = _words(
    """
    email mail e_mail phone msisdn mobile telephone tel cell firstname lastname fullname surname
    forename address street ssn passport iban ip ipaddress dob birthdate birthday
    """
)

TEXT_WORDS = _words(
    """
    text review comment comments description desc summary body message content note notes query
    title headline caption bio feedback reviewtext review_text tweet abstract remark remarks
    """
)

# Other words the tokenizer knows (to split glued names such as "addtocart").
EXTRA_WORDS = _words(
    """
    first last full name stamp cart add to visitor stock invoice unit for in per sub top main
    """
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
    | CONTAINER_WORDS
    | EXTRA_WORDS
)
