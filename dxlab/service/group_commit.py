"""Group commit: the API's writes, batched into one transaction and one fsync.

Every acknowledged write is durable (SQLite `synchronous=FULL`), so a write costs one
fsync, and under load the disk's fsync time, not Python, limits how many writes a second
the server takes. A batch runs on one writer thread, so the event loop goes on reading
requests and serving reads (from the store's own read connection) meanwhile; a write that
arrives while the batch's writes run joins it, one that arrives during its COMMIT waits
for the next one. In a batch each write keeps its own savepoint: one that fails is undone
alone, the others commit, and each caller is answered only after the COMMIT that made its
write durable.

A write of the only client connected, with nothing else in flight and no batch waiting
or being written, is written at once on the event loop's thread, as a batch of one:
handing it to the writer thread and back (two thread wake-ups) would be all it waited
for, and nobody waits behind it. If the store's write lock is held elsewhere (another
thread, another process on the same file), it does not wait for it on the loop: it goes
to the writer thread as any write does."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from dxlab.store.repository import WriterBusy

Job = Callable[[Any], Any]
# write_batch(jobs) -> one result or exception per job (SqliteStore.write_batch).
WriteBatch = Callable[..., "list[Any]"]  # (jobs, *, wait=True)
AfterBatch = Callable[["list[Any]"], None]

MAX_BATCH = 64


class GroupCommit:
    def __init__(self, write_batch: WriteBatch, after_batch: AfterBatch) -> None:
        self._write_batch = write_batch
        self._after_batch = after_batch
        # Appended on the event loop, taken on the writer thread (deque: thread-safe).
        self._pending: deque[tuple[Job, asyncio.Future[Any]]] = deque()
        self._drainer: asyncio.Task[None] | None = None
        # The writer thread and what it is handed: (loop, future, batch's jobs); None stops it.
        # A thread of its own rather than run_in_executor: the same handover with less
        # machinery (no concurrent future chained to an asyncio one), which a lone write
        # from one client pays on every call.
        self._batches: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        # close() and a handover never interleave: a batch is handed over before the stop
        # (and written) or refused, never left behind it waiting for a writer that ended.
        self._handover = threading.Lock()
        self._closed = False

    async def submit(self, job: Job, *, alone: bool = False) -> Any:
        """Runs `job(uow)` in the next batch; returns its result once committed. `alone`:
        no other request is being served, so if no batch is waiting or being written
        either, the job is written now, on this thread (see the module's docstring)."""
        if alone and self._drainer is None:
            try:
                return self._write_now(job)
            except WriterBusy:
                pass  # the lock is held elsewhere: wait for it on the writer thread
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._pending.append((job, future))
        if self._drainer is None:
            self._drainer = loop.create_task(self._drain())
        return await future

    def _write_now(self, job: Job) -> Any:
        if self._closed:
            raise closed()
        try:
            results = self._write_batch([job], wait=False)
        except WriterBusy:
            raise  # nothing ran
        except BaseException as exc:  # noqa: BLE001 - the transaction failed: so did the job
            results = [exc]
        self._after_batch(results)
        if isinstance(results[0], BaseException):
            raise results[0]
        return results[0]

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
                    results = await self._on_writer(loop, self._take(batch))
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

    def _on_writer(
        self, loop: asyncio.AbstractEventLoop, jobs: Iterator[Job]
    ) -> asyncio.Future[Any]:
        """write_batch(jobs) on the writer thread; its results (or its exception) in the
        future, set on the loop."""
        future: asyncio.Future[Any] = loop.create_future()
        with self._handover:
            if self._closed:  # the server is stopping: no writer is started again
                future.set_exception(closed())
                return future
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write, name="dxlab-writer", daemon=True
                )
                self._writer.start()
            self._batches.put((loop, future, jobs))
        return future

    def _write(self) -> None:
        """The writer thread: one batch at a time, until close()."""
        while (item := self._batches.get()) is not None:
            loop, future, jobs = item
            try:
                outcome: tuple[Any, BaseException | None] = (self._write_batch(jobs), None)
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting drainer
                outcome = (None, exc)
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(_settle, future, *outcome)

    def close(self) -> None:
        """Ends the writer once the batches handed over are written; a write submitted
        later is answered with an error (as run_in_executor after shutdown did)."""
        with self._handover:
            self._closed = True
            writer, self._writer = self._writer, None
            if writer is not None:
                self._batches.put(None)
        if writer is not None:
            writer.join()


def closed() -> RuntimeError:
    return RuntimeError("the store's writer is closed: the server is stopping")


def _settle(future: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
    if future.cancelled():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)


def _answer(batch: list[tuple[Job, asyncio.Future[Any]]], results: list[Any]) -> None:
    for (_, future), result in zip(batch, results, strict=True):
        if future.done():
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)
