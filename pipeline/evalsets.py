"""Evaluation sets of real published articles whose text stays out of the repository.

A set lives in `data/eval/<set>/` as two committed files:

- `docs.jsonl`: one line per text: its identity (URL, site, the `search` query and rank that found it,
  the sha256 of the excerpt as the search tool returned it and of the document text cut from it), the
  lines kept (`keep_lines`), the record's date, the countries it is about and its kind.
- `gold.jsonl`: our annotations per `data/gold/GUIDELINES.md`: entity names, figure and date values
  located by character offsets into the document text, roles, and quotes by offsets and speaker.

The texts themselves are other people's words: they live in the git-ignored cache
`data/external/<set>/<doc_id>.txt` (the search tool's excerpt, verbatim) and are rebuilt as
`data/eval/README.md` says. `check` tells which are present and intact and verifies every gold string
and offset against them; `build` turns the present ones into a dump plus gold in the format of
`data/gold/` (quote openings and figure texts read back from the offsets); `score` runs the pipeline on
every set whose texts are present and prints one table.

From an excerpt to a document text (`doc_text`), all of it mechanical:
1. normalize: BOM dropped, CR LF and CR become LF, every Unicode space separator becomes a plain space,
   each line is stripped;
2. keep lines `keep_lines = [first, last]` (1-based, inclusive, as `cat -n` numbers the cached file);
3. when `last` is the excerpt's last line (the excerpt is the page's first ~2,000 bytes, cut mid-word),
   that line is cut after its last sentence end, or dropped when it has none;
4. leading and trailing blank lines go.
The document's first line is the record's title, the rest its body.

Working annotations (with the text snippets that locate figures, dates and quotes) are kept in the
git-ignored `data/external/work/<set>/<doc_id>.json`; `freeze` turns them into the committed files.
"""
from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import hashlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from pipeline import config

ENTITY_LABELS = ("UN_AGENCY", "ORG", "PERSON", "GPE", "LOC")  # checked against pipeline.records in tests
QUALIFIERS = (None, "approximately", "more_than", "less_than", "up_to", "at_least")
BLIND_SETS = ("blind",)  # scored only, never read for errors; they share no website with another set
KINDS = ("press release", "news", "feature", "briefing", "statement", "report", "interview", "blog")
QUOTE_OPENERS = "\"“”„«‘'‹"
# A sentence end: . ! ? or … with any closing quotes or brackets, before white space; not the period of
# a title abbreviation ("Mr. Guterres").
SENTENCE_END_RE = re.compile(r"(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMrs)(?<!\bProf)"
                             r"[.!?…][\"”’'»)\]]*(?=\s|$)")


class EvalSetError(Exception):
    """A set's files disagree with each other, with the cache or with the guidelines."""


# --------------------------------------------------------------------------------------------
# Identity of a text


def url_key(url: str) -> str:
    """The URL form `heldout_urls.sha256` hashes: lower case, no scheme, no leading www., no trailing /."""
    s = url.strip().lower()
    s = re.sub(r"^[a-z][a-z0-9+.-]*://", "", s)
    s = re.sub(r"^www\.", "", s)
    return s.rstrip("/")


def doc_id_for(url: str) -> str:
    return hashlib.sha256(url_key(url).encode("utf-8")).hexdigest()[:12]


def site_of(url: str) -> str:
    host = (urlparse(url.strip()).hostname or "").lower().rstrip(".")   # "example.com." is example.com
    return host[4:] if host.startswith("www.") else host


# Domains whose subdomains are separate publishers: un.org's main site (www.un.org), UN News (news.un.org),
# the press releases (press.un.org) and each UN country team's site ("malawi.un.org").
MULTI_PUBLISHER_DOMAINS = frozenset({"un.org"})


def same_website(a: str, b: str) -> bool:
    """Two sites (`site_of`) are one website when they are the same host or one is a subdomain of the other
    ("who.africa-newsroom.com" is africa-newsroom.com; "ca.sports.yahoo.com" is yahoo.com), unless the
    parent is in MULTI_PUBLISHER_DOMAINS. Sibling subdomains are separate websites."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return long_.endswith("." + short) and short not in MULTI_PUBLISHER_DOMAINS


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def span_hash(text: str, start: int, end: int) -> str:
    """Short fingerprint of an annotated span: lets the checker verify an offset without our committing
    the words it covers."""
    return sha256_text(" ".join(text[start:end].split()))[:10]


def load_heldout_hashes(path: Path | None = None) -> frozenset[str]:
    """Hashes of URLs kept for outside checks; a missing file is an error, never an empty list."""
    path = Path(path or config.HELDOUT_URLS_FILE)
    if not path.exists():
        raise EvalSetError(f"{path} is missing: it lists the URLs no set may use (set HELDOUT_URLS_FILE)")
    return frozenset(l.strip() for l in path.read_text(encoding="utf-8").splitlines()
                     if l.strip() and not l.startswith("#"))


def is_heldout(url: str, hashes: frozenset[str]) -> bool:
    return hashlib.sha256(url_key(url).encode("utf-8")).hexdigest() in hashes


# --------------------------------------------------------------------------------------------
# From excerpt to document text


def normalize_excerpt(raw: str) -> list[str]:
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(" " if unicodedata.category(c) == "Zs" else c for c in text)
    return [line.strip() for line in text.split("\n")]


def excerpt_sha256(raw: str) -> str:
    """Identity of a cached excerpt: the sha256 of its normalized lines, so that a rebuild that differs
    only in invisible ways (a no-break space read as a space, trailing blanks) still matches."""
    return sha256_text("\n".join(normalize_excerpt(raw)))


def doc_text(raw: str, keep_lines: list[int]) -> str:
    lines = normalize_excerpt(raw)
    first, last = keep_lines
    if not 1 <= first <= last <= len(lines):
        raise EvalSetError(f"keep_lines {keep_lines} outside the excerpt's {len(lines)} lines")
    kept = lines[first - 1:last]
    if last == len(lines):
        tail = kept[-1]
        ends = list(SENTENCE_END_RE.finditer(tail))
        if not ends or ends[-1].end() != len(tail):
            kept[-1] = tail[:ends[-1].end()] if ends else ""
    while kept and not kept[0]:
        kept.pop(0)
    while kept and not kept[-1]:
        kept.pop()
    if len([l for l in kept if l]) < 2:
        raise EvalSetError("a document needs a title line and at least one body line")
    return "\n".join(kept)


def title_and_body(text: str) -> tuple[str, str]:
    title, _, body = text.partition("\n")
    return title, body.strip("\n")


# --------------------------------------------------------------------------------------------
# Locating strings


def _pattern(s: str) -> re.Pattern:
    parts = [re.escape(p) for p in s.split()]
    if not parts:
        raise EvalSetError("empty string")
    lead = r"(?<!\w)" if s.strip()[0].isalnum() else ""
    trail = r"(?!\w)" if s.strip()[-1].isalnum() else ""
    return re.compile(lead + r"\s+".join(parts) + trail)


def locate(text: str, s: str, occurrence: int = 1) -> tuple[int, int] | None:
    """Character span of the n-th occurrence of `s` in `text`, white space folded, at word edges."""
    for i, m in enumerate(_pattern(s).finditer(text), 1):
        if i == occurrence:
            return m.start(), m.end()
    return None


def occurs(text: str, s: str, ignore_case: bool = False) -> bool:
    p = _pattern(s)
    return bool((re.compile(p.pattern, re.I) if ignore_case else p).search(text))


def quote_opens_at(text: str, start: int) -> bool:
    """A quote's words start right after an opening quotation mark (spaces allowed between)."""
    i = start - 1
    while i >= 0 and text[i] == " ":
        i -= 1
    return (i >= 0 and text[i] in QUOTE_OPENERS) or (start < len(text) and text[start] in QUOTE_OPENERS)


# --------------------------------------------------------------------------------------------
# Files


TRAIN_PREFIX = "train_"   # sets named train_* live in data/train/: entity annotations for training only


def set_dir(name: str) -> Path:
    return (config.TRAIN_DIR if name.startswith(TRAIN_PREFIX) else config.EVAL_DIR) / name


def may_share_sites(a: str, b: str) -> bool:
    """A blind set shares no website with any other set; development and training sets may."""
    return a == b or (a not in BLIND_SETS and b not in BLIND_SETS)


def excerpt_path(set_name: str, doc_id: str) -> Path:
    return config.EXTERNAL_DIR / set_name / f"{doc_id}.txt"


def work_dir(set_name: str) -> Path:
    return config.EXTERNAL_DIR / "work" / set_name


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows),
                   encoding="utf-8")
    tmp.replace(path)


def set_names(include_training: bool = False) -> list[str]:
    """Evaluation sets (data/eval/*), and with include_training the training sets (data/train/*)."""
    roots = [config.EVAL_DIR] + ([config.TRAIN_DIR] if include_training else [])
    return sorted(p.name for root in roots if root.exists() for p in root.iterdir() if (p / "docs.jsonl").exists())


# --------------------------------------------------------------------------------------------
# Site claims: a site belongs to one set only


def claims_path() -> Path:
    return config.EXTERNAL_DIR / "work" / "claims.tsv"


def claim(set_name: str, url: str, heldout: frozenset[str] | None = None, new_site: bool = False) -> str:
    """Register a URL for a set; refuses held-out URLs and websites (`same_website`) that a set it may not
    share websites with already uses. With `new_site`, refuses a website any other set uses: a new
    development set then reads like unseen text, as the blind set does."""
    heldout = load_heldout_hashes() if heldout is None else heldout
    if is_heldout(url, heldout):
        raise EvalSetError(f"{url} is kept for outside checks (heldout_urls.sha256): skip it")
    site, doc_id = site_of(url), doc_id_for(url)
    path = claims_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        rows = [l.rstrip("\n").split("\t") for l in fh if l.strip()]
        committed = [(n, d["site"], d["doc_id"]) for n in set_names(include_training=True)
                     for d in read_jsonl(set_dir(n) / "docs.jsonl")]
        for other_set, other_site, other_id, *_ in rows + [list(c) for c in committed]:
            may_share = other_set == set_name if new_site else may_share_sites(other_set, set_name)
            if same_website(other_site, site) and not may_share:
                raise EvalSetError(f"site {site} belongs to set {other_set} (as {other_site}): choose another site")
            if other_id == doc_id and other_set != set_name:
                raise EvalSetError(f"{url} is already in set {other_set}")
        if not any(r[2] == doc_id for r in rows):
            fh.write(f"{set_name}\t{site}\t{doc_id}\t{url.strip()}\n")
    return doc_id


# --------------------------------------------------------------------------------------------
# Working annotation -> committed record


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{where}: {what}")


def _entity_index(entities: list[dict]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for e in entities:
        index.setdefault(e["canonical"], set()).add(e["label"])
    return index


def _check_date(value) -> bool:
    try:
        dt.date.fromisoformat(value)
        return True
    except (TypeError, ValueError):
        return False


def freeze_doc(work: dict, set_name: str, problems: Problems) -> tuple[dict, dict] | None:
    """Validate one working annotation against its cached text; return (doc row, gold row)."""
    where = f"{set_name}/{work.get('doc_id', '?')}"
    for key in ("doc_id", "url", "query", "rank", "keep_lines", "date", "countries", "kind", "entities",
                "figures", "dates", "roles", "quotes"):
        if key not in work:
            problems.add(where, f"missing field {key!r}")
            return None
    if work["doc_id"] != doc_id_for(work["url"]):
        problems.add(where, f"doc_id should be {doc_id_for(work['url'])} for its URL")
        return None
    path = excerpt_path(set_name, work["doc_id"])
    if not path.exists():
        problems.add(where, f"excerpt {path} is missing")
        return None
    raw = path.read_text(encoding="utf-8")
    try:
        text = doc_text(raw, work["keep_lines"])
    except EvalSetError as exc:
        problems.add(where, str(exc))
        return None
    if work["date"] is not None and not _check_date(work["date"]):
        problems.add(where, f"date {work['date']!r} is not YYYY-MM-DD or null")
    if work["kind"] not in KINDS:
        problems.add(where, f"kind {work['kind']!r} is not one of {KINDS}")

    seen = set()
    for e in work["entities"]:
        if e.get("label") not in ENTITY_LABELS:
            problems.add(where, f"entity {e.get('canonical')!r}: label {e.get('label')!r}")
        if (e.get("canonical"), e.get("label")) in seen:
            problems.add(where, f"entity {e.get('canonical')!r} {e.get('label')} listed twice")
        seen.add((e.get("canonical"), e.get("label")))
        if not e.get("canonical") or not e.get("mentions"):
            problems.add(where, f"entity {e!r} needs a canonical name and mentions")
            continue
        for m in e["mentions"]:
            if not occurs(text, m):
                problems.add(where, f"mention {m!r} ({e['label']}) is not in the text")
    index = _entity_index(work["entities"])

    def span_of(item: dict, kind: str, key: str = "text") -> tuple[int, int] | None:
        span = locate(text, str(item.get(key, "")), item.get("occurrence", 1)) if item.get(key) else None
        if span is None:
            problems.add(where, f"{kind} {key} {item.get(key)!r} is not in the text")
        return span

    figures = []
    for f in work["figures"]:
        span = span_of(f, "figure")
        if span is None:
            continue
        if not isinstance(f.get("value"), (int, float)) or (
                f.get("value_max") is not None and not isinstance(f["value_max"], (int, float))):
            problems.add(where, f"figure {f['text']!r}: value and value_max must be numbers")
            continue
        if f.get("qualifier") not in QUALIFIERS:
            problems.add(where, f"figure {f['text']!r}: qualifier {f.get('qualifier')!r}")
        if not f.get("unit"):
            problems.add(where, f"figure {f['text']!r}: unit missing")
        figures.append({"start_char": span[0], "end_char": span[1], "span_sha": span_hash(text, *span), "value": f["value"],
                        "value_max": f.get("value_max"), "unit": f.get("unit"), "qualifier": f.get("qualifier")})

    dates = []
    for d in work["dates"]:
        span = span_of(d, "date")
        if span is None:
            continue
        if not (_check_date(d.get("start")) and _check_date(d.get("end")) and d["start"] <= d["end"]):
            problems.add(where, f"date {d['text']!r}: start/end {d.get('start')!r}/{d.get('end')!r}")
            continue
        dates.append({"start_char": span[0], "end_char": span[1], "span_sha": span_hash(text, *span),
                      "start": d["start"], "end": d["end"]})

    roles = []
    for r in work["roles"]:
        if "PERSON" not in index.get(r.get("person"), set()):
            problems.add(where, f"role person {r.get('person')!r} is not a PERSON canonical name")
        if not r.get("title") or not occurs(text, r["title"], ignore_case=True):
            problems.add(where, f"role title {r.get('title')!r} is not in the text")
        if r.get("org") is not None and not index.get(r["org"], set()) & {"UN_AGENCY", "ORG"}:
            problems.add(where, f"role org {r['org']!r} is not a UN_AGENCY or ORG canonical name")
        if r.get("place") is not None and not index.get(r["place"], set()) & {"GPE", "LOC"}:
            problems.add(where, f"role place {r['place']!r} is not a GPE or LOC canonical name")
        roles.append({k: r.get(k) for k in ("person", "title", "org", "place")})

    quotes = []
    for q in work["quotes"]:
        opening = str(q.get("opening", ""))
        if len(opening.split()) > 8:
            problems.add(where, f"quote opening {opening!r}: at most eight words")
        span = span_of(q, "quote", "opening")
        if span is None:
            continue
        if not quote_opens_at(text, span[0]):
            problems.add(where, f"quote opening {opening!r} does not follow a quotation mark")
        if q.get("speaker") is not None and q["speaker"] not in index:
            problems.add(where, f"quote speaker {q['speaker']!r} is not a canonical entity name")
        quotes.append({"start_char": span[0], "end_char": span[1], "span_sha": span_hash(text, *span),
                       "speaker": q.get("speaker")})

    from_pipeline_id = _article_id(work["url"])
    doc = {"doc_id": work["doc_id"], "article_id": from_pipeline_id, "url": work["url"].strip(),
           "site": site_of(work["url"]), "query": work["query"], "rank": work["rank"],
           "excerpt_sha256": excerpt_sha256(raw), "keep_lines": work["keep_lines"], "sha256": sha256_text(text),
           "n_chars": len(text), "date": work["date"], "countries": sorted(work["countries"]),
           "kind": work["kind"]}
    gold = {"doc_id": work["doc_id"], "article_id": from_pipeline_id,
            "entities": [{"label": e["label"], "canonical": e["canonical"], "mentions": list(e["mentions"])}
                         for e in work["entities"]],
            "figures": sorted(figures, key=lambda f: (f["start_char"], f["end_char"])),
            "dates": sorted(dates, key=lambda d: (d["start_char"], d["end_char"])),
            "roles": roles, "quotes": sorted(quotes, key=lambda q: q["start_char"])}
    return doc, gold


def _article_id(url: str) -> str:
    # The pipeline's own rule, so gold and tables agree; parse imports only light modules.
    from pipeline.parse import article_id_for

    return article_id_for(url)


def validate_work(set_name: str, doc_ids: list[str] | None = None) -> tuple[list[dict], list[dict], Problems]:
    problems = Problems()
    heldout = load_heldout_hashes()
    docs, golds = [], []
    paths = sorted(work_dir(set_name).glob("*.json"))
    if doc_ids:
        paths = [p for p in paths if p.stem in doc_ids]
        missing = set(doc_ids) - {p.stem for p in paths}
        for d in sorted(missing):
            problems.add(f"{set_name}/{d}", f"no working file {work_dir(set_name) / (d + '.json')}")
    for p in paths:
        try:
            work = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            problems.add(str(p), f"not valid JSON: {exc}")
            continue
        if is_heldout(work.get("url", ""), heldout):
            problems.add(str(p), "URL is kept for outside checks: remove this document")
            continue
        out = freeze_doc(work, set_name, problems)
        if out:
            docs.append(out[0])
            golds.append(out[1])
    return docs, golds, problems


def freeze(set_name: str) -> Problems:
    docs, golds, problems = validate_work(set_name)
    if not problems.items:
        write_jsonl(set_dir(set_name) / "docs.jsonl", sorted(docs, key=lambda d: d["doc_id"]))
        write_jsonl(set_dir(set_name) / "gold.jsonl", sorted(golds, key=lambda g: g["doc_id"]))
    return problems


# --------------------------------------------------------------------------------------------
# Checking committed sets against the cache


@dataclass
class SetStatus:
    name: str
    n_docs: int = 0
    present: list[str] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    sites: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)


def reviewed_entities(name: str) -> dict[str, list[dict]]:
    """A training set's second-pass entities, kept apart from its gold (`entities_reviewed.jsonl`: doc_id -> entities;
    read by scripts/train_ner.py --entity-review), or {}."""
    return {r["doc_id"]: r["entities"] for r in read_jsonl(set_dir(name) / "entities_reviewed.jsonl")}


def check_mentions(entities: list[dict], text: str, where: str, problems: Problems) -> None:
    for e in entities:
        for m in e["mentions"]:
            if not occurs(text, m):
                problems.add(where, f"mention {m!r} is not in the text")


def check_gold_against_text(g: dict, text: str, where: str, problems: Problems) -> None:
    index = _entity_index(g["entities"])
    check_mentions(g["entities"], text, where, problems)
    for kind in ("figures", "dates", "quotes"):
        for x in g[kind]:
            if not (0 <= x["start_char"] < x["end_char"] <= len(text)) or \
                    span_hash(text, x["start_char"], x["end_char"]) != x["span_sha"]:
                problems.add(where, f"{kind[:-1]} offsets {x['start_char']}-{x['end_char']} do not hold the annotated words")
    for q in g["quotes"]:
        if not quote_opens_at(text, q["start_char"]):
            problems.add(where, f"quote at {q['start_char']} does not follow a quotation mark")
        if q["speaker"] is not None and q["speaker"] not in index:
            problems.add(where, f"quote speaker {q['speaker']!r} is not an entity")
    for r in g["roles"]:
        if not occurs(text, r["title"], ignore_case=True):
            problems.add(where, f"role title {r['title']!r} is not in the text")


def check_set(name: str, heldout: frozenset[str]) -> SetStatus:
    status = SetStatus(name)
    docs = read_jsonl(set_dir(name) / "docs.jsonl")
    golds = {g["doc_id"]: g for g in read_jsonl(set_dir(name) / "gold.jsonl")}
    reviewed = reviewed_entities(name)
    status.n_docs = len(docs)
    if set(golds) != {d["doc_id"] for d in docs}:
        status.problems.add(name, "docs.jsonl and gold.jsonl list different documents")
    if set(reviewed) - set(golds):
        status.problems.add(name, "entities_reviewed.jsonl lists documents the set does not have")
    for d in docs:
        where = f"{name}/{d['doc_id']}"
        status.sites.add(d["site"])
        status.countries.update(d["countries"])
        if is_heldout(d["url"], heldout):
            status.problems.add(where, f"{d['url']} is kept for outside checks")
        if d["doc_id"] != doc_id_for(d["url"]) or d["site"] != site_of(d["url"]):
            status.problems.add(where, "doc_id or site does not follow from the URL")
        path = excerpt_path(name, d["doc_id"])
        if not path.exists():
            status.missing.append(d)
            continue
        raw = path.read_text(encoding="utf-8")
        if excerpt_sha256(raw) != d["excerpt_sha256"]:
            status.problems.add(where, f"{path} differs from the excerpt annotated (sha256): rebuild it")
            continue
        text = doc_text(raw, d["keep_lines"])
        if sha256_text(text) != d["sha256"] or len(text) != d["n_chars"]:
            status.problems.add(where, "the document text cut from the excerpt has another sha256")
            continue
        status.present.append(d["doc_id"])
        if d["doc_id"] in golds:
            check_gold_against_text(golds[d["doc_id"]], text, where, status.problems)
        if d["doc_id"] in reviewed:
            check_mentions(reviewed[d["doc_id"]], text, f"{where} (entities_reviewed.jsonl)", status.problems)
    return status


def check_all(names: list[str] | None = None, heldout: frozenset[str] | None = None) -> list[SetStatus]:
    heldout = load_heldout_hashes() if heldout is None else heldout
    statuses = [check_set(n, heldout) for n in (names or set_names(include_training=True))]
    for a in statuses:
        for b in statuses:
            if a.name >= b.name or may_share_sites(a.name, b.name):
                continue
            shared = {x for x in a.sites if any(same_website(x, y) for y in b.sites)}
            if shared:
                a.problems.add(a.name, f"websites shared with {b.name}: {sorted(shared)}")
    return statuses


def shown(path: Path) -> str:
    return str(path.relative_to(config.ROOT)) if path.is_relative_to(config.ROOT) else str(path)


def how_to_rebuild(d: dict, set_name: str) -> str:
    return (f"  {d['doc_id']}  search(corpus='pages', query={d['query']!r}) -> rank {d['rank']} "
            f"({d['url']}) -> excerpt into {shown(excerpt_path(set_name, d['doc_id']))}")


def format_status(statuses: list[SetStatus], verbose_missing: bool = True) -> str:
    lines = []
    for s in statuses:
        lines.append(f"{s.name}: {s.n_docs} texts from {len(s.sites)} sites and {len(s.countries)} countries; "
                     f"{len(s.present)} present and intact, {len(s.missing)} missing, "
                     f"{len(s.problems.items)} problems")
        lines += [f"  problem: {p}" for p in s.problems.items]
        if s.missing and verbose_missing:
            lines.append("  missing texts (rebuild as data/eval/README.md says):")
            lines += [how_to_rebuild(d, s.name) for d in s.missing]
    return "\n".join(lines)


def rebuild_plan(statuses: list[SetStatus], parts: int) -> dict[str, list[dict]]:
    """The missing texts of `statuses` as work for `parts` people rebuilding the cache at once, one look-up of the
    `search` tool per distinct query: documents that share a query stay in one part (one call serves them), parts
    are balanced by look-ups, and the blind sets' texts form a part of their own ("blind"), for someone who copies
    them without reading them for anything else. Returns part name -> rows (set, doc_id, query, rank, url,
    excerpt_sha256)."""
    groups: dict[tuple[bool, str], list[dict]] = {}
    for st in statuses:
        for d in st.missing:
            row = {"set": st.name, **{k: d[k] for k in ("doc_id", "query", "rank", "url", "excerpt_sha256")}}
            groups.setdefault((st.name in BLIND_SETS, d["query"]), []).append(row)
    plan: dict[str, list[dict]] = {}
    open_parts = [f"part{k + 1:02d}" for k in range(parts)]
    lookups = dict.fromkeys(open_parts, 0)
    for (blind, _), rows in groups.items():
        name = "blind" if blind else min(open_parts, key=lambda n: (lookups[n], n))
        lookups[name] = lookups.get(name, 0) + 1
        plan.setdefault(name, []).extend(rows)
    return plan


def write_rebuild_plan(plan: dict[str, list[dict]], out_dir: Path) -> str:
    """One JSON-lines file per part in out_dir; returns the summary to print."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = []
    for name, rows in sorted(plan.items()):
        write_jsonl(out_dir / f"{name}.jsonl", rows)
        lines.append(f"  {shown(out_dir / f'{name}.jsonl')}: {len(rows)} texts, "
                     f"{len({r['query'] for r in rows})} look-ups")
    n_texts = sum(len(rows) for rows in plan.values())
    n_lookups = sum(len({r["query"] for r in rows}) for rows in plan.values())
    return "\n".join([f"{n_texts} missing texts, {n_lookups} look-ups of the search tool (one per distinct query):"]
                     + lines)


# --------------------------------------------------------------------------------------------
# Building a dump and gold in the format of data/gold/ from the present texts


def cached_docs(name: str) -> list[tuple[dict, dict, str]]:
    """(doc row, gold row, document text) for every present and intact text of a set."""
    golds = {g["doc_id"]: g for g in read_jsonl(set_dir(name) / "gold.jsonl")}
    out = []
    for d in read_jsonl(set_dir(name) / "docs.jsonl"):
        path = excerpt_path(name, d["doc_id"])
        if not path.exists():
            continue
        raw = path.read_text(encoding="utf-8")
        if excerpt_sha256(raw) != d["excerpt_sha256"]:
            continue
        out.append((d, golds[d["doc_id"]], doc_text(raw, d["keep_lines"])))
    return out


def article_text(doc_text_: str) -> tuple[str, int]:
    """The pipeline's `text` for a document (title, blank line, body) and how far the body moved."""
    title, body = title_and_body(doc_text_)
    body_start = doc_text_.index(body, len(title)) if body else len(doc_text_)
    return f"{title}\n\n{body}", len(title) + 2 - body_start


def guideline_gold(g: dict, text: str) -> dict:
    """A gold row as data/gold/ writes them: figure and date texts, quote openings read from offsets."""
    return {"article_id": g["article_id"], "doc_id": g["doc_id"], "entities": g["entities"],
            "figures": [{"text": text[f["start_char"]:f["end_char"]], **{k: f[k] for k in
                         ("value", "value_max", "unit", "qualifier")}} for f in g["figures"]],
            "dates": [{"text": text[d["start_char"]:d["end_char"]], "start": d["start"], "end": d["end"]}
                      for d in g["dates"]],
            "roles": g["roles"],
            "quotes": [{"opening": text[q["start_char"]:q["end_char"]], "speaker": q["speaker"]}
                       for q in g["quotes"]]}


def dump_record(d: dict, text: str) -> str:
    title, body = title_and_body(text)
    date = d["date"] or ""
    return f"Date: {date}\nTitle: {title}\nContent: {body}\nURL: {d['url']}\n"


def build(name: str, out_dir: Path) -> tuple[Path, Path, int]:
    """Write `raw/<name>.txt` (a dump) and `gold.jsonl` for the present texts of a set into out_dir."""
    rows = cached_docs(name)
    raw_dir = out_dir / "raw"
    raw_dir.mkdir(parents=True, exist_ok=True)
    dump = raw_dir / f"{name}.txt"
    dump.write_text("\n".join(dump_record(d, t) for d, _, t in rows), encoding="utf-8")
    gold = out_dir / "gold.jsonl"
    write_jsonl(gold, [guideline_gold(g, t) for _, g, t in rows])
    return dump, gold, len(rows)


# --------------------------------------------------------------------------------------------
# Scoring: every set whose texts are present, in one table

FIRST_RUN_FILE = "first_run.json"
DEV_GOLD = "dev gold"


def _strip_errors(report: dict) -> dict:
    return {k: (_strip_errors(v) if isinstance(v, dict) else v) for k, v in report.items() if k != "errors"}


def score_set(name: str, work_root: Path, out_root: Path) -> dict | None:
    """Run the pipeline on a set's present texts and score it; None when no text is present."""
    from pipeline import stages
    from pipeline.evaluate import evaluate

    dump, gold, n = build(name, work_root / name)
    if n == 0:
        return None
    out_dir = out_root / name
    stages.run_all(dump.parent, out_dir)
    report = evaluate(out_dir, gold)
    report["n_docs_present"] = n
    report["n_docs"] = len(read_jsonl(set_dir(name) / "docs.jsonl"))
    return report


def score_dev_gold(out_root: Path) -> dict:
    from pipeline import stages
    from pipeline.evaluate import evaluate

    out_dir = out_root / "dev_gold"
    stages.run_all(config.RAW_DIR, out_dir)
    report = evaluate(out_dir, config.GOLD_DIR / "dev.jsonl")
    report["n_docs_present"] = report["n_docs"] = report["n_articles"]
    return report


def site_breakdown(name: str, out_root: Path, work_root: Path) -> list[dict]:
    """Entity micro-F1 and figure F1 per website of a set (development sets only)."""
    from pipeline.evaluate import _read, load_gold, score_entities, score_figures

    gold = load_gold(work_root / name / "gold.jsonl")
    site_of_article = {d["article_id"]: d["site"] for d in read_jsonl(set_dir(name) / "docs.jsonl")}
    mentions, figures = _read(out_root / name, "mentions"), _read(out_root / name, "figures")
    rows = []
    for site in sorted({site_of_article[a] for a in gold}):
        sub = {a: g for a, g in gold.items() if site_of_article[a] == site}
        ent = score_entities(sub, mentions)["micro"]
        fig = score_figures(sub, figures)
        rows.append({"site": site, "docs": len(sub), "entities_f1": ent["f1"], "tp": ent["tp"], "fp": ent["fp"],
                     "fn": ent["fn"], "figures_f1": fig["f1"]})
    return rows


def table_row(label: str, r: dict) -> list[str]:
    ent = r["entities"]
    lk = r["linking"]
    docs = f"{r['n_docs_present']}" + (f"/{r['n_docs']}" if r["n_docs"] != r["n_docs_present"] else "")
    return [label, docs, f"{ent['micro']['f1']:.3f}"] + [f"{ent['per_label'][l]['f1']:.2f}" for l in ENTITY_LABELS] + [
        f"{r['figures']['f1']:.3f}", f"{r['figures']['unit_agreement']:.3f}", f"{r['dates']['f1']:.3f}",
        f"{r['roles']['f1']:.3f}", _role_ties(r["roles"]), f"{r['quotes']['f1']:.3f}",
        f"{r['quotes']['speaker_agreement']:.3f}",
        f"{lk['within_article']:.3f} / {lk['across_articles']:.3f} / {lk['shared_ids']}"]


def _role_ties(roles: dict) -> str:
    """Org / place agreement on the matched roles; a first run recorded before they were scored has none."""
    if "org_agreement" not in roles:
        return "-"
    return f"{roles['org_agreement']:.2f} / {roles['place_agreement']:.2f}"


TABLE_HEADER = ["set", "docs", "entities", *ENTITY_LABELS, "figures", "units", "dates", "roles", "role org / place",
                "quotes", "speakers", "linking (in / across / shared)"]


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def score_all(names: list[str] | None = None, out_root: Path | None = None, work_root: Path | None = None,
              with_dev_gold: bool = True) -> dict:
    out_root = out_root or config.PROCESSED_DIR / "eval_sets"
    work_root = work_root or config.INTERIM_DIR / "eval_sets"
    statuses = check_all(names or set_names())
    reports, rows, notes = {}, [], []
    if with_dev_gold:
        reports[DEV_GOLD] = score_dev_gold(out_root)
        rows.append(table_row(DEV_GOLD, reports[DEV_GOLD]))
    for st in statuses:
        if st.problems.items:
            raise EvalSetError(f"set {st.name} fails its check; run `make eval-texts`:\n" + format_status([st]))
        first = set_dir(st.name) / FIRST_RUN_FILE
        if first.exists():
            f = json.loads(first.read_text(encoding="utf-8"))
            rows.append(table_row(f"{st.name}, first run ({f['commit'][:7]})", f["report"]))
        report = score_set(st.name, work_root, out_root)
        if st.missing:
            notes.append(f"{st.name}: {len(st.missing)} of {st.n_docs} texts missing (`make eval-texts` lists them "
                         f"and says how to rebuild them); scored on the {len(st.present)} present")
        if report is None:
            continue
        if st.name in BLIND_SETS:
            report = _strip_errors(report)
        else:
            report["sites"] = site_breakdown(st.name, out_root, work_root)
        reports[st.name] = report
        rows.append(table_row(st.name, report))
    summary = {"table": markdown_table(TABLE_HEADER, rows), "notes": notes, "reports": reports}
    out_root.mkdir(parents=True, exist_ok=True)
    (out_root / "eval_sets.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n",
                                             encoding="utf-8")
    return summary


def format_sites(rows: list[dict]) -> str:
    return markdown_table(["site", "docs", "entities F1", "TP", "FP", "FN", "figures F1"],
                          [[r["site"], str(r["docs"]), f"{r['entities_f1']:.3f}", str(r["tp"]), str(r["fp"]),
                            str(r["fn"]), f"{r['figures_f1']:.3f}"] for r in rows])


# --------------------------------------------------------------------------------------------
# Errors in context (development sets only)


def _context(text: str, start: int, end: int, width: int = 60) -> str:
    left = text[max(0, start - width):start].replace("\n", " / ")
    right = text[end:end + width].replace("\n", " / ")
    return f"...{left}[[{text[start:end]}]]{right}..."


def tables_fingerprint(out_dir: Path) -> str | None:
    """The extraction fingerprint of the pipeline that wrote a folder's tables (its manifest), or None."""
    manifest = out_dir / "manifest.json"
    if not (out_dir / "mentions.parquet").exists() or not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8"))["extract"]["fingerprint"]


def list_errors(name: str, out_root: Path | None = None, work_root: Path | None = None,
                kinds: tuple[str, ...] = ("entities", "figures", "dates", "roles", "quotes")) -> str:
    """False positives and negatives of a development set, each shown in its sentence's context."""
    if name in BLIND_SETS:
        raise EvalSetError(f"{name} is a blind set: it is scored, never read for errors")
    from pipeline.evaluate import _read, evaluate
    from pipeline.extract import pipeline_fingerprint

    out_root = out_root or config.PROCESSED_DIR / "eval_sets"
    work_root = work_root or config.INTERIM_DIR / "eval_sets"
    made_by = tables_fingerprint(out_root / name)
    if made_by != pipeline_fingerprint():
        # errors read from tables an older pipeline made would be the old code's: score the set again first
        print(f"{name}: {'no tables' if made_by is None else f'tables of pipeline {made_by}'} in {out_root}; "
              f"scoring it with the current pipeline ({pipeline_fingerprint()})", file=sys.stderr)
        if score_set(name, work_root, out_root) is None:
            raise EvalSetError(f"no text of {name} is present: `make eval-texts` says how to rebuild them")
    report = evaluate(out_root / name, work_root / name / "gold.jsonl")
    articles = _read(out_root / name, "articles").set_index("article_id")
    mentions = _read(out_root / name, "mentions")
    docs = {d["article_id"]: d for d in read_jsonl(set_dir(name) / "docs.jsonl")}
    by_article: dict[str, list[str]] = {}
    for kind in kinds:
        for e in report[kind]["errors"]:
            aid = e["article_id"]
            text = articles.loc[aid, "text"] if aid in articles.index else ""
            detail = {k: v for k, v in e.items() if k not in ("article_id",)}
            line = f"  {kind:<9}{e['kind']:<8}{json.dumps(detail, ensure_ascii=False, default=str)}"
            if kind == "entities":
                span = None
                if e["kind"] == "fp":
                    sub = mentions[(mentions.article_id == aid) & (mentions.label == e["label"])]
                    from pipeline.evaluate import norm_text

                    hit = sub[[norm_text(t) == e["text"] for t in sub.text]]
                    span = (int(hit.iloc[0].start_char), int(hit.iloc[0].end_char)) if len(hit) else None
                else:
                    m = re.search(re.escape(e["text"]).replace(r"\ ", r"\s+"), text, re.I)
                    span = m.span() if m else None
                if span:
                    line += "\n      " + _context(text, *span)
            by_article.setdefault(aid, []).append(line)
    out = []
    for aid in sorted(by_article, key=lambda a: (docs.get(a, {}).get("site", ""), a)):
        d = docs.get(aid, {})
        out.append(f"== {d.get('doc_id', aid)} {d.get('site', '')} {d.get('url', '')}")
        out += by_article[aid]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.evalsets", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("claim", help="register a URL for a set (refuses held-out URLs and the other set's sites)")
    p.add_argument("set")
    p.add_argument("url")
    p.add_argument("--new-site", action="store_true", help="also refuse a website any other set uses")
    p = sub.add_parser("show", help="print a cached excerpt with line numbers, and the document text it gives")
    p.add_argument("set")
    p.add_argument("doc_id")
    p = sub.add_parser("validate", help="check working annotations against their texts; writes nothing")
    p.add_argument("set")
    p.add_argument("doc_ids", nargs="*")
    p = sub.add_parser("freeze", help="working annotations -> data/eval/<set>/docs.jsonl and gold.jsonl")
    p.add_argument("set")
    p = sub.add_parser("check", help="which texts are present and intact; every gold string and offset against them")
    p.add_argument("sets", nargs="*")
    p = sub.add_parser("plan", help="the missing texts split by query into parts, for several people rebuilding")
    p.add_argument("sets", nargs="*")
    p.add_argument("--parts", type=int, default=8)
    p.add_argument("--out", default=str(config.EXTERNAL_DIR / "rebuild_plan"))
    p = sub.add_parser("score", help="run the pipeline on every set whose texts are present; print one table")
    p.add_argument("sets", nargs="*")
    p.add_argument("--no-dev-gold", action="store_true", help="leave out the seed corpus's dev gold row")
    p = sub.add_parser("errors", help="false positives and negatives in context, for a development set")
    p.add_argument("set")
    p.add_argument("--kind", action="append", choices=("entities", "figures", "dates", "roles", "quotes"))
    args = parser.parse_args(argv)

    try:
        if args.command == "claim":
            doc_id = claim(args.set, args.url, new_site=args.new_site)
            print(f"{doc_id}\t{site_of(args.url)}\t-> write the excerpt to {shown(excerpt_path(args.set, doc_id))}")
            return 0
        if args.command == "show":
            path = excerpt_path(args.set, args.doc_id)
            lines = normalize_excerpt(path.read_text(encoding="utf-8"))
            for i, line in enumerate(lines, 1):
                print(f"{i:>4}  {line}")
            wpath = work_dir(args.set) / f"{args.doc_id}.json"
            if wpath.exists():
                keep = json.loads(wpath.read_text(encoding="utf-8"))["keep_lines"]
                print(f"\n--- document text (keep_lines {keep}) ---")
                print(doc_text(path.read_text(encoding="utf-8"), keep))
            return 0
        if args.command in ("validate", "freeze"):
            if args.command == "freeze":
                problems = freeze(args.set)
                n = len(read_jsonl(set_dir(args.set) / "docs.jsonl"))
            else:
                docs, _, problems = validate_work(args.set, args.doc_ids or None)
                n = len(docs)
            for item in problems.items:
                print(item)
            print(f"{args.command}: {n} documents, {len(problems.items)} problems"
                  + (" (nothing written)" if args.command == "freeze" and problems.items else ""))
            return 1 if problems.items else 0
        if args.command == "check":
            statuses = check_all(args.sets or None)
            print(format_status(statuses))
            return 0 if all(not s.missing and not s.problems.items for s in statuses) else 1
        if args.command == "plan":
            print(write_rebuild_plan(rebuild_plan(check_all(args.sets or None), args.parts), Path(args.out)))
            return 0
        if args.command == "score":
            summary = score_all(args.sets or None, with_dev_gold=not args.no_dev_gold)
            print(summary["table"])
            for note in summary["notes"]:
                print(f"note: {note}")
            for name, report in summary["reports"].items():
                if report.get("sites"):
                    print(f"\n{name} by website\n" + format_sites(report["sites"]))
            return 0
        if args.command == "errors":
            print(list_errors(args.set, kinds=tuple(args.kind) if args.kind else
                              ("entities", "figures", "dates", "roles", "quotes")))
            return 0
    except EvalSetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
