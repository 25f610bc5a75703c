"""What a sample is of: the rows, objects and partitions the role suggester saw.

A sample is not the table. :class:`SampleScope` says what the suggester was given, so a
decision can be judged against what the sample can show (a few thousand rows of one daily
object cannot prove a column constant or an id column small), and the schema can say what it
read. ``glue`` fills it from the objects it read; ``infer_schema(df)`` from its random rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SampleScope:
    """The sample behind a schema.

    Parameters
    ----------
    rows
        Rows in the sample given to the suggester.
    total_rows
        Rows in the whole data when known (a DataFrame's length, a Glue table's record count
        or estimate), else None.
    random
        True when the rows were drawn at random positions from the whole data (a DataFrame),
        False when they are pieces read from storage (a Glue table's objects).
    objects_read
        The S3 URIs the sample was read from (Glue tables; empty for a DataFrame).
    objects_total
        Data objects listed under the table's location (None: not listed or not a table).
    partitions_read
        The partition values the sample covers, as ``key=value/...`` strings.
    partitions_total
        Partitions the table has, when known.

    Examples
    --------
    >>> scope = SampleScope(rows=5_000, total_rows=5_000, random=True)
    >>> scope.whole
    True
    >>> SampleScope(rows=800, objects_read=("s3://b/t/day=1/a.parquet",), objects_total=30).whole
    False
    """

    rows: int
    total_rows: int | None = None
    random: bool = False
    objects_read: tuple[str, ...] = ()
    objects_total: int | None = None
    partitions_read: tuple[str, ...] = ()
    partitions_total: int | None = None

    @property
    def whole(self) -> bool:
        """True when the sample holds every row of the data."""
        return self.total_rows is not None and self.rows >= self.total_rows

    @property
    def one_slice(self) -> bool:
        """True when the sample is pieces of storage that may be one slice of the table.

        Rows read from one object, or one partition, of a table that has more (or an unknown
        number) cannot show how values vary across the table; random rows of the whole data can.

        Examples
        --------
        >>> SampleScope(rows=800, objects_read=("s3://b/t/a",), objects_total=30).one_slice
        True
        >>> SampleScope(rows=5_000, total_rows=90_000, random=True).one_slice
        False
        """
        if self.random or self.whole:
            return False
        one_object = len(self.objects_read) <= 1 and (self.objects_total or 0) != 1
        one_partition = len(self.partitions_read) == 1 and (self.partitions_total or 0) != 1
        return one_object or one_partition

    def describe(self) -> str:
        """The sample in words, for reasons: "this sample of 5,000 rows" (and what it read).

        Examples
        --------
        >>> SampleScope(rows=5_000, total_rows=5_000, random=True).describe()
        'this sample of 5,000 rows'
        >>> SampleScope(rows=800, objects_read=("s3://b/t/a",), objects_total=30).describe()
        'this sample of 800 rows from 1 of 30 objects'
        """
        text = f"this sample of {self.rows:,} rows"
        if self.random or not (self.objects_read or self.partitions_read):
            return text
        parts = []
        if self.objects_read:
            of = f" of {self.objects_total:,}" if self.objects_total is not None else ""
            k = len(self.objects_read)
            parts.append(f"{k:,}{of} object{'s' if (self.objects_total or k) != 1 else ''}")
        if self.partitions_read:
            of = f" of {self.partitions_total:,}" if self.partitions_total is not None else ""
            k = len(self.partitions_read)
            parts.append(f"{k:,}{of} partition{'s' if (self.partitions_total or k) != 1 else ''}")
        return f"{text} from {' and '.join(parts)}"
