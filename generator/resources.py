"""Loads the general word lists and registries shipped in generator/data/ (once)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


def load(name: str):
    text = resources.files("generator").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass(frozen=True)
class Outlet:
    name: str
    kind: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]


@cache
def outlets() -> tuple[Outlet, ...]:
    return tuple(
        Outlet(o["name"], o.get("kind", "outlet"), tuple(o.get("aliases") or ()), tuple(o.get("domains") or ()))
        for o in load("outlets.yml")
    )


@cache
def chrome_patterns() -> tuple[tuple[re.Pattern, ...], tuple[re.Pattern, ...]]:
    data = load("chrome.yml")
    compile_ = lambda items: tuple(re.compile(p, re.I) for p in items)  # noqa: E731
    return compile_(data["phrases"]), compile_(data["legal"])


@cache
def speech() -> dict:
    return load("speech.yml")


@cache
def speech_verb_forms() -> frozenset[str]:
    # Bare forms ("state", "report", "note") are mostly nouns or plural-subject verbs in
    # news; a person's words come with "says", "said", "saying", except for "say" itself.
    return frozenset(form for forms in speech()["verbs"] for form in (forms if forms[0] == "say" else forms[1:]))


@cache
def people() -> dict:
    return load("people.yml")


@cache
def organizations() -> dict:
    return load("organizations.yml")


@cache
def places() -> dict:
    return load("places.yml")
