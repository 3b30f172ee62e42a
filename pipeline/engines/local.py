"""Local engine: the pipeline in this process, or in a pool of `n_process` worker processes.

With workers, the articles go out in partitions of a few batches to whichever worker is free (a
`ProcessPoolExecutor` whose workers are forked with the pipeline loaded, from the forkserver of
`pipeline.engines.server`), and each comes back as finished extractions
(dates resolved, plain dicts), in input order (`pipeline.engines.partitions`). spaCy's own
`nlp.pipe(n_process=...)` deals batches to the workers in turn and takes them back in turn, with two
batches queued per worker: a worker that drew short articles waits for the other, and the main
process turned every result back into a Doc and resolved its dates. Measured on 1,000 synthetic
articles (`scripts/bench.py`), the pool is faster on two processes; see docs/scaling.md.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable, Iterator

from pipeline import config
from pipeline.engines import server
from pipeline.engines.partitions import extract_partition_rows, extract_partitioned
from pipeline.extract import ExtractionCache, extract_articles
from pipeline.records import Extraction

# Batches per partition: enough that a task is mostly NLP, few enough that the last partitions of a run
# leave no worker idle for long.
BATCHES_PER_PARTITION = 2
# Partitions submitted and not yet taken back, per worker: one running, one waiting.
IN_FLIGHT_PER_WORKER = 2
# Fresh workers after this many articles. A worker's memory creeps up as it runs (the process tree
# peaked at 942 MB for 1,000 articles and 1,112 MB for 100,000 with one pool for the whole run); forked
# anew every 2,000 articles, as spaCy's nlp.pipe calls were, it stays where it started. The partitions
# shrink before each renewal (see `extract_partitioned`), so neither worker waits long for the other.
ARTICLES_PER_POOL = 2000

# The pipeline the pool's workers run and the fingerprint it was built from, set in the process they are
# forked from: the forkserver (`pipeline.engines.preload`), or this process when the caller passes its own
# pipeline.
_POOL_NLP = None
_POOL_FINGERPRINT = None


def use_pool_pipeline(nlp, fingerprint: str | None) -> None:
    global _POOL_NLP, _POOL_FINGERPRINT
    _POOL_NLP, _POOL_FINGERPRINT = nlp, fingerprint


def _extract_in_worker(articles: list[dict], batch_size: int, fingerprint: str | None,
                       cache: ExtractionCache | None) -> list[dict]:
    if _POOL_NLP is None:
        raise RuntimeError("this worker has no pipeline: the forkserver could not build it (its error is above)")
    if fingerprint != _POOL_FINGERPRINT:
        # A server started by an earlier run of this process, before code, rules or models changed.
        raise RuntimeError(f"the workers' pipeline ({_POOL_FINGERPRINT}) was built from other code, rules or "
                           f"models than this run's ({fingerprint}): run again in a new process")
    # No memory zone: a worker lives for ARTICLES_PER_POOL articles at most, which bounds what its vocabulary
    # grows by (about 4 KB an article), and a zone per partition dropped and rebuilt the lexemes and strings of
    # the words every few dozen articles repeat (3% of the workers' time on the 200-article bench corpus).
    return extract_partition_rows(articles, _POOL_NLP, batch_size, cache, zoned=False)


def extract_local(articles: Iterable[dict], cache: ExtractionCache | None = None, n_process: int = 1,
                  batch_size: int = config.BATCH_SIZE, stats: dict | None = None,
                  progress=None, nlp=None, total: int | None = None) -> Iterator[Extraction]:
    """Extractions for every article, in input order; cached ones are not recomputed. The workers
    (n_process > 1) are started only once an article misses the cache. Without `nlp`, they are forked
    from the forkserver, which builds the shared pipeline (`pipeline.engines.server`); with it, from
    this process. `total`, the number of articles when the caller knows it, lets the last partitions
    shrink (see `extract_partitioned`)."""
    if n_process <= 1:
        yield from extract_articles(articles, cache=cache, nlp=nlp, batch_size=batch_size, stats=stats,
                                    progress=progress)
        return
    stats = stats if stats is not None else {}
    pools: list[ProcessPoolExecutor] = []

    if nlp is None:
        from pipeline.extract import pipeline_fingerprint

        context, fingerprint = server.context(), pipeline_fingerprint()
    else:
        # fork: the workers start with this pipeline, its compiled tables and the Doc extensions in memory.
        context, fingerprint = multiprocessing.get_context("fork"), None
        use_pool_pipeline(nlp, None)

    def executor():
        pool = ProcessPoolExecutor(n_process, mp_context=context)
        pools.append(pool)
        stats["pools"] = stats.get("pools", 0) + 1
        return pool.submit, IN_FLIGHT_PER_WORKER * n_process, pool.shutdown

    try:
        # The workers write the cache entries (same machine, same file system): opening a file per
        # article was most of what the main process did while they extracted.
        yield from extract_partitioned(articles, executor, _extract_in_worker, (batch_size, fingerprint, cache),
                                       BATCHES_PER_PARTITION * batch_size, cache=cache, stats=stats,
                                       progress=progress, renew_after=ARTICLES_PER_POOL, total=total,
                                       workers_store=True)
    finally:
        for pool in pools:
            pool.shutdown(cancel_futures=True)
