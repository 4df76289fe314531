"""SQL constructs that compile differently on SQLite and PostgreSQL: date arithmetic, period
labels, and a hint for SQLite's planner. The breakdown registry and the queries use them."""

from __future__ import annotations

from sqlalchemy import BigInteger, ColumnElement, Date, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SECONDS_PER_DAY = 86_400


class epoch_seconds(FunctionElement):  # noqa: N801  (reads like a SQL function)
    """Whole seconds since 1970 of a timestamp (fractions dropped), as an integer."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds)
def _epoch_postgresql(element, compiler, **kw):
    return (
        f"CAST(EXTRACT(EPOCH FROM date_trunc('second', {compiler.process(element.clauses, **kw)})) AS BIGINT)"
    )


class period_label(FunctionElement):  # noqa: N801
    """'2025', '2025-Q3' or '2025-07' for a timestamp: use the subclass of the unit.

    One class per unit, because a statement's cache key is made of its classes and clauses: a
    plain attribute (`self.unit`, as this once had) is not part of it, so SQLAlchemy reused the
    first period's compiled SQL for the others and month and quarter breakdowns showed years.
    """

    type = String()
    inherit_cache = True
    unit = ""


class year_label(period_label):  # noqa: N801
    inherit_cache = True
    unit = "year"


class quarter_label(period_label):  # noqa: N801
    inherit_cache = True
    unit = "quarter"


class month_label(period_label):  # noqa: N801
    inherit_cache = True
    unit = "month"


@compiles(period_label, "sqlite")
def _period_sqlite(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    if element.unit == "year":
        return f"strftime('%Y', {column})"
    if element.unit == "month":
        return f"strftime('%Y-%m', {column})"
    return f"(strftime('%Y', {column}) || '-Q' || ((CAST(strftime('%m', {column}) AS INTEGER) + 2) / 3))"


@compiles(period_label)
def _period_postgresql(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    pattern = {"year": "YYYY", "month": "YYYY-MM", "quarter": 'YYYY-"Q"Q'}[element.unit]
    return f"to_char({column}, '{pattern}')"


class unindexed(FunctionElement):  # noqa: N801
    """A column SQLite must not walk an index for: `+column` there, the column elsewhere.

    Grouping by enrolment.course_id made SQLite scan the whole table through
    ix_enrolment_course_id, a random read per row; a plain scan is about three times faster.
    Filters are unaffected: they use the column itself.
    """

    inherit_cache = True

    def __init__(self, column):
        self.type = column.type
        super().__init__(column)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw):
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(unindexed)
def _unindexed_default(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


def whole_days(start, end) -> ColumnElement:
    """Complete 24-hour days from `start` to `end` (seconds truncated first; integer division)."""
    return (epoch_seconds(end) - epoch_seconds(start)) // SECONDS_PER_DAY


class enrolment_day(FunctionElement):  # noqa: N801
    """The calendar day of a timestamp, as a DATE (SQLite: its 'YYYY-MM-DD' text, what a Date
    column stores there; `CAST(... AS DATE)` would make a number of it)."""

    type = Date()
    inherit_cache = True


@compiles(enrolment_day, "sqlite")
def _day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(enrolment_day)
def _day_postgresql(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


class month_start(FunctionElement):  # noqa: N801
    """The first day of the month of a DATE."""

    type = Date()
    inherit_cache = True


@compiles(month_start, "sqlite")
def _month_start_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


@compiles(month_start)
def _month_start_postgresql(element, compiler, **kw):
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"
