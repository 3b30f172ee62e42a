"""The written fixtures (tests/fixtures/written/): gold consistent with its text, and regression floors."""
import json
from pathlib import Path

import pytest

from pipeline import stages
from pipeline.evaluate import evaluate
from pipeline.parse import parse_files

FIXTURES = Path(__file__).parent / "fixtures" / "written"
SETS = ("written_a", "written_b")


def _articles(name: str) -> dict[str, dict]:
    dump = FIXTURES / f"{name}.txt"
    parsed = parse_files([(dump.name, dump.read_bytes())])
    assert not parsed.rejects
    return {a["article_id"]: a for a in parsed.articles}


def _gold(name: str) -> list[dict]:
    return [json.loads(l) for l in (FIXTURES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if l]


@pytest.mark.parametrize("name", SETS)
def test_written_fixtures_are_example_org_and_gold_matches_their_text(name):
    articles = _articles(name)
    gold = _gold(name)
    assert len(gold) == len(articles) == 8
    for g in gold:
        article = articles[g["article_id"]]
        assert article["url"].startswith("https://example.org/written-for-tests/")
        text = " ".join(article["text"].split())
        canon = {e["canonical"] for e in g["entities"]}
        for e in g["entities"]:
            for m in e["mentions"]:
                assert " ".join(m.split()) in text, (g["article_id"], m)
        for f in g["figures"] + g["dates"]:
            assert " ".join(f["text"].split()) in text, (g["article_id"], f["text"])
        for q in g["quotes"]:
            assert " ".join(q["opening"].split()) in text and (q["speaker"] is None or q["speaker"] in canon)
        for r in g["roles"]:
            assert r["person"] in canon and (r["org"] is None or r["org"] in canon)


@pytest.mark.e2e
@pytest.mark.parametrize("name, entity_floor", [("written_a", 0.90), ("written_b", 0.85)])
def test_pipeline_keeps_its_floors_on_the_written_fixtures(tmp_path, name, entity_floor):
    stages.run_all(FIXTURES / f"{name}.txt", tmp_path)
    report = evaluate(tmp_path, FIXTURES / f"{name}.jsonl")
    assert report["entities"]["micro"]["f1"] >= entity_floor
    assert report["figures"]["f1"] >= 0.95 and report["dates"]["f1"] >= 0.95
    assert report["quotes"]["f1"] >= 0.95 and report["roles"]["f1"] >= 0.75
