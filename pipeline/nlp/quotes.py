"""Attributed direct quotes: the quoted words, who said them, and the cue verb.

Forms: “...,” said X; X said: “...”; “...”, X, TITLE, said; “... ” X added. “...” (a quote that goes on
after its cue); a quote over several paragraphs (an opening mark in each, a closing mark only at the
end); straight, curly and angle quotation marks, matched by where they stand rather than by glyph (news
text often mixes them: «...”). Names, titles and slogans in quotation marks are not quotes; a short
quoted fragment of speech (said it would act “very closely”) is.

The speaker is the character span of an entity mention. A pronoun ("she added") resolves to the person last
named before it (the subject of that sentence, where parsed), "it said" to the organization; an organization
speaks where no person is named. Where the Doc is parsed, the subject of the speech verb wins, and a subject
that is a bare title ("the Minister said") is the person last given that title (from `doc._.roles`).

The rules are pure functions of (the Doc's words, entities, roles) with word lists from
models/rules/quotes.json; a Doc from the bare tokenizer is enough to run all but the parse's.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import NamedTuple, Sequence

from spacy.attrs import DEP
from spacy.language import Language

from pipeline.nlp import extensions  # noqa: F401  (registers doc._.roles / doc._.quotes)
from pipeline.nlp.extensions import doc_text, span_key
from pipeline.nlp.data import Rules, default_data, rules_setting, switched_off, word_lists
from pipeline.nlp.roles import (ENTITY_LABELS, ORG_LABELS, ROLE_DATA, Ent, Lexicon, default_lexicon, doc_entities,
                                end_of, is_head, is_honorific, lexicon, word_entities, words_of)

OPENERS = frozenset("\u201c\u201e\u00ab\u201f")
CLOSERS = frozenset("\u201d\u00bb")
NEUTRAL = frozenset("\"\u2033")
MARKS = OPENERS | CLOSERS | NEUTRAL
# What may stand right before an opening mark / right after a closing mark.
OPEN_PREV = set("([{\u2014\u2013-/:\u2018") | MARKS
CLOSE_NEXT = set(".,;:!?)]}\u2014\u2013-\u2026'\u2019") | MARKS
SENT_END = frozenset({".", "!", "?"})
# Two straight apostrophes standing for a double mark: opening before a word, closing after one.
STRAIGHT_PAIR_OPEN = re.compile(r"(?<![\w'])''(?=\w)")
STRAIGHT_PAIR_CLOSE = re.compile(r"(?<=[\w.,!?;])''(?![\w'])")
# A quotation in single curly marks: opening where a quotation can start, three words or more (an apostrophe inside a
# word is no mark), closing after a sentence's punctuation or before it, never before a word ("the parents’ union").
SINGLE_QUOTATION = re.compile(
    "(?:^|(?<=[\\s:(\\[\u2014\u2013-]))\u2018(?=\\w)"
    "((?:[^\u2018\u2019\u201c\u201d\"\\n]|(?<=\\w)\u2019(?=\\w))+?)"
    "(?:(?<=[.,!?])\u2019(?=[\\s)\\]\u2014\u2013-]|$)|\u2019(?=[.,;:!?]|\\n|$))", re.M)


def single_quotations(text: str) -> str:
    """The text with each quotation in single curly marks written in double ones (same length), so that it is read as
    a quotation: "According to X, \u2018the money is being made available in phases.\u2019" """
    def double(m: re.Match) -> str:
        return m.group(0) if len(m.group(1).split()) < 3 else "\u201c" + m.group(1) + "\u201d"
    return SINGLE_QUOTATION.sub(double, text)


# The word lists of models/rules/quotes.json as attributes.
QuoteLexicon = SimpleNamespace


def quote_lexicon(quote_words: Rules, lex: Lexicon, off: frozenset = frozenset()) -> QuoteLexicon:
    """`off`: heuristics switched off (QUOTE_HEURISTICS); cue verbs: form -> lemma, for cue_particles."""
    return SimpleNamespace(**vars(word_lists(quote_words)), cue_verbs=lex.speech_verbs, off=off)


@lru_cache(maxsize=1)
def default_quote_lexicon() -> QuoteLexicon:
    return quote_lexicon(default_data("quote_extractor", "quote_words"), default_lexicon())


# --------------------------------------------------------------------------------------------
# Quotation marks and spans


def mark_role(text: str, i: int) -> str | None:
    """"open", "close" or None for the quotation mark at text[i], judged by its neighbours first."""
    ch = text[i]
    prev = text[i - 1] if i > 0 else "\n"
    nxt = text[i + 1] if i + 1 < len(text) else "\n"
    # a mark right before a comma or a full stop ends a quotation, even after a space ('security ", said')
    before_punctuation = nxt in ",;!?" or (nxt == "." and text[i + 2:i + 3] != ".")
    can_open = (prev.isspace() or prev in OPEN_PREV) and not nxt.isspace() and not before_punctuation
    can_close = (not prev.isspace() or before_punctuation) and (nxt.isspace() or nxt in CLOSE_NEXT)
    if can_open != can_close:
        return "open" if can_open else "close"
    return "open" if ch in OPENERS else "close" if ch in CLOSERS else None   # neighbours on both sides or neither


@dataclass
class QuoteSpan:
    segments: list = field(default_factory=list)   # (start, end) of the quoted words, one per paragraph
    open_at: int = 0                                # index of the first opening mark
    close_at: int | None = None                     # index of the closing mark (None: ran to paragraph end)

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]


def paragraphs(text: str) -> list[tuple[int, int]]:
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return [(s, e - 1) for s, e in zip(starts, starts[1:] + [len(text) + 1])]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    s = e - len(text[s:e].lstrip())
    while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
        e -= 1
    return s, e


def _starts_with_opener(text: str, s: int, e: int) -> int | None:
    j = e - len(text[s:e].lstrip())
    return j if j < e and text[j] in MARKS and mark_role(text, j) == "open" else None


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Top-level quotations in the text, nested ones kept inside; a quote left open at a paragraph's end goes on
    when the next paragraph starts with an opening mark. Only double marks open a quotation here: the right single
    mark doubles as the apostrophe, so quotations in single curly marks are rewritten as double ones before
    (`single_quotations`: 8 of about 600 annotated quotes in 470 articles; none in the first 150)."""
    spans: list[QuoteSpan] = []
    paras = paragraphs(text)
    cur: QuoteSpan | None = None
    seg_start = depth = 0
    for pi, (ps, pe) in enumerate(paras):
        if cur is not None:   # the previous paragraph left a quote open and this one continues it
            seg_start, depth = _starts_with_opener(text, ps, pe) + 1, 1
        for i in range(ps, pe):
            ch = text[i]
            if ch not in MARKS or (cur is not None and i < seg_start):
                continue
            role = mark_role(text, i)
            if role == "open":
                if cur is None:
                    cur, seg_start, depth = QuoteSpan(open_at=i), i + 1, 0
                depth += 1
            elif cur is not None and (role == "close" or (role is None and ch in NEUTRAL)):
                depth -= 1
                if depth == 0:
                    cur.segments.append(_trim(text, seg_start, i))
                    cur.close_at = i
                    spans.append(cur)
                    cur = None
        if cur is not None:
            cur.segments.append(_trim(text, seg_start, pe))
            if pi + 1 == len(paras) or _starts_with_opener(text, *paras[pi + 1]) is None:
                spans.append(cur)
                cur = None
    return [s for s in spans if all(e > b for b, e in s.segments)]


# --------------------------------------------------------------------------------------------
# Attribution


@dataclass
class Clause:
    words: list            # the tokens of `words_of`
    wents: list            # the entity per word, or None
    ends_with_colon: bool = False


class PersonFacts(NamedTuple):
    """What the article says of one person mention, for pronoun resolution (`_person_facts`)."""
    gender: str | None     # from an honorific before any mention of the surname ("Ms. Roe")
    sentence: int | None   # start of its sentence, where the Doc is parsed
    subject: bool          # it is its clause's subject (or in apposition to it)
    speaks: bool           # it is the subject of a speech verb
    person: Ent            # the mention itself, or the person a title subject stands for (`titled_subjects`)


class Speaker(NamedTuple):
    kind: str              # person, pronoun, org
    start: int
    end: int
    word: str              # the pronoun


def _clause(words: Sequence, wents, pos: int, bound: int, text: str, after: bool) -> Clause:
    """The words from `pos` to the end of its sentence or the next opening mark (`after`), else back to
    the start of its sentence or the previous closing mark; `bound` is where the paragraph ends or starts."""
    first = _first_at(words, pos)
    kept = []
    for i in range(first, len(words)) if after else range(first - 1, -1, -1):
        w = words[i]
        if (w.idx >= bound if after else w.idx < bound) or (w.text in SENT_END and (kept or not after)) or (
                w.text in MARKS and mark_role(text, w.idx) == ("open" if after else "close")):
            break
        kept.append(i)
    kept.sort()
    return Clause([words[i] for i in kept], [wents[i] for i in kept],
                  ends_with_colon=not after and bool(kept) and words[kept[-1]].text == ":")


def _first_at(words: Sequence, pos: int) -> int:
    return bisect.bisect_left(words, pos, key=lambda w: w.idx)


def _cue_index(clause: Clause, qlex: QuoteLexicon, subjects: Sequence[int] | None = None) -> int | None:
    """The first cue verb of a clause (a few count only with their particle: "according to", "pointed out");
    given the starts of its `subjects`, the first cue with a subject before it ("X, speaking in Y, said the
    agency continues to ..." takes "said"), else the last cue. A document "reads" too ("the statement reads")."""
    last = None
    for i, w in enumerate(clause.words):
        nxt = clause.words[i + 1].lower_ if i + 1 < len(clause.words) else ""
        if (w.lower_ in qlex.cue_verbs or (w.lower_ in qlex.document_cues and i and clause.words[i - 1].lower_ in
                                           qlex.document_nouns)) and nxt in qlex.cue_particles.get(
                                               qlex.cue_verbs.get(w.lower_), [nxt]):
            if subjects is None or any(s < w.idx for s in subjects):
                return i
            last = i
    return last


def _cue_text(clause: Clause, i: int | None, qlex: QuoteLexicon) -> str | None:
    w = clause.words[i] if i is not None else None
    return None if w is None else f"{w.text} {clause.words[i + 1].text}" if qlex.cue_verbs.get(
        w.lower_) in qlex.cue_particles else w.text


def _speakers(clause: Clause, qlex: QuoteLexicon) -> list[Speaker]:
    """Candidate speakers in a clause, in text order."""
    out: list[Speaker] = []
    seen_ent = set()
    words = clause.words
    for i, w in enumerate(words):
        e = clause.wents[i]
        if e:
            if e not in seen_ent and (e.label == "PERSON" or e.label in ORG_LABELS):
                out.append(Speaker("person" if e.label == "PERSON" else "org", e.start, e.end, ""))
            seen_ent.add(e)
        elif w.lower_ in qlex.subject_pronouns or (w.lower_ in qlex.object_pronouns and i > 0
                                                   and words[i - 1].lower_ == "to"):
            out.append(Speaker("pronoun", w.idx, end_of(w), w.lower_))   # "she said", "according to him"
        elif i + 1 < len(words) and (words[i + 1].lower_ in qlex.cue_verbs or words[i + 1].lower_ in qlex.document_cues) \
                and (w.lower_ == "it" or (words[i - 1].lower_ == "the" and w.lower_ in qlex.described_body_nouns
                                          | qlex.document_nouns)) \
                and not any(x.text[:1].isalnum() for x in words[:i - (w.lower_ != "it")]):
            out.append(Speaker("pronoun", w.idx, end_of(w), "it"))   # "”, it said", "the statement noted": a body
    return out


def _continues_sentence(clause: Clause, lex: Lexicon, qlex: QuoteLexicon) -> bool:
    """Text after a closing mark belongs to the quote's sentence when it opens with punctuation, a
    lower-case word or a speaker; a capitalised word of another kind starts a new sentence."""
    first = clause.words[0]
    return not first.text[:1].isalnum() or not first.text[:1].isupper() or (
        _starts_with_speaker(clause, lex, qlex) and first.lower_ != "the") or first.lower_ in qlex.cue_verbs


def _starts_with_speaker(clause: Clause, lex: Lexicon, qlex: QuoteLexicon) -> bool:
    """", Jane Roe, the agency's head, said": the clause opens on its speaker."""
    for i, w in enumerate(clause.words):
        if not w.text[:1].isalnum():
            continue
        e = clause.wents[i]
        if e:
            return e.label == "PERSON" or e.label in ORG_LABELS
        return w.lower_ in qlex.subject_pronouns or w.lower_ == "the" or is_honorific(w, lex)
    return False


def rank_speakers(cands: list[Speaker], cue_pos: int | None, before: bool) -> list[Speaker]:
    """Speaker candidates of a clause, best first: a person, then a pronoun, an organization. Before a
    quote the subject stands nearest before the cue; after it, the first named."""
    if cue_pos is not None and before:
        cands = [c for c in cands if c.start < cue_pos] or cands
    return sorted(reversed(cands) if before else cands, key=lambda c: ("person", "pronoun", "org").index(c.kind))


def quote_words(words: Sequence, q: QuoteSpan) -> list:
    """The words of a quotation, punctuation left out."""
    return [w for s, e in q.segments for w in words[_first_at(words, s):_first_at(words, e)]
            if any(ch.isalnum() for ch in w.text)]


def is_title_like(words: Sequence, qlex: QuoteLexicon) -> bool:
    """Mostly capitalised words (`quote_words`) with no sentence inside: a name, a title, a slogan."""
    ws = [w for w in words if w.lower_ not in qlex.title_function_words]
    if not ws:
        return True
    if ws[0].text[:1].islower() and not (ws[0].i and ws[0].doc[ws[0].i - 1].text == "#"):
        return False   # a phrase headed by a common noun: "the spirit of the UN Sustainable Development Goals"
    caps = sum(1 for w in ws if w.text[:1].isupper() or w.text[:1].isdigit() or (w.i and w.doc[w.i - 1].text == "#"))
    return caps / len(ws) >= qlex.min_fragment_title_share


def _naming_context(text: str, q: QuoteSpan, words: Sequence, qlex: QuoteLexicon) -> bool:
    i = _first_at(words, q.open_at) - 1
    while i >= 0 and words[i].text in (":", ","):
        i -= 1
    j = _first_at(words, q.close_at + 1) if q.close_at is not None else len(words)
    return (i >= 0 and words[i].lower_ in qlex.naming_before) or (
        j < len(words) and words[j].lower_ in qlex.naming_after)


# --------------------------------------------------------------------------------------------
# Resolution of pronouns


def person_named_before(pos: int, ents: Sequence[Ent], quoted: Sequence[tuple[int, int]], since: int = 0,
                        gender: str | None = None, facts: dict = {}, labels=("PERSON",)) -> tuple:
    """Span of the last person (or `labels`) mention between `since` and `pos` whose gender (`facts`) does not
    contradict `gender`, or of the subject of the sentence naming it ("X thanked Y. “...,” she said": X), where the
    Doc is parsed. Names inside quotations (`quoted` spans) are what speakers talk about, not who speaks."""
    first = None   # (the last mention, its sentence)
    for e in reversed(ents):
        if e.label not in labels or e.start < since or e.end > pos or any(s <= e.start < t for s, t in quoted):
            continue
        f = facts.get(e) or PersonFacts(None, None, False, False, e)
        if gender and f.gender and f.gender != gender:
            continue
        if first is not None and f.sentence != first[1]:
            break
        first = first or (f.person, f.sentence)
        if f.subject or f.sentence is None:
            return f.person.start, f.person.end
    return (first[0].start, first[0].end) if first else (None, None)


def _person_facts(doc, words: Sequence, wents: Sequence, qlex: QuoteLexicon) -> dict:
    """Each person mention's `PersonFacts`; all but the gender only where the Doc is parsed."""
    surname, first, known = {}, {}, {}
    for i, e in enumerate(wents):
        if e is not None and e.label == "PERSON":   # the last word of the mention, without a glued "'s"
            first.setdefault(e, i)
            surname[e] = words[i].text[max(0, e.start - words[i].idx):e.end - words[i].idx].casefold()
    for e, i in first.items():
        while i > 0 and (words[i - 1].text == "." or words[i - 1].is_space):   # "Mme. Roe"
            i -= 1
        before = {words[i - 1].lower_, " ".join(w.lower_ for w in words[max(0, i - 2):i])} if i else set()
        gender = "female" if before & qlex.female_honorifics else "male" if before & qlex.male_honorifics else None
        if gender:
            known.setdefault(surname[e], gender)
    # a name in apposition to the subject speaks as the subject does: "The City Clerk of X, Jane Roe, insists that"
    subjects = {e: _subject(e.root) for e in doc.ents if e.label_ == "PERSON"} if doc.has_annotation("DEP") else {}
    parsed = {Ent(e.start_char, e.end_char, e.label_): (e.sent.start_char, subj is not None, subj is not None and says(
        subj.head, qlex)) for e, subj in subjects.items()}
    return {e: PersonFacts(known.get(s), *parsed.get(e, (None, False, False)), e) for e, s in surname.items()}


def says(verb, qlex: QuoteLexicon) -> bool:
    """The verb is a speech verb, or says through one that completes it: "went on to say", "was quoted as saying"."""
    return verb.lower_ in qlex.cue_verbs or any(
        t.lower_ in qlex.cue_verbs for c in verb.children if c.dep_ in ("xcomp", "advcl", "prep")
        for t in (c, *c.children) if t.dep_ in ("xcomp", "advcl", "pcomp"))


INDEFINITE = frozenset({"a", "an", "another", "one", "some", "several"})


def quote_sentences(doc, start: int, end: int) -> list:
    """The parsed sentence a quotation (start..end) opens in, and the one it closes in when another ("“... phase.
    ...” added the Coordinator"); none where the Doc is not parsed."""
    span = doc.char_span(start, end, alignment_mode="expand") if doc.has_annotation("DEP") else None
    if span is None:
        return []
    return [span[0].sent] + ([span[-1].sent] if span[-1].sent != span[0].sent else [])


def speech_subjects(doc, start: int, end: int, qlex: QuoteLexicon):
    """The subjects (nsubj) of the speech verbs of the quotation's sentences, outside the quotation."""
    return (c for sent in quote_sentences(doc, start, end) for t in sent
            if t.lower_ in qlex.cue_verbs and not start <= t.idx < end for c in t.children
            if c.dep_ == "nsubj" and not start <= c.idx < end)


def pronoun_subject(doc, start: int, end: int, qlex: QuoteLexicon):
    """A personal pronoun ("he", "she") as the subject of the quotation's speech verb, or None."""
    return next((c for c in speech_subjects(doc, start, end, qlex) if c.lower_ in qlex.subject_pronouns), None)


def unnamed_speaker(doc, start: int, end: int, qlex: QuoteLexicon):
    """The indefinite subject of the speech verb of the quotation's sentence ("another member of the panel stated", "a
    spokesperson said"), or None: someone the article does not name, not the person named last."""
    # the article may hang on the subject or open its phrase: "a UN Refugee Agency (UNHCR) spokesperson"
    # (a dash the tagger calls a noun is a subject with no word: "- said")
    return next((c for c in speech_subjects(doc, start, end, qlex) if c.pos_ == "NOUN" and any(
        d.lower_ in INDEFINITE for d in (next((w for w in c.subtree if not w.is_punct), c),
                                         *(d for d in c.children if d.dep_ == "det")))), None)


def sentence_subject(doc, start: int, end: int) -> tuple[int, int] | None:
    """The person named as the subject of the main verb of the sentence a quotation (start..end) stands in, outside
    it, where the Doc is parsed."""
    for sent in quote_sentences(doc, start, end)[:1]:   # the sentence the quotation opens in
        for subj in (c for c in sent.root.children if c.dep_ in ("nsubj", "nsubjpass") and not start <= c.idx < end):
            for ent in doc.ents:
                if ent.label_ == "PERSON" and ent.start <= subj.i < ent.end:
                    return ent.start_char, ent.end_char
    return None


def _subject(t):
    """The subject the token heads, or stands in apposition to, else None: "Secretary General, Ban Ki-moon referred";
    "The City Clerk of Alto Baldó, Jane Roe, insists", where the parser hangs the name on the subject's complement."""
    if t.dep_ in ("nsubj", "nsubjpass"):
        return t
    if t.dep_ == "appos":
        head = t.head
        while head.dep_ in ("pobj", "prep", "compound") and head.head is not head:
            head = head.head
        return head if head.dep_ in ("nsubj", "nsubjpass") else None
    return None


def titled_subjects(doc, lex: Lexicon, qlex: QuoteLexicon, roles: Sequence[dict], facts: dict) -> list[Ent]:
    """Subjects that are a title ("The UNFPA Resident Representative then commended ...") as mentions of the person
    the article gave that title before (`_person_by_title`), so that a pronoun after them ("..., she noted") finds
    that person; their facts (added to `facts`) are the person's gender and the subject's sentence."""
    if not roles or not doc.has_annotation("DEP"):
        return []
    out = []
    deps = doc.to_array([DEP]).tolist()
    subject_deps = {doc.vocab.strings["nsubj"], doc.vocab.strings["nsubjpass"]}
    for subj in (doc[i] for i, d in enumerate(deps) if d in subject_deps):   # no Token objects for the rest
        if subj.pos_ not in ("NOUN", "PROPN") or any(
                t.ent_type_ == "PERSON" for t in (*doc[subj.left_edge.i:subj.i + 1], *subj.children)):
            continue   # a title with its person named ("Country Representative of X, Jane Roe, said")
        span = _person_by_title(doc, subj, lex, qlex, roles, subj.idx)
        if span is not None:
            person = Ent(*span, "PERSON")
            mention = Ent(subj.left_edge.idx, end_of(subj), "PERSON")
            known = facts.get(person)
            facts[mention] = PersonFacts(known.gender if known else None, subj.sent.start_char, True,
                                         subj.dep_ == "nsubj" and subj.head.lower_ in qlex.cue_verbs, person)
            out.append(mention)
    return out


def person_speaking_since(pos: int, since: int, ents: Sequence[Ent], quoted, facts: dict, first: bool = False) -> tuple:
    """Span of the last (`first`: the first) person between `since` and `pos` who is the subject of a speech verb
    outside quotations ("Jane Roe, ..., noted that returnees ..."), else (None, None)."""
    for e in (ents if first else reversed(ents)):
        f = facts.get(e)
        if e.label == "PERSON" and since <= e.start and e.end <= pos and f is not None and f.speaks \
                and not any(s <= e.start < t for s, t in quoted):
            return f.person.start, f.person.end
    return None, None


# --------------------------------------------------------------------------------------------
# The whole article


@dataclass
class Attribution:
    speakers: list         # Speaker candidates, best first (may be empty: the speaker is unknown)
    cue: str | None


def attribute(text: str, q: QuoteSpan, words, wents, paras, p_first: int, p_last: int, lex: Lexicon,
              qlex: QuoteLexicon, is_name: bool, naming: bool) -> Attribution | None:
    """Who said the quote and with which verb, from the clauses around it; None when nothing
    around the quote says it was said. `is_name`: the quoted words are title-like; `naming`: the
    words around name it (`_naming_context`)."""
    close = q.close_at + 1 if q.close_at is not None else q.end
    after = _clause(words, wents, close, paras[p_last][1] + 1, text, True)
    before = _clause(words, wents, q.open_at, paras[p_first][0], text, False)
    if not before.words and p_first > 0:
        # "X congratulated the new citizens:" ending the paragraph before the quote
        pps, ppe = paras[p_first - 1]
        tail = text[pps:ppe].rstrip()
        if tail.endswith(":"):
            before = _clause(words, wents, pps + len(tail), pps, text, False)
    # 1. the clause after the closing mark: ", said X", ", X said", ", she added". A cue there
    # attributes the quote even when the speaker is no entity ("the report's authors wrote").
    ci = _cue_index(after, qlex)
    if ci is None:
        # a speech verb the cue list lacks ("”, asserted Ms. Roe."): the tagger's verb right after the
        # mark and its comma, followed by its speaker (a person, an honorific or a pronoun)
        ws = after.words
        if len(ws) > 2 and ws[0].text == "," and ws[1].pos_ == "VERB" and (
                ws[2].lower_ in qlex.subject_pronouns or is_honorific(ws[2], lex)
                or (after.wents[2] and after.wents[2].label == "PERSON")):
            ci = 1
    if ci is not None and _continues_sentence(after, lex, qlex) and (
            ci <= 4 or _starts_with_speaker(after, lex, qlex) or (ci + 1 < len(after.words) and after.wents[ci + 1]
                                                                 and not is_name and not naming)):
        # "the only “reliable” route into Darfur, said WFP"
        return Attribution(rank_speakers(_speakers(after, qlex), None, before=False), _cue_text(after, ci, qlex))
    if not before.words:
        return None
    # 2. the clause before the opening mark: "X said:", "X, TITLE:", "According to X,"
    cands = _speakers(before, qlex)
    ci = _cue_index(before, qlex, [c.start for c in cands if c.kind != "org"])
    cue_pos = before.words[ci].idx if ci is not None else None
    cue = _cue_text(before, ci, qlex)
    lead_in = before.ends_with_colon or before.words[-1].text == "," or (
        ci is not None and ci >= len(before.words) - 2)
    if lead_in and ci is None:
        # "Jane Roe, Minister of X: “...”": a colon with no verb needs a person before it
        # ("the theme: “...”" and "Target 7: “...”" are not attributions)
        cands = [c for c in cands if c.kind in ("person", "pronoun")]
        if cands and before.ends_with_colon and not naming:
            ranked = rank_speakers(cands, None, before=True)
            # "X congratulated the new citizens:" - the clause's own verb, when the tagger marks one
            verb = next((w.text for w in before.words if w.pos_ == "VERB" and w.idx > ranked[0].start), None)
            return Attribution(ranked, verb)
        return None
    # "Officials said: “...”": said, by someone the article does not name; without a lead-in, a fragment inside
    # reported speech: "said it would follow the situation “very closely”"
    if ci is not None and ((lead_in and (cands or not is_name)) or (
            cands and not is_name and not (text[q.start:q.start + 1].isupper() and naming))):
        return Attribution(rank_speakers(cands, cue_pos, before=True), cue)
    return None


def resolve_speaker(cands: Sequence[Speaker], ents: Sequence[Ent], qlex: QuoteLexicon, facts: dict,
                    quoted) -> tuple[int | None, int | None]:
    """Span of the first candidate that resolves to a mention: a person or organization as named, a
    pronoun to the person last named ("it" to the organization)."""
    for cand in cands:
        if cand.kind != "pronoun":
            return cand.start, cand.end
        start, end = person_named_before(cand.start, ents, quoted, gender=qlex.pronouns.get(cand.word), facts=facts,
                                         labels=ORG_LABELS if cand.word == "it" else ("PERSON",))
        if start is not None:
            return start, end
    return None, None


def find_quotes(doc, ents: Sequence[Ent], roles: Sequence[dict] = (), lex: Lexicon | None = None,
                qlex: QuoteLexicon | None = None) -> list[dict]:
    """Every direct quotation of the Doc, given its entities `ents`, as the component's dicts."""
    lex = lex or default_lexicon()
    qlex = qlex or default_quote_lexicon()
    # two single marks written for a double one ("\u2018\u2018...,\u2019\u2019 she said", "''...,'' said X") are read as one,
    # same length
    text = doc_text(doc).replace("\u2018\u2018", "\u2018\u201c").replace("\u2019\u2019", "\u201d\u2019")
    text = STRAIGHT_PAIR_CLOSE.sub("\u201d'", STRAIGHT_PAIR_OPEN.sub("'\u201c", text))
    if "single_marks" not in qlex.off:
        text = single_quotations(text)
    spans = find_quote_spans(text)
    if not spans:
        return []
    ents = sorted(e for e in ents if e.label in ENTITY_LABELS)
    words = words_of(doc, lex)
    wents = word_entities(words, ents)
    paras = paragraphs(text)
    para_starts = [p[0] for p in paras]
    facts = _person_facts(doc, words, wents, qlex)
    if "titled_subjects" not in qlex.off:   # a pronoun resolves to a title subject's person as to a name
        ents = sorted(ents + titled_subjects(doc, lex, qlex, roles, facts))
    quoted = [seg for q in spans for seg in q.segments]

    out: list[dict] = []
    prev: dict | None = None      # the last accepted quote, for continuations
    prev_para = -10
    for q in spans:
        p_first = bisect.bisect_right(para_starts, q.open_at) - 1
        p_last = bisect.bisect_right(para_starts, q.end) - 1
        qwords = quote_words(words, q)
        is_name, naming = is_title_like(qwords, qlex), _naming_context(text, q, words, qlex)
        att = attribute(text, q, words, wents, paras, p_first, p_last, lex, qlex, is_name, naming)
        fragment = att is None and doc.has_annotation("DEP") and len(qwords) < qlex.min_unattributed_words and not (
            is_name or (text[q.start:q.start + 1].isupper() and naming))
        pronoun = pronoun_subject(doc, q.start, q.end, qlex) if fragment and "pronoun_fragments" not in qlex.off \
            else None
        if pronoun is not None:   # "There is a “solid estimate” of ..., he said": his, as "he" resolves
            att = Attribution([Speaker("pronoun", pronoun.idx, end_of(pronoun), pronoun.lower_)], pronoun.head.text)
        elif fragment and (
                speaking_subject(doc, q.start, q.end, lex, qlex, roles)   # "Urging the “...” of X, Swan said"
                # "... is “catastrophic,” a UN official said": speech, by someone the article does not name
                or ("unnamed_fragments" not in qlex.off and unnamed_speaker(doc, q.start, q.end, qlex) is not None)):
            att = Attribution([], None)   # a fragment of speech whose speaker the parse names
        if att is None:
            if naming or is_name:
                continue
            n_words = len(qwords)
            same_para = prev is not None and prev_para == p_first
            next_para = prev is not None and prev_para == p_first - 1 and not text[paras[p_first][0]:q.open_at].strip()
            if same_para or (next_para and n_words >= qlex.min_unattributed_words):
                # “...,” X added. “...”: the quote goes on after its cue, same speaker
                rec = dict(prev, start_char=q.start, end_char=q.end)
                out += per_paragraph(rec, text, q)
                prev, prev_para = rec, p_last
                continue
            if n_words < qlex.min_unattributed_words:
                continue
            att = Attribution([], None)
        start, end = resolve_speaker(att.speakers, ents, qlex, facts, quoted)
        if doc.has_annotation("DEP"):
            # the subject of the speech verb as the parse reads it, over the person the clause names nearest the cue
            # ("X, Spokesperson of the UN Secretary-General, Y, said": X), before the guesses below and before the
            # continuations copy the speaker
            said = speaking_subject(doc, q.start, q.end, lex, qlex, roles)
            if said is not None:
                start, end = said
            elif "posts_named_later" not in qlex.off and post_not_yet_named(doc, q.start, q.end, lex, qlex, roles):
                # "“...”, announced the representative of UNHCR" in the lede, "..., said Jane Roe" below: the person
                # the article goes on to report speaking holds the post (else the body speaks, as before)
                later = person_speaking_since(len(text), q.end, ents, quoted, facts, first=True)
                start, end = later if later[0] is not None else (start, end)
        unnamed = unnamed_speaker(doc, q.start, q.end, qlex) if start is None and "unnamed_speakers" not in qlex.off \
            else None
        body = next((e for e in noun_phrase(unnamed).ents if e.label_ in ORG_LABELS), None) \
            if unnamed is not None else None
        if body is not None and "named_later" not in qlex.off:
            # "..., a UN official said" in the lede, "Jane Roe, ..., said" further down: the person the article goes
            # on to report speaking is the post it had not named yet (guidelines: the person, even far from the
            # marks); not "another member of the panel", who holds no post at a named body
            start, end = person_speaking_since(len(text), q.end, ents, quoted, facts, first=True)
        if body is not None and start is None:   # "a UNICEF official said", no one named: the organization speaks
            start, end = body.start_char, body.end_char
        if start is None and att.cue is not None and unnamed is None:
            # said, by someone the clause does not name: the person the paragraph has just named
            # ("Ragan told reporters the cuts were painful. “We are confronted ...,” he said")
            start, end = person_named_before(q.open_at, ents, quoted, since=paras[p_first][0], facts=facts)
        if start is None and not att.speakers and "sentence_subjects" not in qlex.off and unnamed is None:
            # "For his part, Ito valued cooperation ... and promised to exert “every possible effort ...”": words
            # quoted inside a sentence are its subject's
            start, end = sentence_subject(doc, q.start, q.end) or (None, None)
        if start is None and not att.speakers and unnamed is None:
            # a quotation nothing around it attributes: the guidelines give it to the person the
            # article names as speaking, "even far from the quotation marks" - the speaker of the
            # last attributed quote unless someone has been reported speaking since, else the last person named
            start, end = person_speaking_since(q.open_at, prev["end_char"] if prev else 0, ents, quoted, facts)
            if start is None:
                start, end = (prev["speaker_start"], prev["speaker_end"]) if prev is not None and \
                    prev["speaker_start"] is not None else person_named_before(q.open_at, ents, quoted, facts=facts)
        rec = {"speaker_start": start, "speaker_end": end, "cue": att.cue, "start_char": q.start, "end_char": q.end}
        out += per_paragraph(rec, text, q)
        prev, prev_para = rec, p_last
    return out


def per_paragraph(rec: dict, text: str, q: QuoteSpan) -> list[dict]:
    """A quotation that runs over several paragraphs is one quote per paragraph, each with the
    attribution of the whole (guidelines: a continuation paragraph starts a new quote)."""
    return [{"text": text[s:e], **rec, "start_char": s, "end_char": e} for s, e in q.segments]


def _person_by_title(doc, subj, lex: Lexicon, qlex: QuoteLexicon, roles: Sequence[dict],
                     before: int) -> tuple[int, int] | None:
    """"the Minister", "the UNICEF chief", "the Under-Secretary-General of the United Nations": the person last
    given a title with that head word, or a post at the body the title names."""
    # "the UN Resident and Humanitarian Coordinator": the parse heads the phrase with "Resident", a conjunct has the head
    # "the director general of IOM": the parse heads it with "general", its compound is the title word
    head = next((t for t in (subj, *subj.conjuncts, *(c for c in subj.children if c.dep_ == "compound"))
                 if is_head(t.text, lex)), subj)
    # spaCy splits "Under-Secretary-General" into five tokens; the title lists and the roles' words keep it one
    words = words_of(doc, lex)
    w = words[_first_at(words, head.idx + 1) - 1]
    word = w.text[:end_of(head) - w.idx].casefold()
    if not (is_head(word, lex) or word in lex.ambiguous_heads) and word not in qlex.generic_title_heads:
        return None
    kb = doc._.mention_kb or {}

    def body(start: int, end: int) -> str:
        """The organization a span names: its knowledge-base id ("UN" and "United Nations" are one), else its text."""
        return kb.get(span_key(start, end)) or doc_text(doc)[start:end].casefold()

    named = [e for e in noun_phrase(subj).ents if e.label_ in ORG_LABELS]
    orgs = {body(e.start_char, e.end_char) for e in named}
    un_bodies = {(e.start_char, e.end_char) for e in doc.ents if e.label_ == "UN_AGENCY"}
    key, loose, in_system = " " + word.replace("-", " ") + " ", None, None
    definite = word in qlex.generic_title_heads and any(c.lower_ == "the" for c in subj.children)  # not "a UN official"
    for role in sorted(roles, key=lambda r: r["person_start"], reverse=True):
        if role["person_end"] > before:
            continue
        at_org = role["org_start"] is not None and body(role["org_start"], role["org_end"]) in orgs
        titled = word not in qlex.generic_title_heads and key in " " + role["title"].casefold().replace("-", " ") + " "
        if (orgs and at_org) or (not orgs and titled):
            return role["person_start"], role["person_end"]
        if in_system is None and (titled or definite) and any(e.label_ == "UN_AGENCY" for e in named) and (
                role["org_start"], role["org_end"]) in un_bodies and "system_titles" not in qlex.off:
            # "The UN representative noted", "the UN official said": the person with that title (or, for a generic
            # head, any post) at a body of the UN system
            in_system = role["person_start"], role["person_end"]
        if loose is None and (definite or titled) and (not orgs or role["org_start"] is None):
            # "the UN official", "the UN spokesperson": last given such a post at no other body
            loose = role["person_start"], role["person_end"]
    return in_system or loose


def noun_phrase(token):
    """The phrase a token heads, up to a relative clause after it: "the new UNFPA Envoy [who commended President X]"."""
    clause = next((c for c in token.rights if c.dep_ in ("relcl", "acl")), None)
    return token.doc[token.left_edge.i:clause.left_edge.i if clause is not None else token.right_edge.i + 1]


def speech_verb_subjects(doc, start: int, end: int, qlex: QuoteLexicon):
    """(speech verb, subject) pairs of the quote's sentences outside the quotation, on the quote's lines. A participle or
    clause ("adding") takes the subject of the verb it depends on; an inverted subject after the quote is read from
    the object the parser makes of it ("“...,” highlighted the Under-Secretary-General")."""
    inside, text = range(start, end), doc_text(doc)
    # in the quote's paragraph: a parsed sentence may run on into the next line
    for verb in (t for s in quote_sentences(doc, start, end) for t in s):
        if verb.lower_ not in qlex.cue_verbs or verb.idx in inside or "\n" in text[min(verb.idx, end):
                                                                                  max(verb.idx, start)]:
            continue
        v = verb
        for _ in range(3):
            subjects = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects or v.dep_ not in ("advcl", "conj", "xcomp", "ccomp") or v.head is v:
                break
            v = v.head
        if not subjects and verb.idx >= end:
            subjects = [c for c in verb.children if c.dep_ == "dobj"]
        for subj in subjects:
            if "\n" not in text[min(subj.idx, verb.idx):max(subj.idx, verb.idx)]:
                yield verb, subj   # not a byline the parser hung on the verb: "By Jane Roe \n\n “...,” says John Doe"


def speaking_subject(doc, start: int, end: int, lex: Lexicon, qlex: QuoteLexicon,
                     roles: Sequence[dict] = ()) -> tuple[int, int] | None:
    """The person who is the grammatical subject of a speech verb in the quote's sentence, outside the
    quotation: "Richard Ragan, the WFP's representative, remarked, “...,” adding that the UN agency was
    “fully cognizant ...”" is Ragan's, not the UN's. A subject that is a title ("the Minister", "the UNICEF chief")
    is the person the article gave that title, or a post at that body, before the quote."""
    inside = range(start, end)
    for _, subj in speech_verb_subjects(doc, start, end, qlex):
        for ent in doc.ents:   # the person, or one the article names in full whose surname the subject is
            if ent.label_ == "PERSON" and ent.start_char not in inside and (ent.start <= subj.i < ent.end or (
                    subj.ent_type_ != "PERSON" and len(ent) > 1 and ent[-1].text == subj.text)):
                return ent.start_char, ent.end_char
        # a title heading the subject with its person inside it: "Director General of the International
        # Organization for Migration (IOM) Antonio Vitorino said"
        named = next((e for e in noun_phrase(subj).ents
                      if e.label_ == "PERSON" and e.start_char not in inside), None)
        if named is not None:
            return named.start_char, named.end_char
        titled = _person_by_title(doc, subj, lex, qlex, roles, start)
        if titled is not None:
            return titled
    return None


def post_not_yet_named(doc, start: int, end: int, lex: Lexicon, qlex: QuoteLexicon, roles: Sequence[dict] = ()):
    """The subject of the quote's speech verb when it is a post the article has given no one yet ("announced the
    representative of UNHCR in Côte d'Ivoire"), else None: a person the article goes on to name."""
    for _, subj in speech_verb_subjects(doc, start, end, qlex):
        phrase = noun_phrase(subj)
        if subj.pos_ == "NOUN" and is_head(subj.text, lex) and any(c.lower_ == "the" for c in subj.children) and \
                not any(e.label_ == "PERSON" for e in phrase.ents) and \
                _person_by_title(doc, subj, lex, qlex, roles, start) is None:
            return subj
    return None


# Each heuristic by name: `disabled` in the component's config switches it off (scripts/ablate.py).
QUOTE_HEURISTICS = ("single_marks", "titled_subjects", "sentence_subjects", "system_titles", "unnamed_speakers",
                    "unnamed_fragments", "named_later", "pronoun_fragments", "posts_named_later")


@Language.factory("quote_extractor", default_config={**ROLE_DATA, "quote_words": rules_setting("rules/quotes.json"),
                                                     "disabled": []})
def make_quote_extractor(nlp, name, words: Rules, people: Rules, demonyms: Rules, orgs: Rules, quote_words: Rules,
                         disabled: list[str]):
    lex = lexicon(words, people, demonyms, orgs)
    qlex = quote_lexicon(quote_words, lex, switched_off("quote_extractor", disabled, QUOTE_HEURISTICS))

    def quote_extractor(doc):
        # a name used as a modifier ("Al-Shabaab fighters", "the Guterres plan") is what the text is about
        # there, not someone who speaks: neither a speaker nor what "he" or "she" refers to
        modifiers = {(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON" and e.end < len(doc)
                     and e.root.dep_ == "compound" and e.root.head.i == e.end and e.root.head.pos_ == "NOUN"}
        ents = [e for e in doc_entities(doc) if (e.start, e.end) not in modifiers]
        doc._.quotes = find_quotes(doc, ents, doc._.roles or [], lex, qlex)
        return doc

    return quote_extractor
