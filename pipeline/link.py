"""Link stage: extractions of the whole corpus -> linked tables.

PROVISIONAL (until the linking issue lands): one entity per (label, normalized text), or per KB id
when a rule knew the thing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from typing import Iterable

from pipeline.records import Extraction

HONORIFIC_RE = re.compile(r"^(?:the\s+|mr\.?\s+|ms\.?\s+|mrs\.?\s+|dr\.?\s+|prof\.?\s+|h\.\s?e\.?\s+)+", re.I)


def normalize_name(text: str) -> str:
    s = " ".join(text.split()).strip()
    s = HONORIFIC_RE.sub("", s)
    s = re.sub(r"['’]s$", "", s)
    return s.casefold()


def short_hash(*parts: str, n: int = 12) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:n]


def entity_id_for(label: str, name: str, kb_id: str | None) -> str:
    if kb_id:
        return f"{label}:{kb_id}"
    return f"{label}:{short_hash(label, normalize_name(name))}"


def row_id(prefix: str, article_id: str, start: int, end: int, extra: str = "") -> str:
    return f"{prefix}-{article_id}-{start}-{end}" + (f"-{short_hash(extra, n=6)}" if extra else "")


def _span_lookup(mention_rows: list[dict]):
    by_span = {(m["start_char"], m["end_char"]): m for m in mention_rows}

    def find(start: int | None, end: int | None) -> str | None:
        if start is None or end is None:
            return None
        hit = by_span.get((start, end))
        if hit:
            return hit["entity_id"]
        overlapping = [m for m in mention_rows if m["start_char"] < end and start < m["end_char"]]
        if not overlapping:
            return None
        best = max(overlapping, key=lambda m: min(end, m["end_char"]) - max(start, m["start_char"]))
        return best["entity_id"]

    return find


def link_corpus(extractions: Iterable[Extraction]) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = defaultdict(list)
    names: dict[str, dict] = {}
    for ex in extractions:
        aid = ex.article_id
        mention_rows = []
        for m in ex.mentions:
            eid = entity_id_for(m.label, m.text, m.kb_id)
            info = names.setdefault(eid, {"label": m.label, "forms": defaultdict(int), "kb_id": m.kb_id,
                                          "articles": set(), "n": 0})
            info["forms"][" ".join(m.text.split())] += 1
            info["articles"].add(aid)
            info["n"] += 1
            mention_rows.append({"mention_id": row_id("M", aid, m.start_char, m.end_char, m.label),
                                 "article_id": aid, "entity_id": eid, "label": m.label, "text": m.text,
                                 "start_char": m.start_char, "end_char": m.end_char,
                                 "sentence_index": m.sentence_index, "source": m.source})
        tables["mentions"].extend(mention_rows)
        per_entity: dict[str, dict] = {}
        for r in mention_rows:
            ae = per_entity.setdefault(r["entity_id"], {"article_id": aid, "entity_id": r["entity_id"],
                                                        "label": r["label"], "n_mentions": 0,
                                                        "first_char": r["start_char"]})
            ae["n_mentions"] += 1
            ae["first_char"] = min(ae["first_char"], r["start_char"])
        tables["article_entities"].extend(per_entity.values())
        find = _span_lookup(mention_rows)
        for f in ex.figures:
            tables["figures"].append({"figure_id": row_id("F", aid, f.start_char, f.end_char), "article_id": aid,
                                      "text": f.text, "value": f.value, "value_max": f.value_max, "unit": f.unit,
                                      "qualifier": f.qualifier, "kind": f.kind, "counted": f.counted,
                                      "start_char": f.start_char, "end_char": f.end_char,
                                      "sentence_index": f.sentence_index})
        for d in ex.dates:
            tables["dates"].append({"date_id": row_id("D", aid, d.start_char, d.end_char), "article_id": aid,
                                    "text": d.text, "start": dt.date.fromisoformat(d.start),
                                    "end": dt.date.fromisoformat(d.end), "granularity": d.granularity,
                                    "start_char": d.start_char, "end_char": d.end_char,
                                    "sentence_index": d.sentence_index})
        for r in ex.roles:
            person = find(r.person_start, r.person_end)
            if person is None:
                continue
            tables["roles"].append({"role_id": row_id("R", aid, r.start_char, r.end_char, r.title),
                                    "article_id": aid, "person_entity_id": person, "title": r.title,
                                    "org_entity_id": find(r.org_start, r.org_end),
                                    "place_entity_id": find(r.place_start, r.place_end),
                                    "start_char": r.start_char, "end_char": r.end_char,
                                    "sentence_index": r.sentence_index})
        for q in ex.quotes:
            tables["quotes"].append({"quote_id": row_id("Q", aid, q.start_char, q.end_char), "article_id": aid,
                                     "text": q.text, "speaker_entity_id": find(q.speaker_start, q.speaker_end),
                                     "cue": q.cue, "start_char": q.start_char, "end_char": q.end_char,
                                     "sentence_index": q.sentence_index})
    for eid, info in names.items():
        forms = sorted(info["forms"].items(), key=lambda kv: (-len(kv[0]), -kv[1], kv[0]))
        tables["entities"].append({"entity_id": eid, "label": info["label"], "name": forms[0][0],
                                   "aliases": sorted(f for f, _ in forms[1:]), "kb_id": info["kb_id"],
                                   "latitude": None, "longitude": None,
                                   "n_articles": len(info["articles"]), "n_mentions": info["n"]})
    tables.setdefault("merges", [])
    return dict(tables)
