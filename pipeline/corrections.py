"""Analysts' corrections: CSV files in `data/corrections/`, applied by the link stage.

Every file named `*.csv` in the folder (not starting with a dot; files are read in name order, every
row in order) has the header `action,label,text,target,article_id,note` (columns in any order) and one
correction per row. A malformed file stops the run with a `CorrectionError` naming the file, the line
and what is wrong; nothing is written then.

Names are compared the way the linker compares them (`pipeline.resolve.surface_key`): case, accents,
quote style, white space, a leading "the" or honorific and a trailing "'s" do not matter, so `text`
"UN Women" matches the mentions "UN Women", "UN WOMEN" and "the UN Women". Only `add` searches the
article's text, and it matches exactly (see below).

Actions (`label` and `article_id` narrow a correction wherever they are allowed and given):

- `drop`: mentions `text` labelled `label` are removed (in every article, or in `article_id`). They
  leave `mentions`, `article_entities` and the entity's counts; a role or quote that pointed at one
  loses that link. Needs text, label.
- `relabel`: mentions `text` (labelled `label`, when given) get the label `target`. The entity follows
  its mentions' labels, so the mentions may make another entity. A knowledge-base id the mention
  carried is dropped when its record is of another kind (a place relabelled PERSON); an entity the
  knowledge base knows keeps the record's label. Needs text, target (a label).
- `set_kb`: mentions `text` are linked to the knowledge-base id `target` (a Wikidata QID, `geonames:N`,
  `un:...`). The linker then treats them like any name the knowledge base knows: entity id
  `<label>:<kb_id>`, name and coordinates from the record when the project's knowledge base holds it,
  and every other entity with that id joins it. Needs text, target.
- `add`: every occurrence of `text` in the text of article `article_id` becomes a mention labelled
  `label` (source `correction`). Occurrences are found with exact case, any run of white space
  (line breaks included) matching a space, and whole words only: no letter, digit, underscore or
  hyphen may touch the ends ("UN" is not found in "UNICEF" nor in "UN-Habitat"; "UNICEF's" holds
  "UNICEF"). An occurrence replaces the mentions that overlap it, except a longer mention that
  contains it, which is left alone (drop it first). Offsets are exact, and the sentence is the
  parser's. Needs text, label, article_id.
- `merge`: the entities named `text` are merged into the entity named `target` (canonical names, as
  in `entities.name`): their mentions point to the target, which keeps its id, name and label and
  lists their names as aliases (rule `correction` in `merges`). With `article_id`, only that article's
  mentions move, and the target is looked for among that article's entities first. When several
  entities bear the target's name, nothing moves and the row says so: give `label` or `article_id`.
  Needs text, target.
- `unmerge`: mentions `text` that belong to an entity with another name become their own entity
  (one for the corpus, or for `article_id`): label `label` or else their majority label, name their
  most frequent form, id `<group>:<hash of the name>` (stable across reruns). Needs text.

Order: mention corrections (drop, relabel, set_kb, add) edit each article's mentions before linking,
in file order; entity corrections (merge, unmerge) then move mentions between the entities the linker
made, in file order. Because the linker runs after the mention corrections, `mentions`, `entities`,
`article_entities`, `merges`, `roles` and `quotes` stay consistent with each other.

Every correction is a row of the table `corrections_applied`: the row as written, `rows_changed` (rows
of `mentions` the correction removed, added, relabelled, gave a KB id or moved to another entity) and
`status`: `applied`; `unchanged` (it matched, but the tables already say so); `no_match`;
`no_article` (its article is not in the corpus); `no_target` or `ambiguous_target` (merge). Any status
but `applied` is printed as a warning by the command line (and makes `--strict` exit 1): a correction
that changes nothing is reported, never silently ignored, and never stops the run either, because a
correction written for one corpus may have nothing to do in another.
"""
from __future__ import annotations

import bisect
import csv
import hashlib
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping

from pipeline import resolve as R
from pipeline.records import ENTITY_LABELS, Extraction, Mention

COLUMNS = ("action", "label", "text", "target", "article_id", "note")
ACTIONS = ("drop", "relabel", "merge", "unmerge", "set_kb", "add")
MENTION_ACTIONS = frozenset({"drop", "relabel", "set_kb", "add"})
ENTITY_ACTIONS = frozenset({"merge", "unmerge"})
# Fields each action needs, and fields it has no use for (a value there is most likely a mistake,
# such as a relabel written as a drop, so it is an error rather than ignored).
REQUIRED = {"drop": ("text", "label"), "relabel": ("text", "target"), "merge": ("text", "target"),
            "unmerge": ("text",), "set_kb": ("text", "target"), "add": ("text", "label", "article_id")}
UNUSED = {"drop": ("target",), "unmerge": ("target",), "add": ("target",)}

APPLIED, UNCHANGED, NO_MATCH, NO_ARTICLE = "applied", "unchanged", "no_match", "no_article"
NO_TARGET, AMBIGUOUS_TARGET = "no_target", "ambiguous_target"
ADDED_SOURCE = "correction"


class CorrectionError(ValueError):
    """A corrections file that cannot be read as corrections; the message names file and line."""


@dataclass(frozen=True)
class Correction:
    file: str
    line: int
    action: str
    label: str | None
    text: str
    target: str | None
    article_id: str | None
    note: str | None

    @property
    def key(self) -> str:
        return R.surface_key(self.text)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


# --------------------------------------------------------------------------------------------
# Reading


def correction_files(folder: Path) -> list[Path]:
    """The corrections files of `folder`, in name order. Dot files are skipped (editor and
    spreadsheet lock files), as `make`'s wildcard skips them, so both see the same files."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorrectionError(f"corrections folder {folder} does not exist")
    return sorted((p for p in folder.glob("*.csv") if p.is_file() and not p.name.startswith(".")),
                  key=lambda p: p.name)


def read_corrections(folder: Path | None) -> list[Correction]:
    """Every correction in `folder` (None: no corrections), validated."""
    if folder is None:
        return []
    out: list[Correction] = []
    for path in correction_files(folder):
        out.extend(parse_corrections(path.read_bytes(), path.name))
    return out


def file_hashes(folder: Path | None) -> dict[str, str]:
    """sha256 of every corrections file, for the manifest."""
    if folder is None:
        return {}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in correction_files(folder)}


def parse_corrections(data: bytes | str, file: str) -> list[Correction]:
    """The rows of one corrections file; `file` is the name errors and the table use."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")   # a spreadsheet's UTF-8 export starts with a BOM
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise CorrectionError(f"{file}:{line}: not UTF-8 text (byte {data[exc.start]:#04x}); "
                                  f"save the file as UTF-8 CSV") from exc
    else:
        text = data
    # strict: a stray or unclosed double quote is an error, not a value that swallows the lines after it.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CorrectionError(f"{file}:{start}: not valid CSV ({exc}); a value with a comma or a double "
                                  f"quote goes in double quotes, its quotes doubled") from exc
        rows.append((start, row))
    if not rows or not any(cell.strip() for cell in rows[0][1]):
        raise CorrectionError(f"{file}:1: the first line must be the header {','.join(COLUMNS)}")
    header = [cell.strip().lower() for cell in rows[0][1]]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    doubled = sorted({c for c in header if header.count(c) > 1})
    if missing or unknown or doubled:
        problems = ([f"missing {', '.join(missing)}"] if missing else []) + \
                   ([f"unknown {', '.join(repr(c) for c in unknown)}"] if unknown else []) + \
                   ([f"repeated {', '.join(doubled)}"] if doubled else [])
        raise CorrectionError(f"{file}:1: wrong header ({'; '.join(problems)}); "
                              f"it must name the columns {','.join(COLUMNS)}")
    out = []
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue   # a blank line, or a spreadsheet's empty row of commas
        if len(row) != len(header):
            raise CorrectionError(f"{file}:{line}: {len(row)} fields where the header has {len(header)} "
                                  f"(a comma inside a value needs the value in double quotes)")
        values = {name: (cell.strip() or None) for name, cell in zip(header, row)}
        out.append(_validated(file, line, values))
    return out


def _validated(file: str, line: int, v: dict[str, str | None]) -> Correction:
    def fail(what: str):
        raise CorrectionError(f"{file}:{line}: {what}")

    action = v["action"]
    if action is None:
        fail(f"no action (one of {', '.join(ACTIONS)})")
    if action not in ACTIONS:
        fail(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
    if v["label"] is not None and v["label"] not in ENTITY_LABELS:
        fail(f"unknown label {v['label']!r} (one of {', '.join(ENTITY_LABELS)})")
    for name in REQUIRED[action]:
        if v[name] is None:
            fail(f"{action} needs a value in column '{name}'")
    for name in UNUSED.get(action, ()):
        if v[name] is not None:
            fail(f"{action} takes no '{name}' (it has {v[name]!r})")
    if not R.surface_key(v["text"]):
        fail(f"text {v['text']!r} is not a name")
    target = v["target"]
    if action == "relabel":
        if target not in ENTITY_LABELS:
            fail(f"relabel: target {target!r} is not a label (one of {', '.join(ENTITY_LABELS)})")
        if target == v["label"]:
            fail(f"relabel: label and target are both {target}")
    if action == "merge":
        if not R.surface_key(target):
            fail(f"merge: target {target!r} is not a name")
        if R.surface_key(target) == R.surface_key(v["text"]):
            fail(f"merge: text and target are the same name ({v['text']!r})")
    if action == "set_kb" and re.search(r"\s", target):
        fail(f"set_kb: target {target!r} is not a knowledge-base id (no spaces)")
    return Correction(file, line, action, v["label"], v["text"], target, v["article_id"], v["note"])


# --------------------------------------------------------------------------------------------
# Applying


def occurrence_pattern(text: str) -> re.Pattern:
    """`text` as a whole-word, exact-case pattern whose spaces match any run of white space."""
    body = r"\s+".join(re.escape(tok) for tok in text.split())
    # A letter, digit, underscore or hyphen at an end of the match would cut a longer word.
    head = r"(?<![\w-])" if re.match(r"[\w-]", text.strip()[0]) else ""
    tail = r"(?![\w-])" if re.match(r"[\w-]", text.strip()[-1]) else ""
    return re.compile(head + body + tail)


def _sentence_of(starts: list[int], char: int) -> int:
    """The same rule as the packer's `sentence_of` (pipeline/nlp/packer.py), without importing spaCy."""
    return max(0, bisect.bisect_right(starts, char) - 1)


def new_entity_id(group: str, key: str, article_id: str | None = None) -> str:
    """The id of an entity an `unmerge` makes: a namespace of its own, so it never takes an id the
    linker gives, and a function of the name (and article), so it is stable across reruns."""
    parts = ("unmerge", group, key) + ((article_id,) if article_id else ())
    return f"{group}:{hashlib.sha256(chr(31).join(parts).encode()).hexdigest()[:12]}"


class Corrections:
    """The corrections of one link run and what they did.

    The linker calls `edit` on every article in both of its passes (the same edit both times),
    `observe` in pass 1, `plan` once entities exist, `entity_fixer` per article in pass 2;
    `report()` then gives the rows of `corrections_applied`. Counts are taken in pass 2 only.

    `texts` maps article_id -> article text for the articles `add` rows name.
    """

    def __init__(self, rows: Iterable[Correction] = (), texts: Mapping[str, str] | None = None):
        self.rows = list(rows)
        self.texts = dict(texts or {})
        n = len(self.rows)
        self.mention_rows = [(i, c) for i, c in enumerate(self.rows) if c.action in MENTION_ACTIONS]
        self.entity_rows = [(i, c) for i, c in enumerate(self.rows) if c.action in ENTITY_ACTIONS]
        self.patterns = {i: occurrence_pattern(c.text) for i, c in self.mention_rows if c.action == "add"}
        self.changed = [0] * n         # rows of mentions changed
        self.matched = [0] * n         # mentions (or occurrences) that matched but needed no change
        self.extra: list[Counter] = [Counter() for _ in range(n)]
        self.names: list[set] = [set() for _ in range(n)]   # entities a merge or unmerge took mentions from
        self.outcome: dict[int, tuple[str, str]] = {}     # problems found at plan time
        self.wanted_articles = {c.article_id for c in self.rows if c.article_id}
        self.seen_articles: set[str] = set()
        self._unmerge_labels: dict[int, Counter] = defaultdict(Counter)
        self._unmerge_forms: dict[int, Counter] = defaultdict(Counter)
        self._redirect: dict[int, dict[str, str]] = {}
        self._new_entity: dict[int, str] = {}
        self._entities: Mapping[str, dict] = {}
        self._by_name: dict[str, list[str]] = {}
        self._unknown_kb: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self.rows)

    # -- mention corrections (before linking, both passes) ------------------------------------

    def edit(self, ex: Extraction, kb, count: bool) -> Extraction:
        """`ex` with the mention corrections applied (a new Extraction; `ex` is never changed)."""
        aid = ex.article_id
        rows = [(i, c) for i, c in self.mention_rows if c.article_id in (None, aid)]
        if not rows:
            return ex
        mentions = list(ex.mentions)
        added = False
        for i, c in rows:
            if c.action == "add":
                mentions, changed, matched, extra = self._add(i, c, ex, mentions)
                added = added or changed > 0
            else:
                mentions, changed, matched, extra = _EDITS[c.action](c, mentions, kb)
            if count:
                self.changed[i] += changed
                self.matched[i] += matched
                self.extra[i].update(extra)
                if c.action == "set_kb" and kb is not None and kb.entity(c.target) is None:
                    self._unknown_kb.add(i)
        if added:
            mentions.sort(key=lambda m: (m.start_char, m.end_char))
        return replace(ex, mentions=mentions)

    def _add(self, i: int, c: Correction, ex: Extraction, mentions: list[Mention]):
        if ex.article_id not in self.texts:
            raise KeyError(f"correction {c.where}: add needs the text of article {ex.article_id}, "
                           f"which was not given to Corrections(texts=...)")
        if not ex.sentence_starts:
            raise ValueError(f"correction {c.where}: the extraction of article {ex.article_id} has no sentence "
                             f"starts (made by an older pipeline): rerun the extract stage")
        text = self.texts[ex.article_id]
        changed = matched = 0
        extra: Counter = Counter()
        for hit in self.patterns[i].finditer(text):
            s, e = hit.span()
            if any(m.start_char == s and m.end_char == e and m.label == c.label for m in mentions):
                matched += 1
                continue
            if any(m.start_char <= s and e <= m.end_char and (m.start_char, m.end_char) != (s, e)
                   for m in mentions):
                extra["inside"] += 1   # part of a longer mention: left alone (see the module docstring)
                continue
            overlapping = [m for m in mentions if m.start_char < e and s < m.end_char]
            extra["replaced"] += len(overlapping)
            mentions = [m for m in mentions if not (m.start_char < e and s < m.end_char)]
            mentions.append(Mention(c.label, text[s:e], s, e, _sentence_of(ex.sentence_starts, s),
                                    ADDED_SOURCE, None))
            changed += 1
        return mentions, changed, matched, extra

    # -- entity corrections (after linking) ------------------------------------------------

    def observe(self, ex: Extraction) -> None:
        """Pass 1, on the edited extraction: which articles exist, and the mentions an unmerge takes."""
        if ex.article_id in self.wanted_articles:
            self.seen_articles.add(ex.article_id)
        for i, c in self.entity_rows:
            if c.action != "unmerge" or c.article_id not in (None, ex.article_id):
                continue
            for m in ex.mentions:
                if (c.label is None or m.label == c.label) and R.surface_key(m.text) == c.key:
                    self._unmerge_labels[i][m.label] += 1
                    self._unmerge_forms[i][R.clean_name(m.text)] += 1

    def plan(self, entities: Mapping[str, dict]) -> list[dict]:
        """Once the linker has its entities: the corpus-wide merges, and the entities unmerges make
        (returned, for the linker to add)."""
        self._entities = entities
        by_name: dict[str, list[str]] = defaultdict(list)
        for eid in sorted(entities):
            by_name[R.surface_key(entities[eid]["name"])].append(eid)
        self._by_name = dict(by_name)
        new = []
        for i, c in self.entity_rows:
            if c.action == "merge" and c.article_id is None:
                sources = self._named(c.key, c.label)
                targets = self._named(R.surface_key(c.target), c.label)
                problem = self._merge_problem(c, sources, targets)
                if problem:
                    self.outcome[i] = problem
                    continue
                self._redirect[i] = {s: targets[0] for s in sources}
            elif c.action == "unmerge" and self._unmerge_labels[i]:
                labels = self._unmerge_labels[i]
                label = c.label or R.vote_label(labels.elements())
                forms = self._unmerge_forms[i]
                name = min(forms, key=lambda f: (-forms[f], f))
                group = R.group_of(label)
                eid = new_entity_id(group, c.key, c.article_id)
                self._new_entity[i] = eid
                if eid not in entities and eid not in {e["entity_id"] for e in new}:
                    new.append({"entity_id": eid, "label": label, "name": name, "aliases": [], "kb_id": None,
                                "latitude": None, "longitude": None, "n_articles": 0, "n_mentions": 0})
        return new

    def _named(self, key: str, label: str | None, among: Iterable[str] | None = None) -> list[str]:
        eids = self._by_name.get(key, []) if among is None else sorted(
            e for e in among if e in self._entities and R.surface_key(self._entities[e]["name"]) == key)
        return [e for e in eids if label is None or self._entities[e]["label"] == label]

    def _merge_problem(self, c: Correction, sources: list[str], targets: list[str]) -> tuple[str, str] | None:
        where = f" in article {c.article_id}" if c.article_id else ""
        if not sources:
            holders = sorted(e for e in self._entities
                             if any(R.surface_key(a) == c.key for a in self._entities[e]["aliases"]))
            if holders and set(holders) <= set(targets):
                return UNCHANGED, f"{c.text!r} is already a name of {c.target!r}"
            hint = ""
            if holders:
                names = ", ".join(repr(self._entities[e]["name"]) for e in holders[:5])
                hint = f"; it is another name of {names} (unmerge it first)"
            return NO_MATCH, f"no entity{where} is named {c.text!r}{_label_part(c)}{hint}"
        if not targets:
            return NO_TARGET, f"no entity{where} is named {c.target!r}{_label_part(c)}"
        if len(targets) > 1:
            return AMBIGUOUS_TARGET, (f"{len(targets)} entities are named {c.target!r} ({', '.join(targets[:5])}): "
                                      f"give a label or an article_id")
        return None

    def entity_fixer(self, article_id: str, article_eids: set[str]) -> Callable | None:
        """Pass 2, per article: a function (mention, entity_id) -> (entity_id, moved) that applies
        the entity corrections in file order; None when none concerns this article."""
        steps = []
        for i, c in self.entity_rows:
            if c.article_id not in (None, article_id):
                continue
            if c.action == "merge":
                if c.article_id is None:
                    mapping = self._redirect.get(i)
                else:
                    sources = self._named(c.key, c.label, article_eids)
                    key = R.surface_key(c.target)
                    targets = self._named(key, c.label, article_eids) or self._named(key, c.label)
                    problem = self._merge_problem(c, sources, targets)
                    if problem:
                        self.outcome[i] = problem
                        continue
                    mapping = {s: targets[0] for s in sources}
                if mapping:
                    steps.append((i, c, mapping))
            elif i in self._new_entity:
                steps.append((i, c, self._new_entity[i]))
        if not steps:
            return None

        def fix(m: Mention, eid: str) -> tuple[str, bool]:
            moved = False
            for i, c, how in steps:
                if c.action == "merge":
                    if eid in how and how[eid] != eid:
                        self.names[i].add(self._entities[eid]["name"])
                        eid = how[eid]
                        self.changed[i] += 1
                        moved = True
                    continue
                if (c.label is not None and m.label != c.label) or R.surface_key(m.text) != c.key:
                    continue
                # An entity pass 1 did not see (an article linked without `observe`) has no name to
                # compare with: the mention stays, as the linker leaves such an article on its own.
                ent = self._entities.get(eid)
                if eid == how or ent is None or R.surface_key(ent["name"]) == c.key:
                    self.matched[i] += 1   # the name of its own entity: nothing to take it from
                    continue
                self.names[i].add(ent["name"])
                eid = how
                self.changed[i] += 1
                moved = True
            return eid, moved

        return fix

    # -- the table ------------------------------------------------------------------------

    def report(self) -> list[dict]:
        """The rows of `corrections_applied`."""
        out = []
        for i, c in enumerate(self.rows):
            status, detail = self._status(i, c)
            out.append({"file": c.file, "line": c.line, "action": c.action, "label": c.label, "text": c.text,
                        "target": c.target, "article_id": c.article_id, "note": c.note,
                        "rows_changed": self.changed[i], "status": status, "detail": detail})
        return out

    def _status(self, i: int, c: Correction) -> tuple[str, str]:
        n, matched, extra = self.changed[i], self.matched[i], self.extra[i]
        where = f" in article {c.article_id}" if c.article_id else ""
        if c.article_id and c.article_id not in self.seen_articles:
            return NO_ARTICLE, f"article {c.article_id} is not in the corpus"
        if i in self.outcome:
            return self.outcome[i]
        if c.action == "drop":
            if n:
                return APPLIED, f"{_n(n, 'mention')} removed"
            return NO_MATCH, f"no {c.label} mention {c.text!r}{where}"
        if c.action == "relabel":
            if n:
                return APPLIED, f"{_n(n, 'mention')} relabelled {c.target}" + (
                    f" ({matched} {'was' if matched == 1 else 'were'} {c.target} already)" if matched else "")
            if matched:
                return UNCHANGED, f"{_n(matched, 'mention')} {c.text!r}{where}: {c.target} already"
            return NO_MATCH, f"no mention {c.text!r}{_label_part(c)}{where}"
        if c.action == "set_kb":
            unknown = (" (an id the project's knowledge base does not hold: the entity keeps the names of its "
                       "mentions)") if i in self._unknown_kb else ""
            if n:
                return APPLIED, f"{_n(n, 'mention')} linked to {c.target}{unknown}"
            if matched:
                return UNCHANGED, f"{_n(matched, 'mention')} {c.text!r}{where}: linked to {c.target} already"
            return NO_MATCH, f"no mention {c.text!r}{_label_part(c)}{where}"
        if c.action == "add":
            notes = ([f"replacing {_n(extra['replaced'], 'overlapping mention')}"] if extra["replaced"] else []) + \
                    ([f"{matched} already {'was one' if matched == 1 else 'were'}"] if matched else []) + \
                    ([f"{extra['inside']} inside a longer mention, left as {'it is' if extra['inside'] == 1 else 'they are'}: "
                      f"drop the longer one first"] if extra["inside"] else [])
            tail = f"; {'; '.join(notes)}" if notes else ""
            if n:
                return APPLIED, f"{_n(n, 'occurrence')} became {c.label} mentions{tail}"
            if matched or extra["inside"]:
                return UNCHANGED, f"no occurrence to add{tail}"
            return NO_MATCH, f"{c.text!r} does not occur in article {c.article_id} (exact case, whole words)"
        if c.action == "merge":
            if n:
                target = self._entities_named(c)
                return APPLIED, f"{_n(n, 'mention')} of {_names(self.names[i])} moved to {target}"
            return NO_MATCH, f"no mention of an entity named {c.text!r}{where}"
        # unmerge
        if n:
            eid = self._new_entity[i]
            name = self._entities[eid]["name"]
            return APPLIED, f"{_n(n, 'mention')} moved from {_names(self.names[i])} to the new entity {name!r} ({eid})"
        if matched:
            return UNCHANGED, f"{c.text!r} is the name of its own entity{where}, not another entity's alias"
        return NO_MATCH, f"no mention {c.text!r}{_label_part(c)}{where}"

    def _entities_named(self, c: Correction) -> str:
        key = R.surface_key(c.target)
        eids = self._named(key, c.label)
        return f"{c.target!r}" + (f" ({eids[0]})" if len(eids) == 1 else "")

    def problems(self) -> list[dict]:
        return [r for r in self.report() if r["status"] != APPLIED]


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _label_part(c: Correction) -> str:
    return f" labelled {c.label}" if c.label else ""


def _names(names: set[str]) -> str:
    shown = sorted(names)
    return ", ".join(repr(n) for n in shown[:5]) + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")


def _drop(c: Correction, mentions: list[Mention], kb):
    keep = [m for m in mentions if not (m.label == c.label and R.surface_key(m.text) == c.key)]
    return keep, len(mentions) - len(keep), 0, Counter()


def _rewrite(c: Correction, mentions: list[Mention], done, edit):
    """Mentions with the correction's text (and label, when given) rewritten by `edit`; those `done`
    already says are as the correction wants count as matched, not changed."""
    out, changed, matched = [], 0, 0
    for m in mentions:
        if R.surface_key(m.text) != c.key or (c.label is not None and m.label != c.label):
            out.append(m)
        elif done(m):
            matched += 1
            out.append(m)
        else:
            out.append(edit(m))
            changed += 1
    return out, changed, matched, Counter()


def _relabel(c: Correction, mentions: list[Mention], kb):
    def relabelled(m: Mention) -> Mention:
        record = kb.entity(m.kb_id) if (kb is not None and m.kb_id) else None
        # a record of another kind of thing cannot be this one
        keep_kb = record is None or R.group_of(record.label) == R.group_of(c.target)
        return replace(m, label=c.target, kb_id=m.kb_id if keep_kb else None)

    return _rewrite(c, mentions, lambda m: m.label == c.target, relabelled)


def _set_kb(c: Correction, mentions: list[Mention], kb):
    return _rewrite(c, mentions, lambda m: m.kb_id == c.target, lambda m: replace(m, kb_id=c.target))


_EDITS = {"drop": _drop, "relabel": _relabel, "set_kb": _set_kb}
