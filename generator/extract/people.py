"""People named in a text: a capitalized run whose leading titles, ranks, places and
demonyms are peeled off, leaving a name that a given-name list (gender-guesser's
dictionary), a title, a role appositive or a later bare surname shows to be a person.
Roles ("Russian Defense Ministry spokesman", "Major General") are kept apart."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

import gender_guesser.detector

from generator import resources
from generator.extract.organizations import _keywords as org_keywords
from generator.extract.organizations import _outlet_aliases, registry_name
from generator.extract.text import fold, title_case
from generator.gazetteer import gazetteer

UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽḨ"
CAP = rf"(?:(?:[{UPPER}]\.){{2,}}|[{UPPER}][a-z]{{0,2}}\.(?=\s+[{UPPER}])|[{UPPER}][\w'’\-]*[\w’']|[{UPPER}]|(?:al|el|ad|as|ash|az|an|at|ar|bin|ibn|abu|ben|de|di|da|van|von|du|le|la|d)[-'’][{UPPER}][\w'’\-]*)"
PARTICLE = r"(?:de|da|di|del|della|der|den|van|von|la|le|du|dos|das|bin|ibn|bint|al|el|ben|abu|ter|ten|y|zu|af)"
NAME_RUN = re.compile(rf"(?<![\w'’\-]){CAP}(?:\s+(?:{PARTICLE}\s+)*{CAP})*(?:,?\s+(?:Jr|Sr)\.?)?")
POSSESSIVE = re.compile(r"[’']s?$")
CALENDAR_WORDS = {"May", "March", "June", "July", "August", "April", "Monday", "Friday", "Sunday"}  # surnames too
HYPHENATED_ROLE = re.compile(r"^[A-Z][a-z]+-[a-z]+$")  # "Fly-half", "Co-founder": names capitalize both parts


@dataclass(frozen=True)
class PersonMention:
    name: str
    start: int
    end: int
    possessive: bool = False
    role: str | None = None
    gender: str | None = None  # "male" | "female" | None
    titled: bool = False


@cache
def _detector() -> gender_guesser.detector.Detector:
    return gender_guesser.detector.Detector(case_sensitive=False)


@cache
def _title_words() -> frozenset[str]:
    data = resources.people()
    return frozenset(w.rstrip(".") for key in ("honorifics", "ranks", "offices") for w in data[key])


@cache
def _honorific_genders() -> dict[str, str]:
    return {"Mr": "male", "Mrs": "female", "Ms": "female", "Miss": "female", "Sir": "male", "Dame": "female", "Lord": "male", "Lady": "female", "King": "male", "Queen": "female", "Prince": "male", "Princess": "female"}


@cache
def role_nouns() -> frozenset[str]:
    return frozenset(resources.people()["role_nouns"])


@lru_cache(maxsize=100_000)
def given_name_gender(token: str) -> str | None:
    """'male', 'female', 'unknown-gender' (a known given name of either), or None."""
    answer = _detector().get_gender(token)
    if answer in ("male", "mostly_male"):
        return "male"
    if answer in ("female", "mostly_female"):
        return "female"
    if answer == "andy":
        return "unknown-gender"
    return None


@cache
def _demonyms() -> frozenset[str]:
    return frozenset(resources.places()["demonyms"])


def is_demonym(token: str) -> bool:
    """A nationality adjective, from the list in data/places.yml (plural forms too)."""
    bare = token.rstrip("’'")
    return bare in _demonyms() or (bare.endswith("s") and bare[:-1] in _demonyms())


@lru_cache(maxsize=100_000)
def _is_place(token_or_phrase: str) -> bool:
    candidate = gazetteer().lookup(token_or_phrase)
    return candidate is not None and (candidate.primary or candidate.place.kind in ("country", "region"))


@lru_cache(maxsize=100_000)
def _is_country(token: str) -> bool:
    candidate = gazetteer().lookup(token)
    return candidate is not None and candidate.place.kind in ("country", "region", "state")


@cache
def function_words() -> frozenset[str]:
    return frozenset(resources.people()["function_words"])


def _peelable(token: str, rest: list[str] | None = None) -> bool:
    """Whether a leading word of a capitalized run is a title, place or demonym rather
    than the start of a name. A country followed by a lone surname is a first name
    ("Jordan Henderson", "Kenya Barris"); followed by a full name it is a modifier
    ("UN envoy for Yemen Hans Grundberg")."""
    bare = token.rstrip(".")
    rest = rest or []
    lone_surname = len(rest) == 1 and not _peelable(rest[0], [])
    country = _is_country(bare) and not lone_surname
    return (
        bare in function_words()
        or (bare.lower() in role_nouns() and not bare.isupper())
        or bool(HYPHENATED_ROLE.match(bare))
        or country
        or bare in _title_words()
        or (token.isupper() and len(token) <= 5 and not (len(rest) == 1 and len(token) <= 3 and not rest[0].isupper()))
        or is_demonym(token)
        or bare in org_keywords()
        or (_is_place(bare) and given_name_gender(bare) is None)
    )


def person_mentions(text: str, surnames_hint: frozenset[str] = frozenset()) -> list[PersonMention]:
    """Every run in `text` that names a person. `surnames_hint` holds words used alone as
    the subject of a speech verb somewhere in the article (evidence of a surname)."""
    out: list[PersonMention] = []
    headline = title_case(text)  # every word capitalized: a run is no evidence of a name
    for m in NAME_RUN.finditer(text):
        run = m.group(0)
        tokens = run.split()
        if len(tokens) == 1:
            continue  # a lone capitalized word is no name here (a bare surname is resolved later)
        possessive = bool(POSSESSIVE.search(tokens[-1])) and not tokens[-1].endswith("s'")
        if possessive:
            tokens[-1] = POSSESSIVE.sub("", tokens[-1])
        for i, token in enumerate(tokens[:-1]):
            if POSSESSIVE.search(token) and not token.endswith("s'"):
                tokens = tokens[: i + 1]  # "Theresa May's Brexit deal": the name ends at the possessive
                possessive = True
                tokens[-1] = POSSESSIVE.sub("", tokens[-1])
                break
        peeled: list[str] = []
        titles_at = [
            i for i, t in enumerate(tokens[:-1]) if t.rstrip(".") in _title_words() or (t.lower() in role_nouns() and not t.isupper())
        ]
        if titles_at and len(tokens) - titles_at[-1] - 1 >= 1:
            cut = titles_at[-1] + 1  # "Senate Majority Leader | Chuck Schumer": all before the last title is role
            peeled, tokens = tokens[:cut], tokens[cut:]
        while len(tokens) > 1 and _peelable(tokens[0], tokens[1:]):
            peeled.append(tokens.pop(0))
        if len(tokens) >= 3 and given_name_gender(tokens[1]) and not given_name_gender(tokens[0]) and not _initials(tokens[0], 0, tokens):
            peeled.append(tokens.pop(0))  # "Taoiseach Leo Varadkar": a title the lists do not know
        while tokens and tokens[0].lower() in _particles():
            tokens.pop(0)
        if not (1 <= len([t for t in tokens if t.lower() not in _particles()]) <= 4):
            continue  # "Luiz Inacio Lula da Silva": particles do not count
        if any(t in function_words() and t not in CALENDAR_WORDS for t in tokens[1:]) or (headline and not titled_run(peeled)):
            continue
        if any(t.rstrip(".") in org_keywords() or (t.isupper() and len(t.rstrip(".")) > 1 and not _initials(t, i, tokens)) for i, t in enumerate(tokens)):
            continue
        name = " ".join(tokens)
        if len(tokens) == 1 and peeled and peeled[-1].rstrip(".") in _honorific_genders():
            name = f"{peeled[-1].rstrip('.')} {name}"  # known only as "Mrs Moss": keep the honorific
        if name in _outlet_aliases() or registry_name(name) or (_is_place(name) and len(tokens) > 1):
            continue
        name_start = m.start() + _find_token_offset(run, tokens[0], len(" ".join(peeled)))
        first_gender = given_name_gender(tokens[0])
        titled = any(p.rstrip(".") in _title_words() for p in peeled)
        appositive = _appositive_role(text, m.end())
        if len(tokens) == 1:
            if not (titled and any(p.rstrip(".") in _honorific_genders() or p.rstrip(".") in resources.people()["ranks"] for p in peeled)):
                continue
        else:
            evidence = first_gender is not None or titled or appositive is not None or tokens[-1] in surnames_hint
            if not evidence:
                continue
        gender = None
        for p in peeled:
            gender = _honorific_genders().get(p.rstrip("."), gender)
        if gender is None and first_gender in ("male", "female") and len(tokens) > 1:
            gender = first_gender
        before_role = _role_before(text, name_start)
        role = before_role if before_role and (_has_role_noun(before_role) or not appositive) else appositive
        end = name_start + len(" ".join(tokens)) + (2 if possessive else 0)
        if tokens[-1] in ("Jr", "Sr") and text[end : end + 1] == ".":
            end += 1  # "Sam Desue Jr." ends after the period
        out.append(
            PersonMention(
                name=name,
                start=name_start,
                end=end,
                possessive=possessive,
                role=role,
                gender=gender,
                titled=titled,
            )
        )
    return out


def titled_run(peeled: list[str]) -> bool:
    return any(p.rstrip(".") in _title_words() for p in peeled)


def _initials(token: str, index: int, tokens: list[str]) -> bool:
    """ "MAN Siddique", "JK Rowling": capital initials before a surname."""
    return index == 0 and len(token) <= 3 and len(tokens) >= 2 and tokens[1][:1].isupper() and not tokens[1].isupper()


def _find_token_offset(run: str, token: str, after: int) -> int:
    index = run.find(token, after)
    return index if index >= 0 else 0


@cache
def _particles() -> frozenset[str]:
    return frozenset(resources.people()["name_particles"])


def _role_before(text: str, start: int) -> str | None:
    """Titles and role words right before a name: "Russian Defense Ministry spokesman",
    "UN Special Envoy for Yemen", "French President"."""
    before = text[:start].rstrip()
    tokens = before[-160:].split()
    picked: list[str] = []
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i]
        if re.search(r"[.,;:!?\"“”]$", token) and picked:
            break
        word = token.strip(".,;:“”\"()[]")
        if not word:
            break
        if word in function_words() and word not in _title_words():
            break
        if word[:1].isupper() or word in role_nouns():
            picked.insert(0, word)
            continue
        if word in ("of", "for") and i > 0 and tokens[i - 1][:1].isupper() and picked:
            picked.insert(0, word)
            continue
        break
    while picked and picked[0] in ("of", "for"):
        picked.pop(0)
    role = " ".join(picked)
    boundary = before[len(before) - len(role) - 2 : len(before) - len(role)] if role else ""
    if not role or not (any(w in role_nouns() for w in picked) or any(w.rstrip(".") in _title_words() for w in picked)):
        return None
    if re.search(r"[.!?]\s*$", boundary) and picked and picked[0] in ("The", "A", "An"):
        picked.pop(0)
    role = " ".join(w for w in picked if w not in ("The", "A", "An") and w.rstrip(".") not in _honorific_genders())
    return role or None


APPOSITIVE = re.compile(r"^[’']?s?,\s+(?!(?:and|or|but|who|which|whose|where|when|while|as|if)\b)(?P<role>(?:(?:the|a|an)\s+)?[^,.;:\"“”]{3,90}?)(?:,|\.\s*$|\.\s+[A-Z\"“])")


def _appositive_role(text: str, end: int) -> str | None:
    """", the Russian Defense Ministry's spokesman," right after a name."""
    m = APPOSITIVE.match(text[end : end + 120])
    if not m:
        return None
    role = m.group("role")
    words = role.split()
    if not any(w.strip("’'s") in role_nouns() or w.rstrip("’'s").rstrip(".") in _title_words() for w in words):
        return None
    return re.sub(r"^(?:the|a|an)\s+", "", role)


@dataclass
class PersonRegister:
    """The people of one article: full names, their roles and genders, and which bare
    surname stands for which full name."""

    people: dict[str, PersonMention] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)

    def add(self, mention: PersonMention) -> str:
        tokens = mention.name.split()
        if len(tokens) == 2 and tokens[0] in _honorific_genders():
            canonical = self.canonical(tokens[1])  # "Mr Abbas" is the Mahmoud Abbas named before
        elif len(tokens) == 1:
            canonical = self.canonical(mention.name)
        else:
            canonical = self._merge(mention.name)
        canonical = canonical or mention.name
        if canonical not in self.people:
            self.people[canonical] = mention
        if mention.role and (canonical not in self.roles or (_has_role_noun(mention.role) and not _has_role_noun(self.roles[canonical]))):
            self.roles[canonical] = mention.role
        return canonical

    def _merge(self, name: str) -> str:
        key = _name_key(name)
        for known in self.people:
            if _name_key(known) == key:
                return known
        return name

    def canonical(self, surface: str) -> str | None:
        """The full name a bare surname (or full name) refers to in this article."""
        key = _name_key(surface)
        for known in self.people:
            if _name_key(known) == key:
                return known
        matches = [
            known
            for known in self.people
            if _name_key(known).split()[-1:] == key.split()[-1:] and len(key.split()) == 1 and known.split()[0] not in _honorific_genders()
        ]
        return matches[0] if len(matches) == 1 else (matches[0] if matches else None)

    def gender(self, name: str) -> str | None:
        mention = self.people.get(name)
        return mention.gender if mention else None


def _has_role_noun(role: str) -> bool:
    return any(w.strip("’'s,") in role_nouns() for w in role.split())


def _name_key(name: str) -> str:
    tokens = [t for t in fold(name).split() if t not in _particles()]
    tokens = [re.sub(r"^(?:al|el|ad|as|an|ash|az)\s*", "", t) if len(t) > 4 else t for t in tokens]
    return " ".join(tokens)
