"""Command line: a thin layer over `pipeline.stages` and `pipeline.evaluate`.

    python -m pipeline run     --input DIR --output DIR [--n-process N] [--engine local|dask] [--corrections DIR]
    python -m pipeline parse   --input DIR --output DIR
    python -m pipeline extract --output DIR [--n-process N]
    python -m pipeline link    --output DIR [--corrections DIR]
    python -m pipeline eval    --output DIR --gold FILE_OR_DIR
    python -m pipeline review  --output DIR [--site DIR]
    python -m pipeline save-model --output DIR     (the spaCy pipeline, for spacy.load(DIR))
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import nullcontext
from pathlib import Path

from pipeline import config


def _add_io(p: argparse.ArgumentParser, need_input: bool) -> None:
    if need_input:
        p.add_argument("--input", type=Path, default=config.RAW_DIR,
                       help=f"folder (or file) of raw dumps, *.txt (default {config.RAW_DIR.relative_to(config.ROOT)})")
    p.add_argument("--output", type=Path, default=config.PROCESSED_DIR,
                   help=f"folder for tables (default {config.PROCESSED_DIR.relative_to(config.ROOT)})")


def _add_extract(p: argparse.ArgumentParser) -> None:
    p.add_argument("--n-process", type=int, default=config.N_PROCESS, help="spaCy worker processes")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local: nlp.pipe here; dask: partitions on a Dask cluster")
    p.add_argument("--scheduler", default=None,
                   help="Dask scheduler address (tcp://host:8786); default: start a local cluster")
    p.add_argument("--cache-dir", type=Path, default=None,
                   help=f"per-article extraction cache (default {config.CACHE_DIR})")


def _add_allow_empty(p: argparse.ArgumentParser) -> None:
    p.add_argument("--allow-empty", action="store_true",
                   help="write empty tables when the input gives no articles (default: stop, keep the tables)")


def _add_strict(p: argparse.ArgumentParser, extract: bool = True, corrections: bool = False) -> None:
    what = (["any article's extraction failed (it is listed in rejects either way)"] if extract else []) + \
           (["a correction changed nothing (it is reported and in corrections_applied either way)"]
            if corrections else [])
    p.add_argument("--strict", action="store_true", help="exit 1 when " + " or ".join(what))


def _add_corrections(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corrections", type=Path, default=config.CORRECTIONS_DIR,
                   help="folder of analysts' corrections, *.csv, applied by link "
                        f"(default {config.CORRECTIONS_DIR.relative_to(config.ROOT)})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="UN news articles -> linked Parquet tables. Stages: parse -> extract -> link; eval scores.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("run", help="all stages: parse, extract, link")
    _add_io(p, True)
    _add_extract(p)
    _add_allow_empty(p)
    _add_corrections(p)
    _add_strict(p, corrections=True)
    p = sub.add_parser("parse", help="raw dumps -> articles.parquet, rejects.parquet")
    _add_io(p, True)
    _add_allow_empty(p)
    p = sub.add_parser("extract", help="articles -> per-article extractions (spaCy + rules, cached)")
    _add_io(p, False)
    _add_extract(p)
    _add_strict(p)
    p = sub.add_parser("link", help="extractions -> mentions, entities, figures, dates, roles, quotes tables, "
                                    "with the analysts' corrections applied")
    _add_io(p, False)
    _add_corrections(p)
    _add_strict(p, extract=False, corrections=True)
    p = sub.add_parser("eval", help="score the tables against gold JSONL; writes eval.json")
    _add_io(p, False)
    p.add_argument("--gold", type=Path, default=config.GOLD_DIR / "dev.jsonl", help="gold JSONL file or folder")
    p = sub.add_parser("review", help="static review site of the tables (open <output>/review/index.html from disk)")
    _add_io(p, False)
    p.add_argument("--site", type=Path, default=None, help="folder for the site (default <output>/review)")
    p = sub.add_parser("save-model", help="write the whole spaCy pipeline (build_nlp) to a folder for spacy.load")
    p.add_argument("--output", type=Path, required=True, help="folder for the pipeline")
    return parser


def _print_summary(summary: dict, seconds: float, out_dir: Path) -> None:
    parse = summary.get("parse")
    if parse:
        print(f"parse:   {parse['articles']} articles, {parse['rejects']} rejected"
              + (f" {parse['reject_reasons']}" if parse["rejects"] else "")
              + (f", warnings {parse['warnings']}" if parse["warnings"] else ""))
    ext = summary.get("extract")
    if ext:
        print(f"extract: {ext.get('computed', 0)} articles processed, {ext.get('cached', 0)} from cache"
              + (f", {ext['failed']} FAILED (listed in rejects with stage=extract): {ext['failed_articles'][:10]}"
                 if ext.get("failed") else ""))
    link = summary.get("link")
    if link:
        print("link:    " + ", ".join(f"{k} {v}" for k, v in link.items() if k != "corrections"))
        _report_corrections(link)
    manifest = out_dir / "manifest.json"
    if manifest.exists():
        secs = json.loads(manifest.read_text()).get("seconds", {})
        print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in secs.items()))
    print(f"done in {seconds:.1f}s -> {out_dir}")


def _report_corrections(link: dict) -> None:
    """Every correction that changed nothing, on stderr: an analyst's fix must never be lost silently."""
    problems = link.get("corrections") or []
    n = link.get("corrections_applied", 0)
    if n:
        print(f"corrections: {n - len(problems)} of {n} changed the tables (see corrections_applied.parquet)")
    for p in problems:
        what = " ".join(f"{k}={p[k]!r}" for k in ("label", "text", "target", "article_id") if p[k] is not None)
        print(f"warning: correction {p['file']}:{p['line']} ({p['action']} {what}) changed nothing: "
              f"{p['status']}: {p['detail']}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in ("run", "extract") and args.engine == "local" and args.n_process > 1:
        from pipeline.engines import server

        server.start()   # first: the workers' pipeline is built while this process imports and parses
    from pipeline import stages

    t0 = time.perf_counter()
    out_dir: Path = args.output
    try:
        if args.command in ("run", "parse"):
            stages.check_input(args.input)   # before the lock creates the output folder
        # review takes the lock too: it must not read the tables while a stage is replacing them.
        locked = ("run", "parse", "extract", "link", "review")
        lock = stages.output_lock(out_dir) if args.command in locked else nullcontext()
        with lock:
            summary = _run_command(args, out_dir)
    except stages.StageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if summary is None:
        return 0
    _print_summary(summary, time.perf_counter() - t0, out_dir)
    failed = (summary.get("extract") or {}).get("failed", 0)
    if failed and getattr(args, "strict", False):
        print(f"error: {failed} articles failed in extract (--strict); see rejects.parquet", file=sys.stderr)
        return 1
    idle = len((summary.get("link") or {}).get("corrections") or [])
    if idle and getattr(args, "strict", False):
        print(f"error: {idle} corrections changed nothing (--strict); see corrections_applied.parquet", file=sys.stderr)
        return 1
    return 0


def _run_command(args, out_dir: Path) -> dict | None:
    from pipeline import stages

    if args.command == "run":
        return stages.run_all(args.input, out_dir, n_process=args.n_process, engine=args.engine,
                              scheduler=args.scheduler, cache_dir=args.cache_dir, allow_empty=args.allow_empty,
                              corrections_dir=args.corrections)
    if args.command == "parse":
        return {"parse": stages.parse_stage(args.input, out_dir, allow_empty=args.allow_empty)}
    if args.command == "extract":
        return {"extract": stages.extract_stage(out_dir, n_process=args.n_process, engine=args.engine,
                                                scheduler=args.scheduler, cache_dir=args.cache_dir)}
    if args.command == "link":
        return {"link": stages.link_stage(out_dir, args.corrections)}
    if args.command == "review":
        from pipeline.review import build_site

        stages.recover(out_dir)   # finish what a killed stage left, so the site shows one run's tables
        s = build_site(out_dir, args.site)
        print(f"review: {s['articles']} article pages, {s['entities']} entity pages; {s['written']} written, "
              f"{s['unchanged']} unchanged, {s['removed']} removed in {s['seconds']:.1f}s -> {s['site']}")
        return None
    if args.command == "save-model":
        from pipeline import __version__
        from pipeline.nlp.build import build_nlp

        nlp = build_nlp()
        # spacy.load needs this package for the components' code (entry points in pyproject.toml)
        nlp.meta.update(name="un_news", version=__version__, requirements=[f"un-news-pipeline=={__version__}"],
                        description="UN news pipeline: entities, figures, dates, roles and quotes (README).")
        nlp.to_disk(out_dir)
        print(f"save-model: {len(nlp.pipe_names)} components -> {out_dir}; load with spacy.load({str(out_dir)!r})")
        return None
    from pipeline.evaluate import evaluate, format_report, write_report

    report = evaluate(out_dir, args.gold)
    print(format_report(report))
    print(f"\nwrote {write_report(report, out_dir)}")
    return None


if __name__ == "__main__":
    sys.exit(main())
