"""No mention runs across a line break: a caption, credit or dateline on its own line is separate from
the name on the next one (guidelines, "Conventions for text from other sites").

spaCy's NER keeps entities that are already set and predicts around them, but it does not respect
tokens merely preset as outside. So `line_breaks` (before the NER) holds every line-break token in a
placeholder entity the NER cannot extend across, and `line_breaks_done` (right after it) removes them.
One general constraint instead of splitting glued spans after the fact.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

PLACEHOLDER = "LINE_BREAK"


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    taken = {t.i for ent in doc.ents for t in ent}
    holds = [Span(doc, t.i, t.i + 1, label=PLACEHOLDER) for t in doc if "\n" in t.text and t.i not in taken]
    if holds:
        doc.set_ents(holds, default="unmodified")
    return doc


@Language.component("line_breaks_done")
def line_breaks_done(doc: Doc) -> Doc:
    holds = [ent for ent in doc.ents if ent.label_ == PLACEHOLDER]
    if holds:
        doc.set_ents([], outside=holds, default="unmodified")
    return doc
