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

Memory: `Linker` reads the extractions twice (the stages stream them from disk) and keeps only
per-name summaries between the passes, never article text or rows of earlier articles.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

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

    CACHE_SIZE = 1 << 18

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
        self.parent = list(range(len(kbs)))
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
                fits = R.acronym_fits_loosely(n.form, m.form) if adjacent else R.acronym_fits(n.form, m.form)
                if fits:
                    cands.append((not adjacent, -m.n, m.first, j))
            for *_, j in sorted(cands):
                if self.uf.union(j, i):
                    n.role = "acronym"
                    break

    def join_chains(self) -> None:
        """An organization's name cut before its "of/for/on/in/to ..." tail ("OPEC Fund" / "OPEC Fund
        for International Development"), when only one longer name of the article fits."""
        nodes = self.nodes
        continued: dict[str, list[int]] = defaultdict(list)   # "committee x" -> "committee x of ..."
        for j, m in enumerate(nodes):
            if m.group == "ORG":
                for k in range(2, len(m.toks)):
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


@dataclass
class _Summary:
    """What the corpus says about one global node (a KB record or a group + name key)."""

    forms: Counter = field(default_factory=Counter)        # display form -> mentions
    full_forms: Counter = field(default_factory=Counter)   # display forms of full names
    labels: Counter = field(default_factory=Counter)
    n_mentions: int = 0
    n_articles: int = 0


class Linker:
    """Two passes over the extractions, holding per-name summaries only (never article text).

    `observe(ex)` for every article (pass 1), `resolve()` once, `link_articles(batch)` for every
    article again (pass 2: rows with final ids), then `corpus_tables()` (entities, merges).
    Resolution inside an article is deterministic, so both passes see the same clusters.
    `corrections` (a `pipeline.corrections.Corrections`) are applied in both passes the same way.
    """

    def __init__(self, kb: KBAccess | None = None, corrections: Corrections | None = None):
        self.kb = kb if kb is not None else default_kb()
        self.corrections = corrections if corrections is not None else Corrections()
        self.summaries: dict[tuple, _Summary] = defaultdict(_Summary)
        self.edges: set[tuple[tuple, tuple]] = set()
        self.node_label: dict[tuple, Counter] = defaultdict(Counter)
        # A short form joined to a longer name in some article (an acronym, a name cut before its
        # "of ..." tail), and the clusters that use only a short form: alias -> nodes it stood for,
        # node -> the alias it is.
        self.alias_defs: dict[tuple, set[tuple]] = defaultdict(set)
        self.standalone: dict[tuple, tuple] = {}
        self.final_id: dict[tuple, str] = {}
        self.entities: dict[str, dict] = {}
        self.n_articles: Counter = Counter()
        # Per entity, from the rows of pass 2: mentions, display forms, and the surface keys of the
        # forms that reached it only through a merge or unmerge (rule "correction" in `merges`).
        self.n_mentions: Counter = Counter()
        self.forms: dict[str, Counter] = defaultdict(Counter)
        self.linked_keys: dict[str, set[str]] = defaultdict(set)
        self.corrected_keys: dict[str, set[str]] = defaultdict(set)

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
        clusters, _ = resolve_article(ex.mentions, self.kb)
        for c in clusters:
            gnode = self.node_of(c, ex.article_id)
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
            self.node_label[gnode][c.label] += sum(n.n for n in c.nodes)
            full = c.full_nodes
            for n in full:
                if c.group == "PERSON" and R.known_by_surname_only(n.toks):
                    continue
                key_node = (c.group, n.key)
                self.node_label[key_node][c.label] += n.n
                if key_node != gnode:
                    self.edges.add(tuple(sorted((gnode, key_node))))
            if not c.kb_id and len(full) == 1:
                alias = _alias_key(full[0], c.group)
                self.standalone[gnode] = min(alias, self.standalone.get(gnode, alias))
            for n in c.nodes:
                if n.role in ("acronym", "chain"):
                    self.alias_defs[_alias_key(n, c.group)].add(gnode)

    # -- between the passes ---------------------------------------------------------------

    def _variant_edges(self) -> set[tuple[tuple, tuple]]:
        """Pairs of full-name keys that are small spelling variants, found through blocking keys (a name
        with one token masked) and, inside a block, candidate tokens (R.variant_token_pairs): never by
        comparing every pair, so link time stays linear in the number of names."""
        keys = sorted(n for n in self.node_label if n[0] != "kb" and len(n) == 2)
        label_of = {n: max(sorted(self.node_label[n]), key=lambda l: self.node_label[n][l]) for n in keys}
        blocks: dict[tuple, list[tuple]] = defaultdict(list)
        by_full: dict[tuple, tuple] = {}
        for n in keys:
            toks = n[1].split()
            if len(toks) < 2:
                continue
            by_full[(n[0], tuple(toks))] = n
            for sig in R.deletion_signatures(toks):
                blocks[(n[0], sig)].append(n)
        edges = set()
        for (group, (_, position, _)), members in sorted(blocks.items()):
            if len(members) < 2:
                continue
            # names in a block differ only at `position`: pair those whose tokens there may be variants
            candidates = R.variant_token_pairs([m[1].split()[position] for m in members])
            for x, y in sorted(candidates):
                a, b = members[x], members[y]
                if label_of[a] != label_of[b]:
                    continue
                if group == "PERSON":
                    score = R.person_variant_score(a[1].split(), b[1].split())
                else:
                    score = R.org_variant_score(a[1], b[1], self.kb.is_place)
                if score is not None:
                    edges.add((a, b))
        for n in keys:
            if n[0] == "PERSON":
                short = R.without_initials(n[1].split())
                other = by_full.get((n[0], short)) if short else None
                if other is not None and label_of[other] == label_of[n]:
                    edges.add(tuple(sorted((n, other))))
        return edges

    def resolve(self) -> None:
        nodes = sorted(self.summaries.keys() | self.node_label.keys() | {x for e in self.edges for x in e})
        pos = {n: i for i, n in enumerate(nodes)}
        uf = _UF([n[1] if n[0] == "kb" else None for n in nodes])
        for a, b in sorted(self.edges | self._variant_edges()):
            uf.union(pos[a], pos[b])
        # A stand-alone short form goes to the one longer name the corpus uses it for. A cut name
        # ("Red Cross") used on its own in more articles than the long ones is a name of its own.
        redirected = set()
        for gnode, alias in sorted(self.standalone.items()):
            defs = self.alias_defs.get(alias, set()) - {gnode}
            roots = {uf.find(pos[d]) for d in defs}
            if len(roots) != 1:
                continue
            if alias[0] == "chain" and (self.summaries[gnode].n_articles
                                         > sum(self.summaries[d].n_articles for d in defs)):
                continue
            root = roots.pop()
            if root != uf.find(pos[gnode]) and uf.union(root, pos[gnode]):
                redirected.add(gnode)

        comps: dict[int, list[tuple]] = defaultdict(list)
        for n in nodes:
            comps[uf.find(pos[n])].append(n)
        for root, members in comps.items():
            summaries = [self.summaries[m] for m in members if m in self.summaries]
            if not summaries:
                continue
            forms: Counter = Counter()
            full_forms: Counter = Counter()
            labels: Counter = Counter()
            n_mentions = 0
            for s in summaries:
                forms.update(s.forms)
                full_forms.update(s.full_forms)
                labels.update(s.labels)
                n_mentions += s.n_mentions
            kb_id = uf.kb[root]
            ent = self.kb.entity(kb_id)
            if ent is not None:
                label = ent.label
            elif labels:
                label = R.vote_label(labels.elements())
            else:
                label = {"PLACE": "GPE"}.get(members[0][0], members[0][0])
            pool = full_forms or forms
            if ent is not None:
                name = ent.name
            else:
                name = min(pool, key=lambda f: (self._awkward(f, label), -pool[f], -len(f), f))
            primary = [m for m in members if m not in redirected] or members
            eid = self._entity_id(label, kb_id, min(primary))
            for m in members:
                self.final_id[m] = eid
            # Aliases and counts as pass 1 saw them; `corpus_tables` takes the final ones from pass 2.
            self.entities[eid] = {"entity_id": eid, "label": label, "name": name,
                                  "aliases": sorted({f for f in forms if f != name}), "kb_id": kb_id,
                                  "latitude": getattr(ent, "latitude", None),
                                  "longitude": getattr(ent, "longitude", None),
                                  "n_articles": 0, "n_mentions": n_mentions}
        if self.corrections:
            for e in self.corrections.plan(self.entities):
                self.entities[e["entity_id"]] = e
        # The summaries have served; pass 2 needs only the ids.
        self.summaries.clear()
        self.edges.clear()
        self.node_label.clear()

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

    def _id_of(self, c: Cluster, article_id: str) -> str:
        gnode = self.node_of(c, article_id)
        eid = self.final_id.get(gnode)
        if eid is None:  # an article pass 1 did not see: it stands alone
            eid = self._entity_id(c.label, c.kb_id, gnode)
        return eid

    def link_article(self, ex: Extraction) -> dict[str, list[dict]]:
        aid = ex.article_id
        if self.corrections:
            ex = self.corrections.edit(ex, self.kb, count=True)
        clusters, mention_cluster = resolve_article(ex.mentions, self.kb)
        ids = [self._id_of(c, aid) for c in clusters]
        labels = [c.label for c in clusters]
        fix = self.corrections.entity_fixer(aid, set(ids)) if self.corrections else None
        node_of_mention = {k: n for c in clusters for n in c.nodes for k in n.idx}
        out: dict[str, list[dict]] = defaultdict(list)
        per_entity: dict[str, dict] = {}
        mention_rows = out["mentions"]
        for k, m in enumerate(ex.mentions):
            ci = mention_cluster[k]
            if ci < 0:
                continue
            eid = ids[ci]
            moved = False
            if fix is not None:
                eid, moved = fix(m, eid)
            # The form pass 1 counted for this mention: its own, unless its node was split between two
            # people of one surname (`_split_off`), which counts the node's form for each mention.
            node = node_of_mention[k]
            form = R.clean_name(m.text)
            form = form if form in node.forms else node.form
            self.n_mentions[eid] += 1
            self.forms[eid][form] += 1
            (self.corrected_keys if moved else self.linked_keys)[eid].add(R.surface_key(form))
            mention_rows.append({"mention_id": row_id("M", aid, m.start_char, m.end_char, m.label),
                                 "article_id": aid, "entity_id": eid, "label": m.label, "text": m.text,
                                 "start_char": m.start_char, "end_char": m.end_char,
                                 "sentence_index": m.sentence_index, "source": m.source})
            ent = self.entities.get(eid)
            ae = per_entity.setdefault(eid, {"article_id": aid, "entity_id": eid,
                                             "label": ent["label"] if ent else labels[ci],
                                             "n_mentions": 0, "first_char": m.start_char})
            ae["n_mentions"] += 1
            ae["first_char"] = min(ae["first_char"], m.start_char)
        out["article_entities"] = list(per_entity.values())
        self.n_articles.update(per_entity.keys())
        self._other_rows(ex, mention_rows, out)
        return out

    def link_articles(self, batch: Iterable[Extraction]) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = defaultdict(list)
        for ex in batch:
            for name, rows in self.link_article(ex).items():
                out[name].extend(rows)
        return dict(out)

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

    def corpus_tables(self) -> dict[str, list[dict]]:
        """Entities with their mentions, articles and aliases as pass 2 wrote them, and every name
        joined to an entity with the rule that explains it (`correction` when only an analyst's merge
        or unmerge brought it)."""
        entities, merges = [], []
        for eid, e in self.entities.items():
            if not self.n_articles[eid]:
                continue
            forms = self.forms[eid]
            name, label = e["name"], e["label"]
            entities.append({**e, "aliases": sorted({f for f in forms if f != name}),
                             "n_articles": self.n_articles[eid], "n_mentions": self.n_mentions[eid]})
            ent = self.kb.entity(e["kb_id"])
            kb_names = (ent.name, *ent.aliases) if ent is not None else ()
            seen = {R.surface_key(name)}
            for f in sorted(forms):
                fk = R.surface_key(f)
                if fk in seen:
                    continue
                seen.add(fk)
                if fk in self.corrected_keys[eid] and fk not in self.linked_keys[eid]:
                    rule, score = "correction", 1.0
                else:
                    rule, score = classify_merge(name, f, R.group_of(label), kb_names, self.kb.place_name)
                merges.append({"entity_id": eid, "label": label, "kept_name": name, "merged_name": f,
                               "score": score, "rule": rule})
        return {"entities": entities, "merges": merges}


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
    linker = Linker(kb, corrections)
    for ex in extractions:
        linker.observe(ex)
    linker.resolve()
    out = linker.link_articles(extractions)
    out.update(linker.corpus_tables())
    for name in ("mentions", "article_entities", "figures", "dates", "roles", "quotes"):
        out.setdefault(name, [])
    out["corrections_applied"] = linker.corrections.report()
    return out
