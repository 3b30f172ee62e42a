"""Titles from the NER: the posts a text gives named people ("Representative", "Minister of Health", "head of
office") as TITLE spans in `doc.spans["titles"]`, for the role extractor (title_roles.py).

Our NER is trained with a TITLE label beside its entity labels (scripts/train_ner.py, from the role annotations of
the training texts), so titles cost the pipeline nothing beyond the NER it runs anyway. `ner_titles`, right after
the NER, moves them out of `doc.ents`: the entity components after it see people, organizations and places only.
"""
from __future__ import annotations

from spacy.language import Language

SPANS_KEY = "titles"
LABEL = "TITLE"


@Language.component("ner_titles")
def ner_titles(doc):
    """TITLE entities moved from doc.ents to doc.spans["titles"] (left alone when the NER gives none)."""
    titles = [e for e in doc.ents if e.label_ == LABEL]
    if titles:
        doc.spans[SPANS_KEY] = titles
        doc.ents = [e for e in doc.ents if e.label_ != LABEL]
    return doc
