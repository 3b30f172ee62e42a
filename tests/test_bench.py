"""The benchmark's synthetic corpus (scripts/bench.py): written for benchmarking, names that grow with it."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from pipeline import config
from pipeline.parse import parse_corpus

_spec = importlib.util.spec_from_file_location("bench", Path(config.ROOT) / "scripts" / "bench.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_fresh_names_never_repeat_and_share_no_prefix_with_the_next():
    name = bench.FreshNames()
    names = [name() for _ in range(50_000)]
    assert len(set(names)) == len(names)
    assert all(a[:4] != b[:4] for a, b in zip(names[:1000], names[1:1001]))
    again = bench.FreshNames()
    assert [again() for _ in range(5)] == names[:5]


@pytest.mark.parametrize("max_paragraphs", [None, 1])
def test_synthetic_corpus_parses_with_example_urls_and_distinct_names(tmp_path, max_paragraphs):
    folder = bench.write_synthetic_corpus(30, tmp_path / "c", max_paragraphs=max_paragraphs)
    articles = parse_corpus(folder).articles
    assert len(articles) == 30
    assert all(a["url"].startswith("https://bench.example.org/") for a in articles)
    speakers = {a["body"].split(" behind,” said ")[1].split(",")[0] for a in articles}
    assert len(speakers) == 30       # one fresh person per article (the paragraph written by the bench)
    if max_paragraphs == 1:
        assert all(len([p for p in a["body"].split("\n") if p.strip()]) <= 2 for a in articles)
    again = bench.write_synthetic_corpus(30, tmp_path / "d", max_paragraphs=max_paragraphs)
    assert [p.read_bytes() for p in sorted(again.iterdir())] == [p.read_bytes() for p in sorted(folder.iterdir())]
