import subprocess
import sys

from pipeline.cli import build_parser, main


def test_help_lists_stages():
    out = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, check=True)
    for stage in ("run", "parse", "extract", "link", "eval"):
        assert stage in out.stdout


def test_run_options_parse():
    args = build_parser().parse_args(["run", "--input", "x", "--output", "y", "--n-process", "2"])
    assert args.n_process == 2 and str(args.input) == "x" and args.engine == "local"


def test_parse_command_writes_tables(tmp_path, record, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "d.txt").write_text(record("Ocean Council meets", "The council met.", "https://kazakhstan.un.org/en/5-x")
                               + "Date: 1 May 2021\nTitle: Broken\nContent: no url\n")
    assert main(["parse", "--input", str(raw), "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "1 articles, 1 rejected" in out and "missing URL" in out
    assert (tmp_path / "out" / "articles.parquet").exists()


# Hostile inputs never cost an analyst the tables they have.

def _write_dump(folder, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "d.txt").write_text(text, encoding="utf-8")


def test_a_missing_input_folder_is_an_error_and_writes_nothing(tmp_path, capsys):
    assert main(["run", "--input", str(tmp_path / "typo"), "--output", str(tmp_path / "out")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_empty_input_folder_is_an_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["parse", "--input", str(tmp_path / "empty"), "--output", str(tmp_path / "out")]) == 2
    assert "holds no dump files" in capsys.readouterr().err


def test_input_without_articles_keeps_the_previous_tables_unless_allowed(tmp_path, record, capsys):
    good, bad, out = tmp_path / "good", tmp_path / "bad", tmp_path / "out"
    _write_dump(good, record("Ocean Council meets", "The council met.", "https://example.org/written-for-tests/1"))
    _write_dump(bad, "Date: 1 May 2021\nTitle: Broken\nContent: a record without its URL\n")
    assert main(["parse", "--input", str(good), "--output", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    assert main(["parse", "--input", str(bad), "--output", str(out)]) == 2
    assert "gave no articles" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before
    assert main(["parse", "--input", str(bad), "--output", str(out), "--allow-empty"]) == 0
    import pyarrow.parquet as pq
    assert pq.read_table(out / "articles.parquet").num_rows == 0


def test_a_second_run_on_the_same_output_refuses_while_the_first_holds_it(tmp_path, record, capsys):
    from pipeline.stages import output_lock

    _write_dump(tmp_path / "raw", record("Ocean Council meets", "The council met.", "https://example.org/written-for-tests/1"))
    with output_lock(tmp_path / "out"):
        assert main(["parse", "--input", str(tmp_path / "raw"), "--output", str(tmp_path / "out")]) == 2
    assert "another pipeline run" in capsys.readouterr().err
    assert main(["parse", "--input", str(tmp_path / "raw"), "--output", str(tmp_path / "out")]) == 0
