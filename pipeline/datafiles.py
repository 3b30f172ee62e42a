"""Reading the project's data files (rules, knowledge bases): a missing or broken file stops the run
with an error naming it, never an empty list in its place."""
from __future__ import annotations

import json
from pathlib import Path


class DataFileError(RuntimeError):
    """A rule or knowledge-base file is missing or invalid; the message names the file."""


def read_json(path: Path | str) -> dict:
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataFileError(f"{path}: data file missing") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: invalid JSON ({exc})") from exc


def read_jsonl(path: Path | str) -> list[dict]:
    path = Path(path)
    rows = []
    try:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise DataFileError(f"{path}:{n}: invalid JSON ({exc})") from exc
    except FileNotFoundError as exc:
        raise DataFileError(f"{path}: data file missing") from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 ({exc})") from exc
    return rows
