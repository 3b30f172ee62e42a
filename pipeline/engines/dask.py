"""Dask engine: extract mapped over partitions of articles on a Dask cluster.

The client (this process) reads the articles, answers what it can from the extraction cache and sends
only the rest, in partitions, to the workers. A worker builds the spaCy pipeline once per process
(`shared_nlp` is cached) and returns plain dicts, so nothing but text and small records crosses the
network and workers need no access to the client's files. Results come back in input order, with a
bounded number of partitions in flight, so the client's memory does not grow with the corpus.

Without a scheduler address a `distributed.LocalCluster` (2 worker processes, 1 thread each) is
started for the run and closed after it.
"""
from __future__ import annotations

from collections import deque
from itertools import islice
from typing import Iterable, Iterator

from pipeline import config
from pipeline.extract import ExtractionCache, Failure
from pipeline.records import Extraction

# Articles per task: large enough that a task is mostly NLP, not scheduling overhead.
PARTITION_SIZE = 256
# Partitions in flight per worker thread: one running, one queued, so a worker never waits on the client.
IN_FLIGHT_PER_THREAD = 2
LOCAL_WORKERS = 2


def extract_partition(articles: list[dict], batch_size: int = config.BATCH_SIZE) -> list[dict]:
    """Runs on a worker: the extractions of a partition of articles, as plain dicts, in order; an article
    whose extraction raised comes back as {"article_id", "failed": reason} (long ones are chunked)."""
    from pipeline.extract import extract_articles
    from pipeline.nlp.build import shared_nlp

    stats: dict = {}
    done = {e.article_id: e.to_dict() for e in extract_articles(articles, nlp=shared_nlp(), n_process=1,
                                                                  batch_size=batch_size, stats=stats)}
    failed = {f.article_id: f.reason for f in stats["failed"]}
    return [done.get(a["article_id"]) or {"article_id": a["article_id"], "failed": failed[a["article_id"]]}
            for a in articles]


def _partitions(articles: Iterable[dict], cache: ExtractionCache | None,
                size: int) -> Iterator[list[tuple[dict, Extraction | None]]]:
    it = iter(articles)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield [(a, cache.get(a) if cache is not None else None) for a in chunk]


def _slim(article: dict) -> dict:
    # Only what extraction reads travels to the workers.
    return {"article_id": article["article_id"], "text": article["text"], "published": article.get("published")}


def _worker_threads(client) -> int:
    info = client.scheduler_info()
    return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))


def extract_with_dask(articles: Iterable[dict], cache: ExtractionCache | None = None,
                      scheduler: str | None = None, batch_size: int = config.BATCH_SIZE,
                      stats: dict | None = None, progress=None,
                      partition_size: int | None = None) -> Iterator[Extraction]:
    """Extractions for every article, in input order, computed on a Dask cluster.

    The cluster is only contacted once an article misses the cache, so a rerun with nothing new
    starts no workers.
    """
    stats = stats if stats is not None else {}
    stats.setdefault("cached", 0)
    stats.setdefault("computed", 0)
    stats.setdefault("partitions", 0)
    stats.setdefault("failed", [])
    size = partition_size or PARTITION_SIZE
    conn: dict = {}

    def client():
        if "client" not in conn:
            from distributed import Client, LocalCluster

            if scheduler:
                conn["client"] = Client(scheduler)
            else:
                conn["cluster"] = LocalCluster(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True,
                                               dashboard_address=None)
                conn["client"] = Client(conn["cluster"])
            stats["workers"] = len(conn["client"].scheduler_info().get("workers", {}))
            conn["max_in_flight"] = IN_FLIGHT_PER_THREAD * _worker_threads(conn["client"])
        return conn["client"]

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
                if cache is not None:
                    cache.put(article, extraction)
                stats["computed"] += 1
            else:
                extraction = hit
                stats["cached"] += 1
            if progress is not None:
                progress.update(1)
            yield extraction

    try:
        for part in _partitions(articles, cache, size):
            todo = [_slim(a) for a, hit in part if hit is None]
            future = None
            if todo:
                # pure=False: two partitions with equal text are still two tasks (no key collisions).
                future = client().submit(extract_partition, todo, batch_size, pure=False)
                stats["partitions"] += 1
            in_flight.append((part, future))
            while len(in_flight) > conn.get("max_in_flight", 0):
                yield from drain_one()
        while in_flight:
            yield from drain_one()
    finally:
        if "client" in conn:
            conn["client"].close()
        if "cluster" in conn:
            conn["cluster"].close()
