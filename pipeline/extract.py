"""Extract stage: one article's text -> one `Extraction` (mentions, figures, dates, roles, quotes).

Extraction is a pure function of (text, published date, pipeline fingerprint), so results are cached
per article under `cache/<fingerprint>/<content_sha256>-<published>.json`: a rerun, or a corpus that
grew by ten articles, only runs the NLP on what is new.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from spacy.tokens import Doc

from pipeline import __version__, config
from pipeline.nlp.extensions import span_key
from pipeline.records import DateMention, Extraction, Figure, Mention, Quote, Role

OUR_LABELS = ("UN_AGENCY", "ORG", "PERSON", "GPE", "LOC")


# --------------------------------------------------------------------------------------------
# Doc -> Extraction (pure)


class SentenceIndex:
    """Maps a character offset to the index of its sentence."""

    def __init__(self, doc: Doc):
        self.starts = [s.start_char for s in doc.sents] if doc.has_annotation("SENT_START") else [0]

    def __call__(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.starts, char) - 1)


def doc_to_extraction(doc: Doc, article_id: str, published: dt.date | None) -> Extraction:
    from pipeline.nlp.dates import resolve_dates

    sent = SentenceIndex(doc)
    sources = doc._.mention_sources or {}
    kb = doc._.mention_kb or {}
    mentions = [
        Mention(label=ent.label_, text=ent.text, start_char=ent.start_char, end_char=ent.end_char,
                sentence_index=sent(ent.start_char),
                source=sources.get(span_key(ent.start_char, ent.end_char), "model"),
                kb_id=kb.get(span_key(ent.start_char, ent.end_char)) or (ent.kb_id_ or None))
        for ent in doc.ents if ent.label_ in OUR_LABELS
    ]
    figures = [Figure(**f, sentence_index=sent(f["start_char"])) for f in (doc._.figures or [])]
    dates = [DateMention(**d, sentence_index=sent(d["start_char"]))
             for d in resolve_dates(doc._.dates or [], published)]
    roles = [Role(**r, sentence_index=sent(r["start_char"])) for r in (doc._.roles or [])]
    quotes = [Quote(**q, sentence_index=sent(q["start_char"])) for q in (doc._.quotes or [])]
    return Extraction(article_id=article_id, mentions=mentions, figures=figures, dates=dates,
                      roles=roles, quotes=quotes)


# --------------------------------------------------------------------------------------------
# Fingerprint and cache


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """Hash of the package version, the package's code, every file under models/ and the spaCy model."""
    from pipeline.nlp.build import base_model_name
    import importlib.metadata as md

    h = hashlib.sha256()
    h.update(__version__.encode())
    model = base_model_name()
    try:
        h.update(f"{model}=={md.version(model.replace('_', '-'))}".encode())
    except md.PackageNotFoundError:
        h.update(model.encode())
    for root in (config.MODELS_DIR, Path(__file__).parent):
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {".py", ".json", ".jsonl", ".txt", ".tsv", ".csv"} \
                    and "__pycache__" not in path.parts:
                h.update(path.relative_to(config.ROOT).as_posix().encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:16]


def rules_hash() -> str:
    h = hashlib.sha256()
    for path in sorted(config.MODELS_DIR.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(config.ROOT).as_posix().encode())
            h.update(path.read_bytes())
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


def extract_batch(articles: list[dict], nlp=None, n_process: int = 1,
                  batch_size: int = config.BATCH_SIZE) -> list[Extraction]:
    """Run the spaCy pipeline over articles (in order) and convert each Doc."""
    if not articles:
        return []
    if nlp is None:
        from pipeline.nlp.build import shared_nlp
        nlp = shared_nlp()
    texts = (a["text"] for a in articles)
    docs = nlp.pipe(texts, batch_size=batch_size, n_process=n_process)
    return [doc_to_extraction(doc, a["article_id"], a.get("published")) for doc, a in zip(docs, articles)]


def extract_articles(articles: Iterable[dict], cache: ExtractionCache | None = None, nlp=None,
                     n_process: int = config.N_PROCESS, batch_size: int = config.BATCH_SIZE,
                     progress=None, stats: dict | None = None) -> Iterator[Extraction]:
    """Extractions for every article, in input order; cached ones are not recomputed.

    Articles stream through in chunks so memory stays flat whatever the corpus size.
    """
    stats = stats if stats is not None else {}
    stats.setdefault("cached", 0)
    stats.setdefault("computed", 0)
    chunk_size = max(batch_size * max(1, n_process) * 4, 256)
    chunk: list[dict] = []

    def flush(chunk: list[dict]) -> Iterator[Extraction]:
        results: list[Extraction | None] = [cache.get(a) if cache else None for a in chunk]
        todo = [a for a, r in zip(chunk, results) if r is None]
        computed = iter(extract_batch(todo, nlp=nlp, n_process=n_process, batch_size=batch_size))
        for a, r in zip(chunk, results):
            if r is None:
                r = next(computed)
                if cache:
                    cache.put(a, r)
                stats["computed"] += 1
            else:
                stats["cached"] += 1
            if progress is not None:
                progress.update(1)
            yield r

    for article in articles:
        chunk.append(article)
        if len(chunk) >= chunk_size:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)
