"""The stages as plain functions over folders: parse -> extract -> link (+ manifest).

Each stage reads what the previous one wrote in the output folder, so `make` can rerun one alone.
"""
from __future__ import annotations

import fcntl
import hashlib
import heapq
import json
import os
import pickle
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyarrow.parquet as pq

from pipeline import __version__, config, tables
from pipeline.records import Extraction

EXTRACTIONS_FILE = "extractions.jsonl"
MANIFEST_FILE = "manifest.json"


def _progress(total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="art", disable=not sys.stderr.isatty(), leave=False)


def _row_counts(out_dir: Path) -> dict[str, int]:
    """Rows of every table in the folder, from the Parquet footers."""
    return {name: pq.ParquetFile(Path(out_dir) / f"{name}.parquet").metadata.num_rows
            for name in config.TABLE_NAMES if (Path(out_dir) / f"{name}.parquet").exists()}


def _reject_reasons(rejects: list[dict]) -> dict[str, int]:
    return dict(Counter(r["reason"].split(" (")[0] for r in rejects))


def _update_manifest(out_dir: Path, **parts) -> None:
    path = Path(out_dir) / MANIFEST_FILE
    manifest = json.loads(path.read_text()) if path.exists() else {}
    for key, value in parts.items():
        if isinstance(value, dict) and isinstance(manifest.get(key), dict):
            manifest[key].update(value)
        else:
            manifest[key] = value
    manifest["pipeline_version"] = __version__
    manifest["row_counts"] = _row_counts(out_dir)
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


class StageError(Exception):
    """A stage refuses to run or to write: the message says why and what to do; nothing was written."""


def check_input(input_dir: Path) -> None:
    from pipeline.parse import list_raw_files

    input_dir = Path(input_dir)
    if not input_dir.exists():
        raise StageError(f"input {input_dir} does not exist (nothing was written)")
    if not list_raw_files(input_dir):
        raise StageError(f"input {input_dir} holds no dump files ({config.RAW_GLOB}); nothing was written")


LOCK_FILE = ".pipeline.lock"


@contextmanager
def output_lock(out_dir: Path):
    """One run per output folder: a second one refuses at once with a clear message (flock, released
    by the OS when the holder dies, so a killed run never leaves a stale lock)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fh = open(out_dir / LOCK_FILE, "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "unknown"
        fh.close()
        raise StageError(f"another pipeline run (pid {holder}) is writing to {out_dir}; wait for it to end") from None
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def recover(out_dir: Path) -> list[str]:
    """Before a stage writes: finish or discard what a killed run left, and make the manifest agree."""
    done = tables.recover(out_dir)
    path = Path(out_dir) / MANIFEST_FILE
    if path.exists():
        # Killed between the tables' commit and the manifest's update: the counts must follow the tables.
        if done or json.loads(path.read_text()).get("row_counts") != _row_counts(out_dir):
            _update_manifest(out_dir, recovered=done or ["manifest row counts brought up to date"])
    return done


def parse_stage(input_dir: Path, out_dir: Path, allow_empty: bool = False) -> dict:
    """Raw dumps -> articles.parquet (sorted by article_id) and rejects.parquet, one file at a time.

    Pass 1 learns the corpus-wide repeated lines (site furniture); pass 2 builds each file's articles
    with them. Articles are sorted by id in runs of PARSE_RUN_ARTICLES, spilled to disk and merged into
    row groups, so memory holds one file and one run whatever the corpus size.
    """
    from pipeline.parse import build_articles, learn_repeated_lines, list_raw_files, load_boilerplate_rules, read_dump

    t0 = time.perf_counter()
    check_input(input_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    base = Path(input_dir) if Path(input_dir).is_dir() else Path(input_dir).parent
    paths = list_raw_files(input_dir)
    inputs: dict[str, str] = {}

    def dumps():
        for path in paths:
            name = path.relative_to(base).as_posix()
            data = path.read_bytes()
            inputs[name] = hashlib.sha256(data).hexdigest()
            records, rejects, file_warnings = read_dump(name, data)
            yield name, records, rejects, file_warnings

    repeated = learn_repeated_lines(rec.content or [] for _, records, _, _ in dumps() for rec in records)
    rules = load_boilerplate_rules()
    seen: tuple[dict, dict] = ({}, {})
    rejects: list[dict] = []
    warnings: Counter = Counter()
    n_articles = 0
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".parse-") as tmp:
        runs: list[Path] = []
        buffer: list[dict] = []
        for name, records, file_rejects, file_warnings in dumps():
            rejects.extend(file_rejects)
            warnings.update(file_warnings)
            result = build_articles([(name, records)], rules, repeated=repeated, seen=seen)
            rejects.extend(result.rejects)
            warnings.update(result.warnings)
            buffer.extend(result.articles)
            n_articles += len(result.articles)
            if len(buffer) >= PARSE_RUN_ARTICLES:
                runs.append(_spill_run(buffer, Path(tmp)))
                buffer = []
        if n_articles == 0 and not allow_empty:
            raise StageError(f"input {input_dir} gave no articles ({len(rejects)} rejected: {_reject_reasons(rejects)}); "
                             f"the tables in {out_dir} were left as they were (--allow-empty writes empty ones)")
        buffer.sort(key=lambda r: r["article_id"])
        merged = heapq.merge(*(_read_run(r) for r in runs), iter(buffer), key=lambda r: r["article_id"])
        writer = tables.TableWriter("articles", out_dir)
        try:
            for batch in _batched(merged, WRITE_BATCH_ROWS):
                writer.write(batch)
            staged = {"articles": writer.close(commit=False)}
            staged["rejects"] = tables.write_table("rejects", rejects, out_dir, commit=False)
        except BaseException:
            writer.abort()
            raise
    tables.commit_tables(out_dir, staged)
    summary = {"articles": n_articles, "rejects": len(rejects),
               "reject_reasons": _reject_reasons(rejects),
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
                  batch_size: int = config.BATCH_SIZE, use_cache: bool = True,
                  observe: Callable[[Extraction], None] | None = None) -> dict:
    """Articles -> extractions.jsonl, one line per article in articles.parquet order.

    Articles stream in from Parquet row batches and extractions stream out line by line, so memory
    holds only the documents in flight, whatever the corpus size. `observe` sees each extraction as it
    is written (link's first pass, in `run_all`).
    """
    from pipeline.extract import default_cache, pipeline_fingerprint, rules_hash

    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    recover(out_dir)
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
                                    batch_size=batch_size, stats=stats, progress=_progress(total, "extract"),
                                    total=total)
    path = out_dir / EXTRACTIONS_FILE
    fd, tmp = tempfile.mkstemp(dir=out_dir, suffix=".jsonl.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for ex in extractions:
                fh.write(json.dumps(ex.to_dict(), ensure_ascii=False, separators=(",", ":")))
                fh.write("\n")
                if observe is not None:
                    observe(ex)
        failures = stats.pop("failed", [])
        _write_extract_rejects(out_dir, failures)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    stats["failed"] = len(failures)
    if cache is not None and cache.corrupt:
        stats["cache_corrupt_recomputed"] = cache.corrupt
    if failures:
        stats["failed_articles"] = sorted(f.article_id for f in failures)
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


def _write_extract_rejects(out_dir: Path, failures: list) -> None:
    """rejects.parquet keeps the parse rejects and gets one row per article whose extraction raised."""
    from pipeline.parse import EXCERPT_CHARS

    rejects = tables.read_table("rejects", out_dir)
    rows = rejects[rejects["stage"] != "extract"].to_dict("records")
    if failures:
        reasons = {f.article_id: f.reason for f in failures}
        articles = pq.read_table(Path(out_dir) / "articles.parquet",
                                 columns=["article_id", "source_file", "record_index", "text"],
                                 filters=[("article_id", "in", sorted(reasons))]).to_pylist()
        rows += [{"source_file": a["source_file"], "record_index": a["record_index"], "reason": reasons[a["article_id"]],
                  "excerpt": " ".join(a["text"].split())[:EXCERPT_CHARS], "stage": "extract",
                  "article_id": a["article_id"]} for a in articles]
    if rows != rejects.to_dict("records"):
        tables.write_table("rejects", rows, out_dir)


def iter_extractions(out_dir: Path) -> Iterator[Extraction]:
    with open(Path(out_dir) / EXTRACTIONS_FILE, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield Extraction.from_dict(json.loads(line))


# Tables with rows that belong to one article each, and the corpus tables link writes in entity order.
ARTICLE_TABLES = ("mentions", "article_entities", "figures", "dates", "roles", "quotes")
CORPUS_ROW_TABLES = ("entities", "merges")
# Articles per link batch in the streaming path.
LINK_BATCH_ARTICLES = 512


def _batched(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _link_streaming(out_dir: Path, linker, observed: bool = False) -> dict:
    """Two passes over extractions.jsonl with a `pipeline.link.Linker` (its state in a store on disk).

    Pass 1 shows the linker every article (it keeps what cross-article resolution needs; `observed`:
    the extract stage already did, as it wrote the file), pass 2 turns batches of articles into rows
    that are written as row groups at once. Extractions come in articles.parquet order (sorted by
    article_id), so row groups sorted one by one are sorted overall; the corpus tables come in
    entity_id order for the same reason.
    """
    writers: dict[str, tables.TableWriter] = {}
    staged: dict[str, Path] = {}
    try:
        if not observed:
            for ex in iter_extractions(out_dir):
                linker.observe(ex)
        linker.resolve()
        writers.update((name, tables.TableWriter(name, out_dir)) for name in ARTICLE_TABLES + CORPUS_ROW_TABLES)
        for batch in _batched(iter_extractions(out_dir), LINK_BATCH_ARTICLES):
            rows = linker.link_articles(batch)
            for name in ARTICLE_TABLES:
                writers[name].write(rows.get(name, []))
        for rows in linker.iter_corpus_rows():
            for name in CORPUS_ROW_TABLES:
                writers[name].write(rows[name])
        counts = {}
        for name, writer in writers.items():
            staged[name] = writer.close(commit=False)
            counts[name] = writer.num_rows
        applied = linker.corrections.report()
        staged["corrections_applied"] = tables.write_table("corrections_applied", applied, out_dir, commit=False)
        counts["corrections_applied"] = len(applied)
    except BaseException:
        for writer in writers.values():
            writer.abort()
        for path in staged.values():
            path.unlink(missing_ok=True)
        raise
    # The link tables are replaced together: readers never see mentions of one run with entities of another,
    # nor a corrections_applied that describes other tables than the ones beside it.
    tables.commit_tables(out_dir, staged)
    return counts


def read_corrections(corrections_dir: Path | None) -> list:
    """The analysts' corrections in `corrections_dir` (None: none); a malformed file is a StageError
    naming the file and line, raised before anything is written."""
    from pipeline.corrections import CorrectionError
    from pipeline.corrections import read_corrections as read

    try:
        return read(corrections_dir)
    except CorrectionError as exc:
        raise StageError(f"corrections: {exc} (nothing was written)") from exc


def _article_texts(out_dir: Path, article_ids: set[str]) -> dict[str, str]:
    """The texts of the articles `add` corrections name (only those are read)."""
    if not article_ids:
        return {}
    rows = pq.read_table(Path(out_dir) / "articles.parquet", columns=["article_id", "text"],
                         filters=[("article_id", "in", sorted(article_ids))]).to_pylist()
    return {r["article_id"]: r["text"] for r in rows}


def link_stage(out_dir: Path, corrections_dir: Path | None = None,
               extract: Callable[[Callable[[Extraction], None]], dict] | None = None) -> dict:
    """Extractions -> the link tables, with the corrections in `corrections_dir` applied (None: no
    corrections; the command line passes data/corrections/ unless told otherwise).

    With `extract` (`run_all`), the extract stage runs inside this one: `extract(observe)` writes
    extractions.jsonl and shows each extraction to link's first pass as it goes, so the main process
    does pass 1 while the workers extract instead of reading the file back afterwards; its summary is
    returned under "extract".

    Returns the row counts of the tables, and under "corrections" the rows of `corrections_applied`
    that changed nothing (for the command line to report)."""
    from pipeline.corrections import Corrections, file_hashes
    from pipeline.link import Linker, remove_stale_stores

    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    rows = read_corrections(corrections_dir)
    recover(out_dir)
    texts = _article_texts(out_dir, {c.article_id for c in rows if c.action == "add"})
    corrections = Corrections(rows, texts)
    remove_stale_stores(out_dir)
    extracted: dict = {}
    with Linker(corrections=corrections, store_dir=out_dir) as linker:
        if extract is not None:
            t_extract = time.perf_counter()
            extracted = {"extract": extract(linker.observe)}
            t0 += time.perf_counter() - t_extract   # link's seconds leave out the extraction's
        counts = _link_streaming(out_dir, linker, observed=extract is not None)
        problems = corrections.problems()   # names entities, which live in the linker's store
    counts = {name: counts[name] for name in ("mentions", "entities", "article_entities", "merges",
                                              "figures", "dates", "roles", "quotes", "corrections_applied")}
    _update_manifest(out_dir, seconds={"link": round(time.perf_counter() - t0, 3)},
                     corrections={"folder": str(corrections_dir) if corrections_dir is not None else None,
                                  "files": file_hashes(corrections_dir), "rows": len(rows),
                                  "applied": len(rows) - len(problems), "changed_nothing": len(problems)})
    return {**counts, "corrections": problems, **extracted}


def run_all(input_dir: Path, out_dir: Path, n_process: int = config.N_PROCESS, engine: str = "local",
            scheduler: str | None = None, cache_dir: Path | None = None, use_cache: bool = True,
            allow_empty: bool = False, corrections_dir: Path | None = None) -> dict:
    read_corrections(corrections_dir)   # a malformed corrections file stops the run before parse, not after extract
    if engine == "local" and n_process > 1:
        from pipeline.engines import server

        server.start()   # the workers' pipeline is built while parse runs
    summary = {"parse": parse_stage(input_dir, out_dir, allow_empty=allow_empty)}

    def extract(observe):
        return extract_stage(out_dir, n_process=n_process, engine=engine, scheduler=scheduler,
                             cache_dir=cache_dir, use_cache=use_cache, observe=observe)

    link = link_stage(out_dir, corrections_dir, extract=extract)
    summary["extract"] = link.pop("extract")
    summary["link"] = link
    return summary
