"""End to end on the real corpus (data/raw): the contract's tables, deterministic reruns."""
import json

import pyarrow.parquet as pq
import pytest

from pipeline import config
from pipeline.schemas import SCHEMAS
from pipeline.stages import parse_stage

pytestmark = pytest.mark.e2e

BOILERPLATE = ("Donate to the Sustainable Development Goals Fund", "UN House in Astana", "Mambetov Street",
               "Tel: +7")


def test_real_corpus_parses_cleanly(real_run):
    arts = pq.read_table(real_run / "articles.parquet").to_pandas()
    assert len(arts) == 20
    assert pq.read_table(real_run / "rejects.parquet").num_rows == 0
    assert arts["published"].notna().all()
    assert arts["article_id"].str.fullmatch(r"\d+").all()
    for body in arts["body"]:
        assert not any(b in body for b in BOILERPLATE)
    assert (arts["text"] == arts["title"] + "\n\n" + arts["body"]).all()


def test_every_table_matches_the_contract(real_run):
    for name in config.TABLE_NAMES:
        t = pq.read_table(real_run / f"{name}.parquet")
        assert t.schema.equals(SCHEMAS[name]), name
    manifest = json.loads((real_run / "manifest.json").read_text())
    assert manifest["row_counts"]["articles"] == 20
    assert set(manifest["seconds"]) >= {"parse", "extract", "link"}
    assert manifest["model"]["version"].startswith("3.8")
    assert len(manifest["inputs"]) == 1 and len(manifest["rules_hash"]) == 16


def test_offsets_point_into_article_text(real_run):
    arts = pq.read_table(real_run / "articles.parquet").to_pandas().set_index("article_id")
    for name in ("mentions", "figures", "dates", "quotes"):
        df = pq.read_table(real_run / f"{name}.parquet").to_pandas()
        for row in df.itertuples():
            text = arts.loc[row.article_id, "text"]
            assert 0 <= row.start_char < row.end_char <= len(text)
            if name != "quotes":
                assert text[row.start_char:row.end_char] == row.text


def test_parse_twice_gives_identical_bytes(tmp_path):
    parse_stage(config.RAW_DIR, tmp_path / "a")
    parse_stage(config.RAW_DIR, tmp_path / "b")
    for name in ("articles", "rejects"):
        assert (tmp_path / "a" / f"{name}.parquet").read_bytes() == (tmp_path / "b" / f"{name}.parquet").read_bytes()


def _split_real_dump(tmp_path):
    """The real dump cut into two files: the first 12 records and the other 8."""
    text = next(config.RAW_DIR.glob("*.txt")).read_text(encoding="utf-8")
    starts = [i for i, line in enumerate(text.split("\n")) if line.startswith("Date:")]
    lines = text.split("\n")
    first = "\n".join(lines[:starts[12]])
    rest = "\n".join(lines[starts[12]:])
    return first, rest


def test_new_articles_cost_only_their_own_nlp_and_tables_match_a_full_run(tmp_path):
    from pipeline.stages import run_all

    first, rest = _split_real_dump(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(first, encoding="utf-8")
    cache = tmp_path / "cache"
    assert run_all(raw, tmp_path / "inc", cache_dir=cache)["extract"] == {"cached": 0, "computed": 12}
    (raw / "b.txt").write_text(rest, encoding="utf-8")
    assert run_all(raw, tmp_path / "inc", cache_dir=cache)["extract"] == {"cached": 12, "computed": 8}

    run_all(raw, tmp_path / "full", cache_dir=tmp_path / "fresh-cache")
    for name in config.TABLE_NAMES:
        inc = pq.read_table(tmp_path / "inc" / f"{name}.parquet")
        full = pq.read_table(tmp_path / "full" / f"{name}.parquet")
        assert inc.equals(full), name


def test_dev_gold_scores_meet_the_acceptance_floors(real_run):
    """The issues' acceptance figures on the dev gold, as a regression guard for every rule change."""
    from pipeline.evaluate import evaluate

    r = evaluate(real_run, config.GOLD_DIR / "dev.jsonl")
    assert r["entities"]["micro"]["f1"] >= 0.93
    assert min(s["f1"] for s in r["entities"]["per_label"].values()) >= 0.85
    assert r["figures"]["f1"] >= 0.93 and r["figures"]["unit_agreement"] >= 0.90
    assert r["dates"]["f1"] >= 0.90
    assert r["linking"]["within_article"] >= 0.97 and r["linking"]["across_articles"] >= 0.95
    assert r["linking"]["shared_ids"] == 0
    assert r["roles"]["f1"] >= 0.85
    assert r["quotes"]["f1"] >= 0.90 and r["quotes"]["speaker_agreement"] >= 0.90
