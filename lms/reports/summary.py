"""The maintained summary of participation: what the dashboard, the CSV and the brief read.

`enrolment_summary` holds, per key (course, enrolment day, gender, country, institution,
profile role) and at several levels of detail (`lms.reports.models.LEVELS`), the additive measures
of a report: counts, quiz score sums and counts, and the plain sums of the record keys of each
count (a cell key is such a sum modulo M, so it survives adding rows up). `enrolment_days`
holds the histogram of whole days to completion per key, from which medians are read. Reading
a report is then one GROUP BY over at most a few thousand rows for the unfiltered view, with no
join, whatever the number of enrolments.

How it stays right: every write that can change a figure is seen here, in the same transaction.

* ORM flushes (`before_flush` / `after_flush`): new, changed and deleted enrolments (start,
  completion, enrolment day), certificates (issue, revoke, supersede), quiz attempts, users
  whose gender, country, institution or profile role changed, deleted users and courses.
* Statements run through the session (`do_orm_execute`): INSERT / UPDATE / DELETE on those
  tables, such as the enrolment service's `INSERT ... ON CONFLICT DO NOTHING` and learning's
  conditional `UPDATE ... SET completed_at`.

For each write, the enrolments it can affect — (user, course) pairs — are aggregated with the
very statement of a full rebuild (`lms.reports.queries.raw_counts_statement`), restricted to
those pairs, once before and once after the write; the difference is added to the summary with
an upsert (`n = n + delta`), never read-modify-write, so concurrent writers never lose an
increment. On PostgreSQL the users concerned are locked first (`SELECT ... FOR UPDATE`), so
that two transactions about the same person do not both count one change; SQLite has one
writer at a time. Rows that fall to zero enrolments are deleted, so the table is always equal,
row for row, to `rebuild()` (the property test in tests/reports/test_summary.py checks it).

Session events are used rather than the domain events of the lower layers because no lower
layer announces every such write (a profile edit, a revoked certificate, an erased account), and
a write path added later is covered without anyone remembering this module. Writes that bypass
the session (raw SQL, bulk loads such as `bench`'s) must be followed by
`flask reports rebuild-summary`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import (
    Delete,
    Insert,
    Update,
    bindparam,
    delete,
    event,
    false,
    func,
    literal,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, attributes

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.courses.models import Course
from lms.enrolment.models import Enrolment
from lms.extensions import db
from lms.quizzes.models import QuizAttempt
from lms.reports.models import (
    ANY_COURSE,
    ANY_DAY,
    COURSE,
    COURSE_DAY,
    COURSE_MONTH,
    COURSE_PLACE,
    COURSE_ROLE,
    FINE,
    LEVELS,
    PROFILE_MONTH,
    ParticipationDays,
    ParticipationSummary,
    level_key,
)
from lms.reports.queries import MEASURE_COLUMNS, raw_counts_statement, raw_days_statement
from lms.reports.sql import enrolment_day, month_start

SUMMARY, DAYS = ParticipationSummary.__table__, ParticipationDays.__table__
KEY = ("course_id", "day", "gender", "country", "institution", "profile_role")
_ENROLMENT, _USER = Enrolment.__table__, User.__table__
_PAIR_TABLES = {"enrolment", "certificate", "quiz_attempt"}  # tables with user_id and course_id
# Attributes whose change moves or changes a figure (anything else — last activity, names — does not).
_WATCHED = {
    Enrolment: ("user_id", "course_id", "enrolled_at", "started_at", "completed_at", "record_key"),
    Certificate: ("user_id", "course_id", "status"),
    QuizAttempt: ("user_id", "course_id", "quiz_id", "score"),
    User: ("gender", "country", "institution", "profile_role"),
}
CHUNK = 500  # pairs per statement (SQLite's limit on bound parameters)


def _fine_groups() -> list:
    e, u = _ENROLMENT.c, _USER.c
    return [
        e.course_id,
        enrolment_day(e.enrolled_at),
        func.coalesce(u.country, ""),
        u.institution,
        u.profile_role,
    ]


def _value(member):
    return getattr(member, "value", member)


# -- contributions: what a set of enrolments adds to the summary ------------------------------


def _contribution(connection: Connection, pairs: set[tuple[int, int]]) -> tuple[dict, dict]:
    """The FINE summary rows and day histogram of the enrolments of `pairs`, as dictionaries
    {key: measures} and {(key, days): completers}: the rebuild's statements, narrowed."""
    counts: dict = {}
    days: dict = {}
    ordered = sorted(pairs)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        e, a = _ENROLMENT.c, QuizAttempt.__table__.c
        in_pairs = tuple_(e.user_id, e.course_id).in_(chunk)
        attempts = [tuple_(a.user_id, a.course_id).in_(chunk)]
        statement = raw_counts_statement(_fine_groups(), [in_pairs], attempts)
        for row in connection.execute(statement):
            course_id, day, country, institution, role, gender = row[:6]
            key = (course_id, day, _value(gender), country, institution, _value(role))
            counts[key] = tuple(row[6:])
        for row in connection.execute(raw_days_statement(_fine_groups(), [in_pairs])):
            course_id, day, country, institution, role, gender, whole_days, completers = row
            days[((course_id, day, _value(gender), country, institution, _value(role)), int(whole_days))] = (
                int(completers)
            )
    return counts, days


def _difference(before: tuple[dict, dict], after: tuple[dict, dict]) -> tuple[dict, dict]:
    """Per level and key, what to add: after minus before, rolled up to every level; zeros dropped."""
    counts: dict = defaultdict(lambda: [0] * len(MEASURE_COLUMNS))
    for sign, rows in ((-1, before[0]), (1, after[0])):
        for key, measures in rows.items():
            for level in LEVELS:
                target = counts[(level, *level_key(level, key))]
                for i, value in enumerate(measures):
                    target[i] += sign * value
    days: dict = defaultdict(int)
    for sign, rows in ((-1, before[1]), (1, after[1])):
        for (key, whole_days), completers in rows.items():
            for level in LEVELS:
                days[(level, *level_key(level, key), whole_days)] += sign * completers
    return (
        {key: tuple(m) for key, m in counts.items() if any(m)},
        {key: n for key, n in days.items() if n},
    )


def _upsert(
    connection: Connection, table, key_names: tuple[str, ...], rows: list[dict], measures: Iterable[str]
):
    dialect = connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in key_names],
        set_={name: table.c[name] + statement.excluded[name] for name in measures},
    )
    connection.execute(statement, rows)


def _apply(connection: Connection, delta: tuple[dict, dict]) -> None:
    counts, days = delta
    names = ("level", *KEY)
    if counts:
        rows = [
            dict(zip(names, key, strict=True)) | dict(zip(MEASURE_COLUMNS, m, strict=True))
            for key, m in sorted(counts.items(), key=lambda item: _sortable(item[0]))
        ]
        _upsert(connection, SUMMARY, names, rows, MEASURE_COLUMNS)
        connection.execute(
            delete(SUMMARY).where(
                *(SUMMARY.c[n] == bindparam(n, type_=SUMMARY.c[n].type) for n in names),
                SUMMARY.c.enrolled <= 0,
            ),
            [dict(zip(names, key, strict=True)) for key in counts],
        )
    if days:
        day_names = (*names, "days")
        rows = [
            dict(zip(day_names, key, strict=True)) | {"completers": n}
            for key, n in sorted(days.items(), key=lambda item: _sortable(item[0]))
        ]
        _upsert(connection, DAYS, day_names, rows, ("completers",))
        connection.execute(
            delete(DAYS).where(
                *(DAYS.c[n] == bindparam(n, type_=DAYS.c[n].type) for n in day_names), DAYS.c.completers <= 0
            ),
            [dict(zip(day_names, key, strict=True)) for key in days],
        )


def _sortable(key: tuple) -> tuple:
    """One order for every writer's upserts (as strings), so two cannot deadlock on each other's rows."""
    return tuple(str(part) for part in key)


# -- which enrolments a write affects -----------------------------------------------------------


class _Pending:
    """The pairs of one flush or statement and their contribution before it."""

    def __init__(self) -> None:
        self.pairs: set[tuple[int, int]] = set()
        self.users: set[int] = set()
        self.courses: set[int] = set()
        self.objects: list = []  # new rows whose ids are known only after the flush
        self.before: tuple[dict, dict] = ({}, {})


def _pairs_of_users(connection: Connection, users: set[int], courses: set[int]) -> set[tuple[int, int]]:
    e = _ENROLMENT.c
    found: set[tuple[int, int]] = set()
    for column, ids in ((e.user_id, users), (e.course_id, courses)):
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            statement = select(e.user_id, e.course_id).where(column.in_(ordered[start : start + CHUNK]))
            found.update((u, c) for u, c in connection.execute(statement))
    return found


def _write_lock(connection: Connection) -> None:
    """SQLite: take the write lock before reading, with a write that changes nothing. Reading
    first would open a read snapshot that SQLite cannot upgrade once another writer has
    committed ("database is locked" at once, without the busy timeout); a write waits its turn."""
    if connection.dialect.name == "sqlite":
        connection.execute(update(SUMMARY).values(enrolled=SUMMARY.c.enrolled).where(false()))


def _lock(connection: Connection, users: set[int]) -> None:
    """PostgreSQL: hold the rows of the people concerned until commit, in one order, so that a
    concurrent change about the same person waits and then sees this one."""
    if connection.dialect.name != "postgresql" or not users:
        return
    ordered = sorted(users)
    for start in range(0, len(ordered), CHUNK):
        connection.execute(
            select(_USER.c.id)
            .where(_USER.c.id.in_(ordered[start : start + CHUNK]))
            .order_by(_USER.c.id)
            .with_for_update()
        )


def _begin(connection: Connection, pending: _Pending) -> None:
    _write_lock(connection)
    pending.pairs |= _pairs_of_users(connection, pending.users, pending.courses)
    _lock(connection, {user for user, _course in pending.pairs} | pending.users)
    pending.before = _contribution(connection, pending.pairs)


def _finish(connection: Connection, pending: _Pending) -> None:
    for obj in pending.objects:
        if obj.user_id is not None and obj.course_id is not None:
            pending.pairs.add((obj.user_id, obj.course_id))
    if pending.pairs:
        _apply(connection, _difference(pending.before, _contribution(connection, pending.pairs)))


def _changed(obj, names: tuple[str, ...]) -> bool:
    state = attributes.instance_state(obj)
    return any(attributes.get_history(obj, name).has_changes() for name in names if name in state.attrs)


def _old_values(obj, name: str) -> list:
    history = attributes.get_history(obj, name)
    return [*history.deleted, *history.unchanged, *history.added]


def _pair_of(obj) -> tuple[int, int] | None:
    """(user id, course id) of a new row, through its relationships if its keys are not set yet;
    None when either party is new too (then the pair had nothing to count before)."""
    ids = []
    for name in ("user", "course"):
        value = getattr(obj, f"{name}_id")
        related = getattr(obj, name, None) if value is None and hasattr(type(obj), name) else None
        ids.append(value if value is not None else getattr(related, "id", None))
    return None if None in ids else (ids[0], ids[1])


def _before_flush(session: Session, flush_context, instances) -> None:
    pending = _Pending()
    for obj in session.new:
        if type(obj) in _WATCHED and type(obj) is not User:
            pending.objects.append(obj)
            pair = _pair_of(obj)
            if pair is not None:
                pending.pairs.add(pair)
    for obj in session.dirty:
        kind = type(obj)
        if kind not in _WATCHED or not _changed(obj, _WATCHED[kind]):
            continue
        if kind is User:
            pending.users.add(obj.id)
            continue
        pending.objects.append(obj)
        for user in _old_values(obj, "user_id"):
            for course in _old_values(obj, "course_id"):
                if user is not None and course is not None:
                    pending.pairs.add((user, course))
    for obj in session.deleted:
        kind = type(obj)
        if kind is User:
            pending.users.add(obj.id)
        elif kind is Course:
            pending.courses.add(obj.id)
        elif kind in _WATCHED:
            pending.pairs.add((obj.user_id, obj.course_id))
    if not (pending.pairs or pending.users or pending.courses or pending.objects):
        return
    _begin(session.connection(), pending)
    session.info.setdefault("participation_pending", []).append(pending)


def _after_flush(session: Session, flush_context) -> None:
    for pending in session.info.pop("participation_pending", []):
        _finish(session.connection(), pending)


def _statement_pending(connection: Connection, statement, parameters) -> _Pending | None:
    """The pending change of an INSERT / UPDATE / DELETE on a table the summary depends on."""
    table = getattr(statement, "table", None)
    name = getattr(table, "name", None)
    if name not in {*_PAIR_TABLES, "user", "course"}:
        return None
    _write_lock(connection)
    pending = _Pending()
    if isinstance(statement, Insert):
        if name not in _PAIR_TABLES:
            return None  # a new user or course has no enrolment yet
        # An ORM bulk INSERT (a list of rows) has its values in the rows and cannot be compiled
        # outside its execution; a single INSERT may have them in `.values()`.
        many = isinstance(parameters, list)
        compiled = {} if many else statement.compile(dialect=connection.dialect).params
        for values in parameters if many else [parameters or {}]:
            merged = {**compiled, **values}
            if merged.get("user_id") is None or merged.get("course_id") is None:
                raise RuntimeError(
                    f"an INSERT into {name} must give user_id and course_id (lms.reports.summary)"
                )
            pending.pairs.add((merged["user_id"], merged["course_id"]))
        return pending
    where = [statement.whereclause] if statement.whereclause is not None else []
    if name in _PAIR_TABLES:
        t = table.c
        pending.pairs |= {(u, c) for u, c in connection.execute(select(t.user_id, t.course_id).where(*where))}
    elif name == "user":
        pending.users |= set(connection.execute(select(table.c.id).where(*where)).scalars())
    else:
        if isinstance(statement, Update):
            return None  # the audience is read from the course table itself
        pending.courses |= set(connection.execute(select(table.c.id).where(*where)).scalars())
    return pending


def _do_orm_execute(state) -> object | None:
    statement = state.statement
    if not isinstance(statement, Insert | Update | Delete):
        return None
    connection = state.session.connection()
    pending = _statement_pending(connection, statement, state.parameters)
    if pending is None:
        return None
    _begin(connection, pending)
    result = state.invoke_statement()
    # Nothing written (a lost race of ON CONFLICT DO NOTHING, a claimed row); an ORM bulk
    # INSERT's result has no row count, and `_finish` reads what is there either way.
    if getattr(result, "rowcount", None) == 0:
        return result
    _finish(connection, pending)
    return result


def listen() -> None:
    """Keep the summary up to date in every session of `db` (called once by the app factory)."""
    for name, function in (
        ("before_flush", _before_flush),
        ("after_flush", _after_flush),
        ("do_orm_execute", _do_orm_execute),
    ):
        if not event.contains(db.session, name, function):
            event.listen(db.session, name, function)


# -- the full recomputation ---------------------------------------------------------------------


def rebuild(connection: Connection) -> int:
    """Recompute both tables from the live tables (FINE rows in SQL, the other levels from them);
    the number of FINE rows. `flask reports rebuild-summary` and the migration call it."""
    connection.execute(delete(SUMMARY))
    connection.execute(delete(DAYS))
    e = _ENROLMENT.c
    groups = [
        literal(FINE).label("level"),
        e.course_id,
        enrolment_day(e.enrolled_at),
        func.coalesce(_USER.c.country, ""),
        _USER.c.institution,
        _USER.c.profile_role,
    ]
    fine = raw_counts_statement(groups, [])
    columns = [
        "level",
        "course_id",
        "day",
        "country",
        "institution",
        "profile_role",
        "gender",
        *MEASURE_COLUMNS,
    ]
    connection.execute(SUMMARY.insert().from_select(columns, fine))
    day_columns = [
        "level",
        "course_id",
        "day",
        "country",
        "institution",
        "profile_role",
        "gender",
        "days",
        "completers",
    ]
    connection.execute(DAYS.insert().from_select(day_columns, raw_days_statement(groups, [])))
    for table, measures in ((SUMMARY, MEASURE_COLUMNS), (DAYS, ("days", "completers"))):
        t = table.c
        any_day = literal(ANY_DAY, type_=t.day.type)
        for level in (COURSE_DAY, COURSE_MONTH, COURSE, COURSE_PLACE, COURSE_ROLE, PROFILE_MONTH):
            day = {COURSE_DAY: t.day, COURSE_MONTH: month_start(t.day), PROFILE_MONTH: month_start(t.day)}.get(level)  # fmt: skip
            kept = {
                COURSE_PLACE: ("country", "institution"),
                COURSE_ROLE: ("profile_role",),
                PROFILE_MONTH: ("country", "institution", "profile_role"),
            }.get(level, ())
            profile = [t[name] if name in kept else literal("").label(name) for name in ("country", "institution", "profile_role")]  # fmt: skip
            every_course = level == PROFILE_MONTH
            keys = [
                literal(level).label("level"),
                literal(ANY_COURSE).label("course_id") if every_course else t.course_id,
                (any_day if day is None else day).label("day"),
            ]
            extra = [t.days] if table is DAYS else []
            summed = [func.sum(t[name]) for name in measures if name != "days"]
            grouped = [
                *([] if every_course else [t.course_id]),
                *([] if day is None else [day]),
                t.gender,
                *(t[name] for name in kept),
                *extra,
            ]
            query = (
                select(*keys, t.gender, *profile, *extra, *summed).where(t.level == FINE).group_by(*grouped)
            )
            names = ["level", "course_id", "day", "gender", "country", "institution", "profile_role"]
            names += [name for name in ("days",) if table is DAYS]
            names += [name for name in measures if name != "days"]
            connection.execute(table.insert().from_select(names, query))
    return connection.execute(
        select(func.count()).select_from(SUMMARY).where(SUMMARY.c.level == FINE)
    ).scalar_one()


def table_rows(connection: Connection) -> tuple[dict, dict]:
    """Both tables as dictionaries ({(level, *key): measures}, {(level, *key, days): completers}):
    what a test compares with a rebuild."""
    names = ("level", *KEY)
    counts = {
        tuple(row[:7]): tuple(row[7:])
        for row in connection.execute(
            select(*(SUMMARY.c[n] for n in names), *(SUMMARY.c[m] for m in MEASURE_COLUMNS))
        )
    }
    days = {
        tuple(row[:8]): row[8]
        for row in connection.execute(select(*(DAYS.c[n] for n in names), DAYS.c.days, DAYS.c.completers))
    }
    return counts, days
