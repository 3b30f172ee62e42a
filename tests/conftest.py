"""Shared fixtures: tiny hand-made dumps, a blank English pipeline, and the real-corpus run."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
import spacy

from pipeline import config


def make_record(title: str, body: str, url: str, date: str | None = "14 June 2023",
                boilerplate: bool = True) -> str:
    """One record in the dump format, with the un.org site furniture around its body."""
    lines = []
    if date is not None:
        lines.append(f"Date: {date}")
    lines.append(f"Title: {title}")
    content = []
    if boilerplate:
        content += ["Donate to the Sustainable Development Goals Fund", date or ""]
    content += body.split("\n")
    if boilerplate:
        content += ["UN House in Astana:", "14, Mambetov Street", "Z11D8T7, Astana, Kazakhstan",
                    "Tel: +7 (7172) 696550", "***", "UN Office in Almaty:", "303, Baizakov Street",
                    "A15G7T0, Almaty, Kazakhstan", "Tel: +7 (727) 2582643"]
    lines.append("Content: " + content[0])
    lines += content[1:]
    lines.append(f"URL: {url}")
    return "\n".join(lines) + "\n\n\n"


@lru_cache(maxsize=1)
def _tokenizer_only():
    return spacy.blank("en")


def make_doc(text: str):
    """A Doc with tokens only, for the rule tests: roles and quotes read its words, the entities are given."""
    return _tokenizer_only().make_doc(text)


def tagged(doc, pos: str, *words: str):
    """The Doc with the tagger's part of speech `pos` on the tokens written `words`, for the rule tests."""
    for t in doc:
        if t.text in words:
            t.pos_ = pos
    return doc


def char_ents(text: str, *spec: tuple):
    """Hand-given entities for rule tests: (substring, label) or (substring, label, occurrence) -> Ent."""
    from pipeline.nlp.roles import Ent

    out = []
    for item in spec:
        sub, label = item[0], item[1]
        nth = item[2] if len(item) > 2 else 0
        i = -1
        for _ in range(nth + 1):
            i = text.index(sub, i + 1)
        out.append(Ent(i, i + len(sub), label))
    return out


@pytest.fixture
def record():
    return make_record


@pytest.fixture(scope="session")
def blank_nlp():
    return spacy.blank("en")


@pytest.fixture(scope="session")
def real_run(tmp_path_factory) -> Path:
    """The whole pipeline once on the real corpus (data/raw), into a temporary folder."""
    from pipeline.stages import run_all

    out = tmp_path_factory.mktemp("real-run")
    cache = tmp_path_factory.mktemp("real-cache")
    run_all(config.RAW_DIR, out, cache_dir=cache)
    return out


ENTITY_COMPONENTS = ("ner_titles", "un_agencies", "places", "line_breaks", "entity_fixups", "line_breaks_done", "abbreviations",
                     "people")


@pytest.fixture(scope="session")
def entity_nlp():
    """The real model with the entity components only (no figures/dates/roles/quotes)."""
    from pipeline.nlp.build import build_nlp

    return build_nlp(components=ENTITY_COMPONENTS)


@pytest.fixture(scope="session")
def ents_of(entity_nlp):
    """text -> [(entity text, label)] for our five labels, through the entity pipeline."""
    def run(text: str) -> list[tuple[str, str]]:
        doc = entity_nlp(text)
        return [(e.text, e.label_) for e in doc.ents
                if e.label_ in ("UN_AGENCY", "ORG", "PERSON", "GPE", "LOC")]
    return run


def blank_nlp_raising_on(word: str, error: Exception):
    """A blank English pipeline whose one component raises `error` on any text holding `word`:
    a stand-in for an NLP bug that hits one article."""
    from spacy.language import Language

    name = f"raises_on_{word.lower()}"
    if name not in Language.factories:
        @Language.component(name)
        def raises(doc):
            if word in doc.text:
                raise error
            return doc

    nlp = spacy.blank("en")
    nlp.add_pipe(name)
    return nlp
