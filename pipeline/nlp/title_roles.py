"""Roles from the title tagger: a learned TITLE span (doc.spans["titles"], pipeline/nlp/titles.py) tied to the
person it names.

The tagger says what is a title; this says whose. A title belongs to a person when the parse links them (the
title is the person's apposition or compound, "Jane Roe, the Representative" / "Minister Jane Roe", or the
person the title's), or when only role furniture stands between them: punctuation, a determiner or possessive,
prepositions, honorifics, line breaks (hard-wrapped text), the organization or place the post belongs to, and
other titles of the same person joined by "and" ("Cebu Pacific President and CEO"). The organization and the
place are the nearest ones in that stretch or right around the title.
"""
from __future__ import annotations

from typing import Sequence

from pipeline.nlp.extensions import doc_text
from pipeline.nlp.titles import SPANS_KEY

# Dependency relations that tie a title to a name directly.
TITLE_ARCS = frozenset({"appos", "compound", "nmod", "npadvmod"})
# Words that may stand between a title and its person (besides entities and honorifics).
CONJUNCTIONS = frozenset({"and", "&", "/"})
FURNITURE = CONJUNCTIONS | frozenset({",", "the", "a", "an", "its", "his", "her", "their", "'s", "\u2019s", "'", "\u2019", "of", "for",
                       "to", "in", "at", "on", "(", ")", "-", "\u2013", "\u2014"})
MAX_GAP = 8     # tokens between a title and its person
# The entities a role stretch may hold (a nationality adjective gives a place: "the Chadian Minister").
LINK_LABELS = frozenset({"PERSON", "ORG", "UN_AGENCY", "GPE", "LOC", "NORP"})


def _token_ents(doc, ents) -> list:
    """Per token, the entity (Ent) covering it, or None."""
    out = [None] * len(doc)
    for e in ents:
        span = doc.char_span(e.start, e.end, alignment_mode="expand")
        if span is not None:
            for i in range(span.start, span.end):
                out[i] = e
    return out


def _is_furniture(token, ent, honorifics) -> bool:
    if ent is not None:
        return ent.label != "PERSON"
    text = token.lower_
    return token.is_space or text in FURNITURE or text in honorifics or text.rstrip(".") in honorifics


def _linked_by_parse(title, person) -> bool:
    t_tokens, p_tokens = set(range(title.start, title.end)), set(range(person.start, person.end))
    for span, other in ((title, p_tokens), (person, t_tokens)):
        for token in span:
            if token.head.i in other and token.dep_ in TITLE_ARCS:
                return True
    return False


def _between(doc, a: int, b: int, token_ents, titles_at, honorifics, from_end: bool) -> bool:
    """Tokens a..b-1, read away from the person (`from_end`: the person is after b), are few and all furniture,
    entities other than people, or titles of the same person: a title after another is a second post only when a
    conjunction or a comma joins them ("Jane Doe, Acme President and CEO"), else it is the first's complement
    ("Special Representative of the Secretary-General"); a conjunction comes only after a title ("convened by
    Jane Doe and Permanent Secretary ..." ties no post to her)."""
    if b - a > MAX_GAP:
        return False
    last, joined = None, False
    for i in (range(b - 1, a - 1, -1) if from_end else range(a, b)):
        title = titles_at[i]
        if title is not None:
            if title is not last and last is not None and not joined:
                return False
            last, joined = title, joined and title is last
        elif not _is_furniture(doc[i], token_ents[i], honorifics):
            return False
        elif doc[i].lower_ in CONJUNCTIONS or doc[i].text == ",":
            if doc[i].lower_ in CONJUNCTIONS and last is None:
                return False
            joined = last is not None
    return last is None or joined


def learned_roles(doc, ents: Sequence, titles: Sequence, honorifics=frozenset(), persons: set | None = None) -> list[dict]:
    """Role dicts (the role extractor's schema) of the people `persons` (Ent; all PERSON ents when None), from
    the TITLE spans `titles` (Spans of doc)."""
    if not titles:
        return []
    token_ents = _token_ents(doc, ents)
    titles_at = [None] * len(doc)
    for t in titles:
        for i in range(t.start, t.end):
            titles_at[i] = t
    # each span's sentence, computed once (Span.sent walks the tokens); a Doc without sentence starts is one sentence
    sentence = {} if not doc.has_annotation("SENT_START") else {t.start: t.sent.start for t in titles}
    roles = []
    for ent in ents:
        if ent.label != "PERSON" or (persons is not None and ent not in persons):
            continue
        person = doc.char_span(ent.start, ent.end, alignment_mode="expand")
        if person is None:
            continue
        person_sentence = person.sent.start if sentence else None
        for title in titles:
            before = title.end <= person.start
            a, b = (title.end, person.start) if before else (person.end, title.start)
            if (title.start < person.end and person.start < title.end) or sentence.get(title.start) != person_sentence:
                continue
            if not (_linked_by_parse(title, person) or _between(doc, a, b, token_ents, titles_at, honorifics, before)):
                continue
            if not before and _names_the_next_person(doc, title, token_ents, honorifics):
                continue
            org, place = _org_and_place(doc, title, person, token_ents)
            roles.append({"person_start": ent.start, "person_end": ent.end, "title": title.text,
                          "org_start": org.start if org else None, "org_end": org.end if org else None,
                          "place_start": place.start if place else None, "place_end": place.end if place else None,
                          "start_char": min(ent.start, title.start_char), "end_char": max(ent.end, title.end_char)})
    return roles


def _names_the_next_person(doc, title, token_ents, honorifics) -> bool:
    """The title stands right before a name, with no comma between: it is that person's ("... and Sher Deuba,
    Chairman of the Commission Arup Sharma"), not the one before it."""
    for i in range(title.end, min(len(doc), title.end + MAX_GAP)):
        ent = token_ents[i]
        if ent is not None and ent.label == "PERSON":
            return True
        if doc[i].text == "," or not _is_furniture(doc[i], ent, honorifics):
            return False
    return False


def _org_and_place(doc, title, person, token_ents):
    """The organization and the place nearest the title, between it and its person or within three tokens of it."""
    lo, hi = max(0, min(title.start - 3, person.end)), min(len(doc), max(title.end + 3, person.start))
    # At equal distance the entity after the title wins, then the earlier one: "Jane Roe of Sweden UN Resident
    # Coordinator in Kazakhstan" is at Kazakhstan, and the order never depends on the set's (hash-seeded) iteration.
    near = sorted({e for i, e in enumerate(token_ents[lo:hi], lo) if e is not None and not person.start <= i < person.end},
                  key=lambda e: (min(abs(e.start - title.end_char), abs(title.start_char - e.end)),
                                 e.start < title.start_char, e.start))
    org = next((e for e in near if e.label in ("ORG", "UN_AGENCY")), None)
    place = next((e for e in near if e.label in ("GPE", "LOC")), None)
    return org, place


def surname(text: str, start: int, end: int) -> str:
    """A person mention's last word: the rules' title of "Jane Roe" holds for a later "Roe"."""
    return text[start:end].split()[-1].casefold()


POLICIES = ("off", "fallback", "first", "union")
DEFAULT_POLICY = "fallback"   # the one the development sets chose (docs/ner.md)


def with_learned_roles(doc, ents: Sequence, roles: list[dict], policy: str, honorifics=frozenset()) -> list[dict]:
    """The rule roles `roles` with those of the title tagger, by `policy`: "fallback" for the people (by surname) the
    rules gave no title, "first" in place of the rules' for every person the tagger titles, "union" beside them."""
    if policy not in POLICIES:
        raise ValueError(f"learned_titles must be one of {POLICIES}, not {policy!r}")
    titles = list(doc.spans[SPANS_KEY]) if policy != "off" and SPANS_KEY in doc.spans else []
    if not titles:
        return roles
    ents = [e for e in ents if e.label in LINK_LABELS]
    text = doc_text(doc)
    titled = {surname(text, r["person_start"], r["person_end"]) for r in roles}
    persons = {e for e in ents if e.label == "PERSON" and surname(text, e.start, e.end) not in titled} \
        if policy == "fallback" else None
    learned = learned_roles(doc, ents, titles, honorifics, persons)
    if policy == "first":
        titled_by_tagger = {r["person_start"] for r in learned}
        roles = [r for r in roles if r["person_start"] not in titled_by_tagger]
    elif policy == "union":
        seen = {(r["person_start"], r["title"].casefold()) for r in roles}
        learned = [r for r in learned if (r["person_start"], r["title"].casefold()) not in seen]
    return sorted(roles + learned, key=lambda r: (r["start_char"], r["person_start"]))
