import datetime as dt

import pyarrow.parquet as pq
import pytest

from pipeline import tables
from pipeline.schemas import SCHEMAS

ROW = {"source_file": "a.txt", "record_index": 3, "reason": "missing URL", "excerpt": "x", "stage": "parse",
       "article_id": None}


def test_write_enforces_schema_and_sorts(tmp_path):
    rows = [dict(ROW, record_index=5), dict(ROW, record_index=1)]
    path = tables.write_table("rejects", rows, tmp_path)
    t = pq.read_table(path)
    assert t.schema.equals(SCHEMAS["rejects"])
    assert t.column("record_index").to_pylist() == [1, 5]


def test_write_rejects_unknown_or_missing_columns(tmp_path):
    with pytest.raises(tables.SchemaError):
        tables.write_table("rejects", [dict(ROW, extra=1)], tmp_path)
    with pytest.raises(tables.SchemaError):
        tables.write_table("rejects", [{"source_file": "a"}], tmp_path)


def test_write_rejects_wrong_types(tmp_path):
    with pytest.raises(tables.SchemaError):
        tables.write_table("rejects", [dict(ROW, record_index="three")], tmp_path)


def test_failed_write_leaves_previous_file_intact(tmp_path):
    tables.write_table("rejects", [ROW], tmp_path)
    before = (tmp_path / "rejects.parquet").read_bytes()
    with pytest.raises(tables.SchemaError):
        tables.write_table("rejects", [dict(ROW, record_index="bad")], tmp_path)
    assert (tmp_path / "rejects.parquet").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["rejects.parquet"]


def test_same_rows_give_identical_bytes(tmp_path):
    rows = [dict(ROW, record_index=i) for i in range(50)]
    a = tables.write_table("rejects", rows, tmp_path / "a").read_bytes()
    b = tables.write_table("rejects", list(reversed(rows)), tmp_path / "b").read_bytes()
    assert a == b


def test_empty_table_keeps_schema(tmp_path):
    path = tables.write_table("figures", [], tmp_path)
    assert pq.read_table(path).schema.equals(SCHEMAS["figures"])


def test_streaming_writer_matches_contract(tmp_path):
    row = {"date_id": "D-1-0-4", "article_id": "1", "text": "2021", "start": dt.date(2021, 1, 1),
           "end": dt.date(2021, 12, 31), "granularity": "year", "start_char": 0, "end_char": 4, "sentence_index": 0}
    with tables.TableWriter("dates", tmp_path) as w:
        w.write([row])
        w.write([dict(row, article_id="2")])
    t = pq.read_table(tmp_path / "dates.parquet")
    assert t.num_rows == 2 and t.schema.equals(SCHEMAS["dates"])
