"""A faster stand-in for the base model's `attribute_ruler`, with identical output.

The model's AttributeRuler maps fine-grained tags (plus a few words and dependency labels) to POS,
morphology and some lemmas through a spaCy Matcher: ~180 one-token patterns tried at every token. It
cost about a fifth of the whole model's time. Whether a one-token pattern matches depends only on the
token's (TAG, LOWER, DEP, IS_SPACE), and a news corpus repeats a few thousand such keys, so the
outcome per key is computed once and cached; the few multi-token patterns are checked only where their
first token matches. Effects are applied in the ruler's own order (later patterns win) through
`Doc.from_array`.

`use_attribute_lookup(nlp)` swaps it in only when every pattern uses predicates this module evaluates
exactly (plain values, IN, NOT_IN, REGEX on TAG, LOWER, DEP, IS_SPACE); otherwise the model's ruler
stays. tests/test_attribute_lookup.py checks token-for-token equality with the real ruler.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens._retokenize import normalize_token_attrs, set_token_attrs

# Token features a pattern may test, in the order of the lookup key.
KEY_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")
KEY_IDS = (TAG, LOWER, DEP, IS_SPACE)
# Attributes a pattern may set through Doc.from_array; anything else (DEP) goes through set_token_attrs.
ARRAY_ATTRS = (TAG, POS, MORPH, LEMMA)
MAX_CACHED_KEYS = 200_000


@dataclass(frozen=True)
class Predicate:
    """One token spec of a Matcher pattern, restricted to what `supported_spec` accepts."""

    tests: tuple[tuple[int, str, object], ...]   # (position in key, operator, operand)

    def __call__(self, key: tuple) -> bool:
        for pos, op, operand in self.tests:
            value = key[pos]
            if op == "==":
                if value != operand:
                    return False
            elif op == "IN":
                if value not in operand:
                    return False
            elif op == "NOT_IN":
                if value in operand:
                    return False
            elif op == "REGEX":
                if not operand.search(str(value)):
                    return False
        return True


def supported_spec(spec: dict) -> bool:
    for attr, value in spec.items():
        if attr not in KEY_ATTRS:
            return False
        if isinstance(value, dict):
            if not set(value) <= {"IN", "NOT_IN", "REGEX"}:
                return False
        elif not isinstance(value, (str, bool)):
            return False
    return True


def compile_spec(spec: dict) -> Predicate:
    tests = []
    for attr, value in spec.items():
        pos = KEY_ATTRS.index(attr)
        if isinstance(value, dict):
            for op, operand in value.items():
                tests.append((pos, op, re.compile(operand) if op == "REGEX" else frozenset(operand)))
        else:
            tests.append((pos, "==", value))
    return Predicate(tuple(tests))


def supported_patterns(patterns: list[dict]) -> bool:
    return all(supported_spec(spec) and "OP" not in spec
               for p in patterns for pattern in p["patterns"] for spec in pattern)


class AttributeLookup:
    """Callable pipeline component; build it from `AttributeRuler.patterns`."""

    def __init__(self, vocab, patterns: list[dict]):
        self.vocab = vocab
        self.patterns = patterns
        self.attrs = [normalize_token_attrs(vocab, p["attrs"]) for p in patterns]
        self.singles: list[tuple[int, Predicate]] = []
        self.multis: list[tuple[int, tuple[Predicate, ...], int]] = []
        for rule_id, p in enumerate(patterns):
            for pattern in p["patterns"]:
                preds = tuple(compile_spec(s) for s in pattern)
                if len(preds) == 1 and p.get("index", 0) in (0, -1):
                    self.singles.append((rule_id, preds[0]))
                else:
                    self.multis.append((rule_id, preds, p.get("index", 0)))
        # Most rules test one exact TAG: on a cache miss only those of the token's tag are tried.
        self._singles_by_tag: dict[str, list[tuple[int, Predicate]]] = {}
        self._singles_any_tag: list[tuple[int, Predicate]] = []
        for rid, pred in self.singles:
            tags = [operand for pos, op, operand in pred.tests if pos == 0 and op == "=="]
            if tags:
                self._singles_by_tag.setdefault(tags[0], []).append((rid, pred))
            else:
                self._singles_any_tag.append((rid, pred))
        # Raw key (hashes from Doc.to_array) -> (rules matching alone, multi-token rules that may start here).
        self._by_key: dict[tuple, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        # Sorted rule ids -> (value or None per ARRAY_ATTRS column, other attrs or None).
        self._by_rules: dict[tuple[int, ...], tuple[tuple, dict | None]] = {}

    def _string_key(self, raw: tuple) -> tuple:
        strings = self.vocab.strings
        tag, lower, dep, space = raw
        return (strings[tag] if tag else "", strings[lower] if lower else "", strings[dep] if dep else "",
                bool(space))

    def _lookup(self, raw: tuple) -> tuple[tuple[int, ...], tuple[int, ...]]:
        key = self._string_key(raw)
        candidates = self._singles_by_tag.get(key[0], []) + self._singles_any_tag
        singles = tuple(sorted({rid for rid, pred in candidates if pred(key)}))
        if len(self._by_key) >= MAX_CACHED_KEYS:   # keys grow with the vocabulary; keep memory flat
            self._by_key.clear()
        starts = tuple(m for m, (_, preds, _) in enumerate(self.multis) if preds[0](key))
        entry = self._by_key[raw] = (singles, starts)
        return entry

    def _effect(self, rules: tuple[int, ...]) -> tuple[tuple, dict | None]:
        effect = self._by_rules.get(rules)
        if effect is None:
            merged: dict = {}
            for rid in rules:   # ascending rule order: a later rule overrides an earlier one
                merged.update(self.attrs[rid])
            row = tuple(merged.get(attr) for attr in ARRAY_ATTRS)
            rest = {k: v for k, v in merged.items() if k not in ARRAY_ATTRS} or None
            effect = self._by_rules[rules] = (row, rest)
        return effect

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        by_key = self._by_key
        raws = [tuple(r) for r in doc.to_array(list(KEY_IDS)).tolist()]
        entries = [by_key.get(r) or self._lookup(r) for r in raws]
        rules = [e[0] for e in entries]
        for start, (_, starts) in enumerate(entries):
            for m in starts:
                rid, preds, index = self.multis[m]
                width = len(preds)
                if start + width > n:
                    continue
                if all(preds[j](self._string_key(raws[start + j])) for j in range(1, width)):
                    target = start + index if index >= 0 else start + width + index
                    rules[target] = tuple(sorted(set(rules[target]) | {rid}))
        effects = [self._effect(r) for r in rules]
        old = doc.to_array(list(ARRAY_ATTRS)).tolist()
        new = [[o if v is None else v for o, v in zip(orig, eff[0])] for orig, eff in zip(old, effects)]
        doc.from_array(list(ARRAY_ATTRS), numpy.asarray(new, dtype=numpy.uint64))
        for i, eff in enumerate(effects):
            if eff[1]:
                set_token_attrs(doc[i], eff[1])
        return doc


@Language.factory("attribute_lookup", default_config={"patterns": []})
def make_attribute_lookup(nlp: Language, name: str, patterns: list[dict]) -> AttributeLookup:
    return AttributeLookup(nlp.vocab, patterns)


def use_attribute_lookup(nlp: Language, ruler_name: str = "attribute_ruler") -> bool:
    """Replace the model's attribute ruler by the lookup when its patterns allow; True if replaced."""
    if ruler_name not in nlp.pipe_names:
        return False
    patterns = nlp.get_pipe(ruler_name).patterns
    if not supported_patterns(patterns):
        return False
    nlp.add_pipe("attribute_lookup", name="attribute_lookup", after=ruler_name,
                 config={"patterns": patterns})
    nlp.remove_pipe(ruler_name)
    return True
