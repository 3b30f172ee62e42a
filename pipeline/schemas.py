"""The pyarrow schema and sort key of every output table: the contract in code.

Every write goes through `pipeline.tables.write_table`, which casts to these schemas, so a table
on disk always has exactly these columns and types, in this order.
"""
from __future__ import annotations

import pyarrow as pa

STR = pa.string()
INT = pa.int32()
F64 = pa.float64()

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([
        ("article_id", STR),
        ("url", STR),
        ("title", STR),
        ("published", pa.date32()),
        ("body", STR),
        ("text", STR),
        ("source_file", STR),
        ("record_index", INT),
        ("content_sha256", STR),
        ("n_words", INT),
    ]),
    "rejects": pa.schema([
        ("source_file", STR),
        ("record_index", INT),
        ("reason", STR),
        ("excerpt", STR),
        ("stage", STR),        # parse: the record never became an article; extract: its NLP raised
        ("article_id", STR),   # null for parse rejects
    ]),
    "mentions": pa.schema([
        ("mention_id", STR),
        ("article_id", STR),
        ("entity_id", STR),
        ("label", STR),
        ("text", STR),
        ("start_char", INT),
        ("end_char", INT),
        ("sentence_index", INT),
        ("source", STR),
    ]),
    "entities": pa.schema([
        ("entity_id", STR),
        ("label", STR),
        ("name", STR),
        ("aliases", pa.list_(STR)),
        ("kb_id", STR),
        ("latitude", F64),
        ("longitude", F64),
        ("n_articles", INT),
        ("n_mentions", INT),
    ]),
    "article_entities": pa.schema([
        ("article_id", STR),
        ("entity_id", STR),
        ("label", STR),
        ("n_mentions", INT),
        ("first_char", INT),
    ]),
    "merges": pa.schema([
        ("entity_id", STR),
        ("label", STR),
        ("kept_name", STR),
        ("merged_name", STR),
        ("score", F64),
        ("rule", STR),
    ]),
    "figures": pa.schema([
        ("figure_id", STR),
        ("article_id", STR),
        ("text", STR),
        ("value", F64),
        ("value_max", F64),
        ("unit", STR),
        ("qualifier", STR),
        ("kind", STR),
        ("counted", STR),
        ("start_char", INT),
        ("end_char", INT),
        ("sentence_index", INT),
    ]),
    "dates": pa.schema([
        ("date_id", STR),
        ("article_id", STR),
        ("text", STR),
        ("start", pa.date32()),
        ("end", pa.date32()),
        ("granularity", STR),
        ("start_char", INT),
        ("end_char", INT),
        ("sentence_index", INT),
    ]),
    "roles": pa.schema([
        ("role_id", STR),
        ("article_id", STR),
        ("person_entity_id", STR),
        ("title", STR),
        ("org_entity_id", STR),
        ("place_entity_id", STR),
        ("start_char", INT),
        ("end_char", INT),
        ("sentence_index", INT),
    ]),
    "quotes": pa.schema([
        ("quote_id", STR),
        ("article_id", STR),
        ("text", STR),
        ("speaker_entity_id", STR),
        ("cue", STR),
        ("start_char", INT),
        ("end_char", INT),
        ("sentence_index", INT),
    ]),
    # One row per analyst's correction (pipeline/corrections.py): the row as written in its file and
    # what it did. rows_changed: rows of `mentions` removed, added, relabelled, linked or moved.
    "corrections_applied": pa.schema([
        ("file", STR),
        ("line", INT),
        ("action", STR),
        ("label", STR),
        ("text", STR),
        ("target", STR),
        ("article_id", STR),
        ("note", STR),
        ("rows_changed", INT),
        ("status", STR),       # applied, unchanged, no_match, no_article, no_target, ambiguous_target
        ("detail", STR),
    ]),
}

# Rows are sorted by these columns before writing, so identical input gives identical files.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id",),
    "rejects": ("stage", "source_file", "record_index", "reason"),
    "mentions": ("article_id", "start_char", "end_char", "label"),
    "entities": ("entity_id",),
    "article_entities": ("article_id", "entity_id"),
    "merges": ("entity_id", "merged_name"),
    "figures": ("article_id", "start_char", "end_char"),
    "dates": ("article_id", "start_char", "end_char"),
    "roles": ("article_id", "start_char", "end_char", "person_entity_id"),
    "quotes": ("article_id", "start_char", "end_char"),
    "corrections_applied": ("file", "line"),
}
