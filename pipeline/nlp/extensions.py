"""Doc extensions the custom components write to.

Values are lists of plain dicts (JSON/msgpack-safe), so Docs survive spaCy's multiprocessing.
`mention_sources` maps "start_char:end_char" of an entity in `doc.ents` to who made it
(rule, abbreviation, ...); entities absent from it come from the statistical model.
`mention_kb` maps the same key to a knowledge-base id.
"""
import functools
import weakref

from spacy.tokens import Doc

DOC_EXTENSIONS = ("figures", "dates", "roles", "quotes", "mention_sources", "mention_kb", "published")


def register_extensions() -> None:
    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


TEXT_KEY = "unpipe_text"


def doc_text(doc: Doc) -> str:
    """`doc.text`, joined once per Doc. spaCy rebuilds it from every token at each access, which was a
    fifth of the custom components' time; a Doc's text never changes, so the copy cannot go stale.
    span_groups drops the copy at the end of the pipeline."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


WORDS_KEY = "unpipe_words"


def token_texts(doc: Doc) -> list[str]:
    """Every token's text, cut from the text by the token offsets (no Token objects made: building
    them was most of the cost of a loop over the tokens), once per Doc."""
    words = doc.user_data.get(WORDS_KEY)
    if words is None or len(words) != len(doc):   # a retokenized Doc has other tokens
        from spacy.attrs import IDX, LENGTH

        text = doc_text(doc)
        words = doc.user_data[WORDS_KEY] = [text[i:i + n] for i, n in doc.to_array([IDX, LENGTH]).tolist()]
    return words


def once_per_doc(fn):
    """`fn(doc, *args)` computed once per Doc, args (by identity) and token count, for what several components
    read: roles.words_of, the retokenized copy that roles and quotes share (its callers must not change it).
    Kept by a weak reference to the Doc, so it goes with the Doc and never travels in user_data; a Doc
    retokenized since gets a new one."""
    cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @functools.wraps(fn)
    def once(doc: Doc, *args):
        results = cache.setdefault(doc, {})
        key = (len(doc), *map(id, args))
        if key not in results:   # the args stay referenced with the result: their ids cannot be reused
            results[key] = (args, fn(doc, *args))
        return results[key][1]

    return once


def span_key(start_char: int, end_char: int) -> str:
    return f"{start_char}:{end_char}"


def set_source(doc: Doc, start_char: int, end_char: int, source: str, kb_id: str | None = None) -> None:
    if doc._.mention_sources is None:
        doc._.mention_sources = {}
    doc._.mention_sources[span_key(start_char, end_char)] = source
    if kb_id:
        if doc._.mention_kb is None:
            doc._.mention_kb = {}
        doc._.mention_kb[span_key(start_char, end_char)] = kb_id


register_extensions()
