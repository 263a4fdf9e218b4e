"""Researchers' corrections: `seeds/<name>.meta.yml` beside a seed. Each key replaces the
extracted value of the same front-matter key. Merge order, the one place it is written
down: extracted values < curated values. Problems in a curation file are reported with
the file and key; the article is then built from extraction for that key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

CURATABLE: dict[str, str] = {
    "title": "text",
    "date": "date",
    "outlet": "text-or-null",
    "original_source": "text-or-null",
    "authors": "list",
    "dateline": "text-or-null",
    "speakers": "list",
    "quotes": "quotes",
    "places": "list",
    "organizations": "list",
}


def curation_path(seed: Path) -> Path:
    return seed.with_name(seed.stem + ".meta.yml")


def is_curation_file(path: Path) -> bool:
    return path.name.endswith((".meta.yml", ".meta.yaml"))


def load_curation(path: Path) -> tuple[dict, list[str]]:
    """(valid corrections, problems). A missing file is no corrections."""
    if not path.exists():
        return {}, []
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        return {}, [f"{name}: not valid YAML ({_first_line(err)}); fix the file, no correction was applied"]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [f"{name}: must be a mapping of front-matter keys to values; no correction was applied"]
    valid: dict = {}
    problems: list[str] = []
    for key, value in data.items():
        kind = CURATABLE.get(str(key))
        if kind is None:
            problems.append(f"{name}: unknown key '{key}' (curatable keys: {', '.join(CURATABLE)})")
            continue
        error = _check(kind, value)
        if error:
            problems.append(f"{name}: key '{key}' {error}; the extracted value is kept")
            continue
        valid[key] = _normalize(kind, value)
    return valid, problems


def _check(kind: str, value) -> str | None:
    if kind == "text":
        return None if isinstance(value, str) and value.strip() else "must be non-empty text"
    if kind == "text-or-null":
        return None if value is None or isinstance(value, str) else "must be text or null"
    if kind == "date":
        if value is None or isinstance(value, dt.date):
            return None
        if isinstance(value, str):
            try:
                dt.date.fromisoformat(value)
                return None
            except ValueError:
                pass
        return "must be a date written YYYY-MM-DD, or null"
    if kind == "list":
        return None if isinstance(value, list) and all(isinstance(v, str) for v in value) else "must be a list of text"
    if kind == "quotes":
        ok = isinstance(value, list) and all(
            isinstance(q, dict)
            and isinstance(q.get("speaker"), str)
            and isinstance(q.get("text"), str)
            and q.get("kind", "direct") in ("direct", "indirect")
            and set(q) <= {"speaker", "text", "kind"}
            for q in value
        )
        return None if ok else "must be a list of {speaker, text, kind: direct|indirect}"
    return "has an unsupported type"


def _normalize(kind: str, value):
    if kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if kind == "date" and isinstance(value, dt.datetime):
        return value.date()
    if kind == "quotes":
        return [{"speaker": q["speaker"], "text": q["text"], "kind": q.get("kind", "direct")} for q in value]
    return value


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
