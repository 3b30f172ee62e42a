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
