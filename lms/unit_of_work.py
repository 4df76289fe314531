"""One unit of work per request, CLI command and background job: the one place that commits.

Services change state and only flush; when they refuse they raise a `lms.errors.DomainError`.
The unit of work around them then keeps everything or nothing:

- **A request** (`Application.dispatch_request`): the view runs, its response is made, and then,
  before anything is sent, the unit commits if the status is below 400 and rolls back on a 4xx
  or 5xx page or an exception. A commit that fails (a lost race: a unique value taken meanwhile,
  a PostgreSQL serialisation failure or deadlock) raises `ConcurrentChange` and the error
  handlers answer 409, exactly as if the view itself had failed. A streamed body runs after the
  commit: it may read (in a new transaction) but whatever it changed would be discarded.
- **A CLI command or a job**: `@transactional` (or `with unit_of_work():`) commits when the
  function returns and rolls back when it raises, `click.ClickException` included. A unit
  started inside another one joins it: only the outermost commits (so an eagerly run job inside
  a request commits with the request).

A unit that wrote nothing neither commits nor rolls back: a page that only reads ends its
transaction when the session is closed at teardown, as without a unit of work, so what it loaded
is not expired while a streamed body still reads it.

Work that must happen only once the change is durable (a mail with a link to a new account, a
file that names new rows, a job that reads them) is registered with `after_commit`; it runs
after the commit succeeds and is dropped when the unit rolls back. It must not change the
database itself: nothing would commit that.

A record that must outlive a refusal (the audit entry of a failed sign-in, whose page is a 400
and so rolls back) is registered with `after_end`: it runs once the unit has ended, committed or
rolled back by its status (not when it raised), in a unit of its own that commits it.

`db.session.commit()` appears nowhere else in `lms/` (tests/test_unit_of_work.py checks it),
and a commit inside a running unit is refused at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, request
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from lms.errors import ConcurrentChange
from lms.extensions import db

T = TypeVar("T")

_KEY = "lms.unit_of_work"  # in Session.info: the running unit, if any
# SQLSTATEs of a transaction PostgreSQL aborted because another one won: serialisation failure
# and deadlock. (A unique violation, 23505, is an IntegrityError.)
_LOST_RACE_STATES = {"40001", "40P01"}


class _Unit:
    __slots__ = ("callbacks", "enduring", "wrote", "keep", "committing")

    def __init__(self) -> None:
        self.callbacks: list[tuple[Callable, tuple, dict]] = []
        self.enduring: list[tuple[Callable, tuple, dict]] = []  # after_end: kept by discard()
        self.wrote = False  # a flush, or an INSERT/UPDATE/DELETE statement, happened
        self.keep = True  # commit at the end (False: roll back, as for a 4xx page)
        self.committing = False


def _current() -> _Unit | None:
    return db.session.info.get(_KEY)


def _has_changes(unit: _Unit) -> bool:
    session = db.session
    return unit.wrote or bool(session.new or session.dirty or session.deleted)


def _rollback() -> None:
    """Roll back; on a connection that is already gone the rollback itself fails, and closing
    the session is all that is left to do (the pool drops the dead connection)."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def _commit() -> None:
    """The one commit of the code base. What the unit loaded stays loaded: the unit is over, and
    what runs after it (after-request hooks, a streamed body, after-commit work) reads the values
    just committed instead of reloading each object."""
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    except BaseException:
        _rollback()
        raise
    finally:
        session.expire_on_commit = expire


def after_commit(callback: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
    """Run `callback(*args, **kwargs)` once the running unit of work has committed (in the order
    registered); never if it rolls back. Raises RuntimeError outside a unit of work."""
    unit = _current()
    if unit is None:
        raise RuntimeError(
            "after_commit() needs a unit of work: a request, a @transactional command or job, "
            "or `with unit_of_work():`"
        )
    unit.callbacks.append((callback, args, kwargs))


def apart(*statements: Any) -> None:
    """Execute `statements` in a session and transaction of their own, committed at once
    whatever becomes of the running unit of work. Only for what a long job reports about itself
    while its work is still one open unit (its progress): never for the work itself."""
    session = db.session.session_factory()
    try:
        for statement in statements:
            session.execute(statement)
        session.commit()
    finally:
        session.close()


def in_unit_of_work() -> bool:
    """Whether a unit of work is running (a request, a @transactional command or job...)."""
    return _current() is not None


def after_end(callback: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
    """Run `callback(*args, **kwargs)` once the running unit of work has ended, whether it
    committed or rolled back (not when it raised), as a unit of work of its own: what it writes
    is committed even when the unit's own changes were not. Raises RuntimeError outside a unit."""
    unit = _current()
    if unit is None:
        raise RuntimeError("after_end() needs a unit of work")
    unit.enduring.append((callback, args, kwargs))


def discard() -> None:
    """Undo the running unit's changes now and forget its after-commit work; the unit goes on.
    For a view that shows a refusal: the page it renders next reads the database as it was."""
    unit = _current()
    if unit is not None:
        unit.callbacks.clear()
        unit.wrote = False
    _rollback()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """`with unit_of_work(): ...`: the block is one unit of work. It commits when the block ends
    and rolls back when it raises; inside a running unit, the block joins it."""
    if _current() is not None:
        yield
        return
    unit = db.session.info[_KEY] = _Unit()
    try:
        try:
            yield
        except BaseException:
            if _has_changes(unit):
                _rollback()
            raise
        if unit.keep and _has_changes(unit):
            unit.committing = True
            _commit()
        elif _has_changes(unit):
            _rollback()
    finally:
        db.session.info.pop(_KEY, None)
    try:
        if unit.keep:
            _run_callbacks(unit)
    finally:
        for callback, args, kwargs in unit.enduring:
            with unit_of_work():
                callback(*args, **kwargs)


def _run_callbacks(unit: _Unit) -> None:
    for callback, args, kwargs in unit.callbacks:
        callback(*args, **kwargs)
    session = db.session
    if session.new or session.dirty or session.deleted:
        _rollback()
        raise RuntimeError("An after-commit callback changed the database, and nothing would commit it.")


def run(work: Callable[[], T], *, keep: Callable[[T], bool] = lambda result: True) -> T:
    """`work()` as one unit of work: committed when it returns and `keep(result)` is true,
    rolled back when it raises or `keep(result)` is false."""
    with unit_of_work():
        result = work()
        if not keep(result):
            _current().keep = False
    return result


def transactional(function: Callable[..., T]) -> Callable[..., T]:
    """Make each call of `function` one unit of work: for CLI commands (under
    `@with_appcontext`) and background jobs (inside their application context)."""

    @wraps(function)
    def in_unit_of_work(*args: Any, **kwargs: Any) -> T:
        return run(lambda: function(*args, **kwargs))

    in_unit_of_work.transactional = True
    return in_unit_of_work


def lost_race(error: BaseException) -> bool:
    """Whether the database refused this change because a concurrent one won: a unique (or
    other integrity) violation, or a PostgreSQL serialisation failure or deadlock."""
    if isinstance(error, IntegrityError):
        return True
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) in _LOST_RACE_STATES


class Application(Flask):
    """Flask with one unit of work around each request's view, decided by the response's status
    (see the module docstring). Commit failures happen here, inside the dispatch, so the error
    handlers turn them into pages and every after-request hook (security headers) still runs."""

    def dispatch_request(self):
        view = super().dispatch_request
        try:
            try:
                return run(lambda: self.make_response(view()), keep=_succeeded)
            except DBAPIError as error:
                # A pooled connection that died meanwhile (a database restart while this worker
                # was busy, so the idle ping did not test it): SQLAlchemy has discarded it and
                # every older one, so a page view is tried once more on a new connection. Only
                # GET and HEAD: a form's commit may have happened before the connection dropped.
                if not (error.connection_invalidated and request.method in {"GET", "HEAD"}):
                    raise
                _rollback_after_disconnect()
                return run(lambda: self.make_response(view()), keep=_succeeded)
        except DBAPIError as error:
            if not lost_race(error):
                raise
            current_app.logger.warning(
                "Concurrent change on %s %s: %s", request.method, request.endpoint, type(error.orig).__name__
            )
            raise ConcurrentChange() from error


def _rollback_after_disconnect() -> None:
    """End the failed transaction (a unit that wrote nothing leaves it open), so that the
    session starts again on a new connection; objects already loaded reload when read."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def _succeeded(response) -> bool:
    return response.status_code < 400


# --- keeping watch over the session ---------------------------------------------------------


def _noted_flush(session, _flush_context) -> None:
    unit = session.info.get(_KEY)
    if unit is not None:
        unit.wrote = True


def _noted_statement(state) -> None:
    unit = state.session.info.get(_KEY)
    if unit is not None and not state.is_select:
        unit.wrote = True


def _only_the_unit_commits(session) -> None:
    unit = session.info.get(_KEY)
    if unit is not None and not unit.committing and not session.in_nested_transaction():
        raise RuntimeError(
            "db.session.commit() inside a unit of work: the request, command or job commits once, "
            "at its end (lms/unit_of_work.py). Flush instead."
        )


_LISTENERS = (
    ("after_flush", _noted_flush),
    ("do_orm_execute", _noted_statement),
    ("before_commit", _only_the_unit_commits),
)


def init_app(app: Flask) -> None:
    """Watch the session for writes and for commits made behind the unit's back (once)."""
    for name, listener in _LISTENERS:
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
