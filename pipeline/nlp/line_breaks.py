"""No mention runs across a line break: a caption, credit or dateline on its own line is separate from
the name on the next one (guidelines, "Conventions for text from other sites").

spaCy's NER keeps entities that are already set and predicts around them, but it does not respect
tokens merely preset as outside. So `line_breaks` (before the NER) marks every line-break token blocked
(`Doc.set_ents(blocked=...)`: no entity may cover it, so none can run across it), and `line_breaks_done`
(right after it) sets them outside again. One general constraint instead of splitting glued spans after the
fact. Blocked rather than held in a placeholder entity: a placeholder's label is four more moves the NER
tests at every token (scripts/train_ner.py, drop_labels); blocking uses the one move spaCy keeps for it.
A dash with a space on either side ("Wadi Khaled - Khat El Petrol", "Geneva – The UN") is held the same way:
it separates names as a line does.

`line_sentences` (before the parser) starts a sentence after a line that ends one (a full stop, a question
or exclamation mark, a closing quotation mark): the small parser otherwise joins a paragraph that ends in a
quotation to the next ("... as soon as possible.”" + "For his part, Ito valued ..."), and the subject of the
second is lost. It keeps sentence starts set before it. Lines that end without one (headlines, captions) are
left to the parser: the entity rules read a line's first word as sentence-initial only where the parse does.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp.extensions import token_texts

@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    taken = {t.i for ent in doc.ents for t in ent}
    holds = [Span(doc, t.i, t.i + 1) for t in doc if ("\n" in t.text or is_spaced_dash(t)) and t.i not in taken]
    if holds:
        doc.set_ents([], blocked=holds, default="unmodified")
    return doc


DASHES = frozenset("-\u2013\u2014")   # hyphen, en and em dash: also what joins two posts in roles.py


def is_spaced_dash(t) -> bool:
    """A dash with a space on either side separates ("Wadi Khaled - Khat el Petrol", "Geneva – The UN"); a hyphen
    inside a word ("Gof-Gadud") does not."""
    return t.text in DASHES and bool(t.whitespace_ or (t.i > 0 and t.doc[t.i - 1].whitespace_))


@Language.component("line_breaks_done")
def line_breaks_done(doc: Doc) -> Doc:
    holds = [Span(doc, t.i, t.i + 1) for t in doc if t.ent_iob == 3 and t.ent_type == 0]    # blocked: B, no label
    if holds:
        doc.set_ents([], outside=holds, default="unmodified")
    return doc


SENTENCE_ENDS = frozenset(".!?\"\u201d\u00bb")


@Language.component("line_sentences")
def line_sentences(doc: Doc) -> Doc:
    texts = token_texts(doc)
    for i in [i for i, t in enumerate(texts) if "\n" in t]:
        if 0 < i < len(doc) - 1 and texts[i - 1][-1:] in SENTENCE_ENDS and not texts[i + 1].isspace():
            doc[i + 1].is_sent_start = True
    return doc
