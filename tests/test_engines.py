"""Engines give the same extractions and tables however the work is spread: n_process and Dask."""
import datetime as dt
import hashlib
import platform
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from pipeline import config
from pipeline.engines import dask as dask_engine
from pipeline.engines.local import extract_local
from pipeline.extract import ExtractionCache, extract_articles
from pipeline.nlp.build import shared_nlp
from pipeline.stages import run_all

BODIES = [
    ("Relief convoy reaches Varnholt valley",
     "The Oravian Red Crescent delivered 1,200 food parcels to Varnholt on 3 March 2024.\n"
     "\u201cWe will return next month,\u201d said Ilse Marquardt, head of the Varnholt field office."),
    ("Water project opens in Kestrel Bay",
     "Minister Tomas Ekwueme opened a water plant in Kestrel Bay that serves 45,000 people.\n"
     "The plant cost USD 3.5 million and was built with the Halvard Foundation."),
    ("Clinic staff trained in Dornbeck",
     "Forty nurses from Dornbeck finished a six-week course in May 2023.\n"
     "The course was run by Dr. Petra Lindqvist of the Northern Health Alliance."),
    ("Schools reopen after floods",
     "About 30 per cent of the schools in the Selmar district reopened on Monday.\n"
     "Selmar Governor Anwar Kessling said repairs would continue until December."),
    ("Youth forum in Port Ardley",
     "The Port Ardley youth forum gathered 300 delegates from 12 countries.\n"
     "Speakers included Nadia Oyelaran, who said young people must shape the recovery plan."),
]


def article(i: int, title: str, body: str) -> dict:
    text = f"{title}\n\n{body}"
    return {"article_id": f"t{i}", "text": text, "published": dt.date(2024, 3, 10),
            "content_sha256": hashlib.sha256(text.encode()).hexdigest()}


@pytest.fixture(scope="module")
def articles():
    return [article(i, t, b) for i, (t, b) in enumerate(BODIES)]


def test_two_processes_give_the_same_extractions_as_one(articles, monkeypatch):
    nlp = shared_nlp()
    # Fresh workers after every 2 articles: three pools for five, and the same results.
    monkeypatch.setattr("pipeline.engines.local.ARTICLES_PER_POOL", 2)
    one = [e.to_dict() for e in extract_local(articles, nlp=nlp, n_process=1, batch_size=2)]
    stats = {}
    # Partitions of at most 2 batches of 1 article, shrinking to 1 article before each renewal: 2, then
    # 1 + 1 and 1 for the later pools, taken back in input order.
    two = [e.to_dict() for e in extract_local(articles, nlp=nlp, n_process=2, batch_size=1, stats=stats)]
    assert [e["article_id"] for e in two] == [a["article_id"] for a in articles]
    assert two == one
    assert any(e["mentions"] for e in one)
    assert stats["partitions"] == 4 and stats["computed"] == len(articles) and stats["failed"] == []
    assert stats["pools"] == 3


def test_a_worker_reports_the_article_that_raises_and_the_others_come_back_in_order(tmp_path):
    from conftest import blank_nlp_raising_on

    nlp = blank_nlp_raising_on("BOOM", RuntimeError("component exploded"))
    nlp.add_pipe("entity_ruler", first=True).add_patterns([{"label": "ORG", "pattern": "Blue River Council"}])
    texts = ["The Blue River Council met.", "BOOM went the Blue River Council.", "The Council met again.",
             "The Blue River Council closed."]
    arts = [article(i, "Written test text", t) for i, t in enumerate(texts)]
    cache = ExtractionCache(tmp_path)
    list(extract_local(arts[2:3], cache=cache, nlp=nlp))
    stats = {}
    out = list(extract_local(arts, cache=cache, nlp=nlp, n_process=2, batch_size=1, stats=stats))
    assert [e.article_id for e in out] == ["t0", "t2", "t3"]
    assert [(f.article_id, f.reason) for f in stats["failed"]] == [
        ("t1", "extract failed: RuntimeError: component exploded")]
    assert stats["cached"] == 1 and stats["computed"] == 2
    assert [m.text for m in out[2].mentions] == ["Blue River Council"]
    assert cache.get(arts[3]) is not None and cache.get(arts[1]) is None


def test_a_fully_cached_run_starts_no_workers(articles, tmp_path, monkeypatch):
    nlp = shared_nlp()
    cache = ExtractionCache(tmp_path)
    list(extract_local(articles, cache=cache, nlp=nlp))

    def no_pool(*args, **kwargs):
        raise AssertionError("a fully cached run must not start workers")

    monkeypatch.setattr("pipeline.engines.local.ProcessPoolExecutor", no_pool)
    stats = {}
    assert len(list(extract_local(articles, cache=cache, nlp=nlp, n_process=2, stats=stats))) == len(articles)
    assert stats["cached"] == len(articles)


def test_cached_runs_between_new_articles_keep_input_order(articles, tmp_path, monkeypatch):
    nlp = shared_nlp()
    cache = ExtractionCache(tmp_path)
    list(extract_articles(articles[1:3], cache=cache, nlp=nlp))
    # A run of cached articles this long ends the pipe; the next new article starts another.
    monkeypatch.setattr("pipeline.extract.MAX_CACHED_RUN", 1)
    stats = {}
    out = list(extract_articles(articles, cache=cache, nlp=nlp, stats=stats, batch_size=2))
    assert [e.article_id for e in out] == [a["article_id"] for a in articles]
    assert stats == {"cached": 2, "computed": 3, "failed": []}
    fresh = [e.to_dict() for e in extract_articles(articles, nlp=nlp)]
    assert [e.to_dict() for e in out] == fresh


def test_workers_forked_from_the_pipeline_server_give_the_tables_of_one_process(record, tmp_path):
    from multiprocessing import active_children

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "dump.txt").write_text("".join(
        record(t, b, f"https://example.org/news/{i}-story") for i, (t, b) in enumerate(BODIES)))
    run_all(raw, tmp_path / "one", cache_dir=tmp_path / "cache-one")
    # No pipeline passed: the workers come from the forkserver, which built its own.
    summary = run_all(raw, tmp_path / "two", n_process=2, cache_dir=tmp_path / "cache-two")
    assert summary["extract"]["computed"] == len(BODIES) and summary["extract"]["pools"] == 1
    for name in config.TABLE_NAMES:
        one = pq.read_table(tmp_path / "one" / f"{name}.parquet")
        two = pq.read_table(tmp_path / "two" / f"{name}.parquet")
        assert two.equals(one), name
    assert pq.read_table(tmp_path / "one" / "mentions.parquet").num_rows > 0
    assert not active_children()   # the pool's workers are gone
    # The workers wrote the cache entries: a rerun takes every article from them.
    assert len(list((tmp_path / "cache-two").rglob("*.json"))) == len(BODIES)
    again = run_all(raw, tmp_path / "again", n_process=2, cache_dir=tmp_path / "cache-two")
    assert again["extract"]["cached"] == len(BODIES) and again["extract"]["computed"] == 0


def test_a_worker_refuses_to_run_without_the_runs_pipeline(monkeypatch):
    from pipeline.engines import local

    monkeypatch.setattr(local, "_POOL_NLP", None)
    with pytest.raises(RuntimeError, match="no pipeline"):
        local._extract_in_worker([], 16, "abc", None)
    # A server started by an earlier run of the process, before the rules changed, is not used.
    monkeypatch.setattr(local, "_POOL_NLP", object())
    monkeypatch.setattr(local, "_POOL_FINGERPRINT", "abc")
    with pytest.raises(RuntimeError, match="run again in a new process"):
        local._extract_in_worker([], 16, "def", None)


def test_dask_engine_on_a_local_cluster_gives_the_local_tables(record, tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "dump.txt").write_text("".join(
        record(t, b, f"https://example.org/news/{i}-story") for i, (t, b) in enumerate(BODIES)))
    run_all(raw, tmp_path / "local", cache_dir=tmp_path / "cache-local")
    # Partitions of two articles: several tasks, gathered back in input order.
    monkeypatch.setattr(dask_engine, "PARTITION_SIZE", 2)
    summary = run_all(raw, tmp_path / "dask", engine="dask", cache_dir=tmp_path / "cache-dask")
    assert summary["extract"]["computed"] == len(BODIES)
    assert summary["extract"]["partitions"] == 3 and summary["extract"]["workers"] == 2
    for name in config.TABLE_NAMES:
        local = pq.read_table(tmp_path / "local" / f"{name}.parquet")
        dask = pq.read_table(tmp_path / "dask" / f"{name}.parquet")
        assert dask.equals(local), name
    assert pq.read_table(tmp_path / "local" / "mentions.parquet").num_rows > 0

    # Everything cached: the rerun needs no cluster at all.
    def no_cluster(*args, **kwargs):
        raise AssertionError("a fully cached run must not start a cluster")

    monkeypatch.setattr("distributed.LocalCluster", no_cluster)
    again = run_all(raw, tmp_path / "dask2", engine="dask", cache_dir=tmp_path / "cache-dask")
    assert again["extract"]["cached"] == len(BODIES) and again["extract"]["computed"] == 0
    assert pq.read_table(tmp_path / "dask2" / "mentions.parquet").equals(
        pq.read_table(tmp_path / "local" / "mentions.parquet"))


def test_partitions_shrink_towards_the_end_and_towards_each_renewal():
    from concurrent.futures import Future

    from pipeline.engines.partitions import extract_partitioned

    sizes: list[int] = []

    def task(part):
        sizes.append(len(part))
        return [{"article_id": a["article_id"], "failed": "not extracted in this test"} for a in part]

    def executor():
        def submit(fn, *args):
            future = Future()
            future.set_result(fn(*args))
            return future
        return submit, 4, lambda: None

    arts = [{"article_id": f"a{i}", "text": "x", "content_sha256": f"{i:02d}"} for i in range(40)]
    stats: dict = {}
    assert list(extract_partitioned(arts, executor, task, (), 8, stats=stats, total=40)) == []
    # A quarter (1 / max_in_flight) of what is left, at most 8: the last partitions are single articles.
    assert sizes == [8, 8, 6, 5, 4, 3, 2, 1, 1, 1, 1]
    assert len(stats["failed"]) == 40
    sizes.clear()
    list(extract_partitioned(arts, executor, task, (), 8, renew_after=20))
    # Shrinking towards the renewal after 20 articles, then again towards the next one for the new executor.
    assert sizes == [8, 3, 3, 2, 1, 1, 1, 1, 5, 4, 3, 2, 2, 1, 1, 1, 1]


FAULTS_CHILD = """
import resource, sys
import numpy as np
from pipeline.engines.server import keep_freed_memory

if sys.argv[1] == "keep":
    keep_freed_memory()


def batch():   # what a partition's batches do: arrays of a few MB alive at once, then all freed
    arrays = [np.ones(2**20) for _ in range(24)]   # 24 x 8 MB
    del arrays


batch()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    batch()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt thresholds are glibc's")
def test_a_worker_reuses_the_memory_its_last_partition_freed():
    """glibc's default gives the freed top of the heap back to the system, and the next batch faults every page in
    again; with the server's thresholds (inherited by the workers) the heap keeps it."""
    def faults(mode: str) -> int:
        out = subprocess.run([sys.executable, "-c", FAULTS_CHILD, mode], capture_output=True, text=True, check=True)
        return int(out.stdout)

    default, kept = faults("default"), faults("keep")
    assert default > 20_000   # 80 MB of pages faulted in again over five rounds (about 60,000 on glibc 2.36)
    assert kept < default // 20


def test_workers_skip_memory_zones_and_give_the_same_extractions(articles):
    """A pool worker lives for a bounded number of articles and takes no memory zone per partition: its records
    are the zoned ones, and the words it saw stay in its vocabulary."""
    nlp = shared_nlp()
    fresh = [dict(articles[0], article_id="fresh", text="Quorvath Ellindune of the Marrowick Trust said 40 families "
                                                         "in Tessaly Fen received seeds.")]
    zoned = [e.to_dict() for e in extract_articles(fresh + articles, nlp=nlp)]
    assert "Ellindune" not in nlp.vocab.strings
    unzoned = [e.to_dict() for e in extract_articles(fresh + articles, nlp=nlp, zoned=False)]
    assert unzoned == zoned
    assert "Ellindune" in nlp.vocab.strings
