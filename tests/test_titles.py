"""ner_titles (pipeline/nlp/titles.py): the NER's TITLE spans leave doc.ents for doc.spans["titles"]."""
from __future__ import annotations

import spacy
from spacy.tokens import Span

from pipeline.nlp.titles import LABEL, SPANS_KEY, ner_titles


def test_titles_move_to_the_span_group_and_the_other_entities_stay():
    doc = spacy.blank("en")("UNICEF Representative Jane Roe spoke.")
    doc.ents = [Span(doc, 0, 1, label="UN_AGENCY"), Span(doc, 1, 2, label=LABEL), Span(doc, 2, 4, label="PERSON")]
    doc = ner_titles(doc)
    assert [(s.text, s.label_) for s in doc.spans[SPANS_KEY]] == [("Representative", LABEL)]
    assert [(e.text, e.label_) for e in doc.ents] == [("UNICEF", "UN_AGENCY"), ("Jane Roe", "PERSON")]


def test_a_doc_without_titles_keeps_its_entities_and_any_titles_set_before():
    doc = spacy.blank("en")("Minister Jane Roe spoke.")
    doc.spans[SPANS_KEY] = [Span(doc, 0, 1, label=LABEL)]
    doc.ents = [Span(doc, 1, 3, label="PERSON")]
    doc = ner_titles(doc)
    assert [s.text for s in doc.spans[SPANS_KEY]] == ["Minister"]
    assert [e.text for e in doc.ents] == ["Jane Roe"]


def test_punctuation_at_a_titles_edges_is_left_out():
    doc = spacy.blank("en")("Jane Roe, WFP, Director of Emergencies. Aid followed.")
    doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 5, 9, label=LABEL)]   # the NER took in the full stop
    doc = ner_titles(doc)
    assert [s.text for s in doc.spans[SPANS_KEY]] == ["Director of Emergencies"]
    doc = spacy.blank("en")("Jane Roe, Representative (a.i.), spoke.")
    doc.ents = [Span(doc, 3, 8, label=LABEL)]
    assert [s.text for s in ner_titles(doc).spans[SPANS_KEY]] == ["Representative (a.i.)"]
