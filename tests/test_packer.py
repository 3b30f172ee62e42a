import datetime as dt

from spacy.tokens import Doc

from pipeline.extract import doc_to_extraction, unpack_extraction
from pipeline.nlp.extensions import set_source
from pipeline.nlp.packer import PACKED_KEY, make_extraction_packer


def annotated(nlp) -> Doc:
    doc = nlp("Olga Tamm visited Oslo. She met the mayor last year.")
    for token in doc:
        token.is_sent_start = token.i == 0 or doc[token.i - 1].text == "."
    doc.ents = [doc.char_span(0, 9, label="PERSON"), doc.char_span(18, 22, label="GPE")]
    set_source(doc, 18, 22, "rule", "geonames:3143244")
    doc._.dates = [{"text": "last year", "start_char": 42, "end_char": 51, "kind": "rel", "rel": ["year", -1]}]
    return doc


def test_packed_doc_is_tokenless_and_survives_serialization(blank_nlp):
    doc = annotated(blank_nlp)
    packed = make_extraction_packer(blank_nlp, "packer")(doc)
    assert len(packed) == 0
    restored = Doc(blank_nlp.vocab).from_bytes(packed.to_bytes())
    data = restored.user_data[PACKED_KEY]
    assert [(m["text"], m["label"], m["source"], m["kb_id"], m["sentence_index"]) for m in data["mentions"]] == [
        ("Olga Tamm", "PERSON", "model", None, 0), ("Oslo", "GPE", "rule", "geonames:3143244", 0)]
    assert data["sentence_starts"] == [0, 24]


def test_unpacking_equals_converting_the_full_doc(blank_nlp):
    doc = annotated(blank_nlp)
    packed = make_extraction_packer(blank_nlp, "packer")(doc)
    published = dt.date(2024, 5, 2)
    via_pack = unpack_extraction(packed.user_data[PACKED_KEY], "a1", published)
    direct = doc_to_extraction(doc, "a1", published)
    assert via_pack.to_dict() == direct.to_dict()
    assert [(d.text, d.start, d.end, d.sentence_index) for d in via_pack.dates] == [
        ("last year", "2023-01-01", "2023-12-31", 1)]
