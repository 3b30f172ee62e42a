"""The last component of the extract pipeline: condenses a finished Doc into its extraction records.

The extract stage needs only a few hundred small records per article, not the Doc: this component
returns a token-less Doc that carries them in `user_data`, so whatever receives the Doc (the worker that
turns it into an Extraction, spaCy's `nlp.pipe(n_process=...)` for a user of the saved pipeline, which
sends every Doc back as bytes) handles almost nothing. Dates keep their raw candidates because resolving
them needs the article's published date, which is not part of the text.
"""
from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.extensions import span_key
from pipeline.records import ENTITY_LABELS

PACKED_KEY = "packed_extraction"


def sentence_starts(doc: Doc) -> list[int]:
    return [s.start_char for s in doc.sents] if doc.has_annotation("SENT_START") else [0]


def sentence_of(starts: list[int], char: int) -> int:
    return max(0, bisect.bisect_right(starts, char) - 1)


def pack_doc(doc: Doc) -> dict:
    """Plain records of a processed Doc (msgpack-safe); dates stay unresolved candidates."""
    starts = sentence_starts(doc)
    sources = doc._.mention_sources or {}
    kb = doc._.mention_kb or {}
    mentions = []
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        key = span_key(ent.start_char, ent.end_char)
        mentions.append({"label": ent.label_, "text": ent.text, "start_char": ent.start_char,
                         "end_char": ent.end_char, "sentence_index": sentence_of(starts, ent.start_char),
                         "source": sources.get(key, "model"), "kb_id": kb.get(key) or (ent.kb_id_ or None)})

    def with_sentence(rows):
        return [{**r, "sentence_index": sentence_of(starts, r["start_char"])} for r in rows or []]

    return {"mentions": mentions, "figures": with_sentence(doc._.figures),
            "roles": with_sentence(doc._.roles), "quotes": with_sentence(doc._.quotes),
            "date_candidates": list(doc._.dates or []), "sentence_starts": starts}


def packed_of(doc: Doc) -> dict:
    """The records of a Doc that went through the packer, or of any processed Doc."""
    return doc.user_data.get(PACKED_KEY) or pack_doc(doc)


@Language.factory("extraction_packer")
def make_extraction_packer(nlp: Language, name: str):
    def extraction_packer(doc: Doc) -> Doc:
        packed = Doc(doc.vocab, words=[])
        packed.user_data[PACKED_KEY] = pack_doc(doc)
        return packed

    return extraction_packer
