"""UN news articles to linked Parquet tables: parse -> extract -> link -> tables."""

__version__ = "0.1.0"
