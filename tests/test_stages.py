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
