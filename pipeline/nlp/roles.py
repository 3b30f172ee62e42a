"""Person roles: the title an article gives a person, with the organization and place tied to it.

Forms: appositions ("Jane Roe, UNICEF Representative in Ruritania"), titles before the name
("UN Women Representative Jane Roe", "Minister Roe"), "X of Y" titles ("Chairperson of the Committee
..."), several titled people in one sentence, and country adjectives ("Ruritanian Deputy Prime Minister").

The algorithm works on the Doc's tokens (see `words_of`) and on the character spans of the entities
already in `doc.ents`, so it is a set of pure functions over (words, entities) that improve by themselves
when the entity components do. The component only wires them in.

A title is a noun phrase that ends in a head noun (Representative, Minister, Officer, ...), optionally
followed by "of/for/to/in ..." complements. A complement that is an organization or a place becomes the
role's org or place and closes the title; a common-noun complement ("of the Board", "for the
Secretary-General", "of the quality department") stays in the title, as the annotation guidelines do.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import NamedTuple, Sequence

from spacy.language import Language

from pipeline.nlp import extensions  # noqa: F401  (registers doc._.roles / doc._.quotes)
from pipeline.nlp.data import Rules, default_data, rules_setting, switched_off, verb_forms, word_lists
from pipeline.nlp.extensions import doc_text, once_per_doc, token_texts
from pipeline.nlp.line_breaks import DASHES
from pipeline.nlp.title_roles import DEFAULT_POLICY, surname, with_learned_roles

PRONOUNS = frozenset({"he", "his", "her"})   # "HE", "His Excellency": honorifics only before another (is_honorific)

JOINERS = "-\u2010'\u2019"
QUOTE_MARK_RE = re.compile("[\"\u201c\u201d\u201e\u00ab\u00bb]")
GLUED_MARK_RE = re.compile(r"\w+|\S")
ORG_LABELS = frozenset({"ORG", "UN_AGENCY"})
PLACE_LABELS = frozenset({"GPE", "LOC"})
# Other model labels (NORP, DATE, ...) are ignored: "Kazakh" must stay a word for the demonym rule.
ENTITY_LABELS = frozenset({"PERSON"}) | ORG_LABELS | PLACE_LABELS
# Words that end a sentence or a clause: a title never runs across them (nor across a line break).
HARD_STOPS = frozenset({".", ";", ":", "!", "?", "\"", "\u201c", "\u201d", "\u00ab", "\u00bb", "\u201e", "(", ")",
                        "[", "]", "|", "\u2022", "*"})


class Ent(NamedTuple):
    start: int
    end: int
    label: str


# The word lists of roles.json as attributes, with the honorifics of entities_people.json and the demonyms.
Lexicon = SimpleNamespace
ROLE_DATA = {"words": rules_setting("rules/roles.json"), "people": rules_setting("rules/entities_people.json"),
             "demonyms": rules_setting("rules/demonyms.json"), "orgs": rules_setting("rules/entities_org.json")}


@lru_cache(maxsize=None)
def lexicon(words: Rules, people: Rules, demonyms: Rules, orgs: Rules) -> Lexicon:
    lex = word_lists(words)
    lex.off = frozenset()   # heuristics switched off (ROLE_HEURISTICS; the factory's `disabled`)
    lex.unit_nouns = frozenset(w.casefold() for w in orgs["org_unit_heads"])   # "the UN rights office spokesperson"
    # a rank that is also a title head ("Chief Adviser Professor Jane Roe") is read as a title here
    lex.honorifics = frozenset(h.casefold() for h in people["honorifics"]) - PRONOUNS - lex.heads
    lex.speech_verbs = verb_forms(people["speech_verbs"], people["speech_verb_forms"])   # form -> lemma
    lex.demonyms, lex.country_names = {}, {}   # lower-case adjective or name -> country name
    for rec in demonyms["countries"]:
        for d in rec["demonyms"]:
            lex.demonyms.setdefault(d.casefold(), rec["country"])
        for n in rec["names"]:
            lex.country_names.setdefault(n.casefold(), rec["country"])
    return lex


def default_lexicon() -> Lexicon:
    """The lexicon of the role extractor's default config (what build_nlp() gives it)."""
    return lexicon(*(default_data("role_extractor", k) for k in ROLE_DATA))


# --------------------------------------------------------------------------------------------
# Words and entities


@once_per_doc   # roles and quotes share the copy
def words_of(doc, lex: Lexicon | None = None) -> list:
    """The tokens of a copy of the Doc, retokenized to the words the title lists and owners write: tokens written
    together across a hyphen or an apostrophe are merged ("Ambassador-at-Large", "UNICEF's"); a quotation mark spaCy
    leaves between two words ("vaccines,\u201dsaid"), a joiner that joins nothing ("(SANA) -Minister") and a title head
    glued to an e-mail ("Officerjane.roe@un.org") are split off. Line breaks, stops for titles, are the only spaces."""
    lex = lex or default_lexicon()
    words = doc.copy()
    texts = token_texts(words)   # the tokens' texts without making Token objects: most tokens need no change
    with words.retokenize() as rt:
        for i, text in enumerate(texts):
            pieces = GLUED_MARK_RE.findall(text) if QUOTE_MARK_RE.search(text[1:-1]) else [text]
            if len(text) > 1 and text[0] in JOINERS and text[1].isalnum() and (i == 0 or words[i - 1].whitespace_):
                pieces = [text[0], text[1:]]
            elif "@" in text and text[:1].isupper() and not is_head(text, lex):
                n = next((n for n in range(len(text) - 1, 3, -1) if text[:n].lower() in lex.heads
                          and text[n].islower()), 0)
                pieces = [text[:n], text[n:]] if n else pieces
            if len(pieces) > 1:
                t = words[i]   # the tagger's part of speech stays with the first piece, the one the tagger read
                rt.split(t, pieces, heads=[(t, 0)] * len(pieces), attrs={"POS": [t.pos] + [0] * (len(pieces) - 1)})
    texts, spaced = token_texts(words), words.to_array("SPACY").tolist()
    starts = [i for i in range(len(texts)) if not _joins(texts, spaced, i) and not (   # "Hon" "." is one honorific
        texts[i] == "." and i and not spaced[i - 1] and texts[i - 1].casefold() + "." in lex.honorifics)] + [len(texts)]
    with words.retokenize() as rt:
        for a, b in zip(starts, starts[1:]):
            if b - a > 1:
                rt.merge(words[a:b])
    return [t for t, text in zip(words, token_texts(words)) if not text.isspace() or "\n" in text]


def _joins(texts: list[str], spaced: list[int], i: int) -> bool:
    """Token i is written together with the one before it across a hyphen or an apostrophe."""
    if i == 0 or spaced[i - 1] or texts[i].isspace():
        return False
    prev, text = texts[i - 1], texts[i]
    if text[0] in JOINERS:   # a joiner after a word: "'s", or a hyphen with a word right after it
        return prev[-1].isalnum() and (len(text) > 1 or (
            not spaced[i] and i + 1 < len(texts) and texts[i + 1][0].isalnum()))
    return prev[-1] in JOINERS and text[0].isalnum() and (prev[-2:-1].isalnum() or _joins(texts, spaced, i - 1))


def word_entities(words: Sequence, ents: Sequence[Ent]) -> list[Ent | None]:
    """The entity of `ents` each word overlaps, or None. Both lists are in text order."""
    ends = [e.end for e in ents]
    at = [bisect.bisect_right(ends, w.idx) for w in words]   # the first entity that ends after the word starts
    return [ents[i] if i < len(ents) and ents[i].start < end_of(w) else None for w, i in zip(words, at)]


def entity_end(wents, k: int) -> int:
    """The word after the entity at word k."""
    e = wents[k]
    while k < len(wents) and wents[k] == e:
        k += 1
    return k


def entity_start(wents, k: int, lo: int = 0) -> int:
    """The first word of the entity at word k, or `lo` if it starts before."""
    while k > lo and wents[k - 1] == wents[k]:
        k -= 1
    return k


def end_of(t) -> int:
    return t.idx + len(t)


def is_cap(w) -> bool:
    return w.text[:1].isupper()


def is_acronym(w) -> bool:   # "UNDP", "PAI"
    return w.text.isupper() and len(w.text) > 1


def is_stop(w) -> bool:
    return w.is_space or w.text in HARD_STOPS


def is_alpha_word(w) -> bool:
    return w.text[:1].isalnum()


def is_head(text: str, lex: Lexicon, lowercase_ok: bool = True) -> bool:
    """A title head noun; hyphenated forms count by any part ("Vice-President", "Ambassador-at-Large")."""
    low = text.casefold().replace("\u2019", "'")
    if low not in lex.heads and ("-" not in low or not any(p in lex.heads for p in low.split("-"))):
        return False
    return text[:1].isupper() or (lowercase_ok and low not in lex.ambiguous_heads)


@lru_cache(maxsize=4096)
def known_body_or_place(text: str) -> bool:
    """The knowledge base names a UN body, organization or place by this acronym."""
    from pipeline import kb

    return any(kb.lookup_alias(text, label) is not None for label in ("UN_AGENCY", "ORG", "GPE", "LOC"))


def is_honorific(w, lex: Lexicon) -> bool:   # "Dr.", "Hon.", "His" in "His Excellency", "the" in "the Hon."
    return w.lower_ in lex.honorifics or (w.lower_ in ("his", "her", "your", "the") and w.i + 1 < len(w.doc) and (
        w.nbor().lower_ in lex.honorifics and (w.lower_ != "the" or w.nbor().text[:1].isupper())))


# --------------------------------------------------------------------------------------------
# Title noun phrases


@dataclass
class TitleParse:
    title_start: int        # char span of the title text
    title_end: int
    org: Ent | None
    place: Ent | None
    demonym_place: tuple[int, int, str] | None   # (start, end, country) of a country adjective
    first_word: int         # word span of the whole role phrase (org and place included)
    end_word: int           # exclusive


def _left_modifiers(words, wents, head_i, lo, lex, allow_lower: bool):
    """Extends a title left from its head over modifiers; an adjacent org, place or country adjective
    just before them is kept apart. Returns (first title word, first phrase word, org, place, demonym)."""
    j = head_i - 1
    while j >= lo:
        w, e = words[j], wents[j]
        if e:   # an org or a place: the callers stop `lo` after any person
            label = e.label
            first, cur = j, e
            while first - 1 >= lo and (wents[first - 1] == cur or (   # and a joint owner before it: "PAHO/WHO"
                    words[first - 1].text == "/" and first > lo + 1 and getattr(wents[first - 2], "label", 0) == label)):
                first, cur = first - 1, wents[first - 2] if wents[first - 1] is None else cur
            before = wents[first - 1] if first - 1 >= lo else None
            org = e if label in ORG_LABELS else None
            place = e if label in PLACE_LABELS else None
            # an owner before the posting ("UNICEF's Somalia representative", "UNICEF PNG representative")
            if before and before.label in (ORG_LABELS if place is not None else PLACE_LABELS):
                org, place = org or before, place or before
                first = entity_start(wents, first - 1, lo)
            return j + 1, first, org, place, None
        two = f"{words[j - 1].lower_} {w.lower_}" if j > lo else ""
        if is_cap(w) and (two in lex.demonyms or w.lower_ in lex.demonyms):   # "South Sudanese" is not "Sudanese"
            first, key = (j - 1, two) if two in lex.demonyms else (j, w.lower_)
            return j + 1, first, None, None, (words[first].idx, end_of(w), lex.demonyms[key])
        if w.lower_ in lex.cap_links:   # a link word stays only with a title word before it
            if not (j - 1 >= lo and not wents[j - 1] and (is_cap(words[j - 1]) or words[j - 1].lower_ in lex.modifiers
                                                         or is_head(words[j - 1].text, lex))):
                break
        elif not is_alpha_word(w) or (w.lower_ in lex.stop_words and not (is_cap(w) and w.lower_ in lex.modifiers)) \
                or w.lower_ in lex.complement_prepositions or (
                    "office_words" not in lex.off and w.lower_ in lex.unit_nouns and not is_cap(w) and (
                    w.lower_ in lex.entity_nouns or any(   # "ministry spokesman"; not "administration officer"
                    getattr(wents[x], "label", 0) in ORG_LABELS for x in range(max(lo, j - 4), j)))) \
                or is_honorific(w, lex) or (w.pos_ in ("VERB", "ADV") and w.lower_ not in lex.modifiers) \
                or not (is_cap(w) or w.lower_ in lex.modifiers or is_head(w.text, lex) or allow_lower
                        or _modifies_title(w, words, j, head_i, lex)):
            break
        elif is_acronym(w) and not is_head(w.text, lex) and known_body_or_place(w.text):
            break   # a body or place the entities missed ("UNICEF country representative"), not "WASH Officer"
        j -= 1
    return j + 1, j + 1, None, None, None


def _modifies_title(w, words, j: int, head_i: int, lex) -> bool:
    """(parsed_modifiers) The parse hangs the lower-case noun or adjective on the title's head or on a word between
    them ("Union food secretary", "provincial civil defence chief"): it is part of the post."""
    if "parsed_modifiers" in lex.off or w.pos_ not in ("NOUN", "ADJ", "PROPN") or w.dep_ not in ("compound", "amod"):
        return False
    return any(w.head == words[k] for k in range(j + 1, head_i + 1))


def _np_right(words, wents, head_i, hi, lex) -> int:
    """Index of the last head of a title that may continue after its first head ("Director General",
    "Representative/Regional Coordinator", "singer and activist")."""
    last = k = head_i
    while k + 1 < hi and not wents[k + 1]:
        k += 1
        w = words[k]
        if is_head(w.text, lex) or (k == last + 1 and w.lower_ in lex.ambiguous_heads):   # "assistant chief"
            last = k
        elif not ((is_cap(w) and is_alpha_word(w) and w.lower_ not in lex.stop_words
                   and w.lower_ not in lex.complement_prepositions and not is_honorific(w, lex))
                  or (w.lower_ in lex.cap_links and k + 1 < hi and not wents[k + 1] and (
                      is_head(words[k + 1].text, lex) or words[k + 1].lower_ in lex.modifiers or is_cap(words[k + 1])))
                  or (w.lower_ in lex.modifiers and not is_cap(w))):
            break
    return last


def _complement_run(words, wents, j, hi, lex) -> int:
    """End (exclusive) of a non-entity noun phrase starting at word j."""
    k = j
    n_lower = 0
    while k < hi and not wents[k]:
        w = words[k]
        if is_stop(w) or is_honorific(w, lex) or (w.pos_ == "VERB" and w.tag_ in ("VBD", "VBZ", "VBP")) or \
                w.ent_type_ in ("DATE", "TIME"):
            break   # a finite verb or a date ends the phrase: "..., Emergency Relief Coordinator visits IDP families"
        if w.lower_ in lex.complement_prepositions and k > j:
            break
        if is_alpha_word(w):
            n_lower += not is_cap(w)
            if n_lower > 4 or (not is_cap(w) and w.lower_ in lex.stop_words and not (
                    w.lower_ in ("and", "the") and k + 1 < hi and is_cap(words[k + 1]))):
                break
        elif not (w.text in ("-", "\u2013", "&", "/") and k + 1 < hi and is_alpha_word(words[k + 1])) and not (
                # a comma goes on with a list ("Digital Development, Innovation and Space Industry"), not into an
                # acronym set off by commas, which names what went before ("Program, PAI, of the Ministry")
                w.text == "," and k + 1 < hi and not wents[k + 1] and is_cap(words[k + 1])
                and not is_honorific(words[k + 1], lex) and not is_head(words[k + 1].text, lex) and k > j
                and is_cap(words[k - 1]) and not (
                    is_acronym(words[k + 1]) and (k + 2 >= hi or words[k + 2].text in (",", ")", ".")))):
            break
        k += 1
    # a run never ends on a linking word
    while k > j and (words[k - 1].lower_ in ("and", "the", "&", "-", "/", ",")):
        k -= 1
    return k


def _title_prefix_of_entity(words, wents, e, j, lex) -> int | None:
    """Last word of a title complement that opens an organization's name ("Board" in an entity
    "Board of the Research Institute"), or None."""
    k = j
    while k < len(words) and wents[k] == e and words[k].lower_ != "of":
        k += 1
    return k - 1 if j < k < len(words) and wents[k] == e and _names_title_complement(words[j:k], lex) else None


def _names_title_complement(run, lex: Lexicon) -> bool:
    """The words (less an article) are an office that stays in the title ("of the Board", "of Mission")."""
    text = " ".join(w.lower_ for w in run)
    return text in lex.title_complements or (text.startswith("the ") and text[4:] in lex.title_complements)


def _body_referred_to(words, wents, k: int, lex: Lexicon) -> Ent | None:
    """ "the organisation's Yemen country director": the organization named last before a possessive of an entity noun
    at word k (the organisation is the one the article has just named)."""
    w = words[k].lower_
    if not (w.endswith(("'s", "\u2019s")) and w[:-2] in lex.entity_nouns) or k == 0 or words[k - 1].lower_ != "the":
        return None
    return next((e for e in reversed(wents[:k - 1]) if e is not None and e.label in ORG_LABELS), None)


def parse_title(words, wents, head_i: int, lo: int, hi: int, lex: Lexicon, allow_lower_modifiers: bool = False,
                org_by_name=None) -> TitleParse:
    """The title whose (first) head word is `head_i`, with its org and place; `lo`/`hi` bound the words."""
    t_first, phrase_first, org, place, demonym = _left_modifiers(words, wents, head_i, lo, lex, allow_lower_modifiers)
    # a title never starts with an article or a word of when ("the new representative")
    while t_first < head_i and (words[t_first].lower_ in ("the", "a", "an") or words[t_first].text in lex.time_words):
        t_first += 1
    if org is None and phrase_first > 0:
        org = _body_referred_to(words, wents, phrase_first - 1, lex)
    title_end_w = _np_right(words, wents, head_i, hi, lex)
    closed = False
    place_prep = None
    k = title_end_w + 1
    after = wents[k] if k < hi else None
    if org is None and after is not None and after.label in ORG_LABELS:
        j = min(entity_end(wents, k), hi)
        if j >= len(words) or words[j].text in (",", ".", ";") or words[j].lower_ == "and":
            org, k, closed = after, j, True    # the body right after the title: "Luca Renda, Country Director UNDP,"
    while k < hi:
        w = words[k]
        if w.lower_ not in lex.complement_prepositions or (w.lower_ == "to" and k + 1 < hi and words[k + 1].tag_ == "VB"):
            break   # not "the third secretary-general to visit the country"
        j = k + 1
        while j < hi and words[j].lower_ in ("the", "a", "an"):
            j += 1
        if j >= hi:
            break
        e = wents[j]
        if e:
            if e.label in ORG_LABELS:
                # "Head of [Office of ...]" keeps its office; "a commissioner in the Office of ..." works in it
                inner = None if closed or w.lower_ != "of" else _title_prefix_of_entity(words, wents, e, j, lex)
                title_end_w = title_end_w if inner is None else inner
                org = e if org is None else org
            elif e.label in PLACE_LABELS:
                # "Ambassador of Japan to Ruritania": the posting ("to", "in", "for") beats the origin ("of")
                if place is None or (place_prep == "of" and w.lower_ != "of"):
                    place, place_prep = e, w.lower_
            else:
                break
            while j < hi and wents[j] == e:
                j += 1
                if j < hi and e.label in PLACE_LABELS and words[j].lower_ == "and":
                    # and a second place: "for Grenada and the Eastern Caribbean"
                    nxt = j + 1 + (j + 2 < hi and words[j + 1].lower_ == "the")
                    if nxt < hi and getattr(wents[nxt], "label", "") in PLACE_LABELS:
                        j, e = nxt, wents[nxt]
            if e.label in ORG_LABELS and "office_places" not in lex.off:
                # the body's office, lower case, and where it is: "Head of the OCHA office in Cameroon" (the office is
                # a mention of the body, guidelines), so that "in Cameroon" is read as the post's place
                while j < hi and not wents[j] and not is_cap(words[j]) and words[j].lower_ in lex.unit_nouns:
                    j += 1
            if not closed and j < hi and j + 1 < len(words) and is_cap(words[j]) and is_head(words[j].text, lex) and \
                    getattr(wents[j + 1], "label", "") != "PERSON":   # not "for UN Secretary-General Antonio Guterres"
                title_end_w, j = j, j + 1   # a post: "Assistant to the UN Secretary-General"
            closed = True
            k = j
            continue
        end = _complement_run(words, wents, j, hi, lex)
        if end <= j:
            break
        run = words[j:end]
        if words[j - 1].lower_ in ("a", "an") or (words[j - 1].lower_ == "the" and (
                run[-1].lower_ in lex.entity_nouns or (w.lower_ == "for" and not is_cap(run[-1])))):
            # a body or place named before ("spokesperson for the global body", "Director of the Ministry": the
            # ministry named in full elsewhere is its org), a purpose ("Coordinator for the Syria-related crisis") or
            # one of a kind ("chief of an association"), not part of the title
            if org is None and org_by_name is not None and words[j - 1].lower_ == "the":
                org = org_by_name(" ".join(w.text for w in run))
            closed = True
        elif not closed and (_names_title_complement(run, lex) or not is_cap(run[-1]) or any(
                is_head(w.text, lex, lowercase_ok=False) for w in run if is_cap(w))):
            # an office ("of the Board"), a post ("for the Secretary-General") or a common noun ("of the quality
            # department") stays in the title; other capitalised words name an organization or a place
            title_end_w = end - 1
        else:
            # "Minister of Water Resources" names the "Ministry of Water Resources" found elsewhere (guidelines: a
            # minister's title), "Director of the Council" the Council named before; a field after another head
            # ("Director of Agriculture", "Chief of Health") stays in the title
            named = org_by_name(" ".join(w.text for w in run)) if org is None and org_by_name is not None and (
                words[title_end_w].lower_.endswith("minister") or words[j - 1].lower_ == "the") else None
            if named is not None:
                org = named
            elif not closed:   # no ministry named as an entity: the title is kept whole ("Minister of Health")
                title_end_w = end - 1
            closed = True
        k = end
    return TitleParse(title_start=words[t_first].idx, title_end=end_of(words[title_end_w]), org=org, place=place,
                      demonym_place=demonym, first_word=min(phrase_first, t_first), end_word=k)


# --------------------------------------------------------------------------------------------
# Roles around one person


def post_named_as_body(words, wents, i: int, lex: Lexicon) -> TitleParse | None:
    """A post the knowledge base knows as the body it heads ("the UN High Commissioner for Refugees" is UNHCR): the
    title is the head words inside the organization entity at word i, with their modifiers, the body its org."""
    e = wents[i]
    if e is None or e.label not in ORG_LABELS or "posts_as_bodies" in lex.off:
        return None
    a, b = entity_start(wents, i), entity_end(wents, i)
    heads = [h for h in range(a, b) if is_cap(words[h]) and is_head(words[h].text, lex, lowercase_ok=False)]
    if not heads or any(w.lower_ in lex.complement_prepositions for w in words[a:heads[0]]):
        return None   # an office named after a post is no post: "the Office of the Prime Minister"
    first = last = heads[0]
    while first > a and is_cap(words[first - 1]) and words[first - 1].lower_ in lex.modifiers:
        first -= 1
    while last + 1 < b and is_cap(words[last + 1]) and is_head(words[last + 1].text, lex):
        last += 1
    if last + 1 < b and words[last + 1].lower_ not in lex.complement_prepositions:
        return None   # a modifier of the body's own head noun: "the General Secretariat of the Cabinet"
    return TitleParse(title_start=words[first].idx, title_end=end_of(words[last]), org=e, place=None,
                      demonym_place=None, first_word=a, end_word=b)


# How far back from a person a title before it may start, in words.
MAX_TITLE_WORDS = 30


def title_before(words, wents, p_first: int, lex: Lexicon, org_by_name=None) -> TitleParse | None:
    """"FAO Forestry Officer Jane Roe", "the Deputy Minister of Health of Ruritania, Ms. Jane Roe", "the UN High
    Commissioner for Refugees, Jane Roe" (`post_named_as_body`)."""
    j, comma = p_first - 1, False   # the word before the person, past honorifics and one comma
    while j >= 0 and (is_honorific(words[j], lex) or (words[j].text == "," and not comma)):
        comma = comma or words[j].text == ","
        j -= 1
    if j < 0:
        return None
    if (post := post_named_as_body(words, wents, j, lex)) is not None:
        return post
    lo = j
    while lo >= 0 and p_first - lo <= MAX_TITLE_WORDS:
        w, e = words[lo], wents[lo]
        # the title runs back to another person, the end of a clause or a lower-case function word
        if (e and e.label == "PERSON") or (not e and (is_stop(w) or (
                is_alpha_word(w) and not is_cap(w) and w.lower_ in lex.stop_words and w.lower_ not in ("the", "and")))):
            break
        lo -= 1
    lo += 1
    for h in range(lo, j + 1):
        direct = h == j and words[h].lower_ in lex.ambiguous_heads and words[h - 1].text[:1].isalpha() \
            and words[h - 1].lower_ not in lex.stop_words   # "ministry secretary Jane Roe"; not "every member", "3 pm"
        if wents[h] or not (direct or is_head(words[h].text, lex) or heads_an_organization(words, wents, h, lex)):
            continue
        # lower-case words are the title's where the head is a title anyway, or between it and its organization
        # ("UN humanitarian aid chief Jane Roe"), not before a word that is a title only there ("ministry secretary")
        lower_ok = not is_cap(words[h]) and (not direct or owned_post(words, wents, h, lo, lex))
        parse = parse_title(words, wents, h, lo, p_first, lex, allow_lower_modifiers=lower_ok, org_by_name=org_by_name)
        k = parse.end_word
        for _ in range(3):   # an org or a place may stand between: "Director General, Planning Institute, Dr Jane Roe"
            while k < len(words) and (is_honorific(words[k], lex) or words[k].text == ","):
                k += 1
            if k == p_first:   # the title ends where the person (after honorifics) begins
                w, prev = words[j], words[j - 1]
                if parse.title_start < w.idx and end_of(w) == parse.title_end and w.lower_ in lex.ranks and \
                        any(is_head(x.text, lex) for x in words[lo:j] if x.idx >= parse.title_start) and \
                        prev.lower_ not in lex.modifiers and not (
                        w.lower_ == "general" and is_head(prev.text, lex)):   # not "Director General"
                    parse.title_end = end_of(prev)   # a rank stacked after a title: "Chief Adviser Professor Jane Roe"
                # between two people, "Dr A, Director of X, Mr B": A's apposition, unless the list puts titles
                # first ("the Secretary of Y, A, Director of X, B", where A has a title before it too)
                a, f = wents[parse.first_word - 2] if parse.first_word >= 2 else None, parse.first_word
                if a and a.label == "PERSON" and words[f - 1].text == "," and any(w.text == "," for w in words[
                        parse.end_word:p_first]) and title_before(words, wents, wents.index(a), lex) is None:
                    return None
                return parse
            e = wents[k] if k < p_first else None
            if not (e and e.label != "PERSON"):
                break
            if e.label in ORG_LABELS:
                parse.org = parse.org or e
            else:
                parse.place = parse.place or e
            k = entity_end(wents, k)
    return None


def heads_an_organization(words, wents, h: int, lex: Lexicon, apposition: bool = False) -> bool:
    """A lower-case word that is a title only in context ("head", "chief", "secretary") is one when an
    organization follows it ("James Swan, head of the UN Assistance Mission in Somalia"), or any complement
    in an `apposition` with an article ("Jane Roe, the chief of a fishermen's association"), or a place after "in"
    where lower-case modifiers may stand between the article and the word ("Jane Roe is an agricultural official in X")."""
    if words[h].lower_ not in lex.ambiguous_heads or is_cap(words[h]) or h + 1 >= len(words):
        return False   # a capitalised one is a head anyway
    after, articles = words[h + 1].lower_, ("the", "a", "an")
    if after in ("of", "for", "at"):
        k = h + 2 + (h + 2 < len(words) and words[h + 2].lower_ == "the")
        return (k < len(words) and getattr(wents[k], "label", None) in ORG_LABELS) or (
            apposition and words[h - 1].lower_ in articles)
    if not apposition or after != "in" or h + 2 >= len(words) or getattr(wents[h + 2], "label", None) \
            not in PLACE_LABELS:
        return False
    i = h - 1
    while i > 0 and words[i].lower_ in lex.modifiers and not is_cap(words[i]):
        i -= 1
    return words[i].lower_ in articles


def owned_post(words, wents, h: int, lo: int, lex: Lexicon) -> bool:
    """A word that is a title only in context ("head", "chief") is one after an organization, its possessive or
    lower-case words between: "IOM chief of mission", "the WHO's country head of office", "UN aid chief"."""
    if words[h].lower_ not in lex.ambiguous_heads or "owned_posts" in lex.off:
        return False
    i = h - 1
    while i >= lo and not wents[i] and is_alpha_word(words[i]) and not is_cap(words[i]) \
            and words[i].lower_ not in lex.stop_words:
        i -= 1
    return i >= lo and getattr(wents[i], "label", None) in ORG_LABELS


def titles_after(words, wents, p_last: int, lex: Lexicon, org_by_name=None, titled_before=False) -> list[TitleParse]:
    """"Jane Roe, UNICEF Representative in Ruritania", "Jane Roe, Associate Professor, Deputy Chair of ...";
    after a person `titled_before` ("the Director of X, Jane Roe"), a title a comma and a person follow is theirs."""
    out: list[TitleParse] = []
    k = p_last + 1
    n = len(words)
    if k + 1 < n and words[k].lower_ == "of" and wents[k + 1] and wents[k + 1].label in PLACE_LABELS:
        k = entity_end(wents, k + 1)
    first = True
    while k < n:
        if words[k].text in (",", "(") or (first and (words[k].lower_ in ("as", "is", "was") or words[k].text in DASHES)):
            k += 1   # "Jane Roe, ...", "Jane Roe (...)", "Jane Roe as ...", "Speech by Jane Roe - UN Resident ..."
        elif first and words[k].pos_ == "VERB" and k + 1 < n and words[k + 1].lower_ == "as":
            k += 2   # "Jane Roe served as ..."
        elif first and is_cap(words[k]) and is_head(words[k].text, lex) and k + 1 < n \
                and words[k + 1].lower_ in ("of", "for"):
            pass     # no comma before a title with its complement: "said John Ging Director of the Division"
        elif not first and words[k].lower_ == "and":
            k += 1   # a second post: "Ambassador of Tunisia and President of the Executive Board"
        else:
            break
        # determiners and the parser's adjectives that are no title word ("the outgoing Resident Coordinator")
        while k < n and not wents[k] and (words[k].lower_ in ("the", "a", "an", "its", "also", "who", "is", "was")
                                          or words[k].text in lex.time_words or (
                words[k].pos_ == "ADJ" and not is_cap(words[k]) and words[k].lower_ not in lex.modifiers)):
            k += 1
        serves_as = first and k + 1 < n and words[k].pos_ == "VERB" and words[k + 1].lower_ == "as"
        k += 2 * serves_as   # "Jane Roe, who doubles as Permanent Representative"
        # the head: the first title word within a few words, with only modifiers before it
        found = None
        for h in range(k, min(n, k + 8)):
            w, e = words[h], wents[h]
            if e and e.label != "PERSON":
                continue
            if e or is_stop(w) or w.text == "," or is_honorific(w, lex):
                break
            if is_head(w.text, lex) or heads_an_organization(words, wents, h, lex, apposition=all(
                    words[x].lower_ in lex.modifiers for x in range(k, h))) \
                    or owned_post(words, wents, h, k, lex):
                found = h
                break
            if is_alpha_word(w) and not is_cap(w) and w.lower_ in lex.stop_words and w.lower_ not in lex.cap_links:
                break
        if found is None:
            break
        parse = parse_title(words, wents, found, k, n, lex, allow_lower_modifiers=True, org_by_name=org_by_name)
        if any(w.lower_ not in lex.modifiers or w.lower_ in lex.cap_links for w in words[k:parse.first_word]):
            break   # something between the comma and the title is no modifier ("Interim" in "Interim UNHCR Director" is)
        # "..., the Regional Director of X Ms. Jane Roe": a title that runs into the next person is theirs
        nxt = parse.end_word
        nxt += titled_before and nxt < n and words[nxt].text == ","
        while nxt < n and is_honorific(words[nxt], lex):
            nxt += 1
        if nxt < n and wents[nxt] and wents[nxt].label == "PERSON":
            break
        if nxt < n and words[nxt].tag_ in ("VBD", "VBZ", "VBP") and words[nxt].pos_ == "VERB" and not (
                serves_as or words[nxt].lower_ in lex.speech_verbs or words[p_last].head.i == words[nxt].i):
            break   # a verb the person is not subject of: the phrase is its subject ("..., the Director of X visited")
        parse.org = parse.org or body_after(words, wents, parse.end_word, lex)
        out.append(parse)
        k = parse.end_word
        first = False
    return out


def body_after(words, wents, k: int, lex: Lexicon) -> Ent | None:
    """(bodies_after) An organization set off by a comma right after a title, ending its phrase, is the post's: "Jane
    Roe - Deputy Executive Director, WFP, in the presence of ...", "Head of Communications, UNDP made this known"; not
    one that begins a list ("Director of Health, UNICEF and WHO officials")."""
    if "bodies_after" in lex.off or k + 1 >= len(words) or words[k].text != "," or \
            getattr(wents[k + 1], "label", None) not in ORG_LABELS:
        return None
    m = entity_end(wents, k + 1)
    return wents[k + 1] if m == len(words) or not is_alpha_word(words[m]) or words[m].pos_ in ("VERB", "AUX") else None


def place_after_name(words, wents, p_last: int, lex: Lexicon) -> Ent | None:
    """(places_after_names) "President Jane Roe of Ruritania": the place right after the name of a person titled
    before it is the post's."""
    k = p_last + 1
    if "places_after_names" in lex.off or k + 1 >= len(words) or words[k].lower_ != "of":
        return None
    e = wents[k + 1 + (words[k + 1].lower_ == "the" and k + 2 < len(words))]
    return e if e is not None and e.label in PLACE_LABELS else None


def country_named(name: str, lex: Lexicon) -> str | None:
    """The country a name ("Kyrgyz Republic", "Türkiye") names, or None."""
    return lex.country_names.get(" ".join(name.split()).casefold())


def country_mention(country: str, ents: Sequence[Ent], text: str, lex: Lexicon) -> tuple[int, int] | None:
    """The span of the article's first GPE mention that names `country`, or None."""
    return next(((e.start, e.end) for e in ents if e.label == "GPE"
                 and country_named(text[e.start:e.end], lex) == country), None)


def with_places_in_org_names(roles: list[dict], ents: Sequence[Ent], text: str, lex: Lexicon) -> list[dict]:
    """(places_in_org_names) A role with an org and no place takes the country that ends the org's name, where the
    article names that country as a place: "UNICEF Nigeria Representative" (the country office is a mention of UNICEF),
    "Minister of X of Kazakhstan" (the guidelines' own example gives place Kazakhstan)."""
    for r in roles:
        if r["org_start"] is None or r["place_start"] is not None:
            continue
        words = text[r["org_start"]:r["org_end"]].split()
        country = next((c for c in (country_named(" ".join(words[k:]), lex) for k in range(1, len(words))) if c), None)
        place = country_mention(country, ents, text, lex) if country else None
        if place is not None:
            r["place_start"], r["place_end"] = place
    return roles


def _fold(s: str) -> str:
    return " " + " ".join(re.findall(r"\w+", s.casefold())) + " "


def org_finder(text: str, ents: Sequence[Ent]):
    """Name -> the first organization entity whose name contains it as whole words."""
    orgs = [(_fold(text[e.start:e.end]), e) for e in ents if e.label in ORG_LABELS]

    def find(name: str) -> Ent | None:
        key = _fold(name)
        return next((e for folded, e in orgs if key in folded), None) if len(key) >= 6 else None

    return find


def split_title(words, lex: Lexicon) -> list[str]:
    """Titles of one title phrase (its words): two posts joined by "and", each with its own head noun, are two roles
    ("Deputy Prime Minister and Minister of Finance"); coordinated modifiers of one head stay one post
    ("Communication and Outreach Specialist"). Only the part before the first complement preposition
    is split, so "Minister of Labour, Social Security and Migration" stays whole. A possessive owner before
    the title ("the world body's humanitarian relief coordinator") is not part of it."""
    cut = next((i for i, w in enumerate(words) if i and w.lower_ in lex.complement_prepositions), len(words))
    # an owner in the complement is not one ("chief of the agency's mission")
    owner = next((i for i, w in enumerate(words[:cut]) if w.lower_.endswith(("'s", "\u2019s")) and w.whitespace_), -1)
    words, cut = words[owner + 1:], cut - owner - 1
    for i in range(1, len(words) - 1):
        if words[i].lower_ not in ("and", "&"):
            continue
        after = _noun_phrase(words[i + 1:], lex)
        # before the complement, both sides need a head of their own; after it, the phrase after "and" must end in
        # a capitalised head ("Under-Secretary-General for Humanitarian Affairs and Emergency Relief Coordinator")
        # the post before "and" ends in its head: "Deputy Health and Sanitation Minister" is one post of two portfolios
        if (i < cut and is_head(words[i - 1].text, lex) and _has_head(after, lex)) or (
                i > cut and after and is_cap(after[-1]) and _has_head(after[-1:], lex)):
            return [_text(words[:i])] + split_title(words[i + 1:], lex)
    return [_text(words)] if words else []


def _noun_phrase(words, lex: Lexicon) -> list:
    """The words up to the next complement preposition or "and"."""
    stops = lex.complement_prepositions | {"and", "&"}
    return words[:next((i for i, w in enumerate(words) if w.lower_ in stops), len(words))]


def _has_head(words, lex: Lexicon) -> bool:
    return any(is_head(w.text, lex) for w in words)


def _text(words) -> str:
    """The words' text, with one space wherever the Doc has space or a left-out acronym aside between two."""
    return "".join(w.text + (" " if nxt.idx > end_of(w) else "") for w, nxt in zip(words, words[1:])) + words[-1].text


def minister_of_named_ministry(title: str, org: Ent | None, ministries: Sequence[Ent], text: str) -> tuple:
    """Guidelines: a minister's title is the rank with the ministry as org when the article names the ministry as an
    entity: "Health and Family Welfare Minister" with "the health ministry" named gives "Minister" of that ministry,
    "Deputy Foreign Minister" with "the Foreign Ministry" gives "Deputy Minister". The portfolio starts at the first
    word the ministry's name shares; without such a ministry the title is kept whole. So for a portfolio after the rank:
    "Minister of Education, Science and Sports" with that ministry named gives "Minister" of it (more than half the
    portfolio's words in the ministry's name)."""
    words = title.split()
    if org is not None or len(words) < 2:
        return title, org
    folded = [w.casefold().strip(",") for w in words]

    def name_words(m: Ent) -> set[str]:
        return set(re.findall(r"\w+", text[m.start:m.end].casefold()))

    if "minister" in folded[:-2] and folded[folded.index("minister") + 1] in ("of", "for"):
        # the portfolio after the rank: "Minister of Education, Science and Sports" with that ministry named
        k = folded.index("minister")
        portfolio = {w for w in folded[k + 2:] if w not in ("and", "the", "&")}
        for m in ministries:
            if len(portfolio & name_words(m)) * 2 > len(portfolio):
                return " ".join(words[:k + 1]), m
        return title, org
    if folded[-1] != "minister":
        return title, org
    def portfolio_start(m: Ent) -> int:   # the first title word the ministry's name shares, else len(words)
        name = name_words(m)
        return next((i for i, w in enumerate(words[:-1]) if w.casefold() in name), len(words))
    first, _, ministry = min(((portfolio_start(m), m.start, m) for m in ministries), default=(len(words), 0, None))
    return (title, org) if first == len(words) else (" ".join(words[:first] + words[-1:]), ministry)


def find_roles(doc, ents: Sequence[Ent], lex: Lexicon | None = None) -> list[dict]:
    """Every (person, title) the Doc's text states, given its entities `ents`, as dicts with char spans (the
    component's output)."""
    lex = lex or default_lexicon()
    text = doc_text(doc)
    ents = sorted(e for e in ents if e.label in ENTITY_LABELS)
    words = words_of(doc, lex)
    if "acronym_asides" not in lex.off:
        # a bracketed acronym ("United Nations (UN) Resident Coordinator (RC) to X") would cut the title; the title
        # text leaves it out too (see `_text`)
        aside = {i + d for i, w in enumerate(words[:-2]) for d in range(3) if w.text == "(" and words[i + 2].text == ")"
                 and is_acronym(words[i + 1])}
        words = [w for i, w in enumerate(words) if i not in aside]
    wents = word_entities(words, ents)
    last_word = {e: i for i, e in enumerate(wents) if e}
    first_word = {e: i for i, e in reversed(list(enumerate(wents))) if e}
    org_by_name = None if "named_complements" in lex.off else org_finder(text, ents)
    ministries = [] if "ministry_ranks" in lex.off else [
        e for e in ents if e.label == "ORG" and "ministry" in text[e.start:e.end].casefold()]
    roles, seen = [], set()
    for ent in ents:
        if ent.label != "PERSON" or ent not in first_word:
            continue
        before = title_before(words, wents, first_word[ent], lex, org_by_name=org_by_name)
        if before is not None and before.place is None and before.demonym_place is None:
            before.place = place_after_name(words, wents, last_word[ent], lex)
        parses = [before] if before is not None else []
        joint = words[before.first_word - 1].text if before is not None and before.first_word > 1 else ""
        if joint.lower() in ("and", "&", ",") or joint in DASHES:
            # a first post joined by "and", a dash or a comma: "UN resident co-ordinator and UNDP resident representative
            # Jane Roe", "Cambodian Senior Minister, Minister of Foreign Affairs H.E. Jane Roe"; after a comma, not the
            # apposition of someone named before ("Tom Hale, Director of X, Minister Jane Roe")
            other = title_before(words, wents, before.first_word - (joint != ","), lex, org_by_name=org_by_name)
            # (comma_posts) after a comma, a post that ends at it and follows no comma or entity
            comma_post = other is not None and other.end_word == before.first_word - 1 and not (
                other.first_word > 0 and (words[other.first_word - 1].text == "," or wents[other.first_word - 1]))
            if other is not None and (joint != "," or ("comma_posts" not in lex.off and comma_post)):
                parses = [other] + parses
        for parse in parses + titles_after(words, wents, last_word[ent], lex, org_by_name=org_by_name, titled_before=(
                before is not None and words[first_word[ent] - 1].text == ",")):
            place = (parse.place.start, parse.place.end) if parse.place is not None else None
            if place is None and parse.demonym_place is not None:
                # point at a mention of the country itself when the article has one, so the place links
                start, end, country = parse.demonym_place
                place = country_mention(country, ents, text, lex) or (start, end)
            phrase = [w for w in words if parse.title_start <= w.idx < parse.title_end]
            starts = [ent.start, parse.title_start, words[parse.first_word].idx]
            ends = [ent.end, parse.title_end, end_of(words[max(parse.end_word - 1, 0)])]
            for title in split_title(phrase, lex):
                title, title_org = minister_of_named_ministry(title, parse.org, ministries, text)
                key = (ent.start, title.casefold())
                if key in seen:
                    continue
                seen.add(key)
                roles.append({"person_start": ent.start, "person_end": ent.end, "title": title,
                              "org_start": title_org.start if title_org else None,
                              "org_end": title_org.end if title_org else None,
                              "place_start": place[0] if place else None, "place_end": place[1] if place else None,
                              "start_char": min(starts), "end_char": max(ends)})
    roles.sort(key=lambda r: (r["start_char"], r["person_start"]))
    return roles   # the component drops bare repeats once the NER's titles have joined (without_bare_repeats)


def without_bare_repeats(roles: list[dict], text: str) -> list[dict]:
    """A title of one word that repeats a word of a longer title of the same person (the same surname) is that post
    named again ("the State minister for Relief ..., Mr Musa Ecweru" then "Minister Ecweru"), not a second role."""
    keys = [surname(text, r["person_start"], r["person_end"]) for r in roles]
    words = {}
    for key, r in zip(keys, roles):
        words.setdefault(key, set()).update(w for w in r["title"].casefold().split() if len(r["title"].split()) > 1)
    return [r for key, r in zip(keys, roles) if " " in r["title"] or r["title"].casefold() not in words[key]]


def doc_entities(doc) -> list[Ent]:
    return [Ent(e.start_char, e.end_char, e.label_) for e in doc.ents]


# Each heuristic by name: `disabled` in the component's config switches it off (scripts/ablate.py).
ROLE_HEURISTICS = ("bare_repeats", "comma_posts", "places_in_org_names", "bodies_after", "places_after_names",
                   "posts_as_bodies", "office_words", "owned_posts", "acronym_asides", "named_complements",
                   "ministry_ranks", "office_places", "parsed_modifiers")


@Language.factory("role_extractor", default_config={**ROLE_DATA, "disabled": [], "learned_titles": DEFAULT_POLICY})
def make_role_extractor(nlp, name, words: Rules, people: Rules, demonyms: Rules, orgs: Rules, disabled: list[str],
                        learned_titles: str):
    """`learned_titles`: how the title tagger's spans join the rules' roles (title_roles.POLICIES)."""
    lex = lexicon(words, people, demonyms, orgs)
    if disabled:
        lex = SimpleNamespace(**{**vars(lex), "off": switched_off("role_extractor", disabled, ROLE_HEURISTICS)})

    def role_extractor(doc):
        ents, text = doc_entities(doc), doc_text(doc)
        roles = with_learned_roles(doc, ents, find_roles(doc, ents, lex), learned_titles, lex.honorifics)
        roles = roles if "bare_repeats" in lex.off else without_bare_repeats(roles, text)
        doc._.roles = roles if "places_in_org_names" in lex.off else with_places_in_org_names(roles, ents, text, lex)
        return doc

    return role_extractor
