"""Speed and memory benchmark: the whole pipeline against the bare English model, as a user runs them.

    .venv/bin/python scripts/bench.py --n 200            # make bench: speed table, start-up, peak memory
    .venv/bin/python scripts/bench.py --large            # make bench-large: memory and link time at 1k-100k

Speed (`make bench`): a synthetic corpus of N articles (real paragraphs of data/raw resampled with a fixed
seed, plus one paragraph per article with fresh person, place and organization names, so the names grow
with the corpus). Each timed run is a whole fresh process, start-up included, as an analyst would run it:

    bare      python: spacy.load(<English model>) with ALL its components, nlp.pipe(texts, n_process=P)
              at the model's own batch size (256): what an analyst runs instead of this project
    bare, our batch   the same at the pipeline's batch size (config.BATCH_SIZE): the like-for-like figure
    pipeline  python -m pipeline run --input CORPUS --n-process P  (parse, extract into an empty cache,
              link, every table written)

for P = 1 and 2 processes, alternated bare/pipeline, REPEAT times; the fastest run of each is kept (the
machines are shared: ratios from one side-by-side run are what to read). Peak memory is the whole process
tree's (workers included), sampled every 50 ms. Start-up is the median of fresh processes that only build
the model. A per-component profile on up to 200 articles says where the pipeline's time goes.

Scale (`make bench-large`): corpora of 1,000 to 100,000 short articles (one real paragraph and one fresh-name
paragraph each), the whole pipeline in a fresh process per size with 2 processes: peak memory of the
process tree and link seconds per article, against the smallest size.

Writes bench.json (or bench_large.json) into --output (default data/processed).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import config  # noqa: E402

SEED = 20231
KINDS = ("bare", "bare_our_batch", "pipeline")
RECORDS_PER_FILE = 500


# --------------------------------------------------------------------------------------------
# Synthetic corpus. Everything here is written for benchmarking: the URLs are example.org ones.

SYLLABLES = ("ka", "lo", "mi", "ra", "sen", "tu", "vor", "zha", "bek", "nur", "ol", "da", "ri", "mar",
             "gul", "as", "te", "pa", "shi", "no", "ye", "kor", "bai", "lan")
TITLES = ("Minister of Water Resources", "Director of the Regional Health Office", "Country Director",
          "Head of the District Administration", "Chairperson of the Farmers' Council")
ORG_KINDS = ("Development Foundation", "Association of Women Farmers", "Water Users Union",
             "Institute of Public Health", "Chamber of Commerce")


class FreshNames:
    """Names never seen before, one per call for the whole corpus ("Karamisenbek", "Lotuvornur"): the
    counter scrambled by a bijection of [0, 24^5), so that names made one after another share no
    syllables, written as five syllables. A corpus of N articles holds about 4N distinct names."""

    SPACE = len(SYLLABLES) ** 5
    MULTIPLIER = 1_000_003    # coprime with 24: multiplying by it permutes the space

    def __init__(self) -> None:
        self.counter = 0

    def __call__(self) -> str:
        if self.counter >= self.SPACE:
            raise ValueError("FreshNames ran out of names")
        k = (self.counter * self.MULTIPLIER + 12_345) % self.SPACE
        self.counter += 1
        parts = []
        for _ in range(5):
            k, digit = divmod(k, len(SYLLABLES))
            parts.append(SYLLABLES[digit])
        return "".join(parts).capitalize()


def fresh_paragraph(rng: random.Random, name) -> str:
    person, place, org = f"{name()} {name()}", name(), f"{name()} {rng.choice(ORG_KINDS)}"
    count, title = rng.randrange(120, 90_000), rng.choice(TITLES)
    return (f"“We will not leave the families of {place} behind,” said {person}, {title} of the {org}. "
            f"The {org} says {count:,} people in {place} district received support in {rng.randrange(2015, 2026)}.")


def _real_pool(raw_dir: Path) -> dict:
    from pipeline.parse import parse_corpus

    articles = parse_corpus(raw_dir).articles
    if not articles:
        raise SystemExit(f"no articles in {raw_dir}")
    paragraphs = [line for a in articles for line in a["body"].split("\n") if line.strip()]
    return {"titles": [a["title"] for a in articles],
            "dates": [a["published"] for a in articles if a["published"]],
            "lengths": [sum(1 for line in a["body"].split("\n") if line.strip()) for a in articles],
            "paragraphs": paragraphs}


def write_synthetic_corpus(n: int, dest: Path, raw_dir: Path = config.RAW_DIR, seed: int = SEED,
                           max_paragraphs: int | None = None) -> Path:
    """N articles as dump files in `dest`: resampled real paragraphs (at most `max_paragraphs`) plus one
    paragraph of fresh names each. Same arguments, same corpus."""
    pool = _real_pool(raw_dir)
    rng = random.Random(seed)
    name = FreshNames()
    dest.mkdir(parents=True, exist_ok=True)
    fh = None
    for i in range(n):
        if i % RECORDS_PER_FILE == 0:
            if fh:
                fh.close()
            fh = open(dest / f"bench_{i // RECORDS_PER_FILE:05d}.txt", "w", encoding="utf-8")
        k = min(rng.choice(pool["lengths"]), len(pool["paragraphs"]), max_paragraphs or 10**9)
        body = rng.sample(pool["paragraphs"], k)
        body.insert(rng.randrange(len(body) + 1), fresh_paragraph(rng, name))
        date = rng.choice(pool["dates"]) if pool["dates"] else None
        lines = [f"Date: {date.day} {date:%B %Y}" if date else "Date:",
                 f"Title: {rng.choice(pool['titles'])}",
                 f"Content: {body[0]}", *body[1:],
                 f"URL: https://bench.example.org/en/{1_000_000 + i}-synthetic-article-{i}"]
        fh.write("\n".join(lines) + "\n\n")
    if fh:
        fh.close()
    return dest


# --------------------------------------------------------------------------------------------
# Timed runs in fresh processes


def timed_process(cmd: list[str], env: dict | None = None) -> dict:
    """Runs `cmd`; wall seconds and the peak RSS of its whole process tree (sampled every 50 ms)."""
    import psutil

    peak = [0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    done = threading.Event()

    def sample() -> None:
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:   # a worker ended between listing and reading: next sample
                pass
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark run failed ({' '.join(cmd)}):\n{err[-3000:]}")
    return {"seconds": round(seconds, 3), "peak_mb": round(peak[0] / 2**20, 1), "stdout": out}


def bare_child(texts_path: Path, n_process: int, batch_size: int | None) -> None:
    """What an analyst would run instead of this project: the English model, all of it, over the texts
    (batch_size None: the model's own)."""
    import spacy

    from pipeline.nlp.build import base_model_name

    t0 = time.perf_counter()
    nlp = spacy.load(base_model_name())
    startup = time.perf_counter() - t0
    texts = [json.loads(line) for line in texts_path.open(encoding="utf-8")]
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        pass
    print(json.dumps({"startup_seconds": round(startup, 3)}))


def startup_child(kind: str) -> None:
    """Seconds from a fresh interpreter to a model ready to run (imports included)."""
    t0 = time.perf_counter()
    import spacy

    from pipeline.nlp.build import base_model_name, shared_nlp

    nlp = spacy.load(base_model_name()) if kind == "bare" else shared_nlp()
    print(json.dumps({"seconds": round(time.perf_counter() - t0, 3), "pipe_names": nlp.pipe_names}))


def measure_startup(runs: int) -> dict:
    result = {}
    for kind in ("bare", "pipeline"):
        seconds = [json.loads(timed_process([sys.executable, __file__, "--startup-child", kind])["stdout"]
                              .strip().splitlines()[-1])["seconds"] for _ in range(runs)]
        result[kind] = {"median": round(statistics.median(seconds), 3), "runs": seconds}
    return result


def measure_speed(corpus: Path, work: Path, processes: list[int], batch_size: int, repeat: int,
                  kinds: tuple[str, ...] = KINDS) -> dict:
    from pipeline.parse import parse_corpus

    texts = [a["text"] for a in parse_corpus(corpus).articles]
    words = sum(len(t.split()) for t in texts)
    texts_path = work / "texts.jsonl"
    texts_path.write_text("".join(json.dumps(t) + "\n" for t in texts), encoding="utf-8")

    def command(kind: str, p: int, tag: str) -> list[str]:
        if kind == "bare":
            return [sys.executable, __file__, "--bare-child", str(texts_path), str(p), "model"]
        if kind == "bare_our_batch":
            return [sys.executable, __file__, "--bare-child", str(texts_path), str(p), str(batch_size)]
        return [sys.executable, "-m", "pipeline", "run", "--input", str(corpus), "--output", str(work / f"out-{tag}"),
                "--n-process", str(p), "--cache-dir", str(work / f"cache-{tag}")]

    result: dict = {"articles": len(texts), "words": words, "batch_size": batch_size, "repeat": repeat, "runs": []}
    best: dict = {}
    for r in range(repeat):
        for p in processes:   # interleaved, so a burst of load elsewhere hits both sides alike
            for kind in kinds:
                run = timed_process(command(kind, p, f"{p}-{r}"), env={"PIPELINE_BATCH_SIZE": str(batch_size)})
                run.pop("stdout")
                run.update(kind=kind, n_process=p, repeat=r, wps=round(words / run["seconds"], 1),
                           load_avg_1m=round(os.getloadavg()[0], 2))
                result["runs"].append(run)
                print(f"  {kind:14s} n_process={p} run {r}: {run['seconds']:7.1f}s  {run['wps']:8.0f} words/s  "
                      f"peak {run['peak_mb']:.0f} MB  (load {run['load_avg_1m']})", flush=True)
                if (kind, p) not in best or run["seconds"] < best[(kind, p)]["seconds"]:
                    best[(kind, p)] = run
    for p in processes:
        q = best[("pipeline", p)]
        for kind in kinds:
            result[f"{kind}_wps_{p}"] = best[(kind, p)]["wps"]
            result[f"{kind}_peak_mb_{p}"] = best[(kind, p)]["peak_mb"]
        result[f"ratio_{p}"] = round(best[("bare", p)]["seconds"] / q["seconds"], 3)
        if "bare_our_batch" in kinds:
            result[f"ratio_our_batch_{p}"] = round(best[("bare_our_batch", p)]["seconds"] / q["seconds"], 3)
    if 1 in processes and 2 in processes:
        for kind in kinds:
            result[f"{kind}_speedup_2"] = round(result[f"{kind}_wps_2"] / result[f"{kind}_wps_1"], 3)
    return result


def component_seconds(corpus: Path, sample: int, batch_size: int) -> dict:
    """Seconds per pipeline component (and for Doc -> Extraction) over the first `sample` articles."""
    from pipeline.extract import doc_to_extraction
    from pipeline.nlp.build import shared_nlp
    from pipeline.parse import parse_corpus

    nlp = shared_nlp()
    articles = parse_corpus(corpus).articles[:sample]
    seconds = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}, "doc_to_extraction": 0.0}
    for start in range(0, len(articles), batch_size):
        batch = articles[start:start + batch_size]
        t = time.perf_counter()
        docs = [nlp.make_doc(a["text"]) for a in batch]
        seconds["tokenizer"] += time.perf_counter() - t
        for name, proc in nlp.pipeline:
            if name == "packer":   # timed with doc_to_extraction below: it is the same work
                continue
            t = time.perf_counter()
            docs = list(proc.pipe(docs, batch_size=batch_size)) if hasattr(proc, "pipe") \
                else [proc(d) for d in docs]
            seconds[name] += time.perf_counter() - t
        t = time.perf_counter()
        for doc, a in zip(docs, batch):
            doc_to_extraction(doc, a["article_id"], a["published"])
        seconds["doc_to_extraction"] += time.perf_counter() - t
    seconds.pop("packer", None)
    total = sum(seconds.values())
    return {"articles": len(articles),
            "seconds": {k: round(v, 3) for k, v in seconds.items()},
            "share": {k: round(v / total, 4) for k, v in seconds.items()} if total else {}}


# --------------------------------------------------------------------------------------------
# Scale: memory and link time from 1,000 to 100,000 articles


def link_child(out: Path, corrections: Path) -> None:
    """Runs in a fresh process: the link stage alone; prints its wall and CPU seconds (imports excluded)."""
    from pipeline.stages import link_stage

    wall, cpu = time.perf_counter(), time.process_time()
    link_stage(out, corrections)
    print(json.dumps({"wall": round(time.perf_counter() - wall, 3), "cpu": round(time.process_time() - cpu, 3)}))


def link_seconds(out: Path, repeat: int) -> dict:
    """Link alone on a pipeline output folder (its extractions.jsonl), in fresh processes without
    corrections: the fastest of `repeat` runs, wall and CPU seconds. Link is one process, so its CPU
    time says what it costs even when other jobs share the machine."""
    best: dict = {}
    with tempfile.TemporaryDirectory(prefix="no-corrections-") as empty:
        for _ in range(repeat):
            run = json.loads(timed_process([sys.executable, __file__, "--link-child", str(out), empty])["stdout"])
            if not best or run["wall"] < best["wall"]:
                best = run
    return best


def measure_link(folders: list[Path], repeat: int) -> dict:
    """Link time per article on existing outputs (e.g. the folders of a `--large` run kept with
    --keep), sizes alternated in each round so that load elsewhere hits every size alike."""
    sizes = {f: sum(1 for _ in open(f / "extractions.jsonl", encoding="utf-8")) for f in folders}
    runs: dict = {f: [] for f in folders}
    for r in range(repeat):
        for f in folders:
            runs[f].append(link_seconds(f, 1))
            print(f"  {sizes[f]:>7,d} articles, round {r}: link {runs[f][-1]['wall']:.1f} s "
                  f"(CPU {runs[f][-1]['cpu']:.1f} s)", flush=True)
    rows = []
    for f in folders:
        n = sizes[f]
        wall = min(x["wall"] for x in runs[f])
        cpu = min(x["cpu"] for x in runs[f])
        rows.append({"folder": str(f), "articles": n, "link_ms_per_article": round(1000 * wall / n, 3),
                     "link_cpu_ms_per_article": round(1000 * cpu / n, 3)})
    rows.sort(key=lambda r: r["articles"])
    for row in rows:
        row["link_per_article_vs_smallest"] = round(row["link_ms_per_article"] / rows[0]["link_ms_per_article"], 3)
        row["link_cpu_per_article_vs_smallest"] = round(
            row["link_cpu_ms_per_article"] / rows[0]["link_cpu_ms_per_article"], 3)
    return {"repeat": repeat, "sizes": rows}


def measure_large(sizes: list[int], work: Path, n_process: int, batch_size: int, link_repeat: int,
                  keep: Path | None) -> dict:
    rows = []
    for n in sizes:
        corpus = write_synthetic_corpus(n, work / f"large-{n}", max_paragraphs=1)
        out = (keep or work) / f"large-out-{n}"
        run = timed_process([sys.executable, "-m", "pipeline", "run", "--input", str(corpus), "--output", str(out),
                             "--n-process", str(n_process), "--cache-dir", str(work / f"large-cache-{n}")],
                            env={"PIPELINE_BATCH_SIZE": str(batch_size)})
        manifest = json.loads((out / "manifest.json").read_text())
        stage = manifest["seconds"]
        link = link_seconds(out, link_repeat)
        row = {"articles": n, "seconds": run["seconds"], "peak_mb": run["peak_mb"],
               "parse_seconds": stage["parse"], "extract_seconds": stage["extract"], "link_seconds": stage["link"],
               "link_alone_seconds": link["wall"], "link_alone_cpu_seconds": link["cpu"],
               # link alone in a fresh process: `pipeline run` does link's first pass during the extraction,
               # so the run's own link seconds leave part of link out
               "link_ms_per_article": round(1000 * link["wall"] / n, 3),
               "link_cpu_ms_per_article": round(1000 * link["cpu"] / n, 3),
               "entities": manifest["row_counts"].get("entities")}
        rows.append(row)
        print(f"  {n:>7,d} articles: {run['seconds']:7.0f}s, peak {run['peak_mb']:.0f} MB, "
              f"link {row['link_ms_per_article']:.2f} ms/article (CPU {row['link_cpu_ms_per_article']:.2f}), "
              f"{row['entities']} entities", flush=True)
        for folder in (corpus, work / f"large-cache-{n}") + (() if keep else (out,)):
            subprocess.run(["rm", "-rf", str(folder)], check=True)
    base = rows[0]
    for row in rows:
        row["peak_vs_smallest"] = round(row["peak_mb"] / base["peak_mb"], 3)
        row["link_per_article_vs_smallest"] = round(row["link_ms_per_article"] / base["link_ms_per_article"], 3)
        row["link_cpu_per_article_vs_smallest"] = round(
            row["link_cpu_ms_per_article"] / base["link_cpu_ms_per_article"], 3)
    return {"n_process": n_process, "sizes": rows}


# --------------------------------------------------------------------------------------------
# Report


def speed_table(report: dict, processes: list[int]) -> str:
    b = report["batch_size"]
    lines = [f"{report['words']:,} words in {report['articles']} articles; whole processes, start-up included; "
             f"fastest of {report['repeat']} alternated runs each",
             "",
             f"| processes | bare model words/s (batch 256) | bare model, batch {b} | pipeline words/s (batch {b}) "
             f"| pipeline / bare | pipeline / bare at batch {b} | peak MB bare / pipeline |",
             "|---|---|---|---|---|---|---|"]
    for p in processes:
        our = f"bare_our_batch_wps_{p}" in report
        lines.append(f"| {p} | {report[f'bare_wps_{p}']:,.0f} | "
                     f"{format(report[f'bare_our_batch_wps_{p}'], ',.0f') if our else 'not run'} | "
                     f"{report[f'pipeline_wps_{p}']:,.0f} | {report[f'ratio_{p}']:.2f} | "
                     f"{format(report[f'ratio_our_batch_{p}'], '.2f') if our else ''} | "
                     f"{report[f'bare_peak_mb_{p}']:,.0f} / {report[f'pipeline_peak_mb_{p}']:,.0f} |")
    if "pipeline_speedup_2" in report:
        our = f"{report['bare_our_batch_speedup_2']:.2f}x" if "bare_our_batch_speedup_2" in report else ""
        lines.append(f"| 2 vs 1 speedup | {report['bare_speedup_2']:.2f}x | {our} | "
                     f"{report['pipeline_speedup_2']:.2f}x | | | |")
    if "startup" in report:
        s = report["startup"]
        lines.append(f"| start-up s (median) | {s['bare']['median']:.2f} | | {s['pipeline']['median']:.2f} | | | |")
    if "components" in report:
        share = report["components"]["share"]
        lines += ["", f"time share per component ({report['components']['articles']} articles): " + ", ".join(
            f"{k} {v:.1%}" for k, v in sorted(share.items(), key=lambda kv: -kv[1]))]
    return "\n".join(lines)


def large_table(report: dict) -> str:
    lines = ["| articles | wall s | peak MB | vs smallest | link ms/article | vs smallest | link CPU ms/article "
             "| vs smallest | entities |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in report["sizes"]:
        lines.append(f"| {r['articles']:,} | {r['seconds']:,.0f} | {r['peak_mb']:,.0f} | {r['peak_vs_smallest']:.2f} | "
                     f"{r['link_ms_per_article']:.2f} | {r['link_per_article_vs_smallest']:.2f} | "
                     f"{r['link_cpu_ms_per_article']:.2f} | {r['link_cpu_per_article_vs_smallest']:.2f} | "
                     f"{r['entities']:,} |")
    return "\n".join(lines)


def link_table(report: dict) -> str:
    lines = [f"link alone, fastest of {report['repeat']} alternated rounds",
             "", "| articles | link ms/article | vs smallest | link CPU ms/article | vs smallest |",
             "|---|---|---|---|---|"]
    for r in report["sizes"]:
        lines.append(f"| {r['articles']:,} | {r['link_ms_per_article']:.2f} | {r['link_per_article_vs_smallest']:.2f} | "
                     f"{r['link_cpu_ms_per_article']:.2f} | {r['link_cpu_per_article_vs_smallest']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="articles in the speed corpus")
    ap.add_argument("--output", type=Path, default=config.PROCESSED_DIR, help="folder for the json report")
    ap.add_argument("--processes", default="1,2", help="n_process values to time")
    ap.add_argument("--batch-size", type=int, default=config.BATCH_SIZE)
    ap.add_argument("--repeat", type=int, default=2, help="timed runs per setting (the fastest is kept)")
    ap.add_argument("--no-our-batch", action="store_true",
                    help="skip the bare model at the pipeline's batch size (the like-for-like row; saves a third)")
    ap.add_argument("--startup-runs", type=int, default=3, help="fresh processes timing start-up (0 to skip)")
    ap.add_argument("--component-sample", type=int, default=200,
                    help="articles for the per-component profile (0 to skip)")
    ap.add_argument("--large", action="store_true", help="the scale check instead of the speed table")
    ap.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes of --large")
    ap.add_argument("--link-repeat", type=int, default=2,
                    help="--large: fresh link-only runs per size after the whole run (the fastest link counts)")
    ap.add_argument("--keep", type=Path, help="--large: keep each size's output folder here (for --link)")
    ap.add_argument("--link", type=Path, nargs="+", metavar="OUTPUT",
                    help="only time link on these output folders (with extractions.jsonl), --repeat rounds")
    ap.add_argument("--bare-child", nargs=3, metavar=("TEXTS", "N_PROCESS", "BATCH"), help=argparse.SUPPRESS)
    ap.add_argument("--startup-child", choices=("bare", "pipeline"), help=argparse.SUPPRESS)
    ap.add_argument("--link-child", nargs=2, type=Path, metavar=("OUTPUT", "CORRECTIONS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.bare_child:
        batch = None if args.bare_child[2] == "model" else int(args.bare_child[2])
        bare_child(Path(args.bare_child[0]), int(args.bare_child[1]), batch)
        return 0
    if args.startup_child:
        startup_child(args.startup_child)
        return 0
    if args.link_child:
        link_child(*args.link_child)
        return 0

    report: dict = {"cpu_count": os.cpu_count(), "python": platform.python_version(),
                    "load_avg_1m_start": round(os.getloadavg()[0], 2),
                    "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    processes = [int(p) for p in args.processes.split(",") if p]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        if args.link:
            print(f"link alone on {len(args.link)} output folders, {args.repeat} rounds", flush=True)
            report.update(measure_link(args.link, args.repeat))
            text = link_table(report)
            path = args.output / "bench_link.json"
        elif args.large:
            sizes = [int(s) for s in args.sizes.split(",") if s]
            print(f"scale: whole pipeline on {sizes} short articles, n_process={max(processes)}", flush=True)
            report.update(measure_large(sizes, work, max(processes), args.batch_size, args.link_repeat, args.keep))
            text = large_table(report)
            path = args.output / "bench_large.json"
        else:
            corpus = write_synthetic_corpus(args.n, work / "corpus")
            report["n"] = args.n
            print(f"speed: {args.n} synthetic articles, processes {processes}, {args.repeat} runs each", flush=True)
            kinds = tuple(k for k in KINDS if not (args.no_our_batch and k == "bare_our_batch"))
            report.update(measure_speed(corpus, work, processes, args.batch_size, args.repeat, kinds))
            if args.startup_runs:
                print(f"start-up: {args.startup_runs} fresh processes each", flush=True)
                report["startup"] = measure_startup(args.startup_runs)
            if args.component_sample:
                print(f"components: each timed on {min(args.n, args.component_sample)} articles", flush=True)
                report["components"] = component_seconds(corpus, args.component_sample, args.batch_size)
            text = speed_table(report, processes)
            path = args.output / "bench.json"
    report["load_avg_1m_end"] = round(os.getloadavg()[0], 2)
    args.output.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print("\n" + text + f"\n\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
