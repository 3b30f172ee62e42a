import datetime as dt

import pytest

from pipeline.extract import ExtractionCache, doc_to_extraction, extract_articles
from pipeline.nlp.build import build_nlp
from pipeline.nlp.extensions import set_source


@pytest.fixture(scope="module")
def model_only():
    return build_nlp(components=())


def article(aid: str, text: str) -> dict:
    import hashlib
    return {"article_id": aid, "text": text, "published": dt.date(2022, 3, 1),
            "content_sha256": hashlib.sha256(text.encode()).hexdigest()}


def test_doc_to_extraction_keeps_our_labels_with_sources(blank_nlp):
    doc = blank_nlp("Olga Tamm visited Oslo on Monday.")
    doc.ents = [doc.char_span(0, 9, label="PERSON"), doc.char_span(18, 22, label="GPE"),
                doc.char_span(26, 32, label="DATE")]
    set_source(doc, 18, 22, "rule", "geonames:3143244")
    ex = doc_to_extraction(doc, "a1", None)
    assert [(m.text, m.label, m.source, m.kb_id) for m in ex.mentions] == [
        ("Olga Tamm", "PERSON", "model", None), ("Oslo", "GPE", "rule", "geonames:3143244")]


def test_cache_returns_the_same_extraction_without_running_nlp(tmp_path, model_only):
    cache = ExtractionCache(tmp_path)
    arts = [article("1", "Olga Tamm met the Blue River Council in Oslo."), article("2", "Nothing here.")]
    stats = {}
    first = list(extract_articles(arts, cache=cache, nlp=model_only, stats=stats))
    assert stats == {"cached": 0, "computed": 2}

    class NoNLP:
        def pipe(self, *a, **k):
            raise AssertionError("cached articles must not reach the NLP")

    stats = {}
    second = list(extract_articles(arts, cache=cache, nlp=NoNLP(), stats=stats))
    assert stats == {"cached": 2, "computed": 0}
    assert [e.to_dict() for e in first] == [e.to_dict() for e in second]


def test_new_article_alone_is_computed(tmp_path, model_only):
    cache = ExtractionCache(tmp_path)
    arts = [article("1", "Olga Tamm met the council in Oslo.")]
    list(extract_articles(arts, cache=cache, nlp=model_only))
    stats = {}
    out = list(extract_articles(arts + [article("2", "Piet Hein went to Bergen.")], cache=cache, nlp=model_only,
                                stats=stats))
    assert stats == {"cached": 1, "computed": 1}
    assert [e.article_id for e in out] == ["1", "2"]
