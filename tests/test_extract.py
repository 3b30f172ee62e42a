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
    assert stats == {"cached": 0, "computed": 2, "failed": []}

    class NoNLP:
        def pipe(self, *a, **k):
            raise AssertionError("cached articles must not reach the NLP")

    stats = {}
    second = list(extract_articles(arts, cache=cache, nlp=NoNLP(), stats=stats))
    assert stats == {"cached": 2, "computed": 0, "failed": []}
    assert [e.to_dict() for e in first] == [e.to_dict() for e in second]


def test_new_article_alone_is_computed(tmp_path, model_only):
    cache = ExtractionCache(tmp_path)
    arts = [article("1", "Olga Tamm met the council in Oslo.")]
    list(extract_articles(arts, cache=cache, nlp=model_only))
    stats = {}
    out = list(extract_articles(arts + [article("2", "Piet Hein went to Bergen.")], cache=cache, nlp=model_only,
                                stats=stats))
    assert stats == {"cached": 1, "computed": 1, "failed": []}
    assert [e.article_id for e in out] == ["1", "2"]


# One bad article never stops a run; long articles are chunked with their offsets.

@pytest.fixture(scope="module")
def fragile_nlp():
    """A blank pipeline that labels "Blue River Council" and raises on any text holding BOOM."""
    from conftest import blank_nlp_raising_on

    nlp = blank_nlp_raising_on("BOOM", RuntimeError("component exploded"))
    ruler = nlp.add_pipe("entity_ruler", first=True)
    ruler.add_patterns([{"label": "ORG", "pattern": "Blue River Council"}])
    return nlp


def test_an_article_that_raises_is_listed_and_the_others_go_on(tmp_path, fragile_nlp):
    cache = ExtractionCache(tmp_path)
    arts = [article("1", "The Blue River Council met."), article("2", "BOOM went the Blue River Council."),
            article("3", "The Blue River Council met again.")]
    stats = {}
    out = list(extract_articles(arts, cache=cache, nlp=fragile_nlp, stats=stats, batch_size=2))
    assert [e.article_id for e in out] == ["1", "3"]
    assert [(f.article_id, f.reason) for f in stats["failed"]] == [("2", "extract failed: RuntimeError: component exploded")]
    assert cache.get(arts[1]) is None and cache.get(arts[0]) is not None


def test_chunks_cover_the_text_and_cut_between_paragraphs():
    from pipeline.extract import chunk_spans

    text = "\n".join(f"Paragraph {i} is here." for i in range(1000))
    spans = chunk_spans(text, max_chars=500)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(0 < e - s <= 500 for s, e in spans)
    assert all(text[e - 1] == "\n" for _, e in spans[:-1])
    one_line = "word " * 300
    assert all(e - s <= 500 for s, e in chunk_spans(one_line, max_chars=500))


def test_a_2mb_article_yields_its_mentions_at_their_offsets(fragile_nlp):
    paragraph = "The Blue River Council met in the valley and agreed on a plan for the rivers of the region.\n"
    text = paragraph * (2_000_000 // len(paragraph) + 1)
    assert len(text) > 2_000_000
    (ex,) = list(extract_articles([article("big", text)], nlp=fragile_nlp))
    assert len(ex.mentions) == text.count("Blue River Council")
    assert all(text[m.start_char:m.end_char] == "Blue River Council" for m in ex.mentions)
    assert ex.mentions[-1].sentence_index > ex.mentions[0].sentence_index


@pytest.mark.e2e
def test_the_real_pipeline_on_chunks_keeps_offsets_into_the_whole_text(monkeypatch):
    from pipeline import config
    from pipeline.nlp.build import shared_nlp

    monkeypatch.setattr(config, "MAX_CHUNK_CHARS", 400)
    body = "\n".join(f"UNICEF and the World Food Programme delivered {i},000 tonnes of food to Chad on 3 May 2023, "
                     f"said Maria Lopez, the UNICEF Representative." for i in range(1, 12))
    (ex,) = list(extract_articles([article("c", body)], nlp=shared_nlp()))
    assert {m.text for m in ex.mentions} >= {"UNICEF", "World Food Programme", "Chad"}
    assert all(body[m.start_char:m.end_char] == m.text for m in ex.mentions)
    assert all(body[f.start_char:f.end_char] == f.text for f in ex.figures)
    assert len(ex.figures) == 11 and len({d.start_char for d in ex.dates}) == 11


def test_a_corrupt_cache_entry_is_recomputed(tmp_path, fragile_nlp):
    cache = ExtractionCache(tmp_path)
    arts = [article("1", "The Blue River Council met.")]
    list(extract_articles(arts, cache=cache, nlp=fragile_nlp))
    for bad in ('{"mentions": [{"label": "ORG"', "{}", '{"mentions": [{"nope": 1}], "figures": [], "dates": [],'
                ' "roles": [], "quotes": []}'):
        cache.path(arts[0]).write_text(bad, encoding="utf-8")
        stats = {}
        (ex,) = list(extract_articles(arts, cache=cache, nlp=fragile_nlp, stats=stats))
        assert stats["computed"] == 1 and [m.text for m in ex.mentions] == ["Blue River Council"]
    assert cache.corrupt == 3


def test_new_words_leave_the_vocabulary_after_each_memory_zone(monkeypatch):
    """Fresh names (written here) must not grow the vocabulary over a long run, and cutting the run
    into zones changes no record."""
    import pipeline.extract as extract
    from pipeline.nlp.build import shared_nlp

    nlp = shared_nlp()
    names = ["Zorvatek Quillimar", "Brannoch Estevyl", "Tavrimund Oskelby", "Pellinore Vashkarov"]
    arts = [article(str(i), f"{name} of the Ulvenmark Council said on Monday that 3,400 families in "
                            f"Kestrelholm received seeds.") for i, name in enumerate(names)]
    monkeypatch.setattr(extract, "ZONE_ARTICLES", 10_000)
    whole = [e.to_dict() for e in extract_articles(arts, nlp=nlp)]
    strings_before = len(nlp.vocab.strings)
    monkeypatch.setattr(extract, "ZONE_ARTICLES", 1)
    zoned = [e.to_dict() for e in extract_articles(arts, nlp=nlp)]
    assert zoned == whole
    assert any(m["text"] == "Zorvatek Quillimar" for m in whole[0]["mentions"])
    assert len(nlp.vocab.strings) == strings_before
    assert "Quillimar" not in nlp.vocab.strings
