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
def chrome_patterns() -> tuple[re.Pattern, re.Pattern]:
    """The chrome phrases and the legal phrases of chrome.yml, each list as one
    expression that finds a line holding any of them (one search, not one per pattern:
    every line of every seed is asked)."""
    data = load("chrome.yml")
    return any_of(data["phrases"]), any_of(data["legal"])


def any_of(patterns: list[str]) -> re.Pattern:
    """One case-insensitive expression that searches as well as any of `patterns` does."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


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
