"""Small helpers shared by the entity components: name words and merging spans into `doc.ents`."""
from __future__ import annotations

from typing import Iterable

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.nlp.extensions import doc_text, set_source, span_key, token_texts


def is_name_like(token) -> bool:
    """A capitalised word that could continue a proper name (not a sentence-initial stop word)."""
    if not token.is_alpha:
        return False
    if not (token.is_title or (token.is_upper and len(token) > 1)):
        return False
    return not token.is_stop and token.lower_ not in ("the", "and", "of", "in", "on", "for", "to")


# Prepositions that put a place after them, never a person: "shelters set up in Chisinau", "sick at Goof
# Gaduud". In the annotated texts 1,195 names follow one of them and one is a person (before "'s").
LOCATIVES = frozenset({"in", "at", "near", "across", "throughout"})


def in_locative_slot(doc: Doc, start: int) -> bool:
    """A locative right before the name, on the same line ("in Amayer", "In Amayer, ...")."""
    return start > 0 and doc[start - 1].lower_ in LOCATIVES and "\n" not in doc[start - 1].whitespace_


HEAD_STOPPERS = frozenset({"of", "on", "for", "to", "against", "in", "at", "with", "from", "by", "under"})


def name_head(doc: Doc, start: int, end: int) -> int | None:
    """Index of the head word of a capitalised name in [start, end): the last capitalised word
    before the first preposition ("[Convention] on the Rights of the Child", "Generation Equality
    [Forum]", "Security Policy [Department]")."""
    head = None
    for i in range(start, end):
        t = doc[i]
        if t.lower_ in HEAD_STOPPERS and head is not None:
            break
        if t.is_alpha and (t.is_title or t.is_upper):
            head = i
    return head


def token_owners(spans) -> dict:
    """Token index -> the span (anything with .start and .end) that covers it."""
    return {i: s for s in spans for i in range(s.start, s.end)}


def add_spans(doc: Doc, spans: Iterable[tuple[Span, str | None]], source: str,
              replace: bool = False) -> list[Span]:
    """Put rule spans into `doc.ents`.

    replace=False: existing entities win and overlapping new spans are dropped (rules that only
    fill gaps). replace=True: new spans win and the existing entities they overlap are removed.
    Records `source` and the kb id for every span added. Returns the spans actually added.
    """
    new = filter_spans([s for s, _ in spans])
    kb = {(s.start, s.end): k for s, k in spans}
    existing = list(doc.ents)
    taken = [False] * len(doc)
    keep_new: list[Span] = []
    removed: list[Span] = []
    if replace:
        for s in new:
            for i in range(s.start, s.end):
                taken[i] = True
        removed = [e for e in existing if any(taken[i] for i in range(e.start, e.end))]
        existing = [e for e in existing if not any(taken[i] for i in range(e.start, e.end))]
        keep_new = new
    else:
        for e in existing:
            for i in range(e.start, e.end):
                taken[i] = True
        keep_new = [s for s in new if not any(taken[i] for i in range(s.start, s.end))]
    # what is left of a replaced longer entity is outside any entity, not a continuation of the new one
    outside = [doc[i:i + 1] for e in removed for i in range(e.start, e.end) if not taken[i]]
    doc.set_ents(sorted(existing + keep_new, key=lambda s: s.start), outside=outside, default="unmodified")
    for s in keep_new:
        set_source(doc, s.start_char, s.end_char, source, kb.get((s.start, s.end)))
    return keep_new


def replace_ents(doc: Doc, ents: list[Span]) -> None:
    """Set the final entity list (after edits), keeping sources/kb ids of spans that survive."""
    ents = filter_spans(ents)
    doc.set_ents(sorted(ents, key=lambda s: s.start), default="outside")
    keys = {span_key(e.start_char, e.end_char) for e in doc.ents}
    for attr in ("mention_sources", "mention_kb"):
        d = getattr(doc._, attr)
        if d:
            setattr(doc._, attr, {k: v for k, v in d.items() if k in keys})


SPACE_WINDOW = 10   # tokens on each side of an odd space that a name may span


def space_windows(texts: list[str], odd) -> list[tuple[int, int]]:
    """Token ranges (start, end) around the tokens whose text `odd` picks, merged where they overlap."""
    out: list[tuple[int, int]] = []
    for i, text in enumerate(texts):
        if not odd(text):
            continue
        a, b = max(0, i - SPACE_WINDOW), min(len(texts), i + SPACE_WINDOW + 1)
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _inline_space(text: str) -> bool:
    return text.isspace() and "\n" not in text


def match_spans(doc: Doc, tokenizer, matchers) -> list[tuple[int, int, int]]:
    """(match_id, start token, end token) of every matcher, also across runs of spaces and non-breaking spaces.

    A run of spaces inside a line is a token of its own ("United  Nations  Children's Fund"): around each, the
    matchers also run on the words without those tokens, and the hits map back (never across a line break,
    which stays). The tokenizer makes a U+00A0 its own token, so "United\u00a0Nations" would never match a
    pattern; around each non-breaking space the matchers also run on the text with a plain space (same length,
    so the same character offsets), and the hits are mapped back onto the tokens. Only the windows around such
    spaces are matched again, not the whole Doc.
    """
    out = []
    for m in matchers:
        out.extend(m(doc))
    seen = {(s, e) for _, s, e in out}
    texts = token_texts(doc)
    for a, b in space_windows(texts, _inline_space):
        keep = [i for i in range(a, b) if not _inline_space(texts[i])]
        compact = Doc(doc.vocab, words=[texts[i] for i in keep],
                      spaces=[bool(doc[i].whitespace_) or (i + 1 < len(doc) and _inline_space(texts[i + 1]))
                              for i in keep])
        for m in matchers:
            for match_id, s, e in m(compact):
                span = (keep[s], keep[e - 1] + 1)
                if span not in seen:
                    seen.add(span)
                    out.append((match_id, *span))
    if "\u00a0" not in doc_text(doc):
        return out
    for a, b in space_windows(texts, lambda text: "\u00a0" in text):
        first, last = doc[a], doc[b - 1]
        a, b = first.idx, last.idx + len(last.text)
        plain = tokenizer(doc_text(doc)[a:b].replace("\u00a0", " "))
        for m in matchers:
            for match_id, s, e in m(plain):
                span = doc.char_span(a + plain[s].idx, a + plain[e - 1].idx + len(plain[e - 1].text))
                if span is not None and (span.start, span.end) not in seen:
                    seen.add((span.start, span.end))
                    out.append((match_id, span.start, span.end))
    return out
