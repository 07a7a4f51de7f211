"""A big readings file checked and written in one pass, at the same time (decisions
0038 and 0039).

The usual one-pass import checks the whole file (Python, one core), then copies it in
and refreshes the months (PostgreSQL, the other core): each waits for the other. Here
the check runs in a thread of its own, on its own database connection, and hands each
block of rows it has accepted to the calling thread, which ``COPY``'s them into the
readings inside the import's transaction (one ``COPY`` a block) while the check reads
on. A meter whose rows have ended — some in the block before, none in this one, as in
a file sorted by meter — has its series checked by the thread and its months refreshed
by the writer at once (decision 0039); the rest wait for the last row, when the writer
refreshes the months while the thread checks the series. Nothing is committed until
the check has found no error; a file with an error is rolled back whole and rejected
with its findings, as before.

The copy is a first import's (decision 0034): it gives up — the savepoint undone, the
readings then written the usual way after the check — as soon as a block touches a
time span in which its meter has readings stored (the check's own connection, which
sees only what is committed, asks before each block), or when the ``COPY`` meets a
reading stored since (the unique index). Either way the result is what the usual path
writes: the check's connection sees only committed readings, so it finds what it would
have found without the copy.

Used on PostgreSQL for files of at least ``settings.GREEN_STREAM_MIN_BYTES``; SQLite
runs one writer at a time, and a small file is not worth a second connection.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import queue
import threading
from array import array
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction

from almen.green import footprint
from almen.green import imports_services as services
from almen.green.imports_readings import MeterState, ReadingsCheck, check_series_early
from almen.green.models import ReadingSource
from almen.imports.findings import FileRejected
from almen.imports.models import ImportRun

# meter id, times, values as COPY text, starts (None: register readings)
Block = list[tuple[int, array, list[str], array | None]]

_STORED_WITHIN = """
SELECT EXISTS (
    SELECT 1 FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS u(m, a, b)
    WHERE EXISTS (
        SELECT 1 FROM green_reading r WHERE r.meter_id = u.m AND r.at BETWEEN u.a AND u.b
    )
)
"""


def applies(run: ImportRun) -> bool:
    if connection.vendor != "postgresql" or run.kind != services.READINGS:
        return False
    try:
        size = run.file.size
    except (OSError, ValueError):
        return False
    return bool(size >= settings.GREEN_STREAM_MIN_BYTES)


def _stop_texts(check: ReadingsCheck) -> None:
    """Nothing more is copied: the check stops keeping the values as text (10 million
    of them would be ~600 MB) and drops those it kept."""
    if check.copy_texts:
        check.copy_texts = False
        for state in check.meters.values():
            state.texts = []


class _GiveUp(Exception):
    """The copy stops; the readings are written the usual way after the check."""


class RowStream:
    """The check's accepted rows, a block at a time, from the checking thread to the
    writing one. ``given_up``: the copy stopped (stored readings in the way, or the
    check failed); ``closed``: the writer reads no more."""

    def __init__(self) -> None:
        self.blocks: queue.Queue[Block | None] = queue.Queue(maxsize=4)
        self.handed: dict[int, int] = {}  # meter id → rows handed over
        self.previous: list[MeterState] = []  # the meters of the block handed last
        self.given_up = False
        self.closed = False

    # The checking thread.

    def flush(self, check: ReadingsCheck, *, last: bool = False) -> None:
        """Hand the rows read since over; then check the series of each meter whose
        rows have ended (some in the block before, none in this one: a file sorted by
        meter), while the writer copies, rather than all after the last row
        (``imports_readings.check_series_early``)."""
        if self.given_up or self.closed:
            _stop_texts(check)
            return
        block: Block = []
        current: list[MeterState] = []
        meters: list[int] = []
        firsts: list[dt.datetime] = []
        lasts: list[dt.datetime] = []
        for state in check.meters.values():
            done, n = self.handed.get(state.meter_id, 0), len(state.ts)
            if n <= done:
                continue
            ts = state.ts[done:n]
            texts, state.texts = state.texts, []
            block.append(
                (state.meter_id, ts, texts, state.start[done:n] if state.interval else None)
            )
            meters.append(state.meter_id)
            current.append(state)
            firsts.append(dt.datetime.fromtimestamp(min(ts), dt.UTC))
            lasts.append(dt.datetime.fromtimestamp(max(ts), dt.UTC))
            self.handed[state.meter_id] = n
        if not block:
            return
        with connection.cursor() as cursor:
            cursor.execute(_STORED_WITHIN, [meters, firsts, lasts])
            (stored,) = cursor.fetchone()
        if stored:
            self.give_up()
            _stop_texts(check)
            return
        self._put(block)
        now = {state.meter_id for state in current}  # a file by time: every meter, each block
        ended = [state for state in self.previous if state.meter_id not in now]
        self.previous = current
        if not last:
            for state in ended:
                check_series_early(check, state)

    def rows_read(self, check: ReadingsCheck) -> None:
        self.flush(check, last=True)
        self._put(None)

    def give_up(self) -> None:
        self.given_up = True
        self._put(None)

    def _put(self, item: Block | None) -> None:
        while not self.closed:
            try:
                self.blocks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    # The writing thread.

    def copy_in(self, *, run_id: int) -> set[int] | None:
        """``COPY`` the blocks into the readings until the last, one statement a block,
        and refresh the months of each meter whose rows have ended (none in a block
        after some in the one before: a file sorted by meter, as supplier portals
        write them, then refreshes while it is read, not after). The meters copied
        whose months are still to be refreshed, or None when the copy gave up (nothing
        of it is left: its savepoint is undone)."""
        tail = services.copy_tail(ReadingSource.IMPORT, run_id)
        times: dict[int, str] = {}
        table = footprint.FactorTable()
        stale: set[int] = set()  # copied, months not refreshed since
        previous: set[int] = set()
        try:
            with (
                transaction.atomic(),
                connection.cursor() as cursor,
                connection.wrap_database_errors,
            ):
                while (block := self.blocks.get()) is not None:
                    with cursor.copy(services.COPY_READINGS) as copy:
                        for meter_id, ts, texts, starts in block:
                            copy.write(
                                services.copy_text(
                                    meter_id, starts, ts, texts, tail=tail, times=times
                                ).encode()
                            )
                    current = {meter_id for meter_id, *_rest in block}
                    stale |= current
                    ended = sorted((previous - current) & stale)
                    if ended:
                        footprint.meter_refresh(ended, table=table)
                        stale.difference_update(ended)
                    previous = current
                if self.given_up:
                    raise _GiveUp
        except _GiveUp:
            return None
        except IntegrityError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != "23505":  # unique_violation
                raise
            return None  # a reading stored since the check asked
        finally:
            self.closed = True
        return stale


class _Rejected(Exception):
    def __init__(self, check: ReadingsCheck) -> None:
        self.check = check


def check_and_write(*, actor: Any, run: ImportRun, in_worker: bool = False) -> ImportRun:
    """Check ``run``'s readings file and write it whole, or reject it, in one pass."""
    services.mark_validating(run)
    stream = RowStream()
    outcome: dict[str, Any] = {}

    def check_in_thread() -> None:
        try:
            outcome["check"] = services.check_run(run, in_worker=in_worker, stream=stream)
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            if "check" not in outcome:
                stream.give_up()
            connections.close_all()  # this thread's own connection

    # The thread sees the caller's language, time zone and progress listener.
    thread = threading.Thread(
        target=contextvars.copy_context().run, args=(check_in_thread,), daemon=True
    )
    try:
        with transaction.atomic():
            thread.start()
            try:
                stale = stream.copy_in(run_id=run.pk)
                if stale:
                    # The months not refreshed yet, while the thread checks the series.
                    footprint.meter_refresh(sorted(stale))
            finally:
                stream.closed = True
                thread.join()
            if "error" in outcome:
                raise outcome["error"]
            check: ReadingsCheck = outcome["check"]
            if check.findings.errors:
                raise _Rejected(check)
            services.mark_checked(run, check)
            services.write_checked(actor=actor, run=run, check=check, written=stale is not None)
    except FileRejected as exc:
        services.mark_file_rejected(run, exc.findings)
    except _Rejected as rejected:
        services.mark_checked(run, rejected.check)
        run.save()
    except Exception:
        services.logger.exception("Green import %s failed", run.public_id)
        services.mark_failed(run)
    return run
