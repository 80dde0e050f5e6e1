"""Group commit: the API's writes, batched into one transaction and one fsync.

Every acknowledged write is durable (SQLite `synchronous=FULL`), so a write costs one
fsync, and under load the disk's fsync time, not Python, limits how many writes a second
the server takes. Writes that arrive while a batch is being committed wait for the next
batch; the batch runs on one writer thread, so the event loop goes on reading requests
and serving reads (from the store's own read connection) during the fsync. Each write
keeps its own savepoint: one that fails is undone alone, the others commit, and each
caller is answered only after the COMMIT that made its write durable."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Job = Callable[[Any], Any]
# write_batch(jobs) -> one result or exception per job (SqliteStore.write_batch).
WriteBatch = Callable[[Sequence[Job]], "list[Any]"]
AfterBatch = Callable[["list[Any]"], None]

MAX_BATCH = 64


class GroupCommit:
    def __init__(self, write_batch: WriteBatch, after_batch: AfterBatch) -> None:
        self._write_batch = write_batch
        self._after_batch = after_batch
        self._pending: list[tuple[Job, asyncio.Future[Any]]] = []
        self._drainer: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dxlab-writer")

    async def submit(self, job: Job) -> Any:
        """Runs `job(uow)` in the next batch; returns its result once committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._pending.append((job, future))
        if self._drainer is None:
            self._drainer = loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        batch: list[tuple[Job, asyncio.Future[Any]]] = []
        try:
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                jobs = [job for job, _ in batch]
                try:
                    results = await loop.run_in_executor(self._executor, self._write_batch, jobs)
                except asyncio.CancelledError:
                    raise
                except BaseException as exc:  # noqa: BLE001 - the COMMIT failed: every job did
                    results = [exc] * len(batch)
                try:
                    # Before the next batch starts: the store is as this batch left it.
                    self._after_batch(results)
                finally:
                    _answer(batch, results)
                batch = []
        finally:
            self._drainer = None
            # Cancelled (shutdown): nobody may wait forever for an answer.
            for _, future in batch + self._pending:
                future.cancel()
            self._pending = []

    def close(self) -> None:
        self._executor.shutdown(wait=True)


def _answer(batch: list[tuple[Job, asyncio.Future[Any]]], results: list[Any]) -> None:
    for (_, future), result in zip(batch, results, strict=True):
        if future.done():
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)
