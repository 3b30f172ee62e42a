"""Parse stage: dump files -> `articles` and `rejects` rows.

A dump is a sequence of records:

    Date: 14 June 2023
    Title: ...
    Content: first line of the page
    more lines ...
    URL: https://...

The functions here are pure (bytes or text in, rows out); `parse_corpus` is the only one that
touches the file system. Nothing in a dump can make the stage raise: every record comes out as
an article or as a reject with a reason, and every unreadable file as a reject.
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable
from urllib.parse import urlparse

from pipeline.datafiles import read_json
from pipeline import config

FIELD_RE = re.compile(r"^(Date|Title|Content|URL):[ \t\u00a0]?(.*)$")
UN_ARTICLE_PATH_RE = re.compile(r"^/[a-z]{2}(?:-[a-z]{2})?/(\d+)-")
EXCERPT_CHARS = 160
# More NUL bytes than this share of a file (UTF-16 without a byte-order mark, images) make it binary;
# below it they are dropped and the rest must still decode as text with few control characters.
NUL_SHARE_BINARY = 0.1


@dataclass
class RawRecord:
    """One record as written in the dump, before cleaning."""

    index: int
    date: str | None = None
    title: str | None = None
    content: list[str] | None = None
    url: str | None = None
    first_line: str = ""

    def excerpt(self) -> str:
        parts = [p for p in (self.title, self.url, self.first_line) if p]
        return (parts[0] if parts else "")[:EXCERPT_CHARS]


@dataclass
class ParseResult:
    articles: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    warnings: Counter = field(default_factory=Counter)


# --------------------------------------------------------------------------------------------
# Decoding


class UndecodableError(ValueError):
    pass


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Bytes of a dump -> (text, encoding). Raises UndecodableError with a reason."""
    if not data.strip():
        raise UndecodableError("empty file")
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"invalid {enc} after byte-order mark: {exc.reason}") from exc
    if b"\x00" in data:
        if data.count(b"\x00") > NUL_SHARE_BINARY * len(data):
            raise UndecodableError("binary file (NUL bytes, no text encoding detected)")
        # A few stray NUL bytes in a text dump (a bad copy) are dropped, not a reason to lose the file.
        try:
            text, encoding = decode_bytes(data.replace(b"\x00", b""))
        except UndecodableError as exc:
            raise UndecodableError(f"binary file (NUL bytes, and without them: {exc})") from exc
        return text, f"{encoding}, NUL bytes removed"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        # The detector gives up on long, repetitive or mixed files; a single-byte reading keeps every
        # record when the bytes are text-like (few control characters), and says so.
        text = data.decode("latin-1")
        if _control_share(text) > 0.01:
            raise UndecodableError("not text in any detectable encoding")
        return text, "latin-1, guessed"
    text = str(best)
    if _control_share(text) > 0.01:
        raise UndecodableError(f"binary file (decodes as {best.encoding} only with control characters)")
    return text, best.encoding


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f\v")
    return bad / len(text)


def normalize_newlines(text: str) -> str:
    text = text.lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------------------------
# Records


HEADER_KEYS = ("Date", "Title", "URL")


def _field(line: str) -> tuple[str | None, str | None]:
    m = FIELD_RE.match(line)
    return (m.group(1), m.group(2)) if m else (None, None)


def split_records(text: str) -> list[RawRecord]:
    """Group the lines of a dump into records, deciding field lines inside a body by what follows.

    The grammar (a line `Key: value` with Key one of Date, Title, Content, URL is a field line):

        dump    := other* record*
        record  := header+ ("Content:" line body-line*)? ["URL:" line]
        header  := "Date:" | "Title:" | "URL:"      each at most once, in any order

    Outside a body every field line is a field: it fills the open record, or opens a new one when that
    record already has the key (or is closed). Inside a body (after `Content:`), a field line is body
    text unless
      - it is `URL:`, the record has no URL yet, and what follows is the end of the dump or a record
        start: then it closes the record;
      - it starts a record: the run of field lines from it holds distinct header keys followed by
        `Content:`, or runs (blank lines aside) to the end of the dump.
    So a quoted "Date: 12 May 2023" agenda line or a "URL:" in a reference list stays in the body.
    Lines outside any record are ignored.
    """
    lines = normalize_newlines(text).split("\n")
    fields = [_field(line) for line in lines]
    n = len(lines)

    def next_nonblank(i: int) -> int:
        while i < n and not lines[i].strip():
            i += 1
        return i

    def starts_record(i: int) -> bool:
        seen: set[str] = set()
        well_formed = True
        for j in range(i, n):
            if not lines[j].strip():
                continue
            key = fields[j][0]
            if key is None:
                return False
            if key == "Content" and well_formed:
                return bool(seen)
            well_formed = well_formed and key not in seen and key != "Content"
            seen.add(key)
        return True  # only field lines up to the end of the dump: truncated last records

    records: list[RawRecord] = []
    current: RawRecord | None = None
    in_content = False

    def open_record(first_line: str) -> RawRecord:
        nonlocal current
        current = RawRecord(index=len(records), first_line=first_line.strip())
        records.append(current)
        return current

    for i, line in enumerate(lines):
        key, value = fields[i]
        if in_content:
            if key == "URL" and current.url is None:
                after = next_nonblank(i + 1)
                if after == n or starts_record(after):
                    current.url = value.strip()
                    in_content = False
                    continue
            if key in HEADER_KEYS and starts_record(i):
                in_content = False
            else:
                current.content.append(line)
                continue
        if key is None:
            continue
        if current is None or current.content is not None or getattr(current, _ATTR[key]) is not None:
            open_record(line)
        if key == "Content":
            current.content = [value]
            in_content = True
        else:
            setattr(current, _ATTR[key], value.strip())
    return records


_ATTR = {"Date": "date", "Title": "title", "URL": "url", "Content": "content"}


# --------------------------------------------------------------------------------------------
# Boilerplate


@dataclass(frozen=True)
class BoilerplateRules:
    lines: frozenset[str]
    line_patterns: tuple[re.Pattern, ...]
    footer_starts: tuple[re.Pattern, ...]
    repeated: frozenset[str] = frozenset()

    def is_furniture(self, line: str) -> bool:
        s = _squash(line)
        # A line with no letter or digit (".", "***", "—") carries nothing at a body's edge.
        return (not any(c.isalnum() for c in s) or s in self.lines or s in self.repeated
                or any(p.search(s) for p in self.line_patterns))

    def starts_footer(self, line: str) -> bool:
        s = _squash(line)
        return any(p.search(s) for p in self.footer_starts)


def _squash(line: str) -> str:
    return " ".join(line.split())


@lru_cache(maxsize=4)
def _load_rule_file(path: str) -> tuple[frozenset, tuple, tuple]:
    spec = read_json(path)
    return (frozenset(_squash(s) for s in spec.get("lines", [])),
            tuple(re.compile(p) for p in spec.get("line_patterns", [])),
            tuple(re.compile(p) for p in spec.get("footer_starts", [])))


def load_boilerplate_rules(path: Path = config.BOILERPLATE_FILE) -> BoilerplateRules:
    lines, patterns, footers = _load_rule_file(str(path))
    return BoilerplateRules(lines, patterns, footers)


def learn_repeated_lines(contents: Iterable[list[str]], min_share: float = config.BOILERPLATE_MIN_SHARE,
                         min_articles: int = config.BOILERPLATE_MIN_ARTICLES) -> frozenset[str]:
    """Lines that recur across many records of a corpus: the site's header and footer."""
    counts: Counter = Counter()
    n = 0
    for lines in contents:
        n += 1
        counts.update({_squash(l) for l in lines if _squash(l)})
    threshold = max(min_articles, min_share * n)
    return frozenset(line for line, c in counts.items() if c >= threshold)


def clean_body(lines: list[str], rules: BoilerplateRules, date_text: str | None,
               published: dt.date | None) -> str:
    """Drop the site's header (donate line, the date line repeated under it) and footer (addresses, phones).
    A date line that opens the body with no header before it is the page's own and stays (guidelines: a page's
    date line in the body is a date)."""
    lines = [l.rstrip() for l in lines]
    for i, line in enumerate(lines):
        if rules.starts_footer(line):
            lines = lines[:i]
            break
    start = 0
    while start < len(lines) and (rules.is_furniture(lines[start])
                                  or (start > 0 and _is_date_line(lines[start], date_text, published))):
        start += 1
    end = len(lines)
    while end > start and rules.is_furniture(lines[end - 1]):
        end -= 1
    return "\n".join(l.strip() for l in lines[start:end])


def _is_date_line(line: str, date_text: str | None, published: dt.date | None) -> bool:
    s = _squash(line)
    if not s or len(s) > 40:
        return False
    if date_text and s == _squash(date_text):
        return True
    return published is not None and parse_date(s) == published


# --------------------------------------------------------------------------------------------
# Fields


# Two fixed bases for reading a date line: a line whose reading differs between them is relative
# ("2 days ago", "yesterday") and would otherwise be resolved against the clock.
DATE_BASES = (dt.datetime(2000, 1, 15, 12), dt.datetime(2011, 7, 20, 12))


@lru_cache(maxsize=4096)
def read_date(value: str | None) -> tuple[dt.date | None, str | None]:
    """A record's date line -> (date, None), or (None, why not): missing, unreadable or relative.

    Nothing depends on the clock: a relative date has no stated base in a dump, so it stays null."""
    if not value or not value.strip():
        return None, "missing date"
    if not re.search(r"\d", value) and not re.search(r"\b(?:ago|yesterday|today|tomorrow|last|next)\b", value, re.I):
        return None, "unreadable date"
    import dateparser

    readings = {dateparser.parse(value.strip(), languages=["en"],
                                 settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DAY_OF_MONTH": "first",
                                           "RETURN_AS_TIMEZONE_AWARE": False, "RELATIVE_BASE": base})
                for base in DATE_BASES}
    if len(readings) > 1:
        return None, "relative date (no base to resolve it)"
    parsed = readings.pop()
    return (parsed.date(), None) if parsed else (None, "unreadable date")


def parse_date(value: str | None) -> dt.date | None:
    """A record's date line as a date; None when missing, unreadable or relative."""
    return read_date(value)[0]


def article_id_for(url: str) -> str:
    """The number of a un.org article URL (`/en/236325-...`), else 16 hex digits of the URL's sha256."""
    parsed = urlparse(url.strip())
    host = (parsed.hostname or "").lower()
    if host == "un.org" or host.endswith(".un.org"):
        m = UN_ARTICLE_PATH_RE.match(parsed.path)
        if m:
            return m.group(1)
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:16]


def make_text(title: str, body: str) -> str:
    return f"{title}\n\n{body}"


# --------------------------------------------------------------------------------------------
# Files and corpora


def read_dump(source_file: str, data: bytes) -> tuple[list[RawRecord], list[dict], Counter]:
    """Decode and split one file; a file that yields no records becomes a reject."""
    warnings: Counter = Counter()
    try:
        text, encoding = decode_bytes(data)
    except UndecodableError as exc:
        return [], [_reject(source_file, -1, str(exc), data[:EXCERPT_CHARS].decode("latin-1"))], warnings
    if "NUL bytes removed" in encoding:
        warnings["NUL bytes removed"] += 1
    if "guessed" in encoding:
        warnings["encoding guessed (latin-1)"] += 1
    records = split_records(text)
    if not records:
        excerpt = " ".join(text.split())[:EXCERPT_CHARS]
        return [], [_reject(source_file, -1, "no records found (no Date:/Title:/Content:/URL: lines)", excerpt)], warnings
    return records, [], warnings


def build_articles(files: list[tuple[str, list[RawRecord]]], rules: BoilerplateRules,
                   repeated: frozenset[str] | None = None,
                   seen: tuple[dict[str, str], dict[str, str]] | None = None) -> ParseResult:
    """Records of a whole corpus -> articles and rejects (first URL wins across the corpus).

    A caller that streams a corpus file by file passes the corpus-wide `repeated` lines, learned in a
    first pass, and one `seen` pair (URLs, ids) shared by all its calls.
    """
    result = ParseResult()
    if repeated is None:
        repeated = learn_repeated_lines(rec.content or [] for _, recs in files for rec in recs)
    rules = BoilerplateRules(rules.lines, rules.line_patterns, rules.footer_starts, repeated)
    seen_urls, seen_ids = seen if seen is not None else ({}, {})
    for source_file, records in files:
        for rec in records:
            where = f"{source_file} record {rec.index}"
            problem = None
            if not rec.url:
                problem = "missing URL"
            elif not rec.title:
                problem = "missing title"
            elif rec.content is None:
                problem = "missing Content"
            if problem:
                result.rejects.append(_reject(source_file, rec.index, problem, rec.excerpt()))
                continue
            published, date_problem = read_date(rec.date)
            if published is None:
                result.warnings[date_problem] += 1
            body = clean_body(rec.content, rules, rec.date, published)
            if not body.strip():
                result.rejects.append(_reject(source_file, rec.index, "empty body", rec.excerpt()))
                continue
            url = rec.url
            if url in seen_urls:
                result.rejects.append(_reject(source_file, rec.index,
                                              f"duplicate URL (first seen in {seen_urls[url]})", rec.excerpt()))
                continue
            article_id = article_id_for(url)
            if article_id in seen_ids:
                result.rejects.append(_reject(source_file, rec.index,
                                              f"duplicate article id {article_id} (first seen in {seen_ids[article_id]})",
                                              rec.excerpt()))
                continue
            seen_urls[url] = where
            seen_ids[article_id] = where
            title = _squash(rec.title)
            text = make_text(title, body)
            result.articles.append({
                "article_id": article_id,
                "url": url,
                "title": title,
                "published": published,
                "body": body,
                "text": text,
                "source_file": source_file,
                "record_index": rec.index,
                "content_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "n_words": len(text.split()),
            })
    return result


def parse_files(files: list[tuple[str, bytes]], rules: BoilerplateRules | None = None) -> ParseResult:
    """(name, bytes) pairs -> articles, rejects and warnings. Pure: no file system access."""
    rules = rules or load_boilerplate_rules()
    split: list[tuple[str, list[RawRecord]]] = []
    file_rejects: list[dict] = []
    file_warnings: Counter = Counter()
    for name, data in files:
        records, rejects, warnings = read_dump(name, data)
        split.append((name, records))
        file_rejects.extend(rejects)
        file_warnings.update(warnings)
    result = build_articles(split, rules)
    result.rejects = file_rejects + result.rejects
    result.warnings.update(file_warnings)
    return result


def list_raw_files(input_dir: Path) -> list[Path]:
    input_dir = Path(input_dir)
    if input_dir.is_file():
        return [input_dir]
    return sorted(p for p in input_dir.glob(config.RAW_GLOB) if p.is_file())


def parse_corpus(input_dir: Path) -> ParseResult:
    """Every dump file under `input_dir` (sorted by path, so reruns are identical)."""
    input_dir = Path(input_dir)
    base = input_dir if input_dir.is_dir() else input_dir.parent
    files = [(p.relative_to(base).as_posix(), p.read_bytes()) for p in list_raw_files(input_dir)]
    return parse_files(files)


def _reject(source_file: str, index: int, reason: str, excerpt: str) -> dict:
    return {"source_file": source_file, "record_index": index, "reason": reason,
            "excerpt": " ".join(excerpt.split())[:EXCERPT_CHARS], "stage": "parse", "article_id": None}
