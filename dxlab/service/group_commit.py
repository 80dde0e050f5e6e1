"""Group commit: the API's writes, batched into one transaction and one fsync.

Every acknowledged write is durable (SQLite `synchronous=FULL`), so a write costs one
fsync, and under load the disk's fsync time, not Python, limits how many writes a second
the server takes. A batch runs on one writer thread, so the event loop goes on reading
requests and serving reads (from the store's own read connection) meanwhile; a write that
arrives while the batch's writes run joins it, one that arrives during its COMMIT waits
for the next one. Each write
keeps its own savepoint: one that fails is undone alone, the others commit, and each
caller is answered only after the COMMIT that made its write durable."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Job = Callable[[Any], Any]
# write_batch(jobs) -> one result or exception per job (SqliteStore.write_batch).
WriteBatch = Callable[[Iterable[Job]], "list[Any]"]
AfterBatch = Callable[["list[Any]"], None]

MAX_BATCH = 64


class GroupCommit:
    def __init__(self, write_batch: WriteBatch, after_batch: AfterBatch) -> None:
        self._write_batch = write_batch
        self._after_batch = after_batch
        # Appended on the event loop, taken on the writer thread (deque: thread-safe).
        self._pending: deque[tuple[Job, asyncio.Future[Any]]] = deque()
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

    def _take(self, taken: list[tuple[Job, asyncio.Future[Any]]]) -> Iterator[Job]:
        """On the writer thread: the batch's jobs, as long as one is waiting."""
        while len(taken) < MAX_BATCH:
            try:
                item = self._pending.popleft()
            except IndexError:
                return
            taken.append(item)
            yield item[0]

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        batch: list[tuple[Job, asyncio.Future[Any]]] = []
        try:
            while self._pending:
                batch = []
                try:
                    results = await loop.run_in_executor(
                        self._executor, self._write_batch, self._take(batch)
                    )
                except asyncio.CancelledError:
                    raise
                except BaseException as exc:  # noqa: BLE001 - the transaction failed: every job did
                    if not batch:  # failed before taking one (BEGIN): the waiting ones fail
                        batch.extend(self._pending)
                        self._pending.clear()
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
            for _, future in batch + list(self._pending):
                future.cancel()
            self._pending.clear()

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
