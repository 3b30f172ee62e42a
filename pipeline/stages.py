"""The stages as plain functions over folders: parse -> extract -> link (+ manifest).

Each stage reads what the previous one wrote in the output folder, so `make` can rerun one alone.
"""
from __future__ import annotations

import hashlib
import heapq
import json
import os
import pickle
import sys
import tempfile
import time
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow.parquet as pq

from pipeline import __version__, config, tables
from pipeline.records import Extraction

EXTRACTIONS_FILE = "extractions.jsonl"
MANIFEST_FILE = "manifest.json"


def _progress(total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="art", disable=not sys.stderr.isatty(), leave=False)


def _update_manifest(out_dir: Path, **parts) -> None:
    path = Path(out_dir) / MANIFEST_FILE
    manifest = json.loads(path.read_text()) if path.exists() else {}
    for key, value in parts.items():
        if isinstance(value, dict) and isinstance(manifest.get(key), dict):
            manifest[key].update(value)
        else:
            manifest[key] = value
    manifest["pipeline_version"] = __version__
    manifest["row_counts"] = {name: pq.ParquetFile(Path(out_dir) / f"{name}.parquet").metadata.num_rows
                              for name in config.TABLE_NAMES if (Path(out_dir) / f"{name}.parquet").exists()}
    fd, tmp = tempfile.mkstemp(dir=out_dir, suffix=".json.tmp")
    with os.fdopen(fd, "w") as fh:
        json.dump(manifest, fh, indent=2, sort_keys=True, default=str)
        fh.write("\n")
    os.replace(tmp, path)


# Articles sorted in memory at once; past that, sorted runs are spilled to disk and merged.
PARSE_RUN_ARTICLES = 2000
WRITE_BATCH_ROWS = 1000


def _spill_run(rows: list[dict], folder: Path) -> Path:
    fd, path = tempfile.mkstemp(dir=folder, suffix=".run")
    with os.fdopen(fd, "wb") as fh:
        for row in sorted(rows, key=lambda r: r["article_id"]):
            pickle.dump(row, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return Path(path)


def _read_run(path: Path) -> Iterator[dict]:
    with open(path, "rb") as fh:
        while True:
            try:
                yield pickle.load(fh)
            except EOFError:
                return


def parse_stage(input_dir: Path, out_dir: Path) -> dict:
    """Raw dumps -> articles.parquet (sorted by article_id) and rejects.parquet, one file at a time.

    Pass 1 learns the corpus-wide repeated lines (site furniture); pass 2 builds each file's articles
    with them. Articles are sorted by id in runs of PARSE_RUN_ARTICLES, spilled to disk and merged into
    row groups, so memory holds one file and one run whatever the corpus size.
    """
    from pipeline.parse import build_articles, learn_repeated_lines, list_raw_files, load_boilerplate_rules, read_dump

    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = Path(input_dir) if Path(input_dir).is_dir() else Path(input_dir).parent
    paths = list_raw_files(input_dir)
    inputs: dict[str, str] = {}

    def dumps():
        for path in paths:
            name = path.relative_to(base).as_posix()
            data = path.read_bytes()
            inputs[name] = hashlib.sha256(data).hexdigest()
            records, rejects = read_dump(name, data)
            yield name, records, rejects

    repeated = learn_repeated_lines(rec.content or [] for _, records, _ in dumps() for rec in records)
    rules = load_boilerplate_rules()
    seen: tuple[dict, dict] = ({}, {})
    rejects: list[dict] = []
    warnings: Counter = Counter()
    n_articles = 0
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".parse-") as tmp:
        runs: list[Path] = []
        buffer: list[dict] = []
        for name, records, file_rejects in dumps():
            rejects.extend(file_rejects)
            result = build_articles([(name, records)], rules, repeated=repeated, seen=seen)
            rejects.extend(result.rejects)
            warnings.update(result.warnings)
            buffer.extend(result.articles)
            n_articles += len(result.articles)
            if len(buffer) >= PARSE_RUN_ARTICLES:
                runs.append(_spill_run(buffer, Path(tmp)))
                buffer = []
        buffer.sort(key=lambda r: r["article_id"])
        merged = heapq.merge(*(_read_run(r) for r in runs), iter(buffer), key=lambda r: r["article_id"])
        with tables.TableWriter("articles", out_dir) as writer:
            for batch in _batched(merged, WRITE_BATCH_ROWS):
                writer.write(batch)
    tables.write_table("rejects", rejects, out_dir)
    summary = {"articles": n_articles, "rejects": len(rejects),
               "reject_reasons": dict(Counter(r["reason"].split(" (")[0] for r in rejects)),
               "warnings": dict(warnings)}
    _update_manifest(out_dir, inputs=inputs, parse=summary,
                     seconds={"parse": round(time.perf_counter() - t0, 3)})
    return summary


def iter_articles(out_dir: Path, batch_rows: int = 1024) -> Iterator[dict]:
    """Articles from articles.parquet, streamed in row batches."""
    pf = pq.ParquetFile(Path(out_dir) / "articles.parquet")
    for batch in pf.iter_batches(batch_size=batch_rows,
                                 columns=["article_id", "text", "published", "content_sha256", "n_words"]):
        yield from batch.to_pylist()


def count_articles(out_dir: Path) -> int:
    return pq.ParquetFile(Path(out_dir) / "articles.parquet").metadata.num_rows


def extract_stage(out_dir: Path, n_process: int = config.N_PROCESS, engine: str = "local",
                  scheduler: str | None = None, cache_dir: Path | None = None,
                  batch_size: int = config.BATCH_SIZE, use_cache: bool = True) -> dict:
    """Articles -> extractions.jsonl, one line per article in articles.parquet order.

    Articles stream in from Parquet row batches and extractions stream out line by line, so memory
    holds only the documents in flight, whatever the corpus size.
    """
    from pipeline.extract import default_cache, pipeline_fingerprint, rules_hash

    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    cache = default_cache(cache_dir) if use_cache else None
    stats: dict = {}
    total = count_articles(out_dir)
    if engine == "dask":
        from pipeline.engines.dask import extract_with_dask
        extractions = extract_with_dask(iter_articles(out_dir), cache=cache, scheduler=scheduler,
                                        batch_size=batch_size, stats=stats,
                                        progress=_progress(total, "extract"))
    else:
        from pipeline.engines.local import extract_local
        extractions = extract_local(iter_articles(out_dir), cache=cache, n_process=n_process,
                                    batch_size=batch_size, stats=stats, progress=_progress(total, "extract"))
    path = out_dir / EXTRACTIONS_FILE
    fd, tmp = tempfile.mkstemp(dir=out_dir, suffix=".jsonl.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for ex in extractions:
            fh.write(json.dumps(ex.to_dict(), ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
    os.replace(tmp, path)
    from pipeline.nlp.build import base_model_name
    import spacy
    import importlib.metadata as md

    model = base_model_name()
    _update_manifest(out_dir, extract={**stats, "engine": engine, "n_process": n_process,
                                       "fingerprint": pipeline_fingerprint()},
                     spacy_version=spacy.__version__,
                     model={"name": model, "version": md.version(model.replace("_", "-"))},
                     rules_hash=rules_hash(),
                     seconds={"extract": round(time.perf_counter() - t0, 3)})
    return stats


def iter_extractions(out_dir: Path) -> Iterator[Extraction]:
    with open(Path(out_dir) / EXTRACTIONS_FILE, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield Extraction.from_dict(json.loads(line))


# Tables with rows that belong to one article each, and tables about the corpus as a whole.
ARTICLE_TABLES = ("mentions", "article_entities", "figures", "dates", "roles", "quotes")
CORPUS_TABLES = ("entities", "merges")
# Articles per link batch in the streaming path, and rows per row group when writing a whole list.
LINK_BATCH_ARTICLES = 512
WRITE_CHUNK_ROWS = 50_000


def _batched(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _link_streaming(out_dir: Path, linker) -> dict:
    """Two passes over extractions.jsonl with a `pipeline.link.Linker`; memory ~ distinct names.

    Pass 1 shows the linker every article (it keeps what cross-article resolution needs), pass 2
    turns batches of articles into rows that are written as row groups at once. Extractions come in
    articles.parquet order (sorted by article_id), so row groups sorted one by one are sorted overall.
    """
    for ex in iter_extractions(out_dir):
        linker.observe(ex)
    linker.resolve()
    writers = {name: tables.TableWriter(name, out_dir) for name in ARTICLE_TABLES}
    try:
        for batch in _batched(iter_extractions(out_dir), LINK_BATCH_ARTICLES):
            rows = linker.link_articles(batch)
            for name, writer in writers.items():
                writer.write(rows.get(name, []))
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    counts = {}
    for name, writer in writers.items():
        writer.close()
        counts[name] = writer.num_rows
    corpus = linker.corpus_tables()
    for name in CORPUS_TABLES:
        rows = corpus.get(name, [])
        tables.write_table(name, rows, out_dir)
        counts[name] = len(rows)
    return counts


def link_stage(out_dir: Path) -> dict:
    from pipeline.link import Linker

    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    counts = _link_streaming(out_dir, Linker())
    counts = {name: counts[name] for name in ("mentions", "entities", "article_entities", "merges",
                                              "figures", "dates", "roles", "quotes")}
    _update_manifest(out_dir, seconds={"link": round(time.perf_counter() - t0, 3)})
    return counts


def run_all(input_dir: Path, out_dir: Path, n_process: int = config.N_PROCESS, engine: str = "local",
            scheduler: str | None = None, cache_dir: Path | None = None, use_cache: bool = True) -> dict:
    summary = {"parse": parse_stage(input_dir, out_dir)}
    summary["extract"] = extract_stage(out_dir, n_process=n_process, engine=engine, scheduler=scheduler,
                                       cache_dir=cache_dir, use_cache=use_cache)
    summary["link"] = link_stage(out_dir)
    return summary
