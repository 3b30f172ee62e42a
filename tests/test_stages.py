"""End to end on the real corpus (data/raw): the contract's tables, deterministic reruns."""
import json
import os
import subprocess
import sys

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
    assert run_all(raw, tmp_path / "inc", cache_dir=cache)["extract"] == {"cached": 0, "computed": 12, "failed": 0}
    (raw / "b.txt").write_text(rest, encoding="utf-8")
    assert run_all(raw, tmp_path / "inc", cache_dir=cache)["extract"] == {"cached": 12, "computed": 8, "failed": 0}

    run_all(raw, tmp_path / "full", cache_dir=tmp_path / "fresh-cache")
    for name in config.TABLE_NAMES:
        inc = pq.read_table(tmp_path / "inc" / f"{name}.parquet")
        full = pq.read_table(tmp_path / "full" / f"{name}.parquet")
        assert inc.equals(full), name


def test_run_links_as_it_extracts_and_gives_the_tables_of_the_stages_run_one_by_one(tmp_path):
    """`run_all` shows each extraction to link's first pass as it is written; `make` runs the stages one
    by one and link reads extractions.jsonl back. Same bytes either way, with workers too."""
    from pipeline.stages import extract_stage, link_stage, parse_stage, run_all

    first, _ = _split_real_dump(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(first, encoding="utf-8")
    summary = run_all(raw, tmp_path / "fused", cache_dir=tmp_path / "cache", n_process=2)
    assert summary["extract"] == {"cached": 0, "computed": 12, "failed": 0, "partitions": 1, "pools": 1}
    assert summary["link"]["mentions"] > 0 and "extract" not in summary["link"]
    staged = tmp_path / "staged"
    parse_stage(raw, staged)
    extract_stage(staged, cache_dir=tmp_path / "cache")
    link_stage(staged)
    assert _tables(tmp_path / "fused") == _tables(staged)


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


# Reliability: a failing article, the clock, and a killed link stage.

def test_an_article_whose_nlp_raises_becomes_a_reject_and_strict_exits_1(tmp_path, monkeypatch, record, capsys):
    from conftest import blank_nlp_raising_on

    import pipeline.nlp.build
    from pipeline.cli import main

    nlp = blank_nlp_raising_on("sabotage", ValueError("bad article"))
    monkeypatch.setattr(pipeline.nlp.build, "shared_nlp", lambda: nlp)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "d.txt").write_text(
        record("Fine", "The council met.", "https://example.org/written-for-tests/fine")
        + record("Broken", "A sabotage of the parser.", "https://example.org/written-for-tests/broken"), encoding="utf-8")
    args = ["run", "--input", str(raw), "--output", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")]
    assert main(args) == 0
    assert "1 FAILED" in capsys.readouterr().out
    rejects = pq.read_table(tmp_path / "out" / "rejects.parquet").to_pylist()
    assert [(r["stage"], r["reason"]) for r in rejects] == [("extract", "extract failed: ValueError: bad article")]
    assert rejects[0]["excerpt"].startswith("Broken")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["extract"]["failed"] == 1 and manifest["row_counts"]["articles"] == 2
    assert main(args + ["--strict"]) == 1


def test_reruns_on_another_day_give_byte_identical_tables(tmp_path):
    """Nothing depends on the clock: a relative record date stays null whatever day it is."""
    import time_machine

    from pipeline.stages import run_all

    first, _ = _split_real_dump(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    relative = ("Date: 2 days ago\nTitle: Council meets again\nContent: The Ocean Council met yesterday in Astana "
                "and again today.\nURL: https://example.org/written-for-tests/relative\n")
    (raw / "a.txt").write_text(first + "\n" + relative, encoding="utf-8")
    outs = []
    for day in ("2024-01-05 10:00", "2031-08-20 23:00"):
        with time_machine.travel(day, tick=False):
            out = tmp_path / day[:10]
            run_all(raw, out, cache_dir=tmp_path / f"cache-{day[:10]}")
            outs.append(out)
    arts = pq.read_table(outs[0] / "articles.parquet").to_pandas()
    assert arts.loc[arts.title == "Council meets again", "published"].isna().all()
    manifest = json.loads((outs[0] / "manifest.json").read_text())
    assert manifest["parse"]["warnings"]["relative date (no base to resolve it)"] == 1
    for name in config.TABLE_NAMES:
        assert (outs[0] / f"{name}.parquet").read_bytes() == (outs[1] / f"{name}.parquet").read_bytes(), name


def test_another_process_with_other_hash_seeds_and_two_workers_writes_the_same_tables(real_run, tmp_path):
    """No output follows Python's per-process string hashing (set and dict order of strings) or the number of
    workers: the command line on two processes, under a fixed PYTHONHASHSEED, writes the bytes the in-process run
    wrote under this process's."""
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "pipeline", "run", "--input", str(config.RAW_DIR), "--output", str(out),
                    "--n-process", "2", "--cache-dir", str(tmp_path / "cache")],
                   check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "12345"})
    for name in config.TABLE_NAMES:
        assert (out / f"{name}.parquet").read_bytes() == (real_run / f"{name}.parquet").read_bytes(), name


KILL_CHILD = """
import sys
from pipeline.stages import link_stage
print("go", flush=True)
link_stage(sys.argv[1], sys.argv[2])
print("done", flush=True)
"""


def _tables(folder):
    return {name: (folder / f"{name}.parquet").read_bytes() for name in config.TABLE_NAMES}


def test_a_link_stage_killed_anywhere_leaves_the_old_or_the_new_tables_never_a_mix(tmp_path):
    import random
    import shutil
    import signal
    import subprocess
    import sys
    import time

    from pipeline.stages import recover, run_all

    first, rest = _split_real_dump(tmp_path)
    # The new run also has a correction, so that corrections_applied differs between the two as well.
    corrections = {"old": tmp_path / "no-corrections", "new": tmp_path / "corrections"}
    corrections["old"].mkdir()
    corrections["new"].mkdir()
    (corrections["new"] / "fixes.csv").write_text("action,label,text,target,article_id,note\n"
                                                  "drop,GPE,Kazakhstan,,,\n", encoding="utf-8")
    for name, text in (("old", first + "\n" + rest), ("new", first)):
        (tmp_path / f"raw-{name}").mkdir()
        (tmp_path / f"raw-{name}" / "d.txt").write_text(text, encoding="utf-8")
        run_all(tmp_path / f"raw-{name}", tmp_path / name, cache_dir=tmp_path / "cache",
                corrections_dir=corrections[name])
    old, new = _tables(tmp_path / "old"), _tables(tmp_path / "new")
    assert old["mentions"] != new["mentions"] and old["corrections_applied"] != new["corrections_applied"]

    def prepared(folder):
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(tmp_path / "old", folder)
        shutil.copy(tmp_path / "new" / "extractions.jsonl", folder / "extractions.jsonl")
        return folder

    def start(folder):
        child = subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(folder), str(corrections["new"])],
                                 stdout=subprocess.PIPE, text=True, cwd=config.ROOT)
        assert child.stdout.readline().strip() == "go"
        return child

    t0 = time.perf_counter()
    child = start(prepared(tmp_path / "work"))
    assert child.wait(timeout=300) == 0
    link_seconds = time.perf_counter() - t0
    assert _tables(tmp_path / "work") == {**old, **{k: v for k, v in new.items() if k not in ("articles", "rejects")}}

    rng = random.Random(15)
    outcomes = []
    for _ in range(8):
        work = prepared(tmp_path / "work")
        child = start(work)
        time.sleep(rng.uniform(0, link_seconds * 1.1))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        recover(work)
        got = _tables(work)
        link_tables = [n for n in config.TABLE_NAMES if n not in ("articles", "rejects")]
        state = {"old" if got[n] == old[n] else "new" if got[n] == new[n] else "neither" for n in link_tables}
        assert len(state) == 1 and state != {"neither"}, state
        outcomes.append(state.pop())
        manifest = json.loads((work / "manifest.json").read_text())
        counts = {n: pq.ParquetFile(work / f"{n}.parquet").metadata.num_rows for n in config.TABLE_NAMES}
        assert manifest["row_counts"] == counts
        assert not [p.name for p in work.iterdir() if p.name.endswith(".tmp") or p.name == ".commit.json"]
    assert "old" in outcomes  # at least one kill landed before the commit
