"""Local engine: spaCy's nlp.pipe in this process, or with n_process worker processes."""
from __future__ import annotations

from typing import Iterable, Iterator

from pipeline import config
from pipeline.extract import ExtractionCache, extract_articles
from pipeline.records import Extraction


def extract_local(articles: Iterable[dict], cache: ExtractionCache | None = None, n_process: int = 1,
                  batch_size: int = config.BATCH_SIZE, stats: dict | None = None,
                  progress=None) -> Iterator[Extraction]:
    yield from extract_articles(articles, cache=cache, n_process=n_process, batch_size=batch_size,
                                stats=stats, progress=progress)
