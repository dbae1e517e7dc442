"""Adaptive batching: concurrent DataFrame requests merged into one ``predict`` call, split back.

Opt-in (``--max-batch-size N`` or ``metadata: {servebook: {batchable: true}}`` in MLmodel), because
it is only correct for row-wise models: the prediction for a row must not depend on the other rows
of the call, and the model must return one output row per input row.

How it adapts: one consumer task runs batches one after another. While a batch is predicting, new
requests queue up; the next batch takes everything queued (up to ``max_batch_size`` rows). Under no
concurrency every batch holds one request and nothing waits. ``max_batch_delay_ms`` lets a batch
wait a little for more requests, but only when the previous batch held several requests (a sign of
concurrent clients), so a lone client never pays the delay.

Only requests whose body parsed into a DataFrame built from rows (``dataframe_split`` without an
index, ``dataframe_records``, CSV) and without ``params`` are merged, and only with requests of the
same columns. If the merged call fails or returns a different number of rows, each request is
predicted on its own, so errors reach the right client and a bad request cannot spoil the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from . import protocol

if TYPE_CHECKING:
    from .app import ScoringApp

__all__ = ["Batcher", "merge_frames", "split_predictions"]

logger = logging.getLogger("servebook.serve.batching")

_Item = tuple[protocol.ParsedRequest, "asyncio.Future[bytes]", tuple[Any, ...]]


def merge_frames(frames: list[Any]) -> Any:
    """Concatenate DataFrames with the same columns into one, keeping every column's dtype."""
    import numpy as np
    import pandas as pd

    first = frames[0]
    dtypes = first.dtypes
    if (
        len(set(dtypes)) == 1
        and dtypes.iloc[0].kind in "fiub"
        and all(f.dtypes.equals(dtypes) for f in frames)
    ):
        # one numeric block per frame: stacking the arrays is much cheaper than pd.concat
        block = np.concatenate([f.to_numpy() for f in frames])
        return pd.DataFrame(block, columns=first.columns, copy=False)
    return pd.concat(frames, ignore_index=True)


def _merge(requests: list[protocol.ParsedRequest]) -> Any:
    if all(request.block is not None for request in requests):
        import numpy as np
        import pandas as pd

        block = np.concatenate([request.block for request in requests])
        return pd.DataFrame(block, columns=requests[0].columns, copy=False)
    return merge_frames([request.data for request in requests])


def split_predictions(predictions: Any, counts: list[int]) -> list[Any] | None:
    """Cut merged predictions back into one part per request (``None`` if the rows do not line up)."""
    total = sum(counts)
    try:
        size = len(predictions)
    except TypeError:
        return None
    if size != total or isinstance(predictions, str | bytes | dict):
        return None
    module = type(predictions).__module__
    slicer = predictions.iloc if module.startswith("pandas") else predictions
    parts = []
    start = 0
    for count in counts:
        parts.append(slicer[start : start + count])
        start += count
    return parts


class Batcher:
    """Merges concurrent requests of one :class:`ScoringApp` (its asyncio parts are made on first submit)."""

    def __init__(self, app: ScoringApp, max_batch_size: int, max_batch_delay_ms: float) -> None:
        self.app = app
        self.max_rows = max(1, max_batch_size)
        self.delay = max(0.0, max_batch_delay_ms) / 1000.0
        self._queue: deque[_Item] = deque()
        self._wakeup: asyncio.Event | None = None
        self._consumer: asyncio.Task[None] | None = None
        self._last_batch_requests = 0
        self.batches = 0  # number of merged predict calls, for tests and logs

    async def submit(self, body: bytes, kind: str) -> bytes:
        """Parse one request (small bodies only) and answer it, merged with others when possible."""
        app = self.app
        parsed = protocol.parse_request(body, kind, app.plan)
        loop = asyncio.get_running_loop()
        if parsed.rows is None or parsed.params or not 0 < parsed.rows < self.max_rows:
            return await loop.run_in_executor(app.executor, self._single, parsed)
        if self._consumer is None or self._consumer.done():
            self._wakeup = asyncio.Event()
            self._consumer = loop.create_task(self._consume())
        future: asyncio.Future[bytes] = loop.create_future()
        self._queue.append((parsed, future, parsed.column_key()))
        assert self._wakeup is not None
        self._wakeup.set()
        return await future

    def _single(self, parsed: protocol.ParsedRequest) -> bytes:
        return self.app.encode(self.app.predict(parsed.data, parsed.params))

    async def _consume(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._wakeup is not None
        while True:
            if not self._queue:
                self._wakeup.clear()
                await self._wakeup.wait()
            if self.delay and self._last_batch_requests > 1:
                await self._fill(loop.time() + self.delay)
            batch = self._take()
            if not batch:
                continue
            self._last_batch_requests = len(batch)
            try:
                results = await loop.run_in_executor(self.app.executor, self._run, batch)
            except Exception as exc:  # the pool itself failed: every waiting request gets the error
                results = [exc] * len(batch)
            for (_, future, _), result in zip(batch, results, strict=False):
                if future.done():  # the request timed out meanwhile
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)

    async def _fill(self, deadline: float) -> None:
        assert self._wakeup is not None
        loop = asyncio.get_running_loop()
        while sum(item[0].rows or 0 for item in self._queue) < self.max_rows:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            except asyncio.TimeoutError:  # not the builtin TimeoutError before Python 3.11
                return

    def _take(self) -> list[_Item]:
        """Take queued requests with the first one's columns, up to ``max_rows`` rows."""
        batch: list[_Item] = []
        keep: deque[_Item] = deque()
        rows = 0
        key = None
        while self._queue:
            item = self._queue.popleft()
            if item[1].done():
                continue
            if key is None:
                key = item[2]
            count = item[0].rows or 0
            if item[2] == key and rows + count <= self.max_rows:
                batch.append(item)
                rows += count
            else:
                keep.append(item)
        self._queue = keep
        return batch

    def _run(self, batch: list[_Item]) -> list[bytes | BaseException]:
        """Predict a batch in a worker thread; fall back to one call per request if it fails."""
        app = self.app
        if len(batch) > 1:
            self.batches += 1
            counts = [item[0].rows or 0 for item in batch]
            try:
                merged = _merge([item[0] for item in batch])
                predictions = protocol.jsonable(app.predict(merged, None))  # records once, sliced below
                parts = split_predictions(predictions, counts)
            except Exception as exc:  # one bad request must not fail the others: retry them one by one
                logger.debug("merged predict failed (%s); predicting requests one by one", type(exc).__name__)
                parts = None
            if parts is not None:
                return [_capture(app.encode, part) for part in parts]
        return [_capture(self._single, item[0]) for item in batch]


def _capture(function: Any, argument: Any) -> Any:
    try:
        return function(argument)
    except Exception as exc:  # handed to the waiting request, which maps it to a response
        return exc
