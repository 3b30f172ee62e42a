"""Reading and writing tables. Every write is schema-checked and atomic."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schemas import SCHEMAS, SORT_KEYS


class SchemaError(ValueError):
    """Rows that do not fit a table's schema."""


def to_arrow(name: str, rows: Iterable[Mapping] | pd.DataFrame) -> pa.Table:
    """Rows (dicts or a DataFrame) as an Arrow table with exactly the schema of `name`, sorted by its key."""
    schema = SCHEMAS[name]
    if isinstance(rows, pd.DataFrame):
        records = rows.to_dict("records")
    else:
        records = list(rows)
    expected = set(schema.names)
    for i, rec in enumerate(records):
        extra = set(rec) - expected
        missing = expected - set(rec)
        if extra or missing:
            raise SchemaError(
                f"{name}: row {i} has unexpected columns {sorted(extra)} / lacks {sorted(missing)}")
    columns = {field.name: [rec[field.name] for rec in records] for field in schema}
    try:
        table = pa.Table.from_pydict(columns, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise SchemaError(f"{name}: {exc}") from exc
    keys = [(k, "ascending") for k in SORT_KEYS[name]]
    if table.num_rows:
        table = table.sort_by(keys)
    return table


def write_table(name: str, rows: Iterable[Mapping] | pd.DataFrame | pa.Table, out_dir: Path,
                commit: bool = True) -> Path:
    """Write table `name` into `out_dir` as `<name>.parquet`, replacing any old file atomically.

    With commit=False the table is only staged: the temp file's path is returned for `commit_tables`."""
    table = rows if isinstance(rows, pa.Table) else to_arrow(name, rows)
    if not table.schema.equals(SCHEMAS[name]):
        raise SchemaError(f"{name}: schema {table.schema} differs from the contract")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"{name}.parquet"
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".parquet.tmp", dir=out_dir)
    os.close(fd)
    try:
        # No created_by timestamps are written by pyarrow, so equal tables give equal bytes.
        pq.write_table(table, tmp, compression="zstd", row_group_size=64_000)
        if not commit:
            return Path(tmp)
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return final


class TableWriter:
    """Streams row groups of one table into a temp file, then renames it into place on close.

    Used by stages that produce more rows than should sit in memory at once.
    """

    def __init__(self, name: str, out_dir: Path):
        self.name = name
        self.schema = SCHEMAS[name]
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".parquet.tmp", dir=self.out_dir)
        os.close(fd)
        self._writer = pq.ParquetWriter(self._tmp, self.schema, compression="zstd")
        self.num_rows = 0

    def write(self, rows: Iterable[Mapping]) -> None:
        table = to_arrow(self.name, rows)
        if table.num_rows:
            self._writer.write_table(table)
            self.num_rows += table.num_rows

    def close(self, commit: bool = True) -> Path:
        """Finish the file; rename it into place, or (commit=False) return the staged temp file."""
        self._writer.close()
        if not commit:
            return Path(self._tmp)
        final = self.out_dir / f"{self.name}.parquet"
        os.replace(self._tmp, final)
        return final

    def abort(self) -> None:
        self._writer.close()
        Path(self._tmp).unlink(missing_ok=True)

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


# --------------------------------------------------------------------------------------------
# Several tables replaced as one: a journal makes the set of renames all-or-nothing after a crash.

JOURNAL = ".commit.json"
STAGED_SUFFIX = ".parquet.tmp"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit_tables(out_dir: Path, staged: Mapping[str, Path]) -> None:
    """Rename staged temp files into `<name>.parquet` as one step.

    The journal (written atomically) lists the renames before any is done: a process killed before
    it leaves every old table in place; killed after it, `recover` finishes the renames.
    """
    out_dir = Path(out_dir)
    for path in staged.values():
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
    journal = out_dir / JOURNAL
    fd, tmp = tempfile.mkstemp(prefix=".commit.", suffix=".json.tmp", dir=out_dir)
    with os.fdopen(fd, "w") as fh:
        json.dump({"tables": {name: Path(p).name for name, p in staged.items()}}, fh, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, journal)
    _fsync_dir(out_dir)
    _apply_journal(out_dir)


def _apply_journal(out_dir: Path) -> None:
    journal = out_dir / JOURNAL
    plan = json.loads(journal.read_text())["tables"]
    for name, tmp in sorted(plan.items()):
        if (out_dir / tmp).exists():
            os.replace(out_dir / tmp, out_dir / f"{name}.parquet")
    _fsync_dir(out_dir)
    journal.unlink()


def recover(out_dir: Path) -> list[str]:
    """After a killed run: finish a journaled commit, and delete temp files no commit claims."""
    out_dir = Path(out_dir)
    done = []
    if not out_dir.is_dir():
        return done
    if (out_dir / JOURNAL).exists():
        _apply_journal(out_dir)
        done.append("finished an interrupted commit of tables")
    strays = [p for p in out_dir.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
    for p in strays:
        p.unlink()
    if strays:
        done.append(f"removed {len(strays)} unfinished temp files")
    return done


def read_table(name: str, out_dir: Path) -> pd.DataFrame:
    return pq.read_table(Path(out_dir) / f"{name}.parquet").to_pandas()


def read_arrow(name: str, out_dir: Path) -> pa.Table:
    return pq.read_table(Path(out_dir) / f"{name}.parquet")
