"""The two registered readers through which components get their data files from the config
(build.py's docstring has the mechanism): `unpipe.rules.v1`, a rule file whose lists named in `off` are
emptied (an exception list switched off), and `unpipe.kb.v1`, a knowledge-base folder. Paths are relative
to the repository's models/ folder, or absolute.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Sequence

from spacy.language import Language
from spacy.util import registry

from pipeline import config, kb
from pipeline.compiled import cached
from pipeline.datafiles import DataFileError, read_json

RULE_VERSIONS = {1}


def models_path(path: str | Path) -> Path:
    """A data path of the config: relative to the repository's models/ folder, or absolute."""
    return (config.MODELS_DIR / path).resolve()


@dataclass(frozen=True, eq=False)   # hashed by identity: read once per (path, off), a cache key of what is compiled from it
class Rules:
    path: Path
    data: dict

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def fingerprint_parts(self) -> tuple:
        """The rules as read (lists switched off are empty), for pipeline.compiled.cached."""
        return (json.dumps(self.data, sort_keys=True, ensure_ascii=False),)


@lru_cache(maxsize=None)
def _read_rules(path: Path, off: tuple[str, ...]) -> Rules:
    data = read_json(path)
    if data.get("version") not in RULE_VERSIONS:
        raise DataFileError(f"{path}: unknown rule file version {data.get('version')!r}")
    for key in off:
        if not isinstance(data.get(key), (list, dict)):
            raise DataFileError(f"{path}: `off` names {key!r}, which is not a list or table of this file")
        data[key] = type(data[key])()
    return Rules(path, data)


@registry.misc("unpipe.rules.v1")
def rules_file(path: str, off: Sequence[str] = ()) -> Rules:
    """A rule file of models/rules/, version-checked, with the lists named in `off` emptied."""
    return _read_rules(models_path(path), tuple(off))


@registry.misc("unpipe.kb.v1")
def knowledge_base(path: str = "kb") -> kb.KnowledgeBase:
    """A knowledge-base folder (un_system.jsonl, organizations.jsonl, places.jsonl, subdivisions.jsonl)."""
    return kb.load(models_path(path))


def rules_setting(path: str) -> dict:
    """The config of a rule-file setting, for a factory's default_config."""
    return {"@misc": "unpipe.rules.v1", "path": path}


KB_SETTING = {"@misc": "unpipe.kb.v1", "path": "kb"}


def default_data(factory: str, setting: str) -> Any:
    """A factory's default data setting, read: what `build_nlp()` gives the component, for code and
    tests that call a component's helpers without a pipeline."""
    ref = Language.get_factory_meta(factory).default_config[setting]
    return registry.resolve({"value": ref})["value"]


def word_lists(rules: Rules) -> SimpleNamespace:
    """A rule file as attributes (roles and quotes read theirs so): each list a frozenset of lower-case words,
    other values as written."""
    return SimpleNamespace(**{k: frozenset(x.casefold() for x in v) if isinstance(v, list) else v
                              for k, v in rules.data.items()})


FINITE_TAGS = ("VBD", "VBN", "VBZ")


def verb_forms(lemmas: Sequence[str], also: Sequence[str] = (), every_form: bool = False) -> dict[str, str]:
    """The past and third-person forms of each verb ("note": noted, notes), and the other forms named in
    `also` ("saying", "say"), or `every_form`, lower case, to their lemma, so a rule file lists a verb once.
    A base or -ing form is often a noun ("a note", "the State") or a clause of its own ("calling for"), so by
    default it counts only where listed. lemminflect knows the irregular forms and the spelling rules
    ("told", "held", "quipped"); its tables take a second to import, so the forms are compiled once per list
    and cached on disk."""
    lemmas = tuple(sorted({lemma.casefold() for lemma in lemmas}))
    also = tuple(sorted({form.casefold() for form in also}))

    def build() -> dict[str, str]:
        from lemminflect import getAllInflections, getAllInflectionsOOV
        forms = {}
        for lemma in lemmas:
            table = getAllInflections(lemma, upos="VERB") or getAllInflectionsOOV(lemma, upos="VERB")
            forms.update({form.casefold(): lemma for tag, variants in table.items() for form in variants
                          if every_form or tag in FINITE_TAGS or form.casefold() in also})
        unknown = set(also) - set(forms)
        if unknown:
            raise DataFileError(f"forms {sorted(unknown)} are no form of a listed verb")
        return forms

    return cached("verb_forms", (lemmas, also, every_form, ("package", "lemminflect"), Path(__file__)), build) \
        if lemmas else {}


def switched_off(component: str, disabled: list[str], known: tuple[str, ...],
                 kind: str = "heuristics") -> frozenset[str]:
    """The `disabled` setting of a component, checked against the names it knows (a misspelt name
    would silently switch nothing off)."""
    unknown = set(disabled) - set(known)
    if unknown:
        raise ValueError(f"{component}: unknown {kind} {sorted(unknown)}; known: {known}")
    return frozenset(disabled)
