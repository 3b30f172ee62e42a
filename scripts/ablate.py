"""Switches off each heuristic (entities, roles) and each rule component in turn and scores a set (whole pipeline).

    python scripts/ablate.py [--set dev_world|dev_gold] [--output data/processed/ablation.json] [--lists]

Each row: what was switched off, entity micro-F1 and its change against the full pipeline, per-label F1
changes, and roles, quotes and quote-speaker F1. A heuristic whose removal does not lower the scores does not pay
its way. With --lists, also each word list of the entity rule files, emptied (the reader's `off`) in every
component that reads the file. Development sets only: the blind set is never used to choose rules.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import config, evalsets  # noqa: E402
from pipeline.nlp import build  # noqa: E402
from pipeline.nlp.abbreviations import HEURISTICS as ABBREVIATION_HEURISTICS  # noqa: E402
from pipeline.nlp.deep_places import CUES  # noqa: E402
from pipeline.nlp.entity_fixups import HEURISTICS  # noqa: E402
from pipeline.nlp.figures import HEURISTICS as FIGURE_HEURISTICS  # noqa: E402
from pipeline.nlp.people import HEURISTICS as PEOPLE_HEURISTICS  # noqa: E402
from pipeline.nlp.quotes import QUOTE_HEURISTICS  # noqa: E402
from pipeline.nlp.roles import ROLE_HEURISTICS  # noqa: E402
from pipeline.nlp.title_roles import DEFAULT_POLICY as DEFAULT_LEARNED_TITLES  # noqa: E402
from pipeline.nlp.title_roles import POLICIES as LEARNED_TITLE_POLICIES  # noqa: E402
from pipeline.records import ENTITY_LABELS  # noqa: E402

DEV_GOLD = "dev_gold"
RULE_COMPONENTS = ("un_agencies", "places", "line_breaks", "entity_fixups", "deep_places", "abbreviations", "people")
# Rule files whose lists are word sets, so an emptied list switches its rule off (the figures and dates
# lists compile into patterns, where an empty list would match everywhere).
LIST_FILES = ("entities_org.json", "entities_people.json", "entities_stoplist.json", "entities_places.json",
              "places_deep.json", "demonyms.json")


def list_variants():
    """(name, settings) emptying one list of LIST_FILES in every component whose config reads the file."""
    import importlib

    from spacy.language import Language

    from pipeline.nlp.data import models_path
    from pipeline.datafiles import read_json

    readers = []    # (component, setting, path)
    for name, factory, module, _ in build.CUSTOM_COMPONENTS:
        importlib.import_module(module)
        for setting, v in Language.get_factory_meta(factory).default_config.items():
            if isinstance(v, dict) and v.get("@misc") == "unpipe.rules.v1":
                readers.append((name, setting, v["path"]))
    for file in LIST_FILES:
        path = f"rules/{file}"
        for key, v in read_json(models_path(path)).items():
            if isinstance(v, list):
                settings: dict = {}
                for name, setting, p in readers:
                    if p == path:
                        settings.setdefault(name, {})[setting] = {"@misc": "unpipe.rules.v1", "path": p, "off": [key]}
                yield f"list {file}:{key}", settings


def variants(lists: bool = False):
    yield "(nothing off)", None, None
    for h in HEURISTICS:
        yield f"entity_fixups.{h}", None, {"entity_fixups": {"disabled": [h]}}
    for c in CUES:
        yield f"deep_places.{c}", None, {"deep_places": {"disabled": [c]}}
    for h in ABBREVIATION_HEURISTICS:
        yield f"abbreviations.{h}", None, {"abbreviations": {"disabled": [h]}}
    for h in PEOPLE_HEURISTICS:
        yield f"people.{h}", None, {"people": {"disabled": [h]}}
    for h in ROLE_HEURISTICS:
        yield f"roles.{h}", None, {"roles": {"disabled": [h]}}
    for h in QUOTE_HEURISTICS:
        yield f"quotes.{h}", None, {"quotes": {"disabled": [h]}}
    for h in FIGURE_HEURISTICS:
        yield f"figures.{h}", None, {"figures": {"disabled": [h]}}
    for policy in LEARNED_TITLE_POLICIES:   # "off": the rules alone; the others: how the NER's titles join them
        if policy == DEFAULT_LEARNED_TITLES:
            continue   # the baseline row
        yield f"roles.learned_titles={policy}", None, {"roles": {"learned_titles": policy}}
    names = tuple(c[0] for c in build.CUSTOM_COMPONENTS)
    for c in RULE_COMPONENTS:
        off = {c, "line_breaks_done"} if c == "line_breaks" else {c}
        yield f"component {c}", tuple(n for n in names if n not in off), None
    if lists:
        for name, settings in list_variants():
            yield name, None, settings


def score(name: str, work: Path, components, settings) -> dict:
    import importlib

    from pipeline import stages
    from pipeline.evaluate import evaluate

    nlp = build.build_nlp(components=components, settings=settings)
    importlib.import_module("pipeline.nlp.packer")
    nlp.add_pipe("extraction_packer", name="packer", last=True)
    build.shared_nlp = lambda: nlp   # what extract calls for its pipeline
    out = work / name.replace(" ", "_")
    stages.run_all(work / "raw", out, use_cache=False)
    r = evaluate(out, work / "gold.jsonl")
    return {"entities": r["entities"]["micro"]["f1"],
            "per_label": {l: r["entities"]["per_label"][l]["f1"] for l in ENTITY_LABELS},
            "roles": r["roles"]["f1"], "role_org": r["roles"]["org_agreement"],
            "role_place": r["roles"]["place_agreement"], "quotes": r["quotes"]["f1"],
            "speakers": r["quotes"]["speaker_agreement"]}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--set", default="dev_world", help=f"a development set, or {DEV_GOLD} (the seed corpus)")
    p.add_argument("--output", default=str(config.PROCESSED_DIR / "ablation.json"))
    p.add_argument("--only", nargs="*", default=None,
                   help="measure only the variants whose name contains one of these strings (the baseline always)")
    p.add_argument("--lists", action="store_true", help="also empty each word list of the entity rule files")
    args = p.parse_args(argv)
    if args.set in evalsets.BLIND_SETS:
        raise SystemExit("the blind set is never used to choose rules")
    rows = []
    with tempfile.TemporaryDirectory(prefix="ablate-") as tmp:
        work = Path(tmp)
        if args.set == DEV_GOLD:    # the seed corpus the rules were written on, against data/gold/dev.jsonl
            shutil.copytree(config.RAW_DIR, work / "raw")
            shutil.copy(config.GOLD_DIR / "dev.jsonl", work / "gold.jsonl")
            n = len(evalsets.read_jsonl(work / "gold.jsonl"))
        else:
            _, _, n = evalsets.build(args.set, work)
        print(f"{args.set}: {n} texts present", flush=True)
        for name, components, settings in variants(args.lists):
            if rows and args.only is not None and not any(o in name for o in args.only):
                continue
            s = score(name, work, components, settings)
            base = rows[0]["scores"] if rows else s
            rows.append({"off": name, "scores": s,
                         "delta_entities": round(s["entities"] - base["entities"], 4),
                         "delta_per_label": {l: round(s["per_label"][l] - base["per_label"][l], 3) for l in ENTITY_LABELS},
                         "delta_roles": round(s["roles"] - base["roles"], 4),
                         # org and place agreement on the matched roles: what most role heuristics decide
                         "delta_role_org": round(s["role_org"] - base["role_org"], 4),
                         "delta_role_place": round(s["role_place"] - base["role_place"], 4),
                         "delta_quotes": round(s["quotes"] - base["quotes"], 4),
                         "delta_speakers": round(s["speakers"] - base["speakers"], 4)})
            print(json.dumps({"off": name, "entities": s["entities"], "delta": rows[-1]["delta_entities"],
                              "d_roles": rows[-1]["delta_roles"], "d_role_org": rows[-1]["delta_role_org"],
                              "d_role_place": rows[-1]["delta_role_place"], "d_quotes": rows[-1]["delta_quotes"],
                              "d_speakers": rows[-1]["delta_speakers"]}),
                  flush=True)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(rows, indent=1) + "\n")
    print("\n| switched off | entities F1 | change | roles change | role org / place change | quotes change "
          "| speakers change | labels that moved |\n|---|---|---|---|---|---|---|---|")
    for r in rows:
        moved = ", ".join(f"{l} {d:+.3f}" for l, d in r["delta_per_label"].items() if d)
        print(f"| {r['off']} | {r['scores']['entities']:.4f} | {r['delta_entities']:+.4f} | {r['delta_roles']:+.3f} "
              f"| {r['delta_role_org']:+.3f} / {r['delta_role_place']:+.3f} | {r['delta_quotes']:+.3f} "
              f"| {r['delta_speakers']:+.3f} | {moved} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
