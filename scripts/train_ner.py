"""Fine-tunes the English model's NER on our five labels from annotated real texts (`make train`).

    python scripts/train_ner.py train            # all training texts -> models/ner (+ meta.json)
    python scripts/train_ner.py cv --folds 5     # cross-validation on dev_world: stock vs trained NER
    python scripts/train_ner.py curve            # learning curve: F1 against number of training documents
    python scripts/train_ner.py score --model DIR  # a trained NER alone on development sets (entities, titles)
    python scripts/train_ner.py drop-labels --model DIR  # drop UNREAD_LABELS from a NER trained before (train does)
    python scripts/train_ner.py compare --baseline models/ner DIR DIR --candidate NAME=DIR,DIR
                                                 # recipes' seeds, whole pipeline, pooled over the unseen sets

Training texts: the seed corpus's dev gold (data/raw + data/gold/dev.jsonl), the development sets named
in config.NER_TRAINING_EVAL_SETS (dev_world, dev_world2, dev_world3, dev_world4), the training sets (data/train/train_*, their roles from roles.jsonl
beside their gold) and, marked as written,
the test fixtures (tests/fixtures/written). Never the blind set. Published texts come from the git-ignored cache
data/external/ (`make eval-texts` says which are missing and how to rebuild them).

A training Doc carries our gold entities at every occurrence of each annotated form (longest first;
a form annotated under two labels is left unknown there), the TITLE of each annotated role (the post a text gives a
named person, for the role extractor: pipeline/nlp/titles.py) at its occurrences within WINDOW characters of a
mention of its person and at least at the nearest one, where no entity covers it, and, by rehearsal, en_core_web_md's
predictions of its other labels (DATE, CARDINAL, NORP ...) where our gold has no entity, so that the
components reading those (dates, figures) keep working. Training goes through `spacy train` with
configs/ner.cfg, a fixed seed and a fixed number of epochs; the last model is kept, without the moves of the labels
no component reads (UNREAD_LABELS: each label costs the NER time at every token).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import config, evalsets  # noqa: E402
from pipeline.nlp.build import load_trained_ner  # noqa: E402
from pipeline.records import ENTITY_LABELS  # noqa: E402

CONFIG = ROOT / "configs" / "ner.cfg"
WRITTEN = ROOT / "tests" / "fixtures" / "written"
# Stock labels kept by rehearsal. FAC is not: a facility is our LOC or ORG, or nothing, as the gold says.
REHEARSED_LABELS = ("DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "NORP", "EVENT",
                    "LAW", "WORK_OF_ART", "PRODUCT", "LANGUAGE")
# Labels no component reads, dropped from the trained NER because each costs time at every token (drop_labels):
# FAC is never predicted once fine-tuned (it is not rehearsed), PRODUCT, LAW and LANGUAGE rarely, and where they
# would be the NER's next choice is another label nothing reads either ("Spanish": NORP for LANGUAGE).
UNREAD_LABELS = ("FAC", "PRODUCT", "LAW", "LANGUAGE")
SEED = 0
TITLE = "TITLE"   # the posts of named people, for the role extractor (pipeline/nlp/title_roles.py)
WINDOW = 80        # characters between a title and its person for the occurrence to count as the role


@dataclass
class Item:
    """One annotated text for training or evaluation."""

    doc_id: str
    source: str          # dev_gold, written, or an evaluation/training set name
    text: str            # as the pipeline sees it: title, blank line, body
    entities: list[dict]
    gold: dict           # the whole gold row, for scoring


# --------------------------------------------------------------------------------------------
# Collecting texts


def _parsed(dump_paths: list[Path]) -> dict[str, dict]:
    from pipeline.parse import parse_files

    result = parse_files([(p.name, p.read_bytes()) for p in dump_paths])
    return {a["article_id"]: a for a in result.articles}


def dev_gold_items() -> list[Item]:
    articles = _parsed(sorted(config.RAW_DIR.glob("**/*.txt")))
    gold = evalsets.read_jsonl(config.GOLD_DIR / "dev.jsonl")
    return [Item(f"dev:{g['article_id']}", "dev_gold", articles[g["article_id"]]["text"], g["entities"], g)
            for g in gold]


def written_items() -> list[Item]:
    items = []
    for dump in sorted(WRITTEN.glob("*.txt")):
        articles = _parsed([dump])
        for g in evalsets.read_jsonl(dump.with_suffix(".jsonl")):
            items.append(Item(f"written:{g['article_id']}", "written", articles[g["article_id"]]["text"],
                              g["entities"], g))
    return items


ALLOW_MISSING = False   # --allow-missing: train on the texts present (the model then differs from the shipped one)
# --entity-review: a training set's second-pass entity lists (entities_reviewed.jsonl beside its gold) replace its
# first-pass ones; kept apart from the gold until a model trained on them is shipped (data/eval/README.md)
ENTITY_REVIEW = False


def set_items(name: str) -> list[Item]:
    """The texts of an evaluation or training set; a missing or corrupt text stops training, since a
    model trained on fewer texts would silently replace the shipped one."""
    [status] = evalsets.check_all([name])
    if status.problems.items or (status.missing and not ALLOW_MISSING):
        raise SystemExit(evalsets.format_status([status]) + "\n`make eval-texts` lists what is missing and how "
                         "to rebuild it; --allow-missing trains on the present texts only")
    if status.missing:
        print(f"warning: training without {len(status.missing)} missing texts of {name}", file=sys.stderr)
    roles = {r["doc_id"]: r["roles"] for r in evalsets.read_jsonl(path)} if (path := role_annotations(name)) else {}
    reviewed = evalsets.reviewed_entities(name) if ENTITY_REVIEW and name.startswith(evalsets.TRAIN_PREFIX) else {}
    items = []
    for d, g, text in evalsets.cached_docs(name):
        if d["doc_id"] in reviewed:
            g = {**g, "entities": reviewed[d["doc_id"]]}
        article_text, _ = evalsets.article_text(text)
        gold = evalsets.guideline_gold(g, text)
        if d["doc_id"] in roles:
            gold["roles"] = roles[d["doc_id"]]
        items.append(Item(d["doc_id"], name, article_text, g["entities"], gold))
    return items


def role_annotations(name: str) -> Path | None:
    """A training set's role annotations (roles.jsonl beside its gold: {"doc_id", "roles"} rows), if it has any."""
    path = evalsets.set_dir(name) / "roles.jsonl"
    return path if name.startswith(evalsets.TRAIN_PREFIX) and path.exists() else None


def refuse_blind(names: Sequence[str], why: str) -> None:
    """Stop before any text is read when `names` holds a blind set."""
    blind = set(names) & set(evalsets.BLIND_SETS)
    if blind:
        raise SystemExit(f"{', '.join(sorted(blind))}: {why}")


def training_pool(extra_sets: Sequence[str] = ()) -> dict[str, list[Item]]:
    """The training texts by source; `extra_sets` adds development sets beyond config.NER_TRAINING_EVAL_SETS
    (an experiment: the shipped model is trained on the configured ones). A blind set never trains."""
    refuse_blind([*config.NER_TRAINING_EVAL_SETS, *extra_sets], "a blind set is scored only, never trained on")
    pool = {"dev_gold": dev_gold_items(), "written": written_items()}
    for name in [*config.NER_TRAINING_EVAL_SETS, *extra_sets]:
        pool[name] = set_items(name)
    for name in evalsets.set_names(include_training=True):
        if name.startswith(evalsets.TRAIN_PREFIX):
            pool[name] = set_items(name)
    return pool


# --------------------------------------------------------------------------------------------
# Items -> training Docs


def _form_pattern(form: str) -> re.Pattern:
    parts = [re.escape(p) for p in form.split()]
    lead = r"(?<!\w)" if form[:1].isalnum() else ""
    trail = r"(?!\w)" if form[-1:].isalnum() else ""
    return re.compile(lead + r"[ \t]+".join(parts) + trail)   # never across a line break


def gold_spans(text: str, entities: list[dict]) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """Every occurrence of every annotated form, longest forms first; (labelled spans, unknown spans)."""
    labels: dict[str, set[str]] = {}
    for e in entities:
        for m in e["mentions"]:
            if m.strip():
                labels.setdefault(" ".join(m.split()), set()).add(e["label"])
    taken = bytearray(len(text))
    spans, unknown = [], []
    for form in sorted(labels, key=len, reverse=True):
        for m in _form_pattern(form).finditer(text):
            s, e = m.span()
            if any(taken[s:e]):
                continue
            taken[s:e] = b"\x01" * (e - s)
            (spans.append((s, e, next(iter(labels[form])))) if len(labels[form]) == 1 else unknown.append((s, e)))
    return spans, unknown


def _occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where `phrase` stands in `text` as whole words, exact case first, else folding case; never across a line."""
    if not phrase.strip():
        return []
    pattern = _form_pattern(phrase)
    found = [m.span() for m in pattern.finditer(text)]
    return found or [m.span() for m in re.compile(pattern.pattern, re.IGNORECASE).finditer(text)]


def title_spans(item: Item) -> list[tuple[int, int]]:
    """The character spans of the item's role titles (see the module doc), without overlaps, longest kept. Titles are
    located, not read from offsets: an annotation names the title as written and its person."""
    forms = {e["canonical"]: e["mentions"] for e in item.entities}
    spans = set()
    for role in item.gold.get("roles", []):
        person = [s for f in forms.get(role["person"], []) + [role["person"]] for s in _occurrences(item.text, f)]
        titles = _occurrences(item.text, role["title"])
        if not person or not titles:
            continue
        def gap(t):
            return min(max(p[0] - t[1], t[0] - p[1], 0) for p in person)
        spans.update(t for t in titles if gap(t) <= WINDOW)
        spans.add(min(titles, key=gap))
    taken: set[int] = set()
    kept = []
    for s, e in sorted(spans, key=lambda se: se[0] - se[1]):
        if not taken & set(range(s, e)):
            kept.append((s, e))
            taken |= set(range(s, e))
    return sorted(kept)


def make_doc(nlp, stock, item: Item):
    """A training Doc: gold entities, rehearsed stock labels where the gold has none, the rest outside."""
    from spacy.util import filter_spans

    doc = nlp.make_doc(item.text)
    labelled, unknown = gold_spans(item.text, item.entities)
    ents, missing = [], []
    for s, e, label in labelled:
        span = doc.char_span(s, e, label=label)
        if span is not None:
            ents.append(span)
        else:                                  # not on token edges: leave those tokens unknown
            unknown.append((s, e))
    for s, e in unknown:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            missing.append(span)
    covered = {t for span in ents + missing for t in range(span.start, span.end)}
    for s, e in title_spans(item):    # a title the entities leave free ("UNICEF [Representative]")
        span = doc.char_span(s, e, label=TITLE)
        if span is not None and not covered & set(range(span.start, span.end)):
            ents.append(span)
            covered |= set(range(span.start, span.end))
    for ent in stock(item.text).ents:
        tokens = set(range(ent.start, ent.end))
        if ent.label_ in REHEARSED_LABELS and not covered & tokens and "\n" not in ent.text:
            ents.append(doc.char_span(ent.start_char, ent.end_char, label=ent.label_))
            covered |= tokens
    ents = filter_spans(ents)
    kept = {t for span in ents for t in range(span.start, span.end)}
    missing = [m for m in filter_spans(missing) if not kept & set(range(m.start, m.end))]
    doc.set_ents(entities=ents, missing=missing, default="outside")
    return doc


def write_docbin(items: list[Item], path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    # the rehearsed labels are those of the model training starts from (md): the sm model's, which the NER
    # once started from, scored dev_world 0.915 against 0.917 and the dev gold 0.971 against 0.982 (docs/ner.md)
    stock = spacy.load(config.vectors_model_dir(), exclude=["lemmatizer"])
    db = DocBin()
    for item in items:
        db.add(make_doc(nlp, stock, item))
    db.to_disk(path)


def data_hash(items: list[Item]) -> str:
    h = hashlib.sha256()
    for item in sorted(items, key=lambda i: i.doc_id):
        h.update(item.doc_id.encode())
        h.update(item.text.encode())
        h.update(json.dumps(item.entities, sort_keys=True, ensure_ascii=False).encode())
        h.update(json.dumps(item.gold.get("roles", []), sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------------------------
# Training


def base_ner(folder: Path) -> Path:
    """en_core_web_md's NER with its static vectors, and our UN_AGENCY label added: the starting point
    configs/ner.cfg sources. md rather than sm: with the same training texts the NER starting from md and
    reading its vectors scored 0.884 against 0.872 on dev_world (NER alone), 0.908 against 0.895 in the
    pipeline (docs/ner.md)."""
    import spacy

    md = config.vectors_model_dir()
    names = spacy.util.load_meta(md / "meta.json")["components"]
    nlp = spacy.load(md, exclude=[name for name in names if name != "ner"])
    for label in (*ENTITY_LABELS, TITLE):
        nlp.get_pipe("ner").add_label(label)
    nlp.to_disk(folder)
    return folder


def drop_labels(ner, labels: Sequence[str]) -> None:
    """Remove the NER's moves (B-, I-, L-, U-) for `labels`, with their rows of its output layer; every other
    weight stays as it is, so the NER decides as before wherever none of those moves was its best. Why:
    spaCy's greedy decoder tests every move's validity at every token, and on this build that test is half
    of the NER's time (docs/scaling.md): the NER costs in proportion to its labels."""
    import numpy
    from thinc.api import Linear

    def names() -> list[str]:      # every move, "U-" (no label) too, which Parser.move_names leaves out
        return [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]

    before = names()
    actions = {action: {label: freq for label, freq in freqs.items() if label not in labels}
               for action, freqs in ner.moves.labels.items()}
    ner.moves.initialize_actions(actions)
    rows = [before.index(name) for name in names()]
    upper = ner.model.get_ref("upper")
    pruned = Linear(nO=len(rows), nI=upper.get_dim("nI"))
    pruned.initialize()
    pruned.set_param("W", numpy.ascontiguousarray(upper.get_param("W")[rows]))
    pruned.set_param("b", numpy.ascontiguousarray(upper.get_param("b")[rows]))
    ner.model.replace_node(upper, pruned)
    ner.model.attrs["unseen_classes"] = {rows.index(c) for c in ner.model.attrs["unseen_classes"] if c in rows}


def without_unread_labels(model_dir: Path) -> None:
    """Drop UNREAD_LABELS from a trained NER folder (drop_labels), in place; meta.json says which."""
    import spacy

    nlp = spacy.load(model_dir)
    ner = nlp.get_pipe("ner")
    drop_labels(ner, UNREAD_LABELS)
    ner.to_disk(model_dir / "ner", exclude=["vocab"])
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["labels"]["ner"] = sorted(ner.labels)
    meta["dropped_labels"] = list(UNREAD_LABELS)
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def without_vectors(model_dir: Path) -> None:
    """Leave the vectors table and md's 684,830 strings out of a trained model folder: they are 42 MB
    the installed vectors package already has, and the NER's features are hashes that need no strings.
    meta.json keeps the vectors' shape; pipeline.nlp.build.use_static_vectors loads them back."""
    vocab = model_dir / "vocab"
    for name in ("vectors", "key2row"):
        (vocab / name).unlink()
    (vocab / "strings.json").write_text("[]\n")


def train(train_items: list[Item], dev_items: list[Item], out: Path, epochs: int | None = None,
          config_path: Path | None = None, seed: int = SEED) -> Path:
    """spacy train with the training config (CONFIG by default); returns the folder of the last model."""
    from spacy.cli.train import train as spacy_train
    from thinc.api import Config

    from pipeline.nlp.build import base_model_name

    config_path = config_path or CONFIG
    declared = Config().from_disk(config_path, interpolate=False)["paths"]

    with tempfile.TemporaryDirectory(prefix="ner-train-") as tmp:
        tmp = Path(tmp)
        write_docbin(train_items, tmp / "train.spacy")
        write_docbin(dev_items, tmp / "dev.spacy")
        overrides = {"paths.train": str(tmp / "train.spacy"), "paths.dev": str(tmp / "dev.spacy"),
                     "system.seed": seed}
        if "base_ner" in declared:      # fine-tuning the stock NER
            overrides["paths.base_ner"] = str(base_ner(tmp / "base"))
        if "base_model" in declared:    # sourcing the English model's tok2vec
            overrides["paths.base_model"] = base_model_name()
        if epochs:
            overrides["training.max_epochs"] = epochs
        spacy_train(config_path, tmp / "out", overrides=overrides, use_gpu=-1)
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(tmp / "out" / "model-last", out)
    without_unread_labels(out)
    without_vectors(out)
    return out


# --------------------------------------------------------------------------------------------
# Scoring: the NER alone, and the whole pipeline with it


def ner_alone_scores(model, items: list[Item]) -> dict:
    """Entity P/R/F of a model's own entities (our five labels) against the gold, document level; and of its
    TITLE spans against the located role titles (exact character spans), where the items have roles."""
    import pandas as pd

    from pipeline.evaluate import PRF, score_entities

    rows, titles = [], PRF()
    for item, doc in zip(items, model.pipe(i.text for i in items)):
        rows += [{"article_id": item.doc_id, "text": e.text, "label": e.label_} for e in doc.ents
                 if e.label_ in ENTITY_LABELS]
        if item.gold.get("roles"):
            titles.add(set(title_spans(item)), {(e.start_char, e.end_char) for e in doc.ents if e.label_ == TITLE})
    gold = {i.doc_id: i.gold for i in items}
    s = score_entities(gold, pd.DataFrame(rows, columns=["article_id", "text", "label"]))
    return {"micro": s["micro"], "per_label": s["per_label"], "titles": titles.as_dict()}


def pipeline_scores(items: list[Item], ner_dir: Path | None, work: Path) -> dict:
    """The whole pipeline (rules + the given NER, or the stock one) on items: the eval report."""
    import os

    from pipeline import stages
    from pipeline.evaluate import evaluate
    from pipeline.extract import pipeline_fingerprint
    from pipeline.nlp.build import shared_nlp

    os.environ["PIPELINE_NER_MODEL"] = str(ner_dir) if ner_dir else "stock"
    shared_nlp.cache_clear()
    pipeline_fingerprint.cache_clear()
    raw = work / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    records, gold = [], []
    for item in items:
        url = f"https://example.org/scoring/{item.doc_id}"
        title, _, body = item.text.partition("\n\n")
        records.append(f"Date: {item.gold.get('date') or ''}\nTitle: {title}\nContent: {body}\nURL: {url}\n")
        from pipeline.parse import article_id_for

        gold.append({**item.gold, "article_id": article_id_for(url)})
    (raw / "items.txt").write_text("\n".join(records), encoding="utf-8")
    evalsets.write_jsonl(work / "gold.jsonl", gold)
    stages.run_all(raw, work / "out", use_cache=False)
    report = evaluate(work / "out", work / "gold.jsonl")
    return {k: report[k] for k in ("entities", "roles", "quotes", "figures", "dates")}


def _strip(report: dict) -> dict:
    return {k: (_strip(v) if isinstance(v, dict) else v) for k, v in report.items() if k != "errors"}


def f1_of(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def pooled(reports: Sequence[dict]) -> dict:
    """Entity and role F1 over several sets' reports at once (TP, FP and FN summed): one retraining moves a
    42-text set by up to 0.017, so recipes are compared on every unseen text there is (docs/ner.md)."""
    out = {}
    for kind, counts in (("entities", lambda r: r["entities"]["micro"]), ("roles", lambda r: r["roles"])):
        tp, fp, fn = (sum(counts(r)[k] for r in reports) for k in ("tp", "fp", "fn"))
        out[kind] = f1_of(tp, fp, fn)
    return out


def replaces_baseline(candidate: Sequence[dict], baseline: Sequence[dict], roles_tolerance: float = 0.005) -> bool:
    """The rule for shipping another recipe (pooled scores of each seed, `pooled`): every seed of the candidate
    above every seed of the baseline on entities, and its mean roles F1 at most `roles_tolerance` below theirs."""
    def mean(xs: Sequence[float]) -> float:
        return sum(xs) / len(xs)

    return min(c["entities"] for c in candidate) > max(b["entities"] for b in baseline) and \
        mean([c["roles"] for c in candidate]) >= mean([b["roles"] for b in baseline]) - roles_tolerance


# --------------------------------------------------------------------------------------------
# Commands


def cmd_train(args) -> None:
    import spacy

    pool = {name: items for name, items in training_pool(args.include).items() if name not in args.exclude}
    train_items = [i for items in pool.values() for i in items]
    dev_items = written_items()   # spacy train wants a dev corpus; model-last is kept, not the best
    t0 = time.perf_counter()
    out = train(train_items, dev_items, Path(args.output), epochs=args.epochs, config_path=Path(args.config),
                seed=args.seed)
    seconds = time.perf_counter() - t0
    model = load_trained_ner(out)
    meta_path = out / "meta.json"
    meta = json.loads(meta_path.read_text())
    import importlib.metadata as md

    from pipeline.nlp.build import base_model_name

    meta.update({
        "name": "un_news_ner", "version": "1.0.0",
        "description": "en_core_web_md's NER fine-tuned on UN_AGENCY, ORG, PERSON, GPE, LOC and TITLE (scripts/train_ner.py)",
        "training_data": {"hash": data_hash(train_items), "documents": {k: len(v) for k, v in pool.items()},
                          "written_documents_included": len(pool.get("written", []))},
        "seed": args.seed, "train_seconds": round(seconds, 1),
        "versions": {"spacy": spacy.__version__,
                     "base_model": f"{base_model_name()}=={md.version(base_model_name().replace('_', '-'))}",
                     "vectors_model": f"{config.VECTORS_MODEL_PACKAGE}=={md.version(config.VECTORS_MODEL_PACKAGE)}",
                     # the numeric libraries: the same data and seed give other weights under other versions
                     **{package: md.version(package) for package in ("thinc", "numpy", "blis")}},
        "scores_on_training_texts": ner_alone_scores(model, train_items)["micro"],
    })
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    print(json.dumps({k: meta[k] for k in ("training_data", "train_seconds", "scores_on_training_texts")}, indent=1))


def folds_of(items: list[Item], k: int) -> list[list[Item]]:
    order = sorted(items, key=lambda i: i.doc_id)
    random.Random(SEED).shuffle(order)
    return [order[i::k] for i in range(k)]


def cmd_cv(args) -> None:
    import spacy

    from pipeline.nlp.build import base_model_name

    pool = training_pool()
    rest = [i for name, items in pool.items() if name != "dev_world" for i in items]
    folds = folds_of(pool["dev_world"], args.folds)
    stock = spacy.load(base_model_name())
    results = []
    with tempfile.TemporaryDirectory(prefix="ner-cv-") as tmp:
        tmp = Path(tmp)
        for k, held in enumerate(folds):
            train_items = rest + [i for j, f in enumerate(folds) if j != k for i in f]
            model_dir = train(train_items, pool["written"], tmp / f"model{k}", epochs=args.epochs,
                              config_path=Path(args.config))
            row = {"fold": k, "n_train": len(train_items), "n_test": len(held),
                   "stock_ner_alone": ner_alone_scores(stock, held),
                   "trained_ner_alone": ner_alone_scores(load_trained_ner(model_dir), held),
                   "pipeline_stock": _strip(pipeline_scores(held, None, tmp / f"p{k}s")),
                   "pipeline_trained": _strip(pipeline_scores(held, model_dir, tmp / f"p{k}t"))}
            results.append(row)
            print(json.dumps({"fold": k, **{name: row[name]["micro"]["f1"] if "micro" in row[name] else
                                            row[name]["entities"]["micro"]["f1"]
                                            for name in ("stock_ner_alone", "trained_ner_alone", "pipeline_stock",
                                                         "pipeline_trained")}}), flush=True)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=1) + "\n")


def cmd_score(args) -> None:
    """The NER alone on development sets: entity micro-F1 and TITLE span P/R/F."""
    refuse_blind(args.sets, "a blind set is scored by the pipeline only (make holdout)")
    model = load_trained_ner(Path(args.model))
    for name in args.sets:
        s = ner_alone_scores(model, set_items(name))
        print(f"{name}: entities F1 {s['micro']['f1']:.3f}, titles P {s['titles']['precision']:.3f} "
              f"R {s['titles']['recall']:.3f} F1 {s['titles']['f1']:.3f}")


def cmd_compare(args) -> None:
    """Each model (seeds of recipes) through the whole pipeline on the sets, pooled; then the shipping rule."""
    import tempfile

    refuse_blind(args.sets, "a blind set is never used to choose a model")
    recipes = {"baseline": args.baseline} | dict(c.split("=", 1) for c in args.candidate)
    recipes = {name: dirs if isinstance(dirs, list) else dirs.split(",") for name, dirs in recipes.items()}
    items = {name: set_items(name) for name in args.sets}
    scores: dict[str, list[dict]] = {}
    print("| recipe | model | pooled entities | pooled roles | " + " | ".join(args.sets) + " |")
    print("|---|---|---|---|" + "---|" * len(args.sets))
    for recipe, dirs in recipes.items():
        for folder in dirs:
            with tempfile.TemporaryDirectory(prefix="compare-") as tmp:
                reports = [pipeline_scores(items[n], Path(folder), Path(tmp) / n) for n in args.sets]
            p = pooled(reports)
            scores.setdefault(recipe, []).append(p)
            per_set = " | ".join(f"{r['entities']['micro']['f1']:.3f} / {r['roles']['f1']:.3f}" for r in reports)
            print(f"| {recipe} | {folder} | {p['entities']:.4f} | {p['roles']:.4f} | {per_set} |", flush=True)
    for recipe in recipes:
        if recipe != "baseline":
            verdict = replaces_baseline(scores[recipe], scores["baseline"], args.roles_tolerance)
            print(f"{recipe}: {'replaces' if verdict else 'does not replace'} the baseline")


def cmd_curve(args) -> None:
    import spacy

    pool = training_pool()
    held = folds_of(pool["dev_world"], 5)[0]
    held_ids = {i.doc_id for i in held}
    candidates = [i for items in pool.values() for i in items if i.doc_id not in held_ids]
    random.Random(SEED).shuffle(candidates)
    rows = []
    with tempfile.TemporaryDirectory(prefix="ner-curve-") as tmp:
        for n in [int(x) for x in args.sizes.split(",")] + [len(candidates)]:
            if n > len(candidates):
                continue
            model_dir = train(candidates[:n], pool["written"], Path(tmp) / f"m{n}", epochs=args.epochs,
                              config_path=Path(args.config))
            scores = ner_alone_scores(load_trained_ner(model_dir), held)
            pipe = _strip(pipeline_scores(held, model_dir, Path(tmp) / f"p{n}"))
            rows.append({"n_train_docs": n, "ner_alone_f1": scores["micro"]["f1"],
                         "pipeline_f1": pipe["entities"]["micro"]["f1"]})
            print(json.dumps(rows[-1]), flush=True)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(rows, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("train", help="all training texts -> models/ner")
    p.add_argument("--exclude", nargs="*", default=[], help="leave these sources out (e.g. dev_world)")
    p.add_argument("--include", nargs="*", default=[], help="train on these development sets too (e.g. dev_world2)")
    p.add_argument("--seed", type=int, default=SEED, help="another seed measures the noise of one training run")
    p.add_argument("--output", default=str(config.TRAINED_NER_DIR))
    p.add_argument("--epochs", type=int, default=None)
    p = sub.add_parser("cv", help="k-fold cross-validation on dev_world: stock vs trained NER")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--output", default=str(config.PROCESSED_DIR / "ner_cv.json"))
    p = sub.add_parser("curve", help="learning curve on one held-out fifth of dev_world")
    p.add_argument("--sizes", default="25,50,100,150")
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--output", default=str(config.PROCESSED_DIR / "ner_curve.json"))
    p = sub.add_parser("compare", help="recipes' seeds through the whole pipeline, pooled over unseen sets")
    p.add_argument("--sets", nargs="+", default=["dev_world5", "dev_world6"])
    p.add_argument("--baseline", nargs="+", required=True, help="model folders of the shipped recipe's seeds")
    p.add_argument("--candidate", nargs="*", default=[], help="NAME=DIR,DIR,... for each recipe tried")
    p.add_argument("--roles-tolerance", type=float, default=0.005)
    p = sub.add_parser("drop-labels", help="drop UNREAD_LABELS from a NER trained before they were dropped")
    p.add_argument("--model", default=str(config.TRAINED_NER_DIR))
    p = sub.add_parser("score", help="a trained NER alone on development sets: entities and titles")
    p.add_argument("--model", default=str(config.TRAINED_NER_DIR))
    p.add_argument("--sets", nargs="+", default=["dev_world2", "dev_world3", "dev_world4"])
    for p in sub.choices.values():
        p.add_argument("--config", default=str(CONFIG), help="the spacy train config")
        p.add_argument("--allow-missing", action="store_true", help="train on the texts present in the cache")
        p.add_argument("--entity-review", action="store_true",
                       help="train on the training sets' second-pass entities (entities_reviewed.jsonl)")
    args = parser.parse_args(argv)
    global ALLOW_MISSING, ENTITY_REVIEW
    ALLOW_MISSING, ENTITY_REVIEW = args.allow_missing, args.entity_review
    {"train": cmd_train, "cv": cmd_cv, "curve": cmd_curve, "score": cmd_score, "compare": cmd_compare,
     "drop-labels": lambda a: without_unread_labels(Path(a.model))}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
