"""Organizations: the registry in data/organizations.yml (canonical names and aliases),
acronyms the article defines ("... Red Cross (ICRC)"), and capitalized names headed by an
organization noun ("Defense Ministry", "Norwegian Refugee Council")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from generator import resources
from generator.extract.text import fold

CONNECTORS = {"of", "for", "the", "and", "on", "de", "du", "des", "al", "in", "to", "&"}
CAP_RUN = re.compile(
    r"(?:(?<=\s)|(?<=^)|(?<=[(“\"‘']))(?:[A-Z][\w'’.&-]*|al-[A-Z][\w'-]*)(?:\s+(?:(?:of|for|the|and|on|de|du|des|in|to|&)\s+)*(?:[A-Z][\w'’.&-]*|al-[A-Z][\w'-]*))*"
)
ACRONYM_DEF = re.compile(r"(?P<long>(?:[A-Z][\w'’-]*\s+(?:(?:of|for|the|and|on|de|du)\s+)*){1,9})\((?P<acr>[A-Z][A-Za-z&]{1,9})\)")


@dataclass(frozen=True)
class OrgMention:
    name: str  # canonical
    start: int
    end: int


@cache
def _registry() -> tuple[dict[str, str], dict[str, str]]:
    """(case-sensitive exact aliases, folded multi-word aliases) -> canonical name."""
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    for org in resources.organizations()["registry"]:
        for alias in (org["name"], *org.get("aliases", [])):
            alias = alias.removeprefix("the ")
            exact[alias] = org["name"]
            if len(alias) > 5 and not alias.isupper():
                folded[fold(alias)] = org["name"]
    return exact, folded


@cache
def _keywords() -> frozenset[str]:
    return frozenset(resources.organizations()["keywords"])


@cache
def _title_words() -> frozenset[str]:
    data = resources.people()
    return frozenset(w for key in ("honorifics", "ranks") for w in data[key]) | {
        "Secretary", "Minister", "Spokesman", "Spokeswoman", "Spokesperson", "Chairman", "Director", "Commissioner"
    }


@cache
def _outlet_aliases() -> frozenset[str]:
    return frozenset(a for o in resources.outlets() for a in (o.name, *o.aliases))


@cache
def _acronym_pattern() -> re.Pattern:
    exact, _ = _registry()
    acronyms = sorted((a for a in exact if a.isupper() and len(a) >= 2), key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(a) for a in acronyms) + r")(?![\w])")


def registry_name(surface: str) -> str | None:
    exact, folded = _registry()
    surface = surface.removeprefix("the ").removeprefix("The ")
    return exact.get(surface) or folded.get(fold(surface))


def find_organizations(text: str) -> list[OrgMention]:
    """Organization mentions in a text, canonical names, in order of appearance."""
    exact, _ = _registry()
    keywords = _keywords()
    outlets = _outlet_aliases()
    defined: dict[str, str] = {}
    for m in ACRONYM_DEF.finditer(text):
        long = _trim(m.group("long").strip())
        if _initials_match(long, m.group("acr")):
            defined[m.group("acr")] = registry_name(long) or long
    mentions: list[OrgMention] = []
    for m in CAP_RUN.finditer(text):
        for start, end, name in _scan_run(m.group(0), defined, keywords, outlets):
            mentions.append(OrgMention(name, m.start() + start, m.start() + end))
    # Acronyms like "anti-ISIS" or "(ICRC)" sit inside other tokens.
    for m in _acronym_pattern().finditer(text):
        if not any(o.start <= m.start() < o.end for o in mentions):
            mentions.append(OrgMention(exact[m.group(0)], m.start(), m.end()))
    return sorted(mentions, key=lambda o: o.start)


def _scan_run(run: str, defined: dict[str, str], keywords: frozenset[str], outlets: frozenset[str]):
    """Greedy, left to right: the longest organization name starting at each token.
    A possessive ("Russia's") ends a name: what follows is another name."""
    tokens = list(re.finditer(r"\S+", run))
    i = 0
    while i < len(tokens):
        if tokens[i].group(0).lower() in CONNECTORS:
            i += 1
            continue
        found = None
        for j in range(len(tokens) - 1, i - 1, -1):
            inner = [t.group(0) for t in tokens[i:j]]
            if any(re.search(r"[’']s$", t) for t in inner) or tokens[j].group(0).lower() in CONNECTORS:
                continue
            a, b = tokens[i].start(), tokens[j].end()
            surface = run[a:b].rstrip(".,’'")
            surface = re.sub(r"[’']s$", "", surface)
            name = _org_name(surface, defined, keywords, outlets)
            if name and j + 1 < len(tokens) and tokens[j + 1].group(0).rstrip(".,") in _title_words():
                name = None  # "Chief Cabinet Secretary X": a title, not an organization
            if name and not registry_name(surface) and j + 2 < len(tokens) and tokens[j + 1].group(0) in ("of", "for"):
                # "Royal Bank of Scotland", "Observatory for Human Rights": an of/for tail
                # of up to four capitalized words belongs to the name
                end = j + 1
                for k in range(j + 2, min(len(tokens), j + 7)):
                    word = tokens[k].group(0)
                    if word[:1].isupper():
                        end = k
                        if word.endswith((",", ".", "’s", "'s")):
                            break
                    elif word not in ("the", "of", "&"):  # "and" may join two names: it ends the tail
                        break
                if end > j + 1:
                    tail = tokens[end].group(0).rstrip(".,’'")
                    surface = run[a : tokens[end].start() + len(tail)]
                    name, j = _trim(re.sub(r"[’']s$", "", surface)), end
            if name:
                found = (a, a + len(surface), name, j)
                break
        if found:
            yield found[:3]
            i = found[3] + 1
        else:
            i += 1


def _org_name(surface: str, defined: dict[str, str], keywords: frozenset[str], outlets: frozenset[str]) -> str | None:
    if surface in defined:
        return defined[surface]
    known = registry_name(surface)
    if known:
        return known
    tokens = surface.split()
    if len(tokens) < 2 or tokens[-1] not in keywords or surface in outlets or " and " in surface:
        return None
    if all(t in keywords or t.lower() in CONNECTORS for t in tokens):
        return None
    return _trim(surface)


def _trim(name: str) -> str:
    name = re.sub(r"^(?:The|the)\s+", "", name.strip())
    return name.strip()


def _initials_match(long: str, acronym: str) -> bool:
    initials = "".join(w[0] for w in long.split() if w[0].isupper())
    return acronym.upper().startswith(initials[:2].upper()) and len(initials) >= 2


def canonical_organizations(mentions: list[OrgMention]) -> list[str]:
    """Distinct names in order of first mention; a name that is the tail of a longer one
    in the same article ("Defense Ministry" of "Russian Defense Ministry") is merged."""
    names: list[str] = []
    for m in mentions:
        if m.name not in names:
            names.append(m.name)
    keep = []
    for name in names:
        if any(other != name and other.endswith(" " + name) for other in names):
            continue
        keep.append(name)
    return keep
