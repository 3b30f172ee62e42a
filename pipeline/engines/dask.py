"""Dask engine: extract mapped over partitions of articles on a Dask cluster.

The client (this process) reads the articles, answers what it can from the extraction cache and sends
only the rest, in partitions, to the workers (`pipeline.engines.partitions`). A worker builds the spaCy
pipeline once per process (`shared_nlp` is cached) and returns plain dicts, so nothing but text and
small records crosses the network and workers need no access to the client's files. Results come back
in input order, with a bounded number of partitions in flight, so the client's memory does not grow
with the corpus.

Without a scheduler address a `distributed.LocalCluster` (2 worker processes, 1 thread each) is
started for the run and closed after it.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from pipeline import config
from pipeline.engines.partitions import extract_partition_rows, extract_partitioned
from pipeline.extract import ExtractionCache
from pipeline.records import Extraction

# Articles per task: large enough that a task is mostly NLP, not scheduling overhead.
PARTITION_SIZE = 256
# Partitions in flight per worker thread: one running, one queued, so a worker never waits on the client.
IN_FLIGHT_PER_THREAD = 2
LOCAL_WORKERS = 2


def extract_partition(articles: list[dict], batch_size: int = config.BATCH_SIZE) -> list[dict]:
    """Runs on a worker, with that worker's own pipeline."""
    from pipeline.nlp.build import shared_nlp

    return extract_partition_rows(articles, shared_nlp(), batch_size)


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
    conn: dict = {}

    def executor():
        from distributed import Client, LocalCluster

        if scheduler:
            conn["client"] = Client(scheduler)
        else:
            conn["cluster"] = LocalCluster(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
            conn["client"] = Client(conn["cluster"])
        stats["workers"] = len(conn["client"].scheduler_info().get("workers", {}))

        def submit(fn, *args):
            # pure=False: two partitions with equal text are still two tasks (no key collisions).
            return conn["client"].submit(fn, *args, pure=False)

        return submit, IN_FLIGHT_PER_THREAD * _worker_threads(conn["client"]), lambda: None

    try:
        yield from extract_partitioned(articles, executor, extract_partition, (batch_size,),
                                       partition_size or PARTITION_SIZE, cache=cache, stats=stats,
                                       progress=progress)
    finally:
        if "client" in conn:
            conn["client"].close()
        if "cluster" in conn:
            conn["cluster"].close()
