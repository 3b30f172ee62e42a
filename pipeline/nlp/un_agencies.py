"""UN system bodies from the knowledge base, as UN_AGENCY spans (runs AFTER ner, before places).

The same ruler also fixes the few well-known organizations outside the UN system listed in
`models/kb/organizations.jsonl` (World Bank, IMF, EU, OSCE...) as ORG, so that neither the
model nor the place gazetteer splits them ("Organization for Security and Co-operation in
Europe" is one ORG, not an ORG and a LOC).

Precedence: a KB hit wins over the model's spans it overlaps, and against anything later components
do, except the abbreviation labeller where the article itself defines a short form. One exception,
`model_extent` (a factory setting): where the trained NER reads a longer UN_AGENCY name around a
known body that is an office of it ("UNDP Regional Office for Africa", "UNICEF PNG"; see
`office_of_body`), the mention takes the model's extent and the body's id (guidelines: offices of a
body are mentions of it). Until 5 Dec the ruler ran before the NER, which then predicted around it.

Patterns come from the knowledge base of the `kb` setting (`models/kb/un_system.jsonl` and
`organizations.jsonl`), head and venue words from the `org_rules` setting (entities_org.json):
- full names and aliases (and "United Nations X" <-> "UN X" forms, straight and curly
  apostrophes); names of three tokens or more match case-insensitively, shorter ones as written;
- acronyms case-sensitively ("WHO", never "who"); acronyms marked ambiguous are left to the
  abbreviation labeller, which trusts them only when the article defines them;
- a country-office form, the body followed straight by a country ("UN Women Kazakhstan"), is one
  mention of the body; "UNICEF in Kazakhstan" stays two entities;
- a body followed by a venue word ("UN Headquarters", "United Nations House") names a place:
  the whole is a LOC (guidelines: a venue is LOC);
- a body named inside a longer name of a document, event or programme ("UN Convention on the
  Rights of the Child", "FAO-Türkiye Partnership Programme") is not a mention of it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from pipeline.compiled import cached
from pipeline.kb import KnowledgeBase, bare_organ_name
from pipeline.nlp.data import KB_SETTING, Rules, rules_setting
from pipeline.nlp.entity_spans import add_spans, is_name_like, match_spans, name_head

LABEL = "UN_AGENCY"
CASE_INSENSITIVE_MIN_TOKENS = 3


def name_variants(name: str) -> list[str]:
    """Spelling variants of one full name: UN/United Nations prefix swap and apostrophe styles."""
    forms = {name}
    if name.startswith("United Nations "):
        forms.add("UN " + name[len("United Nations "):])
    elif name.startswith("UN ") and not name.startswith("UN-"):
        forms.add("United Nations " + name[3:])
    for f in list(forms):
        if "'" in f:
            forms.add(f.replace("'", "\u2019"))
    return sorted(forms)


@lru_cache(maxsize=None)
def pattern_table(knowledge: KnowledgeBase) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(case-sensitive forms, case-insensitive forms), each mapping kb_id -> surface forms."""
    exact: dict[str, list[str]] = {}
    folded: dict[str, list[str]] = {}
    for rec in (*knowledge.un_bodies, *knowledge.organizations):
        exact.setdefault(rec.kb_id, []).extend(rec.acronyms)
        for name in (rec.name, *rec.aliases):
            for form in name_variants(name):
                target = folded if len(form.split()) >= CASE_INSENSITIVE_MIN_TOKENS else exact
                target.setdefault(rec.kb_id, []).append(form)
    return exact, folded


@lru_cache(maxsize=None)
def country_forms(knowledge: KnowledgeBase) -> frozenset[tuple[str, ...]]:
    """Token tuples of country names, for the country-office extension (compiled once per fingerprint)."""
    return cached("country_forms", (*knowledge.fingerprint_parts, Path(__file__)), lambda: frozenset(
        tuple(n.replace("-", " - ").split())
        for p in knowledge.places if p.kind == "country" for n in (p.name, *p.aliases)))


def country_after(doc: Doc, end: int, countries: frozenset[tuple[str, ...]]) -> int:
    """End token of a country name starting at `end`, or `end` when there is none."""
    best = end
    for n in (1, 2, 3):
        if end + n <= len(doc) and tuple(t.text for t in doc[end:end + n]) in countries:
            best = end + n
    return best


def inside_longer_name(doc: Doc, start: int, end: int, non_entity_heads: frozenset[str]) -> bool:
    """True when the span runs straight into a capitalised name headed by a document/event word
    ("UN Convention against Corruption", "FAO-Mongolia Forestry Programme"), not when it runs
    into a job title ("UNDP Project Manager": the head is Manager)."""
    i = end
    if i < len(doc) and doc[i].text == "-" and doc[i].whitespace_ == "" and i + 1 < len(doc):
        i += 1
    j = i
    while j < len(doc) and j - i < 12 and (
            is_name_like(doc[j]) or doc[j].text in non_entity_heads
            or (doc[j].text == "-" and doc[j].whitespace_ == "" and j > i and doc[j - 1].whitespace_ == "")):
        j += 1
    if j == i:
        return False
    head = name_head(doc, i, j)
    return head is not None and doc[head].text in non_entity_heads


# "the UN agency", "the U.N. humanitarian agency", "the UN's migration agency", "the UN's children's agency", "the UN
# disaster office", "the UN fund" (in lower case: "the UN Office for ..." is a name)
_POSSESSIVE = {"ORTH": {"IN": ["'s", "\u2019s", "'", "\u2019"]}, "OP": "?"}
_DESCRIPTION = [_POSSESSIVE,
                {"ORTH": {"REGEX": "^(?:[a-z][a-z-]*|['\u2019]s)$", "NOT_IN": ["of", "in", "and"]}, "OP": "{0,3}"},
                {"ORTH": {"IN": ["agency", "body", "organization", "organisation", "office", "fund"]}}]
DESCRIBED_BODY = [[{"LOWER": "the"}, {"ORTH": {"IN": ["UN", "U.N."]}}, *_DESCRIPTION],
                  [{"LOWER": "the"}, {"ORTH": "United"}, {"ORTH": "Nations"}, *_DESCRIPTION]]

_UMBRELLA: dict[int, frozenset[str]] = {}


def un_umbrella(knowledge: KnowledgeBase | None) -> frozenset[str]:
    """Knowledge-base ids of the United Nations as a whole (the record whose acronym is "UN")."""
    if knowledge is None:
        return frozenset()
    if id(knowledge) not in _UMBRELLA:
        _UMBRELLA[id(knowledge)] = frozenset(rec.kb_id for rec in knowledge.un_bodies if "UN" in rec.acronyms)
    return _UMBRELLA[id(knowledge)]


# Words of UN bodies' names that say what kind of body, not what about: no topic of a description.
NAME_FORM_WORDS = frozenset({"united", "nations", "un", "the", "of", "for", "and", "on", "in", "to", "organization",
                             "organisation", "fund", "programme", "program", "office", "agency", "international",
                             "world", "commission", "high", "commissioner", "special", "representative", "secretary",
                             "general", "system", "entity", "mission", "conference", "council", "department"})


AGENCY_CATEGORIES = frozenset({"fund_programme", "specialized_agency", "related_organization"})


def topic_stem(word: str) -> str:
    return word.removesuffix("'s").removesuffix("\u2019s").removesuffix("s")


def topic_index(knowledge: KnowledgeBase) -> dict[str, frozenset[str]]:
    """Each topic word of a UN body's name or alias, singular and without a possessive ("Children's Fund":
    "children"), to the bodies' ids: what "the UN children's agency" or "the UN migration agency" names."""
    index: dict[str, set[str]] = {}
    for rec in knowledge.un_bodies:
        for name in (rec.name, *rec.aliases):
            for word in name.lower().replace("-", " ").split():
                if word.isalpha() and word not in NAME_FORM_WORDS or word.endswith(("'s", "\u2019s")):
                    index.setdefault(topic_stem(word), set()).add(rec.kb_id)
    return {k: frozenset(v) for k, v in index.items()}


class UNAgencyRuler:
    def __init__(self, nlp: Language, knowledge: KnowledgeBase, org_rules: Rules, role_rules: Rules,
                 model_extent: bool):
        self.model_extent = model_extent
        self.title_heads = frozenset(role_rules["heads"])
        self.unit_heads = frozenset(org_rules["org_unit_heads"])
        self.umbrella = un_umbrella(knowledge)
        self.umbrella_id = min(self.umbrella) if self.umbrella else None   # what an unresolved description names
        self.tokenizer = nlp.tokenizer
        self.labels = {rec.kb_id: rec.label for rec in (*knowledge.un_bodies, *knowledge.organizations)}
        self.countries = country_forms(knowledge)
        self.bare_organs = frozenset(bare_organ_name(r.name, r.category) for r in knowledge.un_bodies) - {None}
        exact, folded = pattern_table(knowledge)
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        for matcher, table in ((self.exact, exact), (self.folded, folded)):
            for kb_id, forms in table.items():
                matcher.add(kb_id, list(nlp.tokenizer.pipe(forms)))
        self.non_entity_heads = frozenset(org_rules["non_entity_heads"])
        self.venue_words = frozenset(org_rules["un_venue_words"])
        self.descriptions = Matcher(nlp.vocab)
        self.descriptions.add("described", DESCRIBED_BODY)
        self.topics = topic_index(knowledge)
        self.categories = {rec.kb_id: rec.category for rec in knowledge.un_bodies}

    def office_of_body(self, span: Span) -> bool:
        """(model_extent) A UN_AGENCY span of the NER around a known body, ending in a name word and headed by no
        title: "[UNDP] Regional Office for Africa", "[UNICEF] PNG", "Regional Bureau for Africa of [UNDP]" are the
        body's mentions (guidelines), "UN High Commissioner for Human Rights" is a post. Around the UN as a whole,
        a name with an organization head word is another body ("United Nations International Children's Fund"),
        not an office of it ("UN System", "UN PH")."""
        head = name_head(span.doc, span.start, span.end)
        return span.label_ == LABEL and is_name_like(span[-1]) and (
            head is None or span.doc[head].lower_ not in self.title_heads)

    @staticmethod
    def in_title_case(span: Span) -> bool:
        """A headline written in title case ("WFP Delivers Food To Displaced Civilians"), no name: a function word
        is capitalised inside it."""
        return any(t.is_title and t.is_stop for t in span[1:])

    def described_bodies(self, doc: Doc, found: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
        """A body named by a description (guidelines: "the UN refugee agency" is a mention of UNHCR): "the UN
        agency", "the U.N. humanitarian agency", "the United Nations health body". It is the body named in
        brackets right after it, else the one named last before it (a description refers back), else the first
        named after it (a headline), else the UN as a whole; a known description ("UN refugee agency")
        is matched whole by the knowledge base, and "a UN agency" or "UN agencies" name no body."""
        bodies = sorted((span.start, kb_id) for span, kb_id in found
                        if span.label_ == LABEL and kb_id is not None and kb_id not in self.umbrella)
        out = []
        for _, start, end in self.descriptions(doc, as_spans=False):
            bracketed = [kb_id for s, kb_id in bodies if s == end + 1 and doc[end].text == "("]   # "the UN body (UNICEF)"
            before = [kb_id for s, kb_id in bodies if s < start]
            after = [kb_id for s, kb_id in bodies if s >= end]
            # its topic words pick, among the bodies named, those whose names share them ("the UN children's
            # agency": UNICEF, not WHO named before it); an agency's topic names one agency even unnamed
            topical = set().union(*(self.topics.get(topic_stem(t.lower_), ()) for t in doc[start:end - 1]))
            agencies = {k for k in topical if self.categories[k] in AGENCY_CATEGORIES} \
                if doc[end - 1].lower_ != "office" else set()
            named = (bracketed or [k for k in before if k in topical][-1:] or [k for k in after if k in topical][:1]
                     or (list(agencies) if len(agencies) == 1 else []) or before[-1:] or after[:1]
                     or [self.umbrella_id])[0]
            out.append((Span(doc, start + 1, end, label=LABEL), named))
        return out

    def __call__(self, doc: Doc) -> Doc:
        found: list[tuple[Span, str]] = []
        matches = match_spans(doc, self.tokenizer, (self.exact, self.folded))
        for match_id, start, end in matches:
            kb_id = doc.vocab.strings[match_id]
            label = self.labels[kb_id]
            if inside_longer_name(doc, start, end, self.non_entity_heads) or (
                    start and doc[start - 1].is_title and not doc[start - 1].is_sent_start
                    and doc[start:end].text in self.bare_organs):
                continue    # or ends one: "National Security Council", "Jordan Economic and Social Council"
            if label != LABEL and end < len(doc) and is_name_like(doc[end]):
                continue    # "EU Delegation to ...": a unit of the organization, left to the model
            if end < len(doc) and doc[end].text in self.venue_words:
                found.append((Span(doc, start, end + 1, label="LOC"), None))
                continue
            if label == LABEL:
                end = country_after(doc, end, self.countries)
                # a body inside another's name ("[United Nations] Children's Fund") takes no office extent
                if self.model_extent and not any(s <= start and end <= e and e - s > end - start
                                                 for _, s, e in matches):
                    outer = [e for e in doc.ents if e.start <= start and end <= e.end and self.office_of_body(e)
                             and not self.in_title_case(e)
                             and not (kb_id in self.umbrella and any(t.text in self.unit_heads for t in e))]
                    start, end = min([start] + [e.start for e in outer]), max([end] + [e.end for e in outer])
            found.append((Span(doc, start, end, label=label), kb_id))
        found += self.described_bodies(doc, found)
        # longest first, so "UN Women" beats "UN"
        found.sort(key=lambda x: (-(x[0].end - x[0].start), x[0].start))
        add_spans(doc, found, source="rule", replace=True)
        return doc


@Language.factory("un_agency_ruler",
                  default_config={"kb": KB_SETTING, "org_rules": rules_setting("rules/entities_org.json"),
                                  "role_rules": rules_setting("rules/roles.json"), "model_extent": True})
def make_un_agency_ruler(nlp: Language, name: str, kb: KnowledgeBase, org_rules: Rules, role_rules: Rules,
                         model_extent: bool):
    return UNAgencyRuler(nlp, kb, org_rules, role_rules, model_extent)
