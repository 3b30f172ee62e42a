"""Persons the model missed or mislabelled (runs AFTER abbreviations).

Two patterns, both anchored on evidence in the article itself:
- apposition: a capitalised name followed by a comma and a title phrase ("said Aliya Bekova,
  UNICEF Representative in Kazakhstan"; "Ivan Petrov, coordinator of the ...") or preceded by a
  title ("Deputy Minister Aliya Bekova"), a title the NER learned among them (after_learned_titles, switchable:
  "Deputy Minister of Water Resources Temirlan Osmonaliev", where the title's last word is no title word);
- surname reuse: a later "Bekova" is the person already named "Aliya Bekova" in the article.
Precedence: spans from the knowledge-base rulers and abbreviations are never touched; a model
span (ORG, GPE, LOC) that the patterns show to be a person is relabelled PERSON.
Two more heuristics, each switchable through the component's `disabled` setting (HEURISTICS, for
scripts/ablate.py): title_phrase_parts (a run that is part of a longer capitalised name is no person;
see part_of_longer_name), and
- person_words: a one-word place (the model's, or a town of the place ruler; never a country,
  region or area) whose word the article uses in a person's name ("Alvaro Rodriguez" ...
  "Rodriguez visited"; "Retno Marsudi" ... "continued Retno") or as a PERSON of its own, or that
  follows an honorific ("Ms. Victoria"), is that person, unless a country follows it after a comma or
  "in" or "near" stands before it ("housed in Chisinau");
  a one-word model place no gazetteer knows right before a PERSON is its first name ("Perssia Arifin Cabo");
- speaking_places: a model place of two name words or more that no gazetteer knows and that is the subject of a
  speech verb ("..., Bom-yon Lee added that") is a person;
Words lists (factory settings): entities_people.json (titles, honorifics), the title
heads of roles.json (a title phrase after a name) and the head words of entities_org.json; the knowledge base (`kb`) tells a place glued to a name.
"""
from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.kb import KnowledgeBase, fold
from pipeline.nlp.data import KB_SETTING, Rules, rules_setting, switched_off, verb_forms
from pipeline.nlp.entity_spans import in_locative_slot, is_name_like, replace_ents, token_owners
from pipeline.nlp.extensions import set_source, span_key, token_texts
from pipeline.nlp.titles import SPANS_KEY as TITLES_KEY


def after_office_words(doc: Doc, start: int, end: int, heads: frozenset[str]) -> int:
    """ "[Ministry] Aliya Bekova": a name run that starts with the tail of an office name keeps the
    name after it, when two or more name words follow the last office word (`org_unit_heads`)."""
    cut = None
    for i in range(start, end):
        if doc[i].text in heads:
            cut = i + 1
    if cut is None or end - cut < 2 or not all(is_name_like(t) or t.text == "-" for t in doc[cut:end]):
        return start
    return cut


NAME_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "bin", "ibn", "al"})
MAX_NAME_TOKENS = 5


@lru_cache(maxsize=None)
def title_words(people: Rules, role_words: Rules, demonyms: Rules) -> frozenset[str]:
    """Lower-case words of titles, honorifics and nationalities (entities_people.json, roles.json,
    demonyms.json): a span of these alone ("Mr. President", "Jordanian Foreign [Minister]") names no one."""
    return frozenset(w.casefold() for w in (*people["honorifics"], *people["titles"], *role_words["heads"],
                                            *role_words["modifiers"],
                                            *(d for rec in demonyms["countries"] for d in rec["demonyms"])))


@lru_cache(maxsize=None)
def person_rules(org: Rules, people: Rules, role_words: Rules, demonyms: Rules) -> dict:
    """The word lists of the rule files, compiled once per set of files."""
    return {
        "apposition_titles": frozenset(role_words["heads"]),
        "prefix_titles": frozenset(people["titles"]) | frozenset(people["honorifics"]),
        "org_words": frozenset(org["org_unit_heads"]) | frozenset(org["non_entity_heads"]),
        "office_words": frozenset(org["org_unit_heads"]),
        "title_words": title_words(people, role_words, demonyms),
        "honorifics": frozenset(people["honorifics"]),
        "role_heads": frozenset(w.casefold() for w in (*role_words["heads"], *role_words["ambiguous_heads"])),
        "speech_forms": frozenset(verb_forms(people["speech_verbs"], people["speech_verb_forms"])),
    }


def _particles_then_name(doc: Doc, i: int) -> bool:
    """Token i starts particles ("van der") that lead to a capitalised name part."""
    while i < len(doc) and doc[i].lower_ in NAME_PARTICLES:
        i += 1
    return i < len(doc) and is_name_like(doc[i])


def name_run(doc: Doc, start: int, r: dict) -> int:
    """End of a run of person-name tokens starting at `start` ("Arthur van Diesen", "Kassym-Jomart Tokayev")."""
    i = start
    while i < len(doc) and i - start < MAX_NAME_TOKENS + 4:
        t = doc[i]
        if is_name_like(t) and t.text not in r["org_words"] and t.text not in r["prefix_titles"]:
            i += 1
        elif t.text == "-" and t.whitespace_ == "" and i > start and i + 1 < len(doc) and is_name_like(doc[i + 1]):
            i += 1
        elif t.lower_ in NAME_PARTICLES and i > start and _particles_then_name(doc, i):
            i += 1
        else:
            break
    return i


def is_person_name(doc: Doc, start: int, end: int) -> bool:
    words = [t for t in doc[start:end] if t.is_alpha]
    return 2 <= len(words) <= MAX_NAME_TOKENS and not any(t.is_upper and len(t) > 1 for t in words)


def title_phrase_follows(doc: Doc, i: int, r: dict, ent_at: dict) -> bool:
    """True when a title phrase starts at token i: up to 4 modifier tokens, then a title word."""
    j = i
    steps = 0
    while j < len(doc) and steps < 5:
        t = doc[j]
        if t.text.casefold() in r["apposition_titles"] or t.text.rstrip("s").casefold() in r["apposition_titles"]:
            return True
        if j in ent_at:
            j = ent_at[j]
        elif t.text == "-" and t.whitespace_ == "" and j > i:   # "Under-Secretary-General"
            j += 1
            continue
        elif t.is_alpha and (t.is_title or t.is_upper or t.lower_ in ("deputy", "senior", "chief", "first",
                                                                       "former", "acting", "national", "the", "a")):
            j += 1
        else:
            return False
        steps += 1
    return False


def part_of_longer_name(doc: Doc, i: int, end: int, r: dict) -> bool:
    """(title_phrase_parts) The run doc[i:end] is a piece of a longer capitalised name, not a person:
    a capitalised noun of an office or document follows it ("Sustainable Development [Framework]",
    "Post Conflict [Adviser]", "Communication [Strategy]"); or it is the second half of an office
    name coordinated with "and" ("Minister of Foreign Affairs and [Foreign Trade]": capitalised words
    back to an "of" that a title or unit word heads). A person after a person stays one ("Ministers
    Pushpa Kamal Dahal and Sher Bahadur Deuba": no "of")."""
    nxt = doc[end] if end < len(doc) else None
    if nxt is not None and nxt.is_title and nxt.is_alpha and (
            nxt.text in r["org_words"] or nxt.text.casefold() in r["role_heads"]):
        return True
    if i >= 2 and doc[i - 1].lower_ in ("and", "&") and "\n" not in doc[i - 2].whitespace_:
        k = i - 2
        passed_of = False
        while k >= 0 and i - k <= 8 and (doc[k].is_title or doc[k].lower_ in ("of", "the")):
            passed_of |= doc[k].lower_ == "of"
            if passed_of and doc[k].is_title and (doc[k].text in r["org_words"]
                                                  or doc[k].text.casefold() in r["role_heads"]):
                return True
            k -= 1
    return False


def find_people(doc: Doc, ents: list[Span], sources: dict, r: dict,
                off: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Token spans of persons found by apposition and title prefix patterns."""
    ent_at = {e.start: e.end for e in ents}
    # (after_learned_titles) the token after a title the NER learned (titles.py) is a person slot, however many
    # capitalised words the title has: "Deputy Minister of Water Resources Temirlan Osmonaliev"
    title_ends = set() if "after_learned_titles" in off else {t.end for t in doc.spans.get(TITLES_KEY, ())}
    covered = token_owners(ents)
    found = []
    candidates = [t.i for t in doc if (t.is_title or t.is_upper) and t.is_alpha]
    headlines = names = None    # the title-case lines and the body's person words, when a run needs them
    i = 0
    for c in candidates:
        if c < i:
            continue
        i = c
        if not is_name_like(doc[i]) or doc[i].text in r["prefix_titles"]:
            continue
        end = name_run(doc, i, r)
        first = covered.get(i)
        if first is not None and first.start == i and first.end < end and first.label_ in ("GPE", "LOC") \
                and "after_title_places" not in off:
            i = first.end   # "to Lebanon Hugo Shorter": the run starts after the place the model found
            end = name_run(doc, i, r)
        i = after_office_words(doc, i, end, r["office_words"])    # "Ministry Ruslan Imankulov"
        i = max((k for k in title_ends if i < k < end), default=i)  # "[Minister of Water] Resources Temirlan ..."
        if end == i or not is_person_name(doc, i, end) or all(
                t.text.casefold() in r["title_words"] for t in doc[i:end] if t.is_alpha):
            i = max(end, i + 1)
            continue
        # the run must not overlap a knowledge-base or abbreviation span, nor cut through an entity
        overlapping = {id(covered[k]): covered[k] for k in range(i, end) if k in covered}
        sure = any(sources.get(span_key(e.start_char, e.end_char), "model") != "model"
                   for e in overlapping.values())
        partial = any(e.start < i or e.end > end for e in overlapping.values())
        if sure or partial or any(e.label_ == "PERSON" for e in overlapping.values()):
            i = end
            continue
        prev = doc[i - 1] if i > 0 else None
        nxt = doc[end] if end < len(doc) else None
        if "title_phrase_parts" not in off and part_of_longer_name(doc, i, end, r):
            i = end
            continue
        # a title before the name: a head ("Minister", "Director") or an honorific, not a modifier
        # alone ("National", "Regional", "Health": "National Health [Information System]")
        prefix = i in title_ends or prev is not None and prev.text in r["prefix_titles"] and (
            "title_phrase_parts" in off or prev.text in r["honorifics"] or prev.text.casefold() in r["role_heads"])
        if not prefix and "after_title_places" not in off:
            prefix = after_title_place(doc, i, covered, title_ends, r)
        apposed = nxt is not None and nxt.text == "," and title_phrase_follows(doc, end + 1, r, ent_at)
        if (prefix or apposed) and "headline_names" not in off:
            headlines = title_case_lines(doc) if headlines is None else headlines
            if any(a <= i < b for a, b in headlines):
                names = body_names(doc, ents, headlines) if names is None else names
                if any(t.lower_ not in names for t in doc[i:end] if t.is_alpha):
                    i = end      # not "UN Official Speaks Highly", "UN Chief Meets Nepal Politicos, Ministers"
                    continue
        if prefix or apposed:
            found.append((i, end))
        i = end
    return found


def after_title_place(doc: Doc, i: int, covered: dict, title_ends: set, r: dict) -> bool:
    """(after_title_places) The name run at token i follows a title's place: "British Ambassador to Lebanon [Hugo
    Shorter] inaugurated", "UNICEF Representative in Chad [Jane Roe] said": a title (the NER's, or a capitalised title
    head), "to", "in" or "for", maybe "the", and a place entity that ends right before the run."""
    place = covered.get(i - 1)
    if place is None or place.label_ not in ("GPE", "LOC") or place.end != i:
        return False
    k = place.start - 1 - (place.start > 0 and doc[place.start - 1].lower_ == "the")
    if k < 1 or doc[k].lower_ not in ("to", "in", "for"):
        return False
    return k in title_ends or (doc[k - 1].is_title and doc[k - 1].text.casefold() in r["role_heads"])


def title_case_lines(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of the lines written in title case, where a capital says nothing of a name: three or more
    words of four letters or more that are no function words, every one capitalised."""
    out, start = [], 0
    for i, t in enumerate(doc):
        if "\n" in t.whitespace_ or "\n" in t.text or i == len(doc) - 1:
            words = [w for w in doc[start:i + 1] if w.is_alpha and len(w) > 3 and not w.is_stop]
            if len(words) >= 3 and all(w.text[0].isupper() for w in words):
                out.append((start, i + 1))
            start = i + 1
    return out


def body_names(doc: Doc, ents: list[Span], headlines: list[tuple[int, int]]) -> frozenset[str]:
    """(headline_names) Lower-case words of the persons named outside title-case lines: in a headline, a title
    before capitalised words (or a title phrase after them) is evidence of a person only when the body names a
    person with those words."""
    return frozenset(t.lower_ for e in ents if e.label_ == "PERSON" and not any(a <= e.start < b for a, b in headlines)
                     for t in e)


def last_word(span: Span) -> tuple[int, int]:
    """Token range of the last word of a name, hyphenated parts included ("Friberg-Storey")."""
    i = span.end - 1
    while i - 2 >= span.start and span.doc[i - 1].text == "-" and span.doc[i - 1].whitespace_ == "" \
            and span.doc[i - 2].whitespace_ == "":
        i -= 2
    return i, span.end


def known_names(ents: list[Span]) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """(full names, surnames) of the multi-word PERSON entities, as token-text tuples; a one-word person
    ("Uhuru") counts as a surname."""
    full, last = set(), set()
    for e in ents:
        if e.label_ == "PERSON" and len(e) == 1 and is_name_like(e[0]):
            last.add((e.text,))
        if e.label_ != "PERSON" or len(e) < 2:
            continue
        a, b = last_word(e)
        if a == e.start or not is_name_like(e.doc[a]):
            continue
        full.add(tuple(t.text for t in e))
        last.add(tuple(t.text for t in e.doc[a:b]))
    return full, last


def surname_mentions(doc: Doc, ents: list[Span], sources: dict) -> list[tuple[int, int]]:
    """Later mentions of a person the article has named in full: "Bekova" for "Aliya Bekova",
    also where the model called them an ORG or a place, or glued them to a place
    ("Kazakhstan Aliya Bekova" in a headline)."""
    full, last = known_names(ents)
    if not last:
        return []
    covered = token_owners(ents)
    places = {e.start: e.label_ for e in ents if e.label_ in ("GPE", "LOC")}
    texts = token_texts(doc)
    where: dict[str, list[int]] = {}
    for i, w in enumerate(texts):
        where.setdefault(w, []).append(i)
    out = []
    for names, strict in ((full, False), (last, True)):
        for name in names:
            n = len(name)
            for i in where.get(name[0], ()):
                if tuple(texts[i:i + n]) != name:
                    continue
                inside = {id(covered[k]): covered[k] for k in range(i, i + n) if k in covered}
                if not inside:
                    glued = (i + n < len(doc) and is_name_like(doc[i + n])) or \
                            (i > 0 and is_name_like(doc[i - 1]) and not doc[i - 1].is_sent_start)
                    if not (strict and glued):
                        out.append((i, i + n))
                    continue
                if len(inside) != 1:
                    continue
                e = next(iter(inside.values()))
                if e.label_ not in ("ORG", "GPE", "LOC") or \
                        sources.get(span_key(e.start_char, e.end_char), "model") != "model":
                    continue
                if e.label_ in ("GPE", "LOC") and in_place_slot(doc, e.start, e.end, places):
                    continue    # "In Amayer, ...": the model's place stands where only a place can
                if (e.start, e.end) == (i, i + n) or (not strict and e.end == i + n):
                    out.append((i, i + n))
    return sorted(set(out))


def is_town_or_unknown(text: str, label: str, knowledge: KnowledgeBase) -> bool:
    """A place the knowledge base does not know, or knows only as a town (a countries, region or
    area is never a person's name here)."""
    if fold(text) in knowledge.country_forms_folded:
        return False
    hit = knowledge.lookup_alias(text, label)
    return hit is None or hit.latitude is not None


def in_place_slot(doc: Doc, start: int, end: int, places: dict[int, str]) -> bool:
    """ "Victoria, Seychelles": a country after a comma puts a place here; so does a locative before it ("in")."""
    return in_locative_slot(doc, start) or (
        end + 1 < len(doc) and doc[end].text == "," and places.get(end + 1) == "GPE")


def person_word_places(doc: Doc, ents: list[Span], sources: dict, r: dict,
                       knowledge: KnowledgeBase) -> list[tuple[int, int]]:
    """One-word GPE/LOC spans that the article shows to be persons (module doc, person_words)."""
    words: set[str] = set()
    for e in ents:
        if e.label_ != "PERSON":
            continue
        for t in e:
            if is_name_like(t) and t.text.casefold() not in r["title_words"] and t.lower_ not in NAME_PARTICLES:
                words.add(t.text)
    places = {e.start: e.label_ for e in ents if e.label_ in ("GPE", "LOC")}
    person_at = {e.start: e.end for e in ents if e.label_ == "PERSON"}
    surnames = {e[-1].text for e in ents if e.label_ == "PERSON" and len(e) > 1}
    out = []
    for e in ents:
        if e.label_ not in ("GPE", "LOC") or len(e) != 1 or not e[0].is_title:
            continue
        src = sources.get(span_key(e.start_char, e.end_char), "model")
        # a region the article's own person is named after, where no preposition puts a place: "Natalia Kanem ...
        # Kanem also lauded" (Kanem, a region of Chad)
        surname = e.text in surnames and fold(e.text) not in knowledge.country_forms_folded and not (
            e.start and doc[e.start - 1].pos_ == "ADP")
        if src not in ("model", "rule") or not (surname or is_town_or_unknown(e.text, e.label_, knowledge)):
            continue
        if src == "model" and e.end in person_at and knowledge.lookup_alias(e.text, e.label_) is None:
            out.append((e.start, person_at[e.end]))   # a first name no gazetteer knows: "[Perssia] [Arifin Cabo]"
            continue
        prev = doc[e.start - 1] if e.start > 0 else None
        honorific = prev is not None and prev.text in r["honorifics"]
        if not (honorific or e.text in words) or in_place_slot(doc, e.start, e.end, places):
            continue
        out.append((e.start, e.end))
    return out


def speaking_places(doc: Doc, ents: list[Span], sources: dict, r: dict, knowledge: KnowledgeBase) -> list[tuple[int, int]]:
    """(speaking_places) A name of two words or more that the model called a place, that no gazetteer knows, and that
    is the subject of a speech verb after it is a person: "South Korean ambassador to Jordan, Bom-yon Lee added
    that ..." (places that speak are countries and capitals the gazetteers know: "Kyiv said")."""
    out = []
    for e in ents:
        if e.label_ not in ("GPE", "LOC") or len(e) < 2 or not is_person_name(doc, e.start, e.end) \
                or sources.get(span_key(e.start_char, e.end_char), "model") != "model":
            continue
        root = e.root
        if root.dep_ == "nsubj" and root.head.i >= e.end and root.head.lower_ in r["speech_forms"] \
                and knowledge.lookup_alias(e.text, e.label_) is None:
            out.append((e.start, e.end))
    return out


def add_people(doc: Doc, r: dict, knowledge: KnowledgeBase, off: frozenset[str] = frozenset()) -> Doc:
    sources = dict(doc._.mention_sources or {})
    kbs = dict(doc._.mention_kb or {})
    ents = list(doc.ents)
    relabelled = []
    if "person_words" not in off:
        relabelled += person_word_places(doc, ents, sources, r, knowledge)
    if "speaking_places" not in off:
        relabelled += [x for x in speaking_places(doc, ents, sources, r, knowledge) if x not in relabelled]
    if relabelled:
        ents = [e for e in ents if not any(e.start < b and e.end > a for a, b in relabelled)]
        ents += [Span(doc, a, b, label="PERSON") for a, b in relabelled]
        replace_ents(doc, ents)
        for a, b in relabelled:
            s = doc[a:b]
            key = span_key(s.start_char, s.end_char)
            if doc._.mention_kb:
                doc._.mention_kb.pop(key, None)     # a town's id is not the person's
            set_source(doc, s.start_char, s.end_char, "rule")
        sources = dict(doc._.mention_sources or {})
        kbs = dict(doc._.mention_kb or {})
        ents = list(doc.ents)
    new = find_people(doc, ents, sources, r, off)
    if new:
        ents = [e for e in ents if not any(e.start < b and e.end > a for a, b in new)]
        ents += [Span(doc, a, b, label="PERSON") for a, b in new]
    more = surname_mentions(doc, ents, sources)
    if more:
        kept = []
        for e in ents:
            hit = next(((a, b) for a, b in more if e.start < b and e.end > a), None)
            if hit is None:
                kept.append(e)
            elif e.start < hit[0]:
                # "Kazakhstan Kassym-Jomart Tokayev": the part before the person may be a place
                rest = doc[e.start:hit[0]]
                place = knowledge.lookup_alias(rest.text, "GPE")
                if place is not None:
                    kept.append(Span(doc, rest.start, rest.end, label="GPE"))
                    kbs[span_key(rest.start_char, rest.end_char)] = place.kb_id
                    sources[span_key(rest.start_char, rest.end_char)] = "rule"
        ents = kept + [Span(doc, a, b, label="PERSON") for a, b in more]
    if not new and not more:
        return doc
    replace_ents(doc, ents)
    for key, src in sources.items():
        if any(span_key(e.start_char, e.end_char) == key for e in doc.ents):
            set_source(doc, *map(int, key.split(":")), src, kbs.get(key))
    for a, b in new + more:
        s = doc[a:b]
        set_source(doc, s.start_char, s.end_char, "rule")
    return doc


# Each heuristic by name: `disabled` in the component's config switches it off (scripts/ablate.py).
HEURISTICS = ("person_words", "title_phrase_parts", "headline_names", "after_learned_titles", "after_title_places",
              "speaking_places")


@Language.factory("person_appositions", default_config={
    "disabled": [], "kb": KB_SETTING, "org_rules": rules_setting("rules/entities_org.json"),
    "people_rules": rules_setting("rules/entities_people.json"), "role_words": rules_setting("rules/roles.json"),
    "demonyms": rules_setting("rules/demonyms.json")})
def make_person_appositions(nlp: Language, name: str, disabled: list[str], kb: KnowledgeBase, org_rules: Rules,
                            people_rules: Rules, role_words: Rules, demonyms: Rules):
    off = switched_off("people", disabled, HEURISTICS)
    r = person_rules(org_rules, people_rules, role_words, demonyms)
    kb.alias_table   # built now, not in the first document

    def person_appositions(doc: Doc) -> Doc:
        return add_people(doc, r, kb, off)

    return person_appositions
