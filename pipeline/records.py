"""What extract produces for one article: plain records with character offsets into `articles.text`.

An `Extraction` is JSON-serializable (cached on disk, sent between processes and Dask workers) and
is the only thing the link stage needs from the NLP side.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# The entity labels of the guidelines; the model's other labels (DATE, NORP, ...) never leave extract.
ENTITY_LABELS = ("UN_AGENCY", "ORG", "PERSON", "GPE", "LOC")


@dataclass
class Mention:
    label: str            # UN_AGENCY, ORG, PERSON, GPE, LOC
    text: str
    start_char: int
    end_char: int
    sentence_index: int
    source: str           # model, rule, abbreviation, coreference
    kb_id: str | None = None   # knowledge-base record id when a rule or gazetteer knows the thing


@dataclass
class Figure:
    text: str
    value: float
    value_max: float | None
    unit: str
    qualifier: str | None
    kind: str             # count, percent, money, measure, duration, ratio, multiplier
    counted: str | None
    start_char: int
    end_char: int
    sentence_index: int


@dataclass
class DateMention:
    text: str
    start: str            # ISO date
    end: str              # ISO date
    granularity: str      # day, month, year, range
    start_char: int
    end_char: int
    sentence_index: int


@dataclass
class Role:
    person_start: int     # character span of the PERSON mention the role belongs to
    person_end: int
    title: str
    org_start: int | None
    org_end: int | None
    place_start: int | None
    place_end: int | None
    start_char: int       # span of the whole role phrase
    end_char: int
    sentence_index: int


@dataclass
class Quote:
    text: str
    speaker_start: int | None   # character span of the speaker's mention (after pronoun/title resolution)
    speaker_end: int | None
    cue: str | None
    start_char: int
    end_char: int
    sentence_index: int


@dataclass
class Extraction:
    article_id: str
    mentions: list[Mention] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    # Character offset of every sentence's start, in order: the link stage places the mentions an
    # analyst adds (pipeline/corrections.py) in the parser's sentences with them.
    sentence_starts: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        # Same result as dataclasses.asdict for these flat records, ~15x faster (asdict deep-copies
        # every value; this runs twice per article: cache and extractions.jsonl).
        return {"article_id": self.article_id,
                "mentions": [dict(vars(m)) for m in self.mentions],
                "figures": [dict(vars(f)) for f in self.figures],
                "dates": [dict(vars(d)) for d in self.dates],
                "roles": [dict(vars(r)) for r in self.roles],
                "quotes": [dict(vars(q)) for q in self.quotes],
                "sentence_starts": list(self.sentence_starts)}

    @classmethod
    def from_dict(cls, d: dict) -> "Extraction":
        return cls(
            article_id=d["article_id"],
            mentions=[Mention(**m) for m in d.get("mentions", [])],
            figures=[Figure(**f) for f in d.get("figures", [])],
            dates=[DateMention(**x) for x in d.get("dates", [])],
            roles=[Role(**r) for r in d.get("roles", [])],
            quotes=[Quote(**q) for q in d.get("quotes", [])],
            sentence_starts=list(d.get("sentence_starts", [])),
        )
