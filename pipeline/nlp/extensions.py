"""Doc extensions the custom components write to.

Values are lists of plain dicts (JSON/msgpack-safe), so Docs survive spaCy's multiprocessing.
`mention_sources` maps "start_char:end_char" of an entity in `doc.ents` to who made it
(rule, abbreviation, ...); entities absent from it come from the statistical model.
`mention_kb` maps the same key to a knowledge-base id.
"""
from spacy.tokens import Doc

DOC_EXTENSIONS = ("figures", "dates", "roles", "quotes", "mention_sources", "mention_kb", "published")


def register_extensions() -> None:
    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


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
