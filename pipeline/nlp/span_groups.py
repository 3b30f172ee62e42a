"""The extractions as spaCy span groups, for users of the spaCy pipeline itself (`build_nlp()`):
`doc.spans["figures"]`, `["dates"]`, `["roles"]` and `["quotes"]`, each Span carrying its record in
`span._.record` (the same dict the tables are built from: value and unit, ISO start and end, title,
speaker offsets...). Relative dates resolve against `doc._.published` when set. Runs last; the extract
stage reads the records directly and does not need it.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp import extensions  # noqa: F401  (registers the doc._ records where spaCy loads this factory alone)

GROUPS = ("figures", "dates", "roles", "quotes")

if not Span.has_extension("record"):
    Span.set_extension("record", default=None)


def _span(doc: Doc, record: dict, label: str) -> Span | None:
    span = doc.char_span(record["start_char"], record["end_char"], label=label, alignment_mode="expand")
    if span is not None:
        span._.record = record
    return span


@Language.component("span_groups")
def span_groups(doc: Doc) -> Doc:
    from pipeline.nlp.dates import resolve_dates

    for group in GROUPS:
        records = getattr(doc._, group) or []
        if group == "dates":   # candidates resolved against doc._.published (a date, or None)
            records = resolve_dates(records, doc._.published)
        label = group[:-1].upper()
        doc.spans[group] = [s for s in (_span(doc, r, label) for r in records) if s is not None]
    for key in (extensions.TEXT_KEY, extensions.WORDS_KEY):   # the components' copies of the text
        doc.user_data.pop(key, None)
    return doc
