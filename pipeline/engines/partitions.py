"""Extraction spread over workers in partitions, results in input order: what the local process pool and
the Dask engine share.

The caller reads the articles, answers what it can from the extraction cache and submits only the
rest, a partition of articles per task, to whatever executor it has (`submit(fn, *args)` returning a
future). Results are taken back in input order with at most `max_in_flight` partitions submitted and
not yet taken, so memory stays bounded whatever the corpus size, and an idle worker always finds a
partition waiting. The executor is created only once an article misses the cache.
"""
from __future__ import annotations

from collections import deque
from itertools import islice
from typing import Callable, Iterable, Iterator

from pipeline.extract import ExtractionCache, Failure, extract_articles
from pipeline.records import Extraction


def extract_partition_rows(articles: list[dict], nlp, batch_size: int,
                           cache: ExtractionCache | None = None, zoned: bool = True) -> list[dict]:
    """The extractions of a partition of articles, as plain dicts, in order; an article whose extraction
    raised comes back as {"article_id", "failed": reason} (long ones are chunked). With `cache` (a worker
    that shares the caller's file system), each extraction is also written to the cache here, so the
    caller's process does not spend its time on it while the workers wait for their next partition.
    `zoned`: as in `extract_articles`."""
    stats: dict = {}
    done = {}
    by_id = {a["article_id"]: a for a in articles}
    for e in extract_articles(articles, nlp=nlp, batch_size=batch_size, stats=stats, zoned=zoned):
        if cache is not None:
            cache.put(by_id[e.article_id], e)
        done[e.article_id] = e.to_dict()
    failed = {f.article_id: f.reason for f in stats["failed"]}
    return [done.get(a["article_id"]) or {"article_id": a["article_id"], "failed": failed[a["article_id"]]}
            for a in articles]


def slim(article: dict) -> dict:
    # Only what extraction reads travels to the workers, and the content hash of the cache key for the
    # workers that write their cache entries (`extract_partition_rows` with a cache).
    return {"article_id": article["article_id"], "text": article["text"], "published": article.get("published"),
            "content_sha256": article["content_sha256"]}


def extract_partitioned(articles: Iterable[dict], executor: Callable[[], tuple[Callable, int, Callable]],
                        task: Callable, task_args: tuple, partition_size: int,
                        cache: ExtractionCache | None = None, stats: dict | None = None,
                        progress=None, renew_after: int | None = None,
                        total: int | None = None, workers_store: bool = False) -> Iterator[Extraction]:
    """Extractions for every article, in input order.

    `executor()` is called when the first article misses the cache and returns (submit, max_in_flight,
    close); `task(partition, *task_args)` runs on a worker and returns `extract_partition_rows`. With
    `renew_after`, once that many articles went to an executor, what it holds is taken back, it is
    closed and the next partition goes to a new one. `workers_store`: the task writes its extractions to
    the cache itself (`extract_partition_rows` with the cache), so they are not written again here.
    Counts go to `stats`: cached, computed, partitions, failed.

    Partitions shrink towards the end of the input (`total` articles, when known) and towards each
    renewal, guided-scheduling style: each takes 1/max_in_flight of the articles left, so the workers
    finish together instead of one waiting while the other runs a whole last partition.
    """
    stats = stats if stats is not None else {}
    stats.setdefault("cached", 0)
    stats.setdefault("computed", 0)
    stats.setdefault("partitions", 0)
    stats.setdefault("failed", [])
    state: dict = {"max_in_flight": 0, "submitted": 0, "read": 0}
    # Each item: (partition with its cache hits filled in, future for its uncached articles or None).
    in_flight: deque = deque()

    def drain_one() -> Iterator[Extraction]:
        part, future = in_flight.popleft()
        computed = iter(future.result()) if future is not None else iter(())
        for article, hit in part:
            if hit is None:
                row = next(computed)
                if "failed" in row:
                    stats["failed"].append(Failure(row["article_id"], row["failed"]))
                    if progress is not None:
                        progress.update(1)
                    continue
                extraction = Extraction.from_dict(row)
                if cache is not None and not workers_store:
                    cache.put(article, extraction)
                stats["computed"] += 1
            else:
                extraction = hit
                stats["cached"] += 1
            if progress is not None:
                progress.update(1)
            yield extraction

    def next_size() -> int:
        if "submit" not in state:
            return partition_size
        left = []
        if total is not None:
            left.append(total - state["read"])
        if renew_after is not None:
            until_renewal = renew_after - state["submitted"]
            left.append(until_renewal if until_renewal > 0 else renew_after)
        if not left:
            return partition_size
        return max(1, min(partition_size, -(-min(left) // state["max_in_flight"])))

    source = iter(articles)
    while part := [(a, cache.get(a) if cache is not None else None) for a in islice(source, next_size())]:
        state["read"] += len(part)
        todo = [slim(a) for a, hit in part if hit is None]
        future = None
        if todo:
            if "submit" in state and renew_after is not None and state["submitted"] >= renew_after:
                while in_flight:
                    yield from drain_one()
                state.pop("submit")
                state.pop("close")()
            if "submit" not in state:
                state["submit"], state["max_in_flight"], state["close"] = executor()
                state["submitted"] = 0
            future = state["submit"](task, todo, *task_args)
            state["submitted"] += len(todo)
            stats["partitions"] += 1
        in_flight.append((part, future))
        while len(in_flight) > state["max_in_flight"]:
            yield from drain_one()
    while in_flight:
        yield from drain_one()
    if "close" in state:
        state.pop("close")()
