"""Titles from the NER: the posts a text gives named people ("Representative", "Minister of Health", "head of
office") as TITLE spans in `doc.spans["titles"]`, for the role extractor (title_roles.py).

Our NER is trained with a TITLE label beside its entity labels (scripts/train_ner.py, from the role annotations of
the training texts), so titles cost the pipeline nothing beyond the NER it runs anyway. `ner_titles`, right after
the NER, moves them out of `doc.ents`: the entity components after it see people, organizations and places only.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Span

SPANS_KEY = "titles"
LABEL = "TITLE"


@Language.component("ner_titles")
def ner_titles(doc):
    """TITLE entities moved from doc.ents to doc.spans["titles"] (left alone when the NER gives none), less punctuation
    at their edges: the NER sometimes takes in the full stop after a title that ends a sentence ("..., WFP, Director of
    Emergencies.")."""
    titles = [e for e in doc.ents if e.label_ == LABEL]
    if titles:
        doc.spans[SPANS_KEY] = [t for t in map(_without_edge_punctuation, titles) if t is not None]
        doc.ents = [e for e in doc.ents if e.label_ != LABEL]
    return doc


def _edge(token) -> bool:
    """Punctuation a title never starts or ends with; a bracket may close an aside ("Representative (a.i.)")."""
    return token.is_space or (token.is_punct and not token.is_bracket)


def _without_edge_punctuation(span) -> Span | None:
    doc, start, end = span.doc, span.start, span.end
    while start < end and _edge(doc[start]):
        start += 1
    while end > start and _edge(doc[end - 1]):
        end -= 1
    return Span(doc, start, end, label=span.label) if start < end else None
