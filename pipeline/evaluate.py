"""Scores the output tables against gold JSONL, document level, as CONTRACT.md describes.

- Entities: per article, the set of (normalized mention text, label); P/R/F per label and micro.
- Figures: per article, the set of (value, value_max) at 4 significant digits; unit agreement on matches.
- Dates: per article, the set of (start, end).
- Linking: one entity_id per gold entity within an article, one across articles, none shared.
- Roles: (person, title) pairs. Quotes: predicted text starts with the gold opening; speaker agreement.

Only articles present in the gold are scored.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline import tables
from pipeline.records import ENTITY_LABELS

HONORIFICS_RE = re.compile(r"^(?:(?:the|mr|ms|mrs|dr|prof|h\.\s*e)\.?\s+)+", re.I)
WORD_RE = re.compile(r"\w+", re.UNICODE)


def norm_text(text: str) -> str:
    """Fold case and white space; strip a leading "the", honorifics and a trailing "'s"."""
    s = " ".join(str(text).replace("\u00a0", " ").split()).casefold()
    s = s.replace("’", "'")
    prev = None
    while prev != s:
        prev = s
        s = HONORIFICS_RE.sub("", s).strip()
    s = re.sub(r"'s$", "", s)
    return s


def norm_title(text: str) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


def words(text: str) -> list[str]:
    return WORD_RE.findall(str(text).casefold().replace("’", "'"))


def sig4(x) -> float | None:
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return None
    return float(f"{float(x):.4g}")


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def load_gold(path: Path) -> dict[str, dict]:
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    gold = {}
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                gold[str(rec["article_id"])] = rec
    return gold


def _read(out_dir: Path, name: str) -> pd.DataFrame:
    p = Path(out_dir) / f"{name}.parquet"
    return tables.read_table(name, out_dir) if p.exists() else pd.DataFrame()


def _gold_forms(entity: dict) -> set[str]:
    return {norm_text(m) for m in entity.get("mentions", [])} | {norm_text(entity["canonical"])}


def score_entities(gold: dict, mentions: pd.DataFrame) -> dict:
    per_label = {label: PRF() for label in ENTITY_LABELS}
    micro = PRF()
    errors = []
    for aid, g in gold.items():
        gset = {(norm_text(m), e["label"]) for e in g.get("entities", []) for m in e["mentions"]}
        sub = mentions[mentions["article_id"] == aid] if len(mentions) else mentions
        pset = {(norm_text(t), l) for t, l in zip(sub.get("text", []), sub.get("label", []))}
        micro.add(gset, pset)
        for label in ENTITY_LABELS:
            per_label[label].add({x for x in gset if x[1] == label}, {x for x in pset if x[1] == label})
        errors += [{"article_id": aid, "kind": "fn", "text": t, "label": l} for t, l in sorted(gset - pset)]
        errors += [{"article_id": aid, "kind": "fp", "text": t, "label": l} for t, l in sorted(pset - gset)]
    return {"per_label": {k: v.as_dict() for k, v in per_label.items()}, "micro": micro.as_dict(),
            "errors": errors}


def fold_unit(unit) -> str:
    """Case, white space and a plural "s" folded: "Cases" and "case" are one unit."""
    s = " ".join(str(unit or "").split()).casefold()
    return s[:-1] if len(s) > 3 and s.endswith("s") and not s.endswith("ss") else s


def units_agree(gold_unit, pred_unit) -> bool:
    """Equal once folded, or one is a noun compound whose head noun is the other ("cholera cases", "cases")."""
    g, p = fold_unit(gold_unit), fold_unit(pred_unit)
    return g == p or (bool(p) and g.split(" ")[-1] == p) or (bool(g) and p.split(" ")[-1] == g)


def score_figures(gold: dict, figures: pd.DataFrame) -> dict:
    prf = PRF()
    unit_ok = unit_n = 0
    errors = []
    for aid, g in gold.items():
        gmap = defaultdict(set)
        for f in g.get("figures", []):
            gmap[(sig4(f["value"]), sig4(f.get("value_max")))].add(str(f.get("unit") or ""))
        pmap = defaultdict(set)
        sub = figures[figures["article_id"] == aid] if len(figures) else figures
        for _, f in sub.iterrows():
            pmap[(sig4(f["value"]), sig4(f["value_max"]))].add(str(f["unit"] or ""))
        prf.add(set(gmap), set(pmap))
        for key in set(gmap) & set(pmap):
            unit_n += 1
            agree = any(units_agree(g, p) for g in gmap[key] for p in pmap[key])
            unit_ok += agree
            if not agree:
                errors.append({"article_id": aid, "kind": "unit", "value": key, "gold": sorted(gmap[key]),
                               "pred": sorted(pmap[key])})
        errors += [{"article_id": aid, "kind": "fn", "value": k} for k in set(gmap) - set(pmap)]
        errors += [{"article_id": aid, "kind": "fp", "value": k} for k in set(pmap) - set(gmap)]
    out = prf.as_dict()
    out["unit_agreement"] = round(unit_ok / unit_n, 4) if unit_n else 0.0
    out["errors"] = errors
    return out


def score_dates(gold: dict, dates: pd.DataFrame) -> dict:
    prf = PRF()
    errors = []
    for aid, g in gold.items():
        gset = {(d["start"], d["end"]) for d in g.get("dates", [])}
        sub = dates[dates["article_id"] == aid] if len(dates) else dates
        pset = {(str(s), str(e)) for s, e in zip(sub.get("start", []), sub.get("end", []))}
        prf.add(gset, pset)
        errors += [{"article_id": aid, "kind": "fn", "range": k} for k in sorted(gset - pset)]
        errors += [{"article_id": aid, "kind": "fp", "range": k} for k in sorted(pset - gset)]
    out = prf.as_dict()
    out["errors"] = errors
    return out


def _mention_ids(mentions: pd.DataFrame, aid: str) -> dict[str, set[str]]:
    """normalized form -> entity ids carrying it in one article."""
    out: dict[str, set[str]] = defaultdict(set)
    sub = mentions[mentions["article_id"] == aid] if len(mentions) else mentions
    for t, e in zip(sub.get("text", []), sub.get("entity_id", [])):
        out[norm_text(t)].add(e)
    return out


def score_linking(gold: dict, mentions: pd.DataFrame) -> dict:
    within_ok = within_n = 0
    ids_of_gold: dict[tuple[str, str], set[str]] = defaultdict(set)
    per_article_id: dict[tuple[str, str], list[str]] = defaultdict(list)
    for aid, g in gold.items():
        ents = g.get("entities", [])
        form_owners: dict[str, int] = defaultdict(int)
        for e in ents:
            for f in {norm_text(m) for m in e["mentions"]}:
                form_owners[f] += 1
        by_form = _mention_ids(mentions, aid)
        for e in ents:
            # A form listed under two gold entities (Almaty city and region) cannot say which one it means.
            forms = {norm_text(m) for m in e["mentions"]}
            forms = {f for f in forms if form_owners[f] == 1}
            ids = set().union(*(by_form.get(f, set()) for f in forms)) if forms else set()
            if not ids:
                continue
            within_n += 1
            within_ok += len(ids) == 1
            key = (e["label"], e["canonical"])
            ids_of_gold[key] |= ids
            if len(ids) == 1:
                per_article_id[key].append(next(iter(ids)))
    across_n = across_ok = 0
    for key, ids in per_article_id.items():
        if len(ids) >= 2:
            across_n += 1
            across_ok += len(set(ids)) == 1
    owners: dict[str, set] = defaultdict(set)
    for key, ids in ids_of_gold.items():
        for i in ids:
            owners[i].add(key)
    shared = sorted((i, sorted(map(list, k))) for i, k in owners.items() if len(k) > 1)
    return {"within_article": round(within_ok / within_n, 4) if within_n else 0.0,
            "within_article_n": within_n,
            "across_articles": round(across_ok / across_n, 4) if across_n else 0.0,
            "across_articles_n": across_n,
            "shared_ids": len(shared), "shared_examples": shared[:20]}


class _ArticleNames:
    """Resolves predicted entity ids to the gold canonical names of one article, through mention forms."""

    def __init__(self, g: dict, aid: str, mentions: pd.DataFrame, entities: dict[str, str]):
        self.gold_forms = {e["canonical"]: _gold_forms(e) for e in g.get("entities", [])}
        self.forms_of_id: dict[str, set[str]] = defaultdict(set)
        sub = mentions[mentions["article_id"] == aid] if len(mentions) else mentions
        for t, e in zip(sub.get("text", []), sub.get("entity_id", [])):
            self.forms_of_id[e].add(norm_text(t))
        for e, name in entities.items():
            if e in self.forms_of_id:
                self.forms_of_id[e].add(norm_text(name))

    def gold_name(self, entity_id) -> str | None:
        if entity_id is None or (isinstance(entity_id, float) and pd.isna(entity_id)):
            return None
        forms = self.forms_of_id.get(entity_id, set())
        best = [c for c, gf in self.gold_forms.items() if gf & forms]
        if best:
            return max(best, key=lambda c: len(self.gold_forms[c] & forms))
        return "?" + str(entity_id)

    def gold_key(self, name: str | None) -> str | None:
        return name


def score_roles(gold: dict, roles: pd.DataFrame, mentions: pd.DataFrame, entity_names: dict) -> dict:
    """(person, title) P/R/F1 (CONTRACT.md), and on the matched roles how often the org and the place the table ties to
    the role are the gold's (both absent agrees): what the roles table's org and place columns are worth."""
    prf = PRF()
    errors = []
    agree = {"org": 0, "place": 0}
    for aid, g in gold.items():
        names = _ArticleNames(g, aid, mentions, entity_names)
        tied = {(r["person"], norm_title(r["title"])): r for r in g.get("roles", [])}
        sub = roles[roles["article_id"] == aid] if len(roles) else roles
        predicted = {}
        for r in sub.to_dict("records") if len(sub) else []:
            predicted.setdefault((names.gold_name(r["person_entity_id"]), norm_title(r["title"])), r)
        gset, pset = set(tied), set(predicted)
        prf.add(gset, pset)
        errors += [{"article_id": aid, "kind": "fn", "role": k} for k in sorted(gset - pset, key=str)]
        errors += [{"article_id": aid, "kind": "fp", "role": k} for k in sorted(pset - gset, key=str)]
        for key in sorted(gset & pset, key=str):
            for part in agree:
                want, got = tied[key].get(part), names.gold_name(predicted[key].get(f"{part}_entity_id"))
                if want == got or (want is not None and got is not None
                                   and norm_text(want) in names.gold_forms.get(got, ())):
                    agree[part] += 1
                else:
                    errors.append({"article_id": aid, "kind": part, "role": key, "gold": want, "pred": got})
    out = prf.as_dict()
    for part, n in agree.items():
        out[f"{part}_agreement"] = round(n / prf.tp, 4) if prf.tp else 0.0
    out["errors"] = errors
    return out


def score_quotes(gold: dict, quotes: pd.DataFrame, mentions: pd.DataFrame, entity_names: dict) -> dict:
    tp = n_gold = n_pred = 0
    speaker_ok = 0
    errors = []
    for aid, g in gold.items():
        names = _ArticleNames(g, aid, mentions, entity_names)
        gq = [(q.get("speaker"), words(q["opening"])) for q in g.get("quotes", [])]
        sub = quotes[quotes["article_id"] == aid] if len(quotes) else quotes
        pq = [(names.gold_name(s), words(t), t) for s, t in zip(sub.get("speaker_entity_id", []),
                                                                sub.get("text", []))]
        n_gold += len(gq)
        n_pred += len(pq)
        used = set()
        for speaker, opening in gq:
            match = next((i for i, (_, w, _) in enumerate(pq)
                          if i not in used and opening and w[:len(opening)] == opening), None)
            if match is None:
                errors.append({"article_id": aid, "kind": "fn", "opening": " ".join(opening)})
                continue
            used.add(match)
            tp += 1
            if pq[match][0] == speaker:
                speaker_ok += 1
            else:
                errors.append({"article_id": aid, "kind": "speaker", "opening": " ".join(opening),
                               "gold": speaker, "pred": pq[match][0]})
        errors += [{"article_id": aid, "kind": "fp", "text": pq[i][2][:80]} for i in range(len(pq)) if i not in used]
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp,
            "fp": n_pred - tp, "fn": n_gold - tp,
            "speaker_agreement": round(speaker_ok / tp, 4) if tp else 0.0, "errors": errors}


def evaluate(out_dir: Path, gold_path: Path) -> dict:
    gold = load_gold(gold_path)
    mentions = _read(out_dir, "mentions")
    entities = _read(out_dir, "entities")
    entity_names = dict(zip(entities.get("entity_id", []), entities.get("name", [])))
    report = {
        "gold": str(gold_path),
        "n_articles": len(gold),
        "entities": score_entities(gold, mentions),
        "figures": score_figures(gold, _read(out_dir, "figures")),
        "dates": score_dates(gold, _read(out_dir, "dates")),
        "linking": score_linking(gold, mentions),
        "roles": score_roles(gold, _read(out_dir, "roles"), mentions, entity_names),
        "quotes": score_quotes(gold, _read(out_dir, "quotes"), mentions, entity_names),
    }
    return report


def format_report(report: dict) -> str:
    lines = [f"Scored {report['n_articles']} gold articles", "",
             f"{'entities':<12}{'P':>8}{'R':>8}{'F1':>8}{'TP':>6}{'FP':>6}{'FN':>6}"]
    ent = report["entities"]
    for label, s in list(ent["per_label"].items()) + [("micro", ent["micro"])]:
        lines.append(f"{label:<12}{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}"
                     f"{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}")
    lines.append("")
    for name in ("figures", "dates", "roles", "quotes"):
        s = report[name]
        extra = ""
        if name == "figures":
            extra = f"  unit agreement {s['unit_agreement']:.3f}"
        if name == "roles":
            extra = f"  org agreement {s['org_agreement']:.3f}  place agreement {s['place_agreement']:.3f}"
        if name == "quotes":
            extra = f"  speaker agreement {s['speaker_agreement']:.3f}"
        lines.append(f"{name:<12}{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}"
                     f"{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}{extra}")
    lk = report["linking"]
    lines += ["", f"linking     one id per entity in an article {lk['within_article']:.3f} (n={lk['within_article_n']}), "
                  f"one id across articles {lk['across_articles']:.3f} (n={lk['across_articles_n']}), "
                  f"ids shared by two gold entities {lk['shared_ids']}"]
    return "\n".join(lines)


def write_report(report: dict, out_dir: Path) -> Path:
    path = Path(out_dir) / "eval.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path
