"""Pure name-matching helpers for the link stage: keys, acronyms, partial and variant names.

Nothing here knows about articles or tables; `pipeline.link` wires these into the resolution of
one article and of the whole corpus. Functions that need to know whether a string names a place
take an `is_place` predicate or a `place_name` function, so they can be tested without the
knowledge base.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from typing import Callable, Iterable, Iterator

from rapidfuzz import process
from rapidfuzz.distance import Indel

from pipeline.config import NAME_CACHE_SIZE

GROUP_OF_LABEL = {"PERSON": "PERSON", "ORG": "ORG", "UN_AGENCY": "ORG", "GPE": "PLACE", "LOC": "PLACE"}
# When votes tie, the label a rule is likelier to have set wins.
LABEL_PRIORITY = ("UN_AGENCY", "GPE", "PERSON", "ORG", "LOC")

# Mirrors the contract's scoring normalization (CONTRACT.md): these never distinguish two names.
_LEADING_RE = re.compile(r"^(?:(?:the|mr|ms|mrs|dr|prof|h\.\s*e)\.?\s+)+", re.I)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"',
                         "\u00ab": '"', "\u00bb": '"', "\u00a0": " ", "\u2010": "-", "\u2011": "-",
                         "\u2013": "-", "\u2014": "-"})
# Function words an acronym usually leaves out ("Organisation for Economic Co-operation and Development").
STOPWORDS = frozenset({"of", "the", "and", "for", "on", "in", "to", "at", "&", "de", "du", "des", "la", "le",
                       "et", "a", "an"})
# Words after which an organization's name goes on to say whose or what it is ("... of Y", "... for Z").
CHAIN_CONNECTORS = frozenset({"of", "for", "on", "in", "to"})
_ORG_PUNCT_RE = re.compile(r"[\"'.,;:()\[\]{}!?*/\\]")
_TOKEN_SPLIT_RE = re.compile(r"[\s\-/]+")
_ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9&.\-]*[A-Z0-9](?:'?s)?$")
_INITIAL_RE = re.compile(r"^[a-z]\.?$")

# A spelling variant differs in one token of at least this many letters, by at most this ratio.
MIN_VARIANT_TOKEN = 6
PERSON_VARIANT_RATIO = 0.90
ORG_VARIANT_RATIO = 0.90


def group_of(label: str) -> str:
    return GROUP_OF_LABEL.get(label, label)


@lru_cache(maxsize=NAME_CACHE_SIZE)
def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def display_form(text: str) -> str:
    """The text with white space (including non-breaking) folded, nothing else."""
    return " ".join(text.replace("\u00a0", " ").split())


@lru_cache(maxsize=NAME_CACHE_SIZE)
def clean_name(text: str) -> str:
    """A form fit to show as a name: no leading "the"/honorific, no stray quotes or punctuation
    left over from the span ("the Women's Centers" -> "Women's Centers", "“Atameken" -> "Atameken")."""
    s = display_form(text)
    prev = None
    while prev != s:
        prev = s
        s = _LEADING_RE.sub("", s).strip()
        s = s.strip(" \"',;:\u201c\u201d\u2018\u2019\u00ab\u00bb")
    if s.count("(") > s.count(")"):
        s = s[:s.rfind("(")].strip()
    elif s.count(")") > s.count("(") and s.endswith(")"):
        s = s[:-1].strip()
    return s or display_form(text)


@lru_cache(maxsize=NAME_CACHE_SIZE)
def fold(text: str) -> str:
    """Case, accents, quote style and white space folded."""
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(strip_accents(t).casefold().split())


@lru_cache(maxsize=NAME_CACHE_SIZE)
def surface_key(text: str) -> str:
    """One key per written form: folded, leading "the"/honorifics and a trailing "'s" removed.

    Two mentions with the same surface key in one article are taken to name the same thing.
    """
    s = fold(text)
    prev = None
    while prev != s:
        prev = s
        s = _LEADING_RE.sub("", s).strip()
    s = re.sub(r"'s$", "", s)
    return s.strip(" \"'.,;:()")


# --------------------------------------------------------------------------------------------
# Organization keys


def org_key(text: str, place_name: Callable[[str], str | None] = lambda s: None) -> str:
    """A key under which the usual rewordings of one organization's name coincide.

    "Government of the Republic of Kazakhstan", "Kazakhstan Government", "Kazakh Government" and
    "government of Kazakhstan" all give "government of kazakhstan" (`place_name` maps a place
    name or country adjective to the place's canonical name); "UN" is spelled out; "Women's" and
    "Women" agree; hyphens are dropped so "Co-operation" and "Cooperation" agree.
    """
    toks = list(_org_tokens(text))
    tail = _place_tail(toks, place_name)
    if tail is not None:
        cut, canon = tail
        return " ".join(toks[:cut] + canon.split())
    # "<Place> <Body>" is "<Body> of <Place>".
    for n in (2, 1):
        if len(toks) > n:
            canon = place_name(" ".join(toks[:n]))
            if canon:
                return " ".join(toks[n:] + ["of"] + fold(canon).split())
    return " ".join(toks)


@lru_cache(maxsize=NAME_CACHE_SIZE)
def _org_tokens(text: str) -> tuple[str, ...]:
    s = surface_key(text)
    s = s.replace("&", " and ")
    s = re.sub(r"'s\b", "", s)
    s = _ORG_PUNCT_RE.sub(" ", s)
    s = s.replace("-", "")
    toks = [t for t in s.split() if t != "the"]
    toks = [w for t in toks for w in (("united", "nations") if t == "un" else (t,))]
    # "X of the Republic of Y" is "X of Y" even where no knowledge base says so.
    return tuple(re.sub(r"\bof republic of ", "of ", " ".join(toks)).split())


def _place_tail(toks: list[str], place_name: Callable[[str], str | None]) -> tuple[int, str] | None:
    """(index after the last "of", canonical place) when the name ends in "of <place>"."""
    if "of" not in toks[1:]:
        return None
    last_of = len(toks) - 1 - toks[::-1].index("of")
    if last_of + 1 >= len(toks):
        return None
    canon = place_name(" ".join(toks[last_of + 1:]))
    return (last_of + 1, fold(canon)) if canon else None


def names_place(key: str, place_name: Callable[[str], str | None]) -> bool:
    """A name that says whose body it is: a place or country adjective anywhere in it
    ("ministry of health of kazakhstan", "agency of swedish government")."""
    toks = key.split()
    return any(place_name(" ".join(toks[i:i + n])) for n in (1, 2, 3) for i in range(len(toks) - n + 1)
               if toks[i] not in STOPWORDS)


def prefix_of_chain(short_key: str, long_key: str) -> bool:
    """`short` is `long` cut before an "of/for/on/in/to ..." tail ("committee for x" / "committee for
    x of ministry", "fund" never: one word says too little)."""
    n = len(short_key.split())
    return (n >= 2 and long_key.startswith(short_key + " ")
            and long_key.split()[n] in CHAIN_CONNECTORS)


# --------------------------------------------------------------------------------------------
# Acronyms


@lru_cache(maxsize=NAME_CACHE_SIZE)
def is_acronym(text: str) -> bool:
    """An upper-case short form ("FAO", "WEDCs", "U.N."); a capitalised word ("ASTANA") may pass too."""
    t = display_form(text)
    return " " not in t and 2 <= len(t) <= 12 and bool(_ACRONYM_RE.match(t))


@lru_cache(maxsize=NAME_CACHE_SIZE)
def acronym_letters(text: str) -> str:
    t = display_form(text)
    t = re.sub(r"'?s$", "", t) if re.search(r"[A-Z]'?s$", t) else t
    return re.sub(r"[^A-Za-z0-9]", "", t).upper()


@lru_cache(maxsize=NAME_CACHE_SIZE)
def _long_tokens(long_text: str) -> tuple[str, ...]:
    t = unicodedata.normalize("NFKC", long_text).translate(_QUOTES)
    t = strip_accents(t)
    out = []
    for tok in _TOKEN_SPLIT_RE.split(t):
        tok = re.sub(r"[^\w&]", "", tok)
        if tok:
            out.append(tok)
    while out and out[0].lower() == "the":
        out.pop(0)
    return tuple(out)


def _contains(toks: list[str], letters: str) -> bool:
    """The long form spells the short form out as one of its words ("UNDRR Certificate")."""
    return any(t.upper() == letters.upper() for t in toks)


@lru_cache(maxsize=NAME_CACHE_SIZE)
def acronym_fits(acronym: str, long_text: str, max_skips: int = 1, prefixes: bool = True) -> bool:
    """The letters of `acronym` are the initials (or, with `prefixes`, word prefixes) of `long_text`, in order.

    The first word must give the first letter; function words may be left out freely; one content
    word may be left out (two-letter acronyms: none); a trailing "of ..."/"in ..." tail is allowed
    ("Food and Agriculture Organization of the United Nations" is FAO).
    """
    letters = acronym_letters(acronym)
    toks = _long_tokens(long_text)
    if len(letters) < 2 or len(toks) < 2 or toks[0][0].upper() != letters[0] or _contains(toks, letters):
        return False
    if len(letters) <= 2:
        max_skips = 0

    def match(li: int, ti: int, skips: int) -> bool:
        if li == len(letters):
            rest = toks[ti:]
            return (not rest or rest[0].lower() in ("of", "in", "for")
                    or (skips < max_skips and len(rest) == 1) or all(t.lower() in STOPWORDS for t in rest))
        if ti == len(toks):
            return False
        tok = toks[ti]
        up = tok.upper()
        for k in range(min(len(tok) if prefixes else 1, len(letters) - li), 0, -1):
            if up[:k] == letters[li:li + k] and match(li + k, ti + 1, skips):
                return True
        if tok.lower() in STOPWORDS:
            return match(li, ti + 1, skips)
        if li > 0 and skips < max_skips:
            return match(li, ti + 1, skips + 1)
        return False

    return match(0, 0, 0)


@lru_cache(maxsize=NAME_CACHE_SIZE)
def acronym_fits_loosely(acronym: str, long_text: str) -> bool:
    """Schwartz-Hearst's test, for a short form written right after its long form ("Long Form (LF)").

    The first letter starts the long form's first word, and every letter occurs in order.
    """
    letters = acronym_letters(acronym).lower()
    toks = _long_tokens(long_text)
    if len(letters) < 2 or len(toks) < 2 or toks[0][0].lower() != letters[0] or _contains(toks, letters):
        return False
    body = " ".join(toks).lower()
    pos = 0
    for ch in letters:
        pos = body.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


# --------------------------------------------------------------------------------------------
# People


@lru_cache(maxsize=NAME_CACHE_SIZE)
def person_key(text: str, leading_words: frozenset[str] = frozenset()) -> str:
    """Folded name without honorifics; `leading_words` (folded titles: "president", "minister")
    are dropped from the front too, as long as a name remains."""
    toks = surface_key(text).replace(",", "").split()
    while len(toks) > 1 and toks[0].rstrip(".") in leading_words:
        toks.pop(0)
    return " ".join(toks)


def partial_name_kind(short: list[str], full: list[str]) -> str | None:
    """How a shorter person name refers to a full one: "surname" (a tail: "Bilgin", "van Diesen"),
    "first" (the first name alone), "initial" ("A. Bilgin"), or None."""
    if not short or len(short) > len(full):
        return None
    if (len(short) == len(full) >= 2 and _INITIAL_RE.match(short[0]) and not _INITIAL_RE.match(full[0])
            and full[0][0] == short[0][0] and short[1:] == full[1:]):
        return "initial"
    if len(short) == len(full):
        return None
    if full[-len(short):] == short:
        return "surname"
    if len(short) == 1 and full[0] == short[0] and not _INITIAL_RE.match(short[0]):
        return "first"
    return None


def _token_variant(a: str, b: str, ratio: float, allow_suffix: bool) -> float | None:
    """Score of two tokens that are spelling variants of each other, or None."""
    if min(len(a), len(b)) < MIN_VARIANT_TOKEN or a[0] != b[0]:
        return None
    # "Ivanov"/"Ivanova", "Daniel"/"Daniela": an ending added to a name makes another name; a
    # doubled last consonant ("Batbayar"/"Batbayarr") is only a typo.
    if not allow_suffix and (a.startswith(b) or b.startswith(a)):
        ending = a[len(b):] or b[len(a):]
        if any(ch in "aeiouy" for ch in ending):
            return None
    score = Indel.normalized_similarity(a, b)
    return score if score >= ratio else None


def person_variant_score(a: list[str], b: list[str]) -> float | None:
    """Two full names (2+ tokens) that differ in the spelling of one long token, or by a middle
    initial ("Dinara Saduakasova"/"Dinara Saduakassova", "John Q. Smith"/"John Smith")."""
    if len(a) < 2 or len(b) < 2 or a == b:
        return None
    if len(a) != len(b):
        longer, shorter = (a, b) if len(a) > len(b) else (b, a)
        if len(longer) == len(shorter) + 1 and longer[0] == shorter[0] and longer[-1] == shorter[-1]:
            middle = [t for t in longer[1:-1] if t not in shorter[1:-1]]
            if len(middle) == 1 and _INITIAL_RE.match(middle[0]):
                return 1.0
        return None
    diffs = [(x, y) for x, y in zip(a, b) if x != y]
    if len(diffs) != 1:
        return None
    return _token_variant(*diffs[0], PERSON_VARIANT_RATIO, allow_suffix=False)


def org_variant_score(a: str, b: str, is_place: Callable[[str], bool] = lambda s: False) -> float | None:
    """Two organization keys that differ in the spelling of one long token ("Marriot"/"Marriott"),
    unless the differing tokens are two places (the same ministry of two countries)."""
    ta, tb = a.split(), b.split()
    if len(ta) != len(tb) or len(ta) < 2 or a == b:
        return None
    diffs = [(x, y) for x, y in zip(ta, tb) if x != y]
    if len(diffs) != 1:
        return None
    x, y = diffs[0]
    if is_place(x) or is_place(y):
        return None
    return _token_variant(x, y, ORG_VARIANT_RATIO, allow_suffix=True)


def deletion_signatures(toks: list[str]) -> list[tuple]:
    """Blocking keys: two token lists that differ in one position share that position's key."""
    return [(len(toks), i, tuple(toks[:i] + toks[i + 1:])) for i in range(len(toks))]


def _deletions(token: str, depth: int) -> set[str]:
    out, frontier = {token}, {token}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def variant_token_pairs(tokens: list[str],
                        ratio: float = min(PERSON_VARIANT_RATIO, ORG_VARIANT_RATIO)) -> Iterator[tuple[int, int]]:
    """Index pairs (i < j) of tokens that might be spelling variants (`_token_variant` at `ratio`),
    a superset of the pairs that are, found without comparing every pair: a block of names that differ
    in one position ("X Development Foundation") can hold tens of thousands of names, and comparing all
    pairs made link quadratic in the corpus.

    Variants share their first letter and are at most d insertions/deletions apart, where
    d <= (1 - ratio) * (len a + len b), hence d <= 2 (1 - ratio) / ratio * the shorter length (0.22 of it
    at 0.90). Per first letter, tokens are indexed by themselves and their one-character deletions
    (which meet for d <= 1, a substitution and a transposition), long tokens also by their two-character
    deletions (two letters added to a shorter token), and tokens long enough for d >= 3 are compared directly.
    Each pair is yielded once, from its first token, never gathered: a block of 20,000 similar names has
    close to a million candidate pairs, which as one set held more memory than the rest of link.
    """
    per_letter: dict[str, list[int]] = {}
    for i, t in enumerate(tokens):
        if len(t) >= MIN_VARIANT_TOKEN:
            per_letter.setdefault(t[0], []).append(i)
    slack = 2 * (1 - ratio) / ratio
    # the shortest token that can take part in a pair at distance 2, and at distance 3
    two = next(n for n in range(MIN_VARIANT_TOKEN, 1000) if int(slack * n + 1e-9) >= 2)
    three = next(n for n in range(MIN_VARIANT_TOKEN, 1000) if int(slack * n + 1e-9) >= 3)
    for members in per_letter.values():
        if len(members) < 2:
            continue
        def keys(i: int) -> set[str]:   # computed twice, not kept: 100 strings a long token
            return _deletions(tokens[i], 2 if len(tokens[i]) >= two + 2 else 1)

        by_key: dict[str, list[int]] = {}
        for i in members:
            for key in keys(i):
                by_key.setdefault(key, []).append(i)
        long_ones = [i for i in members if len(tokens[i]) >= three]
        long_tokens = [tokens[i] for i in long_ones]
        for i in members:
            # each key's list is in increasing order: the partners after i are its tail
            partners: set[int] = set()
            for key in keys(i):
                bucket = by_key[key]
                partners.update(bucket[bisect_right(bucket, i):])
            if len(tokens[i]) >= three:
                # too far apart for a neighbourhood index: compared directly, in rapidfuzz's C loop, with the
                # similarity `_token_variant` requires (so no variant is lost)
                partners.update(long_ones[k] for _, _, k in process.extract(
                    tokens[i], long_tokens, scorer=Indel.normalized_similarity, score_cutoff=ratio, limit=None)
                    if long_ones[k] > i)
            yield from ((i, j) for j in sorted(partners))


def known_by_surname_only(toks: list[str]) -> bool:
    """A name with nothing but initials before the surname ("Bilgin", "A. Bilgin", "A.B. Bilgin")
    does not tell two people apart across articles."""
    return all(_INITIAL_RE.match(t) or re.fullmatch(r"(?:[a-z]\.){1,3}", t) for t in toks[:-1])


def without_initials(toks: list[str]) -> tuple[str, ...] | None:
    """The name without its single middle initial, to block "John Q. Smith" with "John Smith"."""
    middle = [i for i in range(1, len(toks) - 1) if _INITIAL_RE.match(toks[i])]
    if len(toks) >= 3 and len(middle) == 1:
        return tuple(t for i, t in enumerate(toks) if i != middle[0])
    return None


# --------------------------------------------------------------------------------------------
# Country-office forms


def office_base(text: str, is_place: Callable[[str], bool]) -> str | None:
    """"UN Women Kazakhstan" -> "UN Women", "UNICEF in Kazakhstan" -> "UNICEF": a body named
    with the country of its office. None when the tail is not a place."""
    toks = display_form(text).split()
    for n in (2, 1):
        if len(toks) <= n:
            continue
        tail = " ".join(toks[-n:])
        head = toks[:-n]
        if head and head[-1].lower() == "in":
            head = head[:-1]
        if head and is_place(tail):
            return " ".join(head)
    return None


# --------------------------------------------------------------------------------------------
# Votes


def vote_label(labels: Iterable[str]) -> str:
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return max(counts, key=lambda l: (counts[l], -LABEL_PRIORITY.index(l) if l in LABEL_PRIORITY else -99))
