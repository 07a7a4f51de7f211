"""Running code at the same moment in several threads, each on its own database
connection: the harness of the concurrency tests (PostgreSQL; the threads commit)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def in_thread(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` on its own connection (autocommit: what it writes is committed)."""
    result: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(fn())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def parallel(fns: list[Callable[[], Any]]) -> list[Any]:
    """Start every function at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(fns))
    results: list[Any] = [None] * len(fns)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = fns[index]()
        except BaseException as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
