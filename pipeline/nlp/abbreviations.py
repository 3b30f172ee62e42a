"""Abbreviations defined in the article, labelled like their long form (runs AFTER entity_fixups).

The pairs are found with the Schwartz & Hearst (2003) algorithm, as scispaCy's
AbbreviationDetector does, written here as small pure helpers (no scispaCy dependency):
"Long Form (LF)" and, less often, "LF (Long Form)".

Precedence: what the article itself defines beats every earlier decision about the short form,
so within that article every occurrence of the short form takes the long form's label:
- the long form is an entity (ends right before the parenthesis): the short form gets its label
  and knowledge-base id ("Food and Agriculture Organization of the United Nations (FAO)"); this
  is also how acronyms the UN ruler does not trust alone ("ITC") are accepted;
- the long form is not an entity but reads as an organization name (capitalised words headed by
  an organization noun: "Women's Entrepreneurship Development Centers (WEDCs)"), both become ORG;
- the long form starts with an organization the model cut short or split and reads as an organization
  name ("[United Nations] International Children's Fund (UNICEF)"): the whole long form becomes one span
  with that label (acronym_extent, switchable through the component's `disabled` setting);
- otherwise the short form is not an entity either ("Surveillance Evaluation Tool (SET)",
  "Generation Equality Forum (GEF)"), and model spans of it are removed.
Data (factory settings): the knowledge base (`kb`) and the head words of entities_org.json (`org_rules`).
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.kb import KnowledgeBase
from pipeline.nlp.data import KB_SETTING, Rules, rules_setting, switched_off
from pipeline.nlp.entity_spans import replace_ents
from pipeline.nlp.extensions import set_source, span_key, token_texts
from pipeline.records import ENTITY_LABELS



# --------------------------------------------------------------------------------------------
# Schwartz-Hearst, over plain strings


def is_short_form_candidate(text: str) -> bool:
    """2-10 characters, at most two words, starts alphanumeric, has a letter and a capital."""
    if not 2 <= len(text) <= 10 or len(text.split()) > 2:
        return False
    if not text[0].isalnum() or not any(c.isalpha() for c in text):
        return False
    return any(c.isupper() for c in text)


def find_best_long_form(short: str, long: str) -> str | None:
    """The shortest suffix of `long` whose characters spell `short` (Schwartz & Hearst, fig. 2).

    Each character of the short form is matched right to left; the first one must start a word.
    """
    s_idx = len(short) - 1
    l_idx = len(long) - 1
    while s_idx >= 0:
        c = short[s_idx].lower()
        if not c.isalnum():
            s_idx -= 1
            continue
        while (l_idx >= 0 and long[l_idx].lower() != c) or \
                (s_idx == 0 and l_idx > 0 and long[l_idx - 1].isalnum()):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
        s_idx -= 1
    start = long.rfind(" ", 0, l_idx + 1) + 1
    return long[start:]


def long_form_window(short: str) -> int:
    """How many words before the parenthesis may belong to the long form."""
    return min(len(short) + 5, len(short) * 2)


@dataclass(frozen=True)
class Pair:
    long_start: int     # token offsets
    long_end: int
    short_start: int
    short_end: int

    def short_text(self, doc: Doc) -> str:
        return doc[self.short_start:self.short_end].text


def _long_form_tokens(doc: Doc, short: str, end: int) -> tuple[int, int] | None:
    """Token span of the long form ending at token `end` (exclusive) for `short`."""
    window = long_form_window(short)
    start = end
    words = 0
    while start > 0 and words < window:
        t = doc[start - 1]
        if t.text in ("(", ")", ";", ".", "\n") or "\n" in t.text or t.is_sent_end and start - 1 < end - 1:
            break
        start -= 1
        if not t.is_punct:
            words += 1
    if start >= end:
        return None
    candidate = doc[start:end].text
    best = find_best_long_form(short, candidate)
    if not best or len(best) <= len(short) or best.lower() == short.lower():
        return None
    char_start = doc[start].idx + (len(candidate) - len(best))
    span = doc.char_span(char_start, doc[end - 1].idx + len(doc[end - 1].text), alignment_mode="expand")
    if span is None or span.start >= end:
        return None
    from pipeline.nlp.entity_fixups import trim_edges
    start, end = trim_edges(doc, span.start, end)
    return (start, end) if start < end else None


def find_pairs(doc: Doc) -> list[Pair]:
    pairs = []
    for i, tok in enumerate(doc):
        if tok.text != "(":
            continue
        close = next((j for j in range(i + 1, min(len(doc), i + 12)) if doc[j].text == ")"), None)
        if close is None or close == i + 1:
            continue
        inner = doc[i + 1:close]
        end = i
        while end > 0 and doc[end - 1].is_space:
            end -= 1    # "Kosovo\u00a0(UNMIK)"
        if close - i - 1 <= 2 and is_short_form_candidate(inner.text):
            lf = _long_form_tokens(doc, inner.text, end)
            if lf:
                pairs.append(Pair(lf[0], lf[1], i + 1, close))
        elif close - i - 1 > 2 and i > 0 and is_short_form_candidate(doc[i - 1].text) \
                and doc[i - 1].is_upper:
            best = find_best_long_form(doc[i - 1].text, inner.text)
            if best and best == inner.text:
                pairs.append(Pair(i + 1, close, i - 1, i))
    return pairs


# --------------------------------------------------------------------------------------------
# Labelling


@dataclass(frozen=True)
class Heads:
    """Head words of entities_org.json: organization nouns, and document/event nouns that are no entity."""
    org: frozenset[str]
    non_entity: frozenset[str]


def looks_like_org_name(words: list[str], heads: Heads) -> bool:
    """Capitalised content words headed (last word) by an organization noun."""
    content = [w for w in words if w.isalpha() and w.lower() not in ("of", "and", "the", "for", "on", "in")]
    if not content or not all(w[0].isupper() for w in content):
        return False
    if any(w in heads.non_entity for w in content):
        return False
    head = content[-1]
    return head in heads.org or head.rstrip("s") in heads.org or head[:-2] + "y" in heads.org


def long_form_label(doc: Doc, pair: Pair, ents: list[Span], kbs: dict, heads: Heads,
                    knowledge: KnowledgeBase, off: frozenset[str] = frozenset()) -> tuple[str | None, str | None, Span | None]:
    """(label, kb id, entity span to add for the long form or None)."""
    for e in ents:
        # the entity must be the long form, not a place at its end ("... in Europe (OSCE)")
        if e.end == pair.long_end and e.start <= pair.long_start + 1 and e.label_ in ENTITY_LABELS:
            return e.label_, kbs.get(span_key(e.start_char, e.end_char)), None
    long_span = doc[pair.long_start:pair.long_end]
    for label in ("UN_AGENCY", "ORG"):
        hit = knowledge.lookup_alias(long_span.text, label)
        if hit is not None:
            return label, hit.kb_id, Span(doc, pair.long_start, pair.long_end, label=label)
    words = [t.text for t in long_span if not (t.text in ("’s", "'s", "’", "-"))]
    if looks_like_org_name(words, heads) and not any(
            e.start < pair.long_end and e.end > pair.long_start for e in ents):
        return "ORG", None, Span(doc, pair.long_start, pair.long_end, label="ORG")
    if "acronym_extent" not in off:
        whole = whole_long_form(doc, pair, ents, heads)
        if whole is not None:
            # no knowledge-base id: the first entity's ("United Nations") is not the whole name's
            return whole.label_, None, Span(doc, whole.start, pair.long_end, label=whole.label_)
    return None, None, None


def whole_long_form(doc: Doc, pair: Pair, ents: list[Span], heads: Heads) -> Span | None:
    """The organization that starts a long form the model cut short or split, when the acronym spells
    the whole capitalised name: "[United Nations] International Children's Fund (UNICEF)",
    "[United Nations] Humanitarian Air Service (UNHAS)". The long form must start with that organization
    (or inside its first two words: an acronym may skip "National" or "the"), hold no
    entity that runs out of it, and read as an organization's name (capitalised words headed by an
    organization noun: not "[Science], Technology, Engineering and Math (STEM)")."""
    inside = [e for e in ents if e.start < pair.long_end and e.end > pair.long_start]
    if not inside or inside[0].label_ not in ("ORG", "UN_AGENCY") or inside[0].end >= pair.long_end \
            or not pair.long_start - 2 <= inside[0].start <= pair.long_start \
            or any(e.end > pair.long_end for e in inside):
        return None
    words = [t.text for t in doc[inside[0].start:pair.long_end] if t.text not in ("’s", "'s", "’", "-")]
    return inside[0] if looks_like_org_name(words, heads) else None


def short_form_occurrences(texts: list[str], short: list[str]) -> list[tuple[int, int]]:
    """Token ranges where the token texts `short` occur in `texts`."""
    n = len(short)
    return [(i, i + n) for i, w in enumerate(texts) if w == short[0] and texts[i:i + n] == short]


def label_abbreviations(doc: Doc, heads: Heads, knowledge: KnowledgeBase, off: frozenset[str] = frozenset()) -> Doc:
    pairs = find_pairs(doc)
    if not pairs:
        return doc
    sources = dict(doc._.mention_sources or {})
    kbs = dict(doc._.mention_kb or {})
    ents = list(doc.ents)
    texts = token_texts(doc)
    added: list[tuple[Span, str, str | None]] = []
    for pair in pairs:
        label, kb_id, long_span = long_form_label(doc, pair, ents, kbs, heads, knowledge, off)
        short = [t.text for t in doc[pair.short_start:pair.short_end]]
        occ = short_form_occurrences(texts, short)
        occ_set = set(occ)
        if label is None:
            # the long form read is no entity, but an entity inside it is the short form's own knowledge-base
            # entry ("UN agencies, including the UN Children's Fund (UNICEF)", "United Nations Development
            # Programme in Osh (UNDP)"): the short form keeps its spans; otherwise they go too ("GEF")
            inner = {kbs.get(span_key(e.start_char, e.end_char)) for e in ents
                     if e.start >= pair.long_start and e.end <= pair.long_end} - {None}
            ents = [e for e in ents if (e.start, e.end) not in occ_set
                    or kbs.get(span_key(e.start_char, e.end_char)) in inner]
            # a long form that is no entity ("Science, Technology, Engineering and Math") holds
            # no model entity either
            ents = [e for e in ents if not (e.start >= pair.long_start and e.end <= pair.long_end
                                            and sources.get(span_key(e.start_char, e.end_char), "model") == "model")]
            continue
        # the article's own definition replaces any span that is just the short form
        ents = [e for e in ents if (e.start, e.end) not in occ_set]
        if long_span is not None:
            ents = [e for e in ents if e.end <= long_span.start or e.start >= long_span.end]
            ents.append(long_span)
            added.append((long_span, "abbreviation", kb_id))
        taken = [False] * len(doc)
        for e in ents:
            for i in range(e.start, e.end):
                taken[i] = True
        for s, t in occ:
            if not any(taken[s:t]):
                span = Span(doc, s, t, label=label)
                ents.append(span)
                added.append((span, "abbreviation", kb_id))
                for i in range(s, t):
                    taken[i] = True
    replace_ents(doc, ents)     # keeps the sources and kb ids of the spans that survive
    for span, src, kb_id in added:
        set_source(doc, span.start_char, span.end_char, src, kb_id)
    return doc


# Each heuristic by name: `disabled` in the component's config switches it off (scripts/ablate.py).
HEURISTICS = ("acronym_extent",)


@Language.factory("abbreviation_labeller",
                  default_config={"disabled": [], "kb": KB_SETTING,
                                  "org_rules": rules_setting("rules/entities_org.json")})
def make_abbreviation_labeller(nlp: Language, name: str, disabled: list[str], kb: KnowledgeBase, org_rules: Rules):
    off = switched_off("abbreviations", disabled, HEURISTICS)
    heads = Heads(frozenset(org_rules["org_unit_heads"]), frozenset(org_rules["non_entity_heads"]))
    kb.alias_table   # built now, not in the first document

    def abbreviation_labeller(doc: Doc) -> Doc:
        return label_abbreviations(doc, heads, kb, off)

    return abbreviation_labeller
