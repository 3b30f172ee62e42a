"""Link stage: the extractions of the whole corpus -> linked tables.

Two steps, both deterministic:

1. Within an article (`resolve_article`): the mentions of one written form are one node; nodes
   are joined when they share a knowledge-base record or agree after normalization
   ("Kazakhstan Government" / "Government of the Republic of Kazakhstan"), when one is a
   country-office form of the other ("UN Women Kazakhstan" / "UN Women"), an acronym of it, the
   same name cut before an "of ..." tail, a small spelling variant, or a person's surname, first
   name or initial + surname. Each resulting cluster is one thing in that article.

2. Across articles (`Linker.resolve`): a cluster goes to its KB record when it has one, otherwise
   to a key made of its group (PERSON, ORG, PLACE) and its normalized canonical name. Keys are
   joined when one article's cluster holds both (a KB record and a name, two spellings of a full
   name), when full names are small spelling variants (strict: one long token, same label), or
   when a stand-alone acronym is defined by exactly one long form elsewhere in the corpus. Names
   that cannot tell two things apart stay inside their article: a person known only by a surname
   (people are never merged across articles on a surname alone) and a country's public body
   named without its country ("Ministry of Agriculture").

Every decision is made on sets of keys, processed in sorted order, so the same corpus in any
article order gives the same ids. `entity_id` is `<label>:<kb_id>` for KB entities and
`<group>:<hash of the group and the alphabetically first full name key>` otherwise, so it
survives reruns and changes only when a new spelling variant joins an entity. Every non-trivial
name joined to an entity is listed in `merges` with the rule that explains it.

Analysts' corrections (`pipeline.corrections`) are applied here: the mention corrections edit each
article's mentions before both passes, so everything above works on the corrected mentions; the
entity corrections (merge, unmerge) move mentions between the resolved entities in pass 2. The
entities' counts, aliases and merges are taken from the rows pass 2 writes, so they agree with
`mentions` whatever the corrections moved.

Memory: `Linker` reads the extractions twice (the stages stream them from disk) and keeps its
per-name summaries, ids and counts in SQLite (a file beside the tables), never article text or rows
of earlier articles: its memory is the same at 1,000 articles and at 100,000.
"""
from __future__ import annotations

import datetime as dt
from array import array
import hashlib
import json
import marshal
import os
import sqlite3
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline.datafiles import read_json
from pipeline import config
from pipeline import resolve as R
from pipeline.corrections import Corrections
from pipeline.records import Extraction, Mention

# Back-compat helpers other modules and tests may import.
normalize_name = R.surface_key


def short_hash(*parts: str, n: int = 12) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:n]


def row_id(prefix: str, article_id: str, start: int, end: int, extra: str = "") -> str:
    return f"{prefix}-{article_id}-{start}-{end}" + (f"-{short_hash(extra, n=6)}" if extra else "")


# --------------------------------------------------------------------------------------------
# Knowledge base access


class KBAccess:
    """The knowledge base as the linker uses it: records by id and alias lookups, cached.

    `index` maps kb_id -> KBEntity(kb_id, label, name, aliases, latitude, longitude);
    `lookup(text, label)` returns such an entity or None.
    """

    CACHE_SIZE = config.NAME_CACHE_SIZE

    def __init__(self, index: dict | None = None, lookup: Callable | None = None):
        self.index = index or {}
        self._lookup = lookup
        self._cache: dict[tuple[str, str], object] = {}
        self._name_keys: dict[str, set[str]] = {}

    def entity(self, kb_id: str | None):
        return self.index.get(kb_id) if kb_id else None

    def lookup(self, text: str, label: str):
        if self._lookup is None:
            return None
        key = (text, label)
        if key not in self._cache:
            if len(self._cache) >= self.CACHE_SIZE:  # bounded: a large corpus has many one-off names
                self._cache.clear()
            hit = self._lookup(text, label)
            if isinstance(hit, str):
                hit = self.index.get(hit)
            self._cache[key] = hit
        return self._cache[key]

    def lookup_exact(self, text: str, label: str):
        """A lookup hit only when `text` is the record's name or one of its aliases.

        Alias tables may answer for a longer text ("FAO Forestry" -> FAO) and fold case; the
        linker wants neither: a short capitalised acronym ("IATI") is not the town "Iati".
        """
        hit = self.lookup(text, label)
        if hit is None:
            return None
        names = (hit.name, *hit.aliases)
        compact = R.display_form(text)
        if R.is_acronym(compact) and "-" not in compact and len(compact) <= 5:
            return hit if compact in names else None
        keys = self._name_keys.get(hit.kb_id)
        if keys is None:
            keys = self._name_keys[hit.kb_id] = {R.surface_key(n) for n in names}
        return hit if R.surface_key(text) in keys else None

    def is_place(self, text: str) -> bool:
        return self.place_name(text) is not None

    def place_name(self, text: str) -> str | None:
        """Canonical name of the place `text` names, or of the country a country adjective
        ("Kyrgyz", "Swedish") refers to; None for anything else."""
        hit = self.lookup_exact(text, "GPE") or self.lookup_exact(text, "LOC")
        if hit is not None:
            return hit.name
        return _country_adjectives().get(R.fold(text))

    def wrong_case_place(self, form: str, kb_id: str) -> bool:
        """A short capitalised acronym ("IATI") that a place record only has in another case ("Iati")."""
        ent = self.entity(kb_id)
        compact = R.display_form(form)
        return (ent is not None and ent.label in ("GPE", "LOC") and R.is_acronym(compact)
                and "-" not in compact and len(compact) <= 5 and compact not in (ent.name, *ent.aliases))


@lru_cache(maxsize=1)
def _country_adjectives() -> dict[str, str]:
    """Folded country adjective or alias -> country name, from models/rules/demonyms.json."""
    path = config.RULES_DIR / "demonyms.json"
    if not path.exists():
        return {}
    out: dict[str, str] = {}
    for c in json.loads(path.read_text(encoding="utf-8")).get("countries", []):
        for form in (*c.get("names", ()), *c.get("demonyms", ())):
            out.setdefault(R.fold(form), c["country"])
    return out


@lru_cache(maxsize=1)
def national_body_heads() -> frozenset[str]:
    path = config.RULES_DIR / "link.json"
    if not path.exists():
        return frozenset()
    return frozenset(R.fold(w) for w in json.loads(path.read_text(encoding="utf-8"))["national_body_heads"])


@lru_cache(maxsize=1)
def person_title_words() -> frozenset[str]:
    """Honorifics and titles that may still open a PERSON span, from models/rules/entities_people.json."""
    data = read_json(config.RULES_DIR / "entities_people.json")
    return frozenset(R.fold(w).rstrip(".") for key in ("honorifics", "titles") for w in data.get(key, ()))


def default_kb() -> KBAccess:
    """The project's knowledge base (`pipeline.kb`). A missing or broken KB file stops the run with an
    error naming it: ids silently made from names instead of KB ids would change every entity id."""
    from pipeline import kb as kbmod

    return KBAccess(kbmod.kb_index(), kbmod.lookup_alias)


# --------------------------------------------------------------------------------------------
# Within one article


@dataclass
class Node:
    """All mentions of one written form in one article."""

    skey: str
    kb_id: str | None
    idx: list[int] = field(default_factory=list)          # indexes into the article's mentions
    labels: list[str] = field(default_factory=list)
    forms: Counter = field(default_factory=Counter)        # display form -> count
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    sources: set = field(default_factory=set)
    label: str = ""
    group: str = ""
    key: str = ""
    role: str = "full"                                     # full, partial, acronym, office, chain

    form: str = ""                                         # the most frequent display form
    toks: list[str] = field(default_factory=list)          # tokens of `key`
    acronym: bool = False
    first: int = 0                                         # offset of the first mention

    @property
    def n(self) -> int:
        return len(self.idx)


@dataclass
class Cluster:
    """One thing in one article."""

    nodes: list[Node]
    kb_id: str | None
    label: str
    group: str
    canonical: Node
    scoped: bool                      # known by one name only: never linked outside its article

    @property
    def full_nodes(self) -> list[Node]:
        return [n for n in self.nodes if n.role == "full"]


class _UF:
    """Union-find that refuses to join two parts bound to different KB records."""

    def __init__(self, kbs: list[str | None]):
        self.parent = array("q", range(len(kbs)))   # 8 bytes a node: the corpus has a million
        self.kb = list(kbs)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def add(self, kb: str | None) -> int:
        self.parent.append(len(self.parent))
        self.kb.append(kb)
        return len(self.parent) - 1

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.kb[ra] and self.kb[rb] and self.kb[ra] != self.kb[rb]:
            return False
        ra, rb = min(ra, rb), max(ra, rb)
        self.parent[rb] = ra
        self.kb[ra] = self.kb[ra] or self.kb[rb]
        return True


def _build_nodes(mentions: list[Mention], kb: KBAccess) -> list[Node]:
    by_key: dict[tuple[str, str | None], Node] = {}
    for i, m in enumerate(mentions):
        skey = R.surface_key(m.text)
        if not skey:
            continue
        kb_id = None if m.kb_id and kb.wrong_case_place(m.text, m.kb_id) else m.kb_id
        node = by_key.setdefault((skey, kb_id), Node(skey, kb_id))
        node.idx.append(i)
        node.labels.append(m.label)
        node.forms[R.clean_name(m.text)] += 1
        node.starts.append(m.start_char)
        node.ends.append(m.end_char)
        node.sources.add(m.source)
    # A form written once with a KB id and once without is the same thing, unless the form
    # carries two KB records in this article (then the bare ones cannot say which).
    kbs_of: dict[str, list[Node]] = defaultdict(list)
    for (skey, kb_id), node in by_key.items():
        if kb_id:
            kbs_of[skey].append(node)
    nodes = []
    for (skey, kb_id), node in by_key.items():
        if kb_id is None and len(kbs_of.get(skey, ())) == 1:
            target = kbs_of[skey][0]
            target.idx += node.idx
            target.labels += node.labels
            target.forms.update(node.forms)
            target.starts += node.starts
            target.ends += node.ends
            target.sources |= node.sources
            continue
        nodes.append(node)
    for node in nodes:
        node.form = max(node.forms, key=lambda f: (node.forms[f], len(f), f))
        node.first = min(node.starts)
        node.acronym = R.is_acronym(node.form)
        node.label = R.vote_label(node.labels)
        if node.kb_id is None:
            hit = _kb_lookup(node, kb)
            if hit is not None:
                node.kb_id = hit.kb_id
        ent = kb.entity(node.kb_id)
        if ent is not None:
            node.label = ent.label
        node.group = R.group_of(node.label)
    nodes.sort(key=lambda n: (n.first, n.skey))
    return nodes


def _kb_lookup(node: Node, kb: KBAccess):
    """KB record for a form the rules left without one: under its label, then its group's other
    label (the model calls UN bodies ORG), then a place label for model-made ORGs."""
    order = [node.label]
    order += [l for l, g in R.GROUP_OF_LABEL.items() if g == R.group_of(node.label) and l != node.label]
    if node.label == "ORG" and node.sources <= {"model"}:
        order += ["GPE", "LOC"]
    for form in sorted(node.forms, key=lambda f: (-node.forms[f], f)):
        for label in order:
            hit = kb.lookup_exact(form, label)
            if hit is not None:
                return hit
    return None


class _Article:
    """One article's nodes while they are being joined, with its place knowledge."""

    def __init__(self, mentions: list[Mention], kb: KBAccess):
        self.kb = kb
        self.nodes = _build_nodes(mentions, kb)
        self.place_nodes = {n.skey: n for n in self.nodes if n.group == "PLACE"}
        # a plain dict, not lru_cache on a bound method: that would make each article a reference cycle,
        # kept with all its nodes until the garbage collector ran (1.7 million objects at 10,000 articles)
        self._place_names: dict[str, str | None] = {}
        self._office_kb()
        for n in self.nodes:
            if n.group == "ORG":
                n.key = R.org_key(n.form, self.place_name)
            elif n.group == "PLACE":
                n.key = R.org_key(n.form)
            elif n.group == "PERSON":
                n.key = R.person_key(n.form, person_title_words())
            n.key = n.key or n.skey
            n.toks = n.key.split()
        self.uf = _UF([n.kb_id for n in self.nodes])

    def place_name(self, text: str) -> str | None:
        if text not in self._place_names:
            self._place_names[text] = self._place_name(text)
        return self._place_names[text]

    def _place_name(self, text: str) -> str | None:
        """The place a part of an organization's name refers to: a country or country adjective,
        a place the article itself names, or a KB place of two words or more. One-word KB towns
        are left out here: "Central", "Mission" and "Union" are towns too."""
        country = _country_adjectives().get(R.fold(text))
        if country:
            return country
        key = R.surface_key(text)
        hit = self.kb.lookup_exact(text, "GPE") or self.kb.lookup_exact(text, "LOC")
        node = self.place_nodes.get(key)
        if node is not None:
            ent = self.kb.entity(node.kb_id)
            return hit.name if hit is not None else ent.name if ent is not None else node.form
        if hit is not None and len(key.split()) >= 2:
            return hit.name
        return None

    def is_place(self, text: str) -> bool:
        return self.place_name(text) is not None or self.kb.is_place(text)

    def _office_kb(self) -> None:
        """"WMO Mongolia": the office form of a body the KB knows is that body."""
        for n in self.nodes:
            if n.group == "ORG" and n.kb_id is None:
                base = R.office_base(n.form, self.is_place)
                hit = base and (self.kb.lookup_exact(base, "UN_AGENCY") or self.kb.lookup_exact(base, "ORG"))
                if hit:
                    n.kb_id, n.label, n.role = hit.kb_id, hit.label, "office"

    # -- joining rules, applied in this order by `resolve_article` -------------------------

    def join_same(self) -> None:
        """Same KB record; same key after normalization."""
        first_of: dict[tuple, int] = {}
        for i, n in enumerate(self.nodes):
            for k in ((("kb", n.kb_id),) if n.kb_id else ()) + ((n.group, n.key),):
                if k in first_of:
                    self.uf.union(first_of[k], i)
                else:
                    first_of[k] = i

    def join_offices(self) -> None:
        """Country-office forms: "UN Women Kazakhstan" is UN Women."""
        org_by_key: dict[str, list[int]] = defaultdict(list)
        for i, n in enumerate(self.nodes):
            if n.group == "ORG":
                org_by_key[n.key].append(i)
        for i, n in enumerate(self.nodes):
            base = R.office_base(n.form, self.is_place) if n.group == "ORG" else None
            if not base:
                continue
            targets = [j for j in org_by_key.get(R.org_key(base, self.place_name), ()) if j != i]
            if targets and all(self.uf.union(j, i) for j in targets):
                n.role = "office"

    def join_acronyms(self) -> None:
        """An acronym and its long form: by initials anywhere, or loosely (Schwartz-Hearst) when
        written right after it, "Long Form (LF)"."""
        nodes = self.nodes
        for i, n in enumerate(nodes):
            if n.role != "full" or not n.acronym:
                continue
            cands = []
            for j, m in enumerate(nodes):
                if j == i or m.group == "PERSON" or m.acronym or " " not in m.form:
                    continue
                adjacent = any(0 < s - e <= 3 for s in n.starts for e in m.ends)
                # across groups the acronym overrides the model's label, so it must be the long form's initials
                # ("DRC" read as an ORG is the Democratic Republic of the Congo; "VNA" is not "Viet Nam")
                fits = R.acronym_fits_loosely(n.form, m.form) if adjacent else R.acronym_fits(
                    n.form, m.form, prefixes=n.group == m.group)
                if fits:
                    cands.append((not adjacent, -m.n, m.first, j))
            for *_, j in sorted(cands):
                if self.uf.union(j, i):
                    n.role = "acronym"
                    break

    def join_chains(self) -> None:
        """An organization's name cut before its "of/for/on/in/to ..." tail ("OPEC Fund" / "OPEC Fund
        for International Development"; a national body's head word alone, "Government" / "Government of
        Moldova"), when only one longer name of the article fits."""
        nodes = self.nodes
        continued: dict[str, list[int]] = defaultdict(list)   # "committee x" -> "committee x of ..."
        for j, m in enumerate(nodes):
            if m.group == "ORG":
                for k in range(1 if m.toks[0] in national_body_heads() else 2, len(m.toks)):
                    if m.toks[k] in R.CHAIN_CONNECTORS:
                        continued[" ".join(m.toks[:k])].append(j)
        for i, n in enumerate(nodes):
            if n.group != "ORG" or n.role != "full" or n.key not in continued:
                continue
            roots = {self.uf.find(j) for j in continued[n.key] if nodes[j].role == "full"}
            if len(roots) == 1 and self.uf.union(roots.pop(), i):
                n.role = "chain"

    def join_variants(self) -> None:
        """Small spelling variants of one full name (same label), compared only within blocks of
        names that agree but for one token, so a long article costs no more than a short one."""
        nodes = self.nodes
        blocks: dict[tuple, list[int]] = defaultdict(list)
        by_toks: dict[tuple, int] = {}
        for i, n in enumerate(nodes):
            if n.role == "full" and len(n.toks) >= 2:
                by_toks.setdefault((n.label, tuple(n.toks)), i)
                for sig in R.deletion_signatures(n.toks):
                    blocks[(n.label, sig)].append(i)
        pairs = {(a, b) for members in blocks.values() for x, a in enumerate(members) for b in members[x + 1:]}
        for i, n in enumerate(nodes):
            short = R.without_initials(n.toks) if n.group == "PERSON" and n.role == "full" else None
            j = by_toks.get((n.label, short)) if short else None
            if j is not None:
                pairs.add((min(i, j), max(i, j)))
        for i, j in sorted(pairs):
            a, b = nodes[i], nodes[j]
            if a.group == "PERSON":
                score = R.person_variant_score(a.toks, b.toks)
            else:
                score = R.org_variant_score(a.key, b.key, self.is_place)
            if score is not None:
                self.uf.union(i, j)

    def join_partial_names(self) -> None:
        """A person's surname, first name or initial + surname resolves to the full name written
        in the article; when two people share it, each mention to the one written last before it."""
        nodes = self.nodes
        full_people = [j for j, m in enumerate(nodes) if m.group == "PERSON" and len(m.toks) >= 2]
        for i, n in enumerate(nodes):
            if n.role != "full":
                continue
            is_person = n.group == "PERSON"
            # A one-word ORG/place from the model that is the surname or first name of a person named here.
            model_word = (not is_person and not n.kb_id and len(n.toks) == 1 and n.sources <= {"model"}
                          and not n.acronym)
            if not (is_person or model_word):
                continue
            cands = [j for j in full_people if j != i and R.partial_name_kind(n.toks, nodes[j].toks)]
            roots = {self.uf.find(j) for j in cands}
            if not roots:
                continue
            if len(roots) == 1:
                if self.uf.union(roots.pop(), i):
                    n.role = "partial"
                continue
            # Two people share the name: each mention goes to the one written last before it.
            by_root: dict[int, list[int]] = defaultdict(list)
            for k, start in enumerate(n.starts):
                before = [(max(s for s in nodes[j].starts if s < start), j) for j in cands
                          if nodes[j].first < start]
                pick = max(before)[1] if before else min(cands, key=lambda j: nodes[j].first)
                by_root[self.uf.find(pick)].append(k)
            parts = sorted(by_root.items(), key=lambda kv: kv[1][0])
            for root, ks in parts[1:]:
                self.uf.union(root, self._split_off(i, ks))
            self.uf.union(parts[0][0], i)
            n.role = "partial"

    def _split_off(self, i: int, ks: list[int]) -> int:
        """Move mentions `ks` (positions within node i) to a new node; its index."""
        n = self.nodes[i]
        new = Node(n.skey, n.kb_id, idx=[n.idx[k] for k in ks], labels=[n.labels[k] for k in ks],
                   forms=Counter({n.form: len(ks)}), starts=[n.starts[k] for k in ks],
                   ends=[n.ends[k] for k in ks], sources=set(n.sources), label=n.label, group=n.group,
                   key=n.key, role="partial", form=n.form, toks=n.toks, acronym=n.acronym,
                   first=min(n.starts[k] for k in ks))
        keep = [k for k in range(len(n.idx)) if k not in set(ks)]
        n.idx, n.labels = [n.idx[k] for k in keep], [n.labels[k] for k in keep]
        n.starts, n.ends = [n.starts[k] for k in keep], [n.ends[k] for k in keep]
        n.forms = Counter({n.form: len(keep)})
        n.first = min(n.starts)
        self.nodes.append(new)
        return self.uf.add(new.kb_id)

    # -- result ----------------------------------------------------------------------------

    def clusters(self, n_mentions: int) -> tuple[list[Cluster], list[int]]:
        nodes, uf = self.nodes, self.uf
        members: dict[int, list[int]] = defaultdict(list)
        for i in range(len(nodes)):
            members[uf.find(i)].append(i)
        clusters: list[Cluster] = []
        mention_cluster = [-1] * n_mentions
        for root in sorted(members, key=lambda r: min(nodes[i].first for i in members[r])):
            cn = [nodes[i] for i in members[root]]
            kb_id = uf.kb[root]
            ent = self.kb.entity(kb_id)
            full = [n for n in cn if n.role == "full"] or cn
            # The full names decide the label: an acronym or surname the model mislabelled does not.
            label = ent.label if ent is not None else R.vote_label([l for n in full for l in n.labels])
            group = R.group_of(label)
            if group == "PERSON":
                canonical = min(full, key=lambda n: (-len(n.toks), -n.n, n.key))
            else:
                canonical = min(full, key=lambda n: (n.acronym, -n.n, -len(n.toks), n.key))
            c = Cluster(cn, kb_id, label, group, canonical, kb_id is None and self._scoped(group, canonical))
            for n in cn:
                for k in n.idx:
                    mention_cluster[k] = len(clusters)
            clusters.append(c)
        return clusters, mention_cluster

    def _scoped(self, group: str, canonical: Node) -> bool:
        """Names that do not tell two things apart outside their article: a surname alone, and a
        country's public body with no country ("Ministry of Agriculture")."""
        if group == "PERSON":
            return R.known_by_surname_only(canonical.toks)
        return (group == "ORG" and canonical.toks[0] in national_body_heads()
                and not R.names_place(canonical.key, self.place_name))


def resolve_article(mentions: list[Mention], kb: KBAccess | None = None) -> tuple[list[Cluster], list[int]]:
    """Clusters of one article's mentions, and for each mention the index of its cluster (-1: none)."""
    art = _Article(mentions, kb or KBAccess())
    art.join_same()
    art.join_offices()
    art.join_acronyms()
    art.join_chains()
    art.join_variants()
    art.join_partial_names()
    return art.clusters(len(mentions))


# --------------------------------------------------------------------------------------------
# Across articles


def _span_lookup(mention_rows: list[dict]):
    by_span = {(m["start_char"], m["end_char"]): m for m in mention_rows}

    def find(start: int | None, end: int | None):
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


# The linker's corpus-wide state lives in SQLite (a file beside the tables in the stages, memory in
# `link_corpus`): what pass 1 learns about every name, the ids `resolve` gives them, and what pass 2
# counts. Python holds one chunk of articles at a time, so link's memory does not grow with the corpus.
# Keys are tuples of strings stored joined by KEY_SEP, which sorts below every character a name holds,
# so the strings sort as the tuples do and every "in sorted order" below is SQLite's ORDER BY.
KEY_SEP = "\x01"
STORE_PREFIX = ".link-store-"
FLUSH_ARTICLES = 2000
_STORE_SCHEMA = """
CREATE TABLE observed(node TEXT, blob BLOB);
CREATE TABLE vote(node TEXT, label TEXT, n INTEGER);
CREATE TABLE edge(a TEXT, b TEXT);
CREATE TABLE standalone(node TEXT, alias TEXT);
CREATE TABLE alias_def(alias TEXT, node TEXT);
CREATE TABLE resolved(aid TEXT PRIMARY KEY, blob BLOB) WITHOUT ROWID;
CREATE TABLE summary(node TEXT PRIMARY KEY, n_articles INTEGER, blob BLOB) WITHOUT ROWID;
CREATE TABLE node_vote(node TEXT PRIMARY KEY, label TEXT) WITHOUT ROWID;
CREATE TABLE block(grp TEXT, sig TEXT, position INTEGER, node TEXT, label TEXT);
CREATE TABLE node(pos INTEGER PRIMARY KEY, node TEXT UNIQUE);
CREATE TABLE component(pos INTEGER PRIMARY KEY, root INTEGER);
CREATE TABLE final(node TEXT PRIMARY KEY, eid TEXT) WITHOUT ROWID;
CREATE TABLE entity(eid TEXT PRIMARY KEY, label TEXT, blob BLOB) WITHOUT ROWID;
CREATE TABLE seen(eid TEXT, form TEXT, moved INTEGER, n INTEGER);
CREATE TABLE seen_articles(eid TEXT, n INTEGER);
"""


def _key(parts: tuple) -> str:
    return KEY_SEP.join(parts)


def _parts(key: str) -> tuple:
    return tuple(key.split(KEY_SEP))


class _Store:
    """One SQLite database for a `Linker`: a temp file in `folder`, removed by `close`, or in memory."""

    PAGE_CACHE_KIB = 4 * 1024
    WRITE_ROWS = 10_000

    def __init__(self, folder: Path | None):
        self.path = None
        if folder is not None:
            fd, path = tempfile.mkstemp(prefix=STORE_PREFIX, suffix=".sqlite", dir=folder)
            os.close(fd)
            self.path = Path(path)
        self.db = sqlite3.connect(self.path or ":memory:", isolation_level=None)
        # A scratch database: no journal, no fsync, one transaction; a crash leaves a file `recover` removes.
        self.db.executescript(f"PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                              f"PRAGMA cache_size=-{self.PAGE_CACHE_KIB}; PRAGMA temp_store=FILE;")
        self.db.executescript(_STORE_SCHEMA)
        self.db.execute("BEGIN")

    def put(self, table: str, rows: Iterable[tuple]) -> None:
        """Insert `rows` (any iterable, read in slices, so a stream from another table is never held whole)."""
        it = iter(rows)
        while chunk := list(islice(it, self.WRITE_ROWS)):
            self.db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({','.join('?' * len(chunk[0]))})", chunk)

    def rows(self, sql: str, *params) -> sqlite3.Cursor:
        return self.db.execute(sql, params)

    def where_in(self, sql: str, values: Iterable[str], size: int = 500) -> Iterator[tuple]:
        """`sql` with one `{}` where an IN list goes, over `values` in slices SQLite accepts."""
        values = sorted(values)
        for i in range(0, len(values), size):
            part = values[i:i + size]
            yield from self.db.execute(sql.format(",".join("?" * len(part))), part)

    def close(self) -> None:
        self.db.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def remove_stale_stores(folder: Path) -> None:
    """The store files a killed link run left behind."""
    for path in Path(folder).glob(STORE_PREFIX + "*.sqlite"):
        path.unlink(missing_ok=True)


@dataclass
class _Summary:
    """What the corpus says about one global node (a KB record or a group + name key)."""

    forms: Counter = field(default_factory=Counter)        # display form -> mentions
    full_forms: Counter = field(default_factory=Counter)   # display forms of full names
    labels: Counter = field(default_factory=Counter)
    n_mentions: int = 0
    n_articles: int = 0

    def dumps(self) -> bytes:
        return marshal.dumps((dict(self.forms), dict(self.full_forms), dict(self.labels),
                              self.n_mentions, self.n_articles))

    def add(self, blob: bytes) -> None:
        forms, full_forms, labels, n_mentions, n_articles = marshal.loads(blob)
        self.forms.update(forms)
        self.full_forms.update(full_forms)
        self.labels.update(labels)
        self.n_mentions += n_mentions
        self.n_articles += n_articles


class _StoredEntities(Mapping):
    """The linker's entities by id, read from its store (what corrections plan over)."""

    def __init__(self, store: _Store):
        self.store = store

    def __getitem__(self, eid: str) -> dict:
        row = self.store.rows("SELECT blob FROM entity WHERE eid = ?", eid).fetchone()
        if row is None:
            raise KeyError(eid)
        return marshal.loads(row[0])

    def __iter__(self) -> Iterator[str]:
        return (eid for eid, in self.store.rows("SELECT eid FROM entity ORDER BY eid"))

    def __len__(self) -> int:
        return self.store.rows("SELECT COUNT(*) FROM entity").fetchone()[0]


class Linker:
    """Two passes over the extractions; the corpus-wide state in a `_Store`, never article text.

    `observe(ex)` for every article (pass 1), `resolve()` once, `link_articles(batch)` for every
    article again (pass 2: rows with final ids), then `iter_corpus_rows()` or `corpus_tables()`
    (entities, merges), and `close()` (or use it as a context manager). Resolution inside an article
    is deterministic, so both passes see the same clusters. `corrections` (a
    `pipeline.corrections.Corrections`) are applied in both passes the same way. `store_dir`: the
    folder for the store's file (None: in memory, for small corpora).
    """

    def __init__(self, kb: KBAccess | None = None, corrections: Corrections | None = None,
                 store_dir: Path | None = None):
        self.kb = kb if kb is not None else default_kb()
        self.corrections = corrections if corrections is not None else Corrections()
        self.store = _Store(store_dir)
        self.entities = _StoredEntities(self.store)
        self._start_chunk()

    def __enter__(self) -> "Linker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def _start_chunk(self) -> None:
        """Pass 1 sums a chunk of articles in memory before it goes to the store."""
        self.summaries: dict[str, _Summary] = defaultdict(_Summary)
        self.votes: Counter = Counter()                 # (node, label) -> mentions
        self.edges: set[tuple[str, str]] = set()
        # A short form joined to a longer name in some article (an acronym, a name cut before its
        # "of ..." tail), and the clusters that use only a short form: (alias, node it stood for),
        # node -> the alias it is.
        self.alias_defs: set[tuple[str, str]] = set()
        self.standalone: dict[str, str] = {}
        self.resolved: list[tuple[str, bytes]] = []   # (article, `_resolution`) for pass 2
        self.n_chunk = 0

    @staticmethod
    def node_of(c: Cluster, article_id: str) -> tuple:
        if c.kb_id:
            return ("kb", c.kb_id)
        if c.scoped:
            return (c.group, c.canonical.key, article_id)
        return (c.group, c.canonical.key)

    # -- pass 1 ---------------------------------------------------------------------------

    def observe(self, ex: Extraction) -> None:
        if self.corrections:
            ex = self.corrections.edit(ex, self.kb, count=False)
            self.corrections.observe(ex)
        clusters, mention_cluster = resolve_article(ex.mentions, self.kb)
        resolution = self._resolution(ex, clusters, mention_cluster)
        self.resolved.append((ex.article_id, marshal.dumps(resolution)))
        for c, (gnode, _, _) in zip(clusters, resolution[0]):
            s = self.summaries[gnode]
            s.n_articles += 1
            for n in c.nodes:
                s.forms.update(n.forms)
                if n.role == "full":
                    s.full_forms.update(n.forms)
                    s.labels.update(n.labels)
                s.n_mentions += n.n
            if c.scoped:
                continue
            self.votes[gnode, c.label] += sum(n.n for n in c.nodes)
            full = c.full_nodes
            for n in full:
                if c.group == "PERSON" and R.known_by_surname_only(n.toks):
                    continue
                key_node = _key((c.group, n.key))
                self.votes[key_node, c.label] += n.n
                if key_node != gnode:
                    self.edges.add((min(gnode, key_node), max(gnode, key_node)))
            if not c.kb_id and len(full) == 1:
                alias = _key(_alias_key(full[0], c.group))
                self.standalone[gnode] = min(alias, self.standalone.get(gnode, alias))
            for n in c.nodes:
                if n.role in ("acronym", "chain"):
                    self.alias_defs.add((_key(_alias_key(n, c.group)), gnode))
        self.n_chunk += 1
        if self.n_chunk >= FLUSH_ARTICLES:
            self._flush_chunk()

    def _resolution(self, ex: Extraction, clusters: list[Cluster], mention_cluster: list[int]) -> tuple:
        """What pass 2 needs of an article's clusters, kept from pass 1 so that pass 2 does not resolve the
        article again: per cluster its global node, label and KB id; per mention its cluster and the form
        pass 1 counted for it (its own, unless its node was split between two people of one surname by
        `_split_off`, which counts the node's form for each mention)."""
        node_of_mention = {k: n for c in clusters for n in c.nodes for k in n.idx}
        forms = []
        for k, m in enumerate(ex.mentions):
            node = node_of_mention.get(k)
            form = R.clean_name(m.text) if node is not None else None
            forms.append(form if node is None or form in node.forms else node.form)
        return ([(_key(self.node_of(c, ex.article_id)), c.label, c.kb_id) for c in clusters], mention_cluster, forms)

    def _flush_chunk(self) -> None:
        put = self.store.put
        put("observed", ((node, s.dumps()) for node, s in self.summaries.items()))
        put("vote", ((node, label, n) for (node, label), n in self.votes.items()))
        put("edge", self.edges)
        put("standalone", self.standalone.items())
        put("alias_def", self.alias_defs)
        put("resolved", self.resolved)
        self._start_chunk()

    # -- between the passes ---------------------------------------------------------------

    def _sum_chunks(self) -> None:
        """Per node, the summaries of all chunks, and the label most of its mentions carry."""
        def summaries():
            for node, rows in groupby(self.store.rows("SELECT node, blob FROM observed ORDER BY node"),
                                      key=itemgetter(0)):
                s = _Summary()
                for _, blob in rows:
                    s.add(blob)
                yield node, s.n_articles, s.dumps()

        def majority_labels():
            rows = self.store.rows("SELECT node, label, SUM(n) FROM vote GROUP BY node, label ORDER BY node, label")
            for node, votes in groupby(rows, key=itemgetter(0)):
                yield node, max(votes, key=itemgetter(2))[1]   # the first label in sorted order on a tie

        self.store.put("summary", summaries())
        self.store.put("node_vote", majority_labels())
        self.store.rows("INSERT INTO node(pos, node) SELECT row_number() OVER (ORDER BY node) - 1, node FROM "
                        "(SELECT node FROM summary UNION SELECT node FROM node_vote "
                        "UNION SELECT a FROM edge UNION SELECT b FROM edge)")

    def _variant_edges(self) -> Iterator[tuple[str, str]]:
        """Pairs of full-name keys that are small spelling variants, found through blocking keys (a name
        with one token masked) and, inside a block, candidate tokens (R.variant_token_pairs): never by
        comparing every pair, so link time stays linear in the number of names."""
        def signatures():
            for node, label in self.store.rows("SELECT node, label FROM node_vote"):
                group, *key = _parts(node)
                toks = key[0].split() if group != "kb" and len(key) == 1 else ()
                if len(toks) >= 2:
                    for n_toks, position, rest in R.deletion_signatures(toks):
                        yield group, _key((str(n_toks), str(position), *rest)), position, node, label

        self.store.put("block", signatures())
        rows = self.store.rows("SELECT grp, sig, position, node, label FROM block ORDER BY grp, sig, node")
        for (group, _), block in groupby(rows, key=itemgetter(0, 1)):
            members = list(block)
            if len(members) < 2:
                continue
            # names in a block differ only at `position`: pair those whose tokens there may be variants
            keys = [_parts(m[3])[1] for m in members]
            position = members[0][2]
            for x, y in R.variant_token_pairs([k.split()[position] for k in keys]):   # edges are sorted in SQL
                if members[x][4] != members[y][4]:
                    continue
                if group == "PERSON":
                    score = R.person_variant_score(keys[x].split(), keys[y].split())
                else:
                    score = R.org_variant_score(keys[x], keys[y], self.kb.is_place)
                if score is not None:
                    yield members[x][3], members[y][3]
        people = self.store.rows("SELECT node, label FROM node_vote WHERE node > ? AND node < ?",
                                 _key(("PERSON", "")), _key(("PERSON", "\U0010ffff")))
        for node, label in people:
            parts = _parts(node)
            short = R.without_initials(parts[1].split()) if len(parts) == 2 else None
            if not short or len(short) < 2:
                continue
            other = _key(("PERSON", " ".join(short)))
            hit = self.store.rows("SELECT label FROM node_vote WHERE node = ?", other).fetchone()
            if hit is not None and hit[0] == label:
                yield min(node, other), max(node, other)

    def resolve(self) -> None:
        self._flush_chunk()
        self._sum_chunks()
        self.store.put("edge", self._variant_edges())
        n_nodes = self.store.rows("SELECT COUNT(*) FROM node").fetchone()[0]
        uf = _UF([None] * n_nodes)
        for pos, node in self.store.rows("SELECT pos, node FROM node WHERE node > ? AND node < ?",
                                         _key(("kb", "")), _key(("kb", "\U0010ffff"))):
            uf.kb[pos] = _parts(node)[1]
        for a, b in self.store.rows("SELECT DISTINCT pa.pos, pb.pos FROM edge JOIN node pa ON pa.node = edge.a "
                                    "JOIN node pb ON pb.node = edge.b ORDER BY 1, 2"):
            uf.union(a, b)
        redirected = self._redirect_standalone(uf)
        self.store.put("component", ((pos, uf.find(pos)) for pos in range(n_nodes)))
        rows = self.store.rows("SELECT c.root, n.node, s.blob FROM component c JOIN node n ON n.pos = c.pos "
                               "LEFT JOIN summary s ON s.node = n.node ORDER BY c.root, c.pos")
        entities: list[tuple] = []
        self.store.put("final", (row for root, members in groupby(rows, key=itemgetter(0))
                                 for row in self._name_component(uf.kb[root], list(members), redirected, entities)))
        self.store.put("entity", entities)
        if self.corrections:
            new = self.corrections.plan(self.entities)
            self.store.put("entity", ((e["entity_id"], e["label"], marshal.dumps(e)) for e in new))
        for table in ("observed", "vote", "edge", "standalone", "alias_def", "summary", "node_vote", "block",
                      "component"):
            self.store.rows(f"DELETE FROM {table}")   # served; their pages go to pass 2's tables

    def _redirect_standalone(self, uf: _UF) -> set[str]:
        """A stand-alone short form goes to the one longer name the corpus uses it for. A cut name
        ("Red Cross") used on its own in more articles than the long ones is a name of its own."""
        self.store.rows("CREATE INDEX alias_def_alias ON alias_def(alias)")
        rows = self.store.rows(
            "SELECT s.node, sp.pos, s.alias, sn.n_articles, dp.pos, dn.n_articles "
            "FROM (SELECT node, MIN(alias) AS alias FROM standalone GROUP BY node) s "
            "JOIN node sp ON sp.node = s.node JOIN summary sn ON sn.node = s.node "
            "JOIN (SELECT DISTINCT alias, node FROM alias_def) d ON d.alias = s.alias AND d.node != s.node "
            "JOIN node dp ON dp.node = d.node JOIN summary dn ON dn.node = d.node ORDER BY s.node")
        redirected = set()
        for (node, pos, alias, n_articles), defs in groupby(rows, key=itemgetter(0, 1, 2, 3)):
            defs = list(defs)
            roots = {uf.find(d[4]) for d in defs}
            if len(roots) != 1:
                continue
            if alias.startswith("chain" + KEY_SEP) and n_articles > sum(d[5] for d in defs):
                continue
            root = roots.pop()
            if root != uf.find(pos) and uf.union(root, pos):
                redirected.add(node)
        return redirected

    def _name_component(self, kb_id: str | None, members: list[tuple], redirected: set[str],
                        entities: list[tuple]) -> Iterator[tuple]:
        """One entity from the nodes `resolve` joined ((root, node, summary blob) rows in node order):
        appends its row to `entities` (stored a slice at a time) and yields the (node, entity id) rows of
        its members."""
        if all(blob is None for _, _, blob in members):
            return
        total = _Summary()
        for _, _, blob in members:
            if blob is not None:
                total.add(blob)
        forms, full_forms, labels = total.forms, total.full_forms, total.labels
        nodes = [node for _, node, _ in members]
        ent = self.kb.entity(kb_id)
        if ent is not None:
            label = ent.label
        elif labels:
            label = R.vote_label(labels.elements())
        else:
            group = _parts(nodes[0])[0]
            label = {"PLACE": "GPE"}.get(group, group)
        pool = full_forms or forms
        if ent is not None:
            name = ent.name
        elif len(pool) == 1:   # most names of a corpus have one form: nothing to weigh (and _awkward is costly)
            name = next(iter(pool))
        else:
            name = min(pool, key=lambda f: (self._awkward(f, label), -pool[f], -len(f), f))
        primary = [n for n in nodes if n not in redirected] or nodes
        eid = self._entity_id(label, kb_id, _parts(primary[0]))
        # Aliases and counts as pass 1 saw them; `iter_corpus_rows` takes the final ones from pass 2.
        entity = {"entity_id": eid, "label": label, "name": name, "aliases": sorted({f for f in forms if f != name}),
                  "kb_id": kb_id, "latitude": getattr(ent, "latitude", None),
                  "longitude": getattr(ent, "longitude", None), "n_articles": 0, "n_mentions": total.n_mentions}
        entities.append((eid, label, marshal.dumps(entity)))
        if len(entities) >= self.store.WRITE_ROWS:
            self.store.put("entity", entities)
            entities.clear()
        for node in nodes:
            yield node, eid

    def _awkward(self, form: str, label: str) -> bool:
        """A form to avoid as an entity's name: a person's with a title left in it, an
        organization's with its country in front ("Kazakhstan Government": the usual name is
        "Government of Kazakhstan")."""
        if label == "PERSON":
            return R.person_key(form, person_title_words()) != R.person_key(form)
        return R.org_key(form) != R.org_key(form, self.kb.place_name)

    @staticmethod
    def _entity_id(label: str, kb_id: str | None, key: tuple) -> str:
        if kb_id:
            return f"{label}:{kb_id}"
        return f"{key[0]}:{short_hash(*key)}"

    # -- pass 2 ---------------------------------------------------------------------------

    def link_articles(self, batch: Iterable[Extraction]) -> dict[str, list[dict]]:
        """The rows of a batch of articles, with the ids `resolve` gave (one store lookup per batch)."""
        batch = [self.corrections.edit(ex, self.kb, count=True) if self.corrections else ex for ex in batch]
        stored = dict(self.store.where_in("SELECT aid, blob FROM resolved WHERE aid IN ({})",
                                          {ex.article_id for ex in batch}))
        # the edits are the same in both passes, so pass 1's clusters fit the mentions here
        resolved = [marshal.loads(stored[ex.article_id]) if ex.article_id in stored
                    else self._resolution(ex, *resolve_article(ex.mentions, self.kb)) for ex in batch]
        nodes = {gnode for clusters, _, _ in resolved for gnode, _, _ in clusters}
        found = self.store.where_in("SELECT f.node, f.eid, e.label FROM final f LEFT JOIN entity e ON e.eid = f.eid "
                                    "WHERE f.node IN ({})", nodes)
        ids, labels = {}, {}
        for node, eid, label in found:
            ids[node] = eid
            labels[eid] = label
        self._seen: Counter = Counter()            # (entity, form, moved by a correction) -> mentions
        self._seen_articles: Counter = Counter()   # entity -> articles
        out: dict[str, list[dict]] = defaultdict(list)
        for ex, resolution in zip(batch, resolved):
            self._link_article(ex, resolution, ids, labels, out)
        self.store.put("seen", ((eid, form, moved, n) for (eid, form, moved), n in self._seen.items()))
        self.store.put("seen_articles", self._seen_articles.items())
        return dict(out)

    def _label_of(self, eid: str, labels: dict) -> str | None:
        """An entity's label; a correction may move a mention to an entity the batch lookup did not fetch."""
        if eid not in labels:
            row = self.store.rows("SELECT label FROM entity WHERE eid = ?", eid).fetchone()
            labels[eid] = row[0] if row else None
        return labels[eid]

    def _link_article(self, ex: Extraction, resolution: tuple, ids: dict, labels: dict,
                      out: dict[str, list[dict]]) -> None:
        aid = ex.article_id
        clusters, mention_cluster, forms = resolution
        # An article pass 1 did not see has no id from `resolve`: its clusters stand alone.
        eids = [ids.get(gnode) or self._entity_id(label, kb_id, _parts(gnode)) for gnode, label, kb_id in clusters]
        fix = self.corrections.entity_fixer(aid, set(eids)) if self.corrections else None
        per_entity: dict[str, dict] = {}
        mention_rows = []
        for k, m in enumerate(ex.mentions):
            ci = mention_cluster[k]
            if ci < 0:
                continue
            eid = eids[ci]
            moved = False
            if fix is not None:
                eid, moved = fix(m, eid)
            self._seen[eid, forms[k], int(moved)] += 1
            mention_rows.append({"mention_id": row_id("M", aid, m.start_char, m.end_char, m.label),
                                 "article_id": aid, "entity_id": eid, "label": m.label, "text": m.text,
                                 "start_char": m.start_char, "end_char": m.end_char,
                                 "sentence_index": m.sentence_index, "source": m.source})
            ae = per_entity.setdefault(eid, {"article_id": aid, "entity_id": eid,
                                             "label": self._label_of(eid, labels) or clusters[ci][1],
                                             "n_mentions": 0, "first_char": m.start_char})
            ae["n_mentions"] += 1
            ae["first_char"] = min(ae["first_char"], m.start_char)
        out["mentions"] += mention_rows
        out["article_entities"] += per_entity.values()
        self._seen_articles.update(per_entity.keys())
        self._other_rows(ex, mention_rows, out)

    @staticmethod
    def _other_rows(ex: Extraction, mention_rows: list[dict], t: dict[str, list[dict]]) -> None:
        aid = ex.article_id
        find = _span_lookup(mention_rows)
        for f in ex.figures:
            t["figures"].append({"figure_id": row_id("F", aid, f.start_char, f.end_char), "article_id": aid,
                                 "text": f.text, "value": f.value, "value_max": f.value_max, "unit": f.unit,
                                 "qualifier": f.qualifier, "kind": f.kind, "counted": f.counted,
                                 "start_char": f.start_char, "end_char": f.end_char,
                                 "sentence_index": f.sentence_index})
        for d in ex.dates:
            t["dates"].append({"date_id": row_id("D", aid, d.start_char, d.end_char), "article_id": aid,
                               "text": d.text, "start": dt.date.fromisoformat(d.start),
                               "end": dt.date.fromisoformat(d.end), "granularity": d.granularity,
                               "start_char": d.start_char, "end_char": d.end_char,
                               "sentence_index": d.sentence_index})
        for r in ex.roles:
            person = find(r.person_start, r.person_end)
            if person is None:
                continue
            t["roles"].append({"role_id": row_id("R", aid, r.start_char, r.end_char, r.title),
                               "article_id": aid, "person_entity_id": person, "title": r.title,
                               "org_entity_id": find(r.org_start, r.org_end),
                               "place_entity_id": find(r.place_start, r.place_end),
                               "start_char": r.start_char, "end_char": r.end_char,
                               "sentence_index": r.sentence_index})
        for q in ex.quotes:
            t["quotes"].append({"quote_id": row_id("Q", aid, q.start_char, q.end_char), "article_id": aid,
                                "text": q.text, "speaker_entity_id": find(q.speaker_start, q.speaker_end),
                                "cue": q.cue, "start_char": q.start_char, "end_char": q.end_char,
                                "sentence_index": q.sentence_index})

    # -- after pass 2 ---------------------------------------------------------------------

    # -- after pass 2 ---------------------------------------------------------------------

    def iter_corpus_rows(self, chunk: int = 20_000) -> Iterator[dict[str, list[dict]]]:
        """Entities with their mentions, articles and aliases as pass 2 wrote them, and every name
        joined to an entity with the rule that explains it (`correction` when only an analyst's merge
        or unmerge brought it): chunks of rows in entity_id order, {"entities": [...], "merges": [...]}."""
        self.store.rows("CREATE TABLE entity_articles(eid TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID")
        self.store.rows("INSERT INTO entity_articles SELECT eid, SUM(n) FROM seen_articles GROUP BY eid")
        rows = self.store.rows(
            "SELECT s.eid, e.blob, a.n, s.form, s.moved, SUM(s.n) FROM seen s JOIN entity e ON e.eid = s.eid "
            "JOIN entity_articles a ON a.eid = s.eid GROUP BY s.eid, s.form, s.moved ORDER BY s.eid, s.form")
        out: dict[str, list[dict]] = {"entities": [], "merges": []}
        for (eid, blob, n_articles), seen in groupby(rows, key=itemgetter(0, 1, 2)):
            forms: Counter = Counter()
            linked_keys, corrected_keys = set(), set()
            for *_, form, moved, n in seen:
                forms[form] += n
                (corrected_keys if moved else linked_keys).add(R.surface_key(form))
            e = marshal.loads(blob)
            name, label = e["name"], e["label"]
            out["entities"].append({**e, "aliases": sorted({f for f in forms if f != name}),
                                    "n_articles": n_articles, "n_mentions": sum(forms.values())})
            ent = self.kb.entity(e["kb_id"])
            kb_names = (ent.name, *ent.aliases) if ent is not None else ()
            seen_keys = {R.surface_key(name)}
            for f in sorted(forms):
                fk = R.surface_key(f)
                if fk in seen_keys:
                    continue
                seen_keys.add(fk)
                if fk in corrected_keys and fk not in linked_keys:
                    rule, score = "correction", 1.0
                else:
                    rule, score = classify_merge(name, f, R.group_of(label), kb_names, self.kb.place_name)
                out["merges"].append({"entity_id": eid, "label": label, "kept_name": name, "merged_name": f,
                                      "score": score, "rule": rule})
            if len(out["entities"]) >= chunk:
                yield out
                out = {"entities": [], "merges": []}
        yield out

    def corpus_tables(self) -> dict[str, list[dict]]:
        """`iter_corpus_rows` as whole lists (small corpora)."""
        out: dict[str, list[dict]] = {"entities": [], "merges": []}
        for part in self.iter_corpus_rows():
            for name, rows in part.items():
                out[name] += rows
        return out


def _alias_key(node: Node, group: str) -> tuple:
    if node.acronym:
        return ("acronym", group, R.acronym_letters(node.form))
    return ("chain", group, node.key)


def classify_merge(kept: str, merged: str, group: str, kb_names: Iterable[str] = (),
                   place_name: Callable[[str], str | None] = lambda s: None) -> tuple[str, float]:
    """Why `merged` is a name of the entity called `kept` (whose KB record, if any, lists
    `kb_names`), for the audit table: (rule, score)."""
    if group == "PERSON":
        kt, mt = R.person_key(kept).split(), R.person_key(merged).split()
        if R.partial_name_kind(mt, kt):
            return "partial_name", 1.0
        score = R.person_variant_score(kt, mt)
        if score is not None:
            return "spelling_variant", round(score, 4)
        return ("kb_alias", 1.0) if kb_names else ("in_article", 1.0)
    key = R.org_key(merged, place_name)
    if key == R.org_key(kept, place_name):
        return "normalized", 1.0
    if R.is_acronym(merged) and any(R.acronym_fits(merged, n) or R.acronym_fits_loosely(merged, n)
                                    for n in (kept, *kb_names)):
        return "acronym", 1.0
    names = {R.org_key(n, place_name) for n in (kept, *kb_names)}
    if key in names:
        return "kb_alias", 1.0
    is_place = lambda t: place_name(t) is not None  # noqa: E731
    base = R.office_base(merged, is_place)
    if base and R.org_key(base, place_name) in names | {R.org_key(n) for n in kb_names}:
        return "office", 1.0
    if any(n.startswith(key + " ") and n.split()[len(key.split())] in R.CHAIN_CONNECTORS for n in names):
        return "chain", 1.0
    score = R.org_variant_score(R.org_key(kept, place_name), key)
    if score is not None:
        return "spelling_variant", round(score, 4)
    return ("kb_alias", 1.0) if kb_names else ("in_article", 1.0)


def link_corpus(extractions: Iterable[Extraction], kb: KBAccess | None = None,
                corrections: Corrections | None = None) -> dict[str, list[dict]]:
    """Extractions -> the linked tables, as lists of row dicts per table name (the in-memory path;
    `pipeline.stages` streams through `Linker` instead). With `corrections`, also
    `corrections_applied`."""
    extractions = list(extractions)
    with Linker(kb, corrections) as linker:
        for ex in extractions:
            linker.observe(ex)
        linker.resolve()
        out = linker.link_articles(extractions)
        out.update(linker.corpus_tables())
        out["corrections_applied"] = linker.corrections.report()
    for name in ("mentions", "article_entities", "figures", "dates", "roles", "quotes"):
        out.setdefault(name, [])
    return out
