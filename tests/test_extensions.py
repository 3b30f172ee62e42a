"""Per-Doc copies the components share (pipeline/nlp/extensions.py)."""
from __future__ import annotations

from pipeline.nlp.extensions import TEXT_KEY, WORDS_KEY, doc_text, token_texts


def test_token_texts_are_the_tokens_texts(blank_nlp):
    doc = blank_nlp("UN\u00a0Women’s head — Ms. Åsa Öberg — said:\n“2,500 🙂 families.”  Done.")
    assert token_texts(doc) == [t.text for t in doc]
    assert doc_text(doc) == doc.text
    assert doc.user_data[WORDS_KEY] is token_texts(doc) and doc.user_data[TEXT_KEY] == doc.text


def test_token_texts_follow_a_retokenized_doc(blank_nlp):
    doc = blank_nlp("Ms. Åsa Öberg spoke.")
    token_texts(doc)
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[1:3])
    assert token_texts(doc) == ["Ms.", "Åsa Öberg", "spoke", "."]


def test_span_groups_drops_the_copies_at_the_end(blank_nlp):
    from pipeline.nlp.span_groups import span_groups

    doc = blank_nlp("Officials said aid arrived.")
    token_texts(doc)
    doc = span_groups(doc)
    assert TEXT_KEY not in doc.user_data and WORDS_KEY not in doc.user_data


def test_roles_and_quotes_share_one_retokenized_copy_per_doc(blank_nlp):
    from pipeline.nlp.roles import default_lexicon, words_of

    lex = default_lexicon()
    doc = blank_nlp("Ms. Åsa Öberg, UNICEF's Ambassador-at-Large, spoke.")
    words = words_of(doc, lex)
    assert words_of(doc, lex) is words and "Ambassador-at-Large" in [w.text for w in words]
    assert not doc.user_data.get(WORDS_KEY) or all(isinstance(t, str) for t in doc.user_data[WORDS_KEY])
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[1:3])
    assert words_of(doc, lex) is not words and "Åsa Öberg" in [w.text for w in words_of(doc, lex)]
