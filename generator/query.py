"""The archive's query language, parsed into a small tree both search engines evaluate.

    words            all must match            prefix*        words starting with it
    "exact phrase"   words next to each other  a OR b         either
    NOT word, -word  must not match            ( ... )        grouping
    speaker: place: outlet: source: org: title: quote:      search one field
    date:2016  date:2016-02  date:2016-02-29  date:[2016-01-01 to 2016-03-31]

The same grammar is implemented in `docs/assets/search.js` for the browser; the parity
tests run both over the same queries. Parsing never raises anything but QueryError,
whose message says what is wrong and how to write it instead."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

FIELDS = ("speaker", "place", "outlet", "source", "org", "title", "quote")
DEFAULT_FIELDS = ("title", "body")
MAX_LENGTH = 1000
MIN_PREFIX = 2


class QueryError(ValueError):
    """A query that cannot be run; the message says why and how to fix it."""


@dataclass(frozen=True)
class Word:
    field: str | None
    text: str


@dataclass(frozen=True)
class Prefix:
    field: str | None
    text: str


@dataclass(frozen=True)
class Phrase:
    field: str | None
    text: str


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date  # inclusive


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class And:
    nodes: tuple


@dataclass(frozen=True)
class Or:
    nodes: tuple


@dataclass(frozen=True)
class Everything:
    """The empty query: every article (used with filters, e.g. a facet alone)."""


SPACE = " \t\n\r\f\v"  # only these separate words (search.js uses the same set)
_TOKEN = re.compile(
    r"""(?P<lparen>\()|(?P<rparen>\))|(?P<lbracket>\[)|(?P<rbracket>\])
    | (?P<field>[A-Za-z]+):
    | (?P<quote>")
    | (?P<minus>-)(?=[^ \t\n\r\f\v])
    | (?P<word>[^ \t\n\r\f\v()\[\]":]+(?::[^ \t\n\r\f\v()\[\]":]+)*)
    | (?P<colon>:)""",
    re.VERBOSE,
)


def tokenize(query: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos, n = 0, len(query)
    while pos < n:
        if query[pos] in SPACE:
            pos += 1
            continue
        match = _TOKEN.match(query, pos)
        if not match or match.end() == pos:  # pragma: no cover - the pattern matches any non-space
            raise QueryError(f"cannot read the query at {query[pos:pos + 20]!r}")
        kind = match.lastgroup
        if kind == "quote":
            close = query.find('"', match.end())
            if close < 0:
                raise QueryError('a quotation mark is not closed: add the closing " or remove the opening one')
            tokens.append(("phrase", query[match.end():close]))
            pos = close + 1
            continue
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def parse(query: str) -> object:
    """The query as a tree of Word/Prefix/Phrase/DateRange/Not/And/Or (or Everything)."""
    if not isinstance(query, str):
        raise QueryError("the query must be text")
    if len(query) > MAX_LENGTH:
        raise QueryError(f"the query is {len(query)} characters long; the limit is {MAX_LENGTH}")
    parser = _Parser(tokenize(query))
    if not parser.tokens:
        return Everything()
    node = parser.expression()
    if parser.peek():
        kind, value = parser.peek()
        if kind == "rparen":
            raise QueryError("a ')' has no matching '(': remove it or add the opening one")
        raise QueryError(f"unexpected {value!r} in the query")  # pragma: no cover - expression() consumes the rest
    return node


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self):
        token = self.peek()
        self.i += 1
        return token

    def expression(self):
        parts = [self.conjunction()]
        while self.peek() and self.peek() == ("word", "OR"):
            self.take()
            if not self.peek() or self.peek()[0] == "rparen":
                raise QueryError("OR needs something on both sides, as in: ceasefire OR truce")
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def conjunction(self):
        parts = []
        while self.peek() and self.peek()[0] != "rparen" and self.peek() != ("word", "OR"):
            parts.append(self.unary())
        if not parts:
            token = self.peek()
            if token is None:
                raise QueryError("the query ends where a word was expected")
            if token[0] == "rparen":
                raise QueryError("empty parentheses: put words inside them or remove them")
            raise QueryError("OR needs something on both sides, as in: ceasefire OR truce")
        if all(isinstance(p, Not) for p in parts):
            parts.insert(0, Everything())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self):
        token = self.peek()
        if token == ("word", "NOT") or token[0] == "minus":
            self.take()
            if not self.peek() or self.peek()[0] == "rparen" or self.peek() == ("word", "OR"):
                raise QueryError("NOT (or -) must be followed by what to exclude, as in: -rumour")
            return Not(self.unary())
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if kind == "lparen":
            if self.peek() and self.peek()[0] == "rparen":
                raise QueryError("empty parentheses: put words inside them or remove them")
            node = self.expression()
            if not self.peek() or self.peek()[0] != "rparen":
                raise QueryError("a '(' is not closed: add the closing ')'")
            self.take()
            return node
        if kind == "rparen":  # pragma: no cover - handled by the callers
            raise QueryError("a ')' has no matching '('")
        if kind in ("lbracket", "rbracket"):
            raise QueryError("square brackets are only for date ranges, as in: date:[2016-01-01 to 2016-03-31]")
        if kind == "colon":
            raise QueryError("a ':' must follow a field name, as in: speaker:obama")
        if kind == "field":
            return self.fielded(value.lower())
        return _term(None, kind, value)

    def fielded(self, field: str):
        if field == "date":
            return self.date()
        if field not in FIELDS:
            known = ", ".join(f"{f}:" for f in FIELDS + ("date",))
            raise QueryError(f"unknown field {field!r}; the fields are {known}")
        token = self.peek()
        if token is None or token[0] not in ("word", "phrase"):
            raise QueryError(f"{field}: must be followed by a word or a \"quoted phrase\", as in: {field}:\"...\"")
        kind, value = self.take()
        return _term(field, kind, value)

    def date(self):
        token = self.take() if self.peek() else None
        if token is None:
            raise QueryError("date: must be followed by a date, as in: date:2016-02 or date:[2016-01-01 to 2016-03-31]")
        kind, value = token
        if kind == "word":
            start, end = _period(value)
            return DateRange(start, end)
        if kind != "lbracket":
            raise QueryError("date: must be followed by a date, as in: date:2016-02 or date:[2016-01-01 to 2016-03-31]")
        words = []
        while self.peek() and self.peek()[0] == "word":
            words.append(self.take()[1])
        if not self.peek() or self.peek()[0] != "rbracket":
            raise QueryError("a date range must end with ']', as in: date:[2016-01-01 to 2016-03-31]")
        self.take()
        if len(words) != 3 or words[1].lower() != "to":
            raise QueryError("a date range is written date:[FROM to UNTIL], as in: date:[2016-01-01 to 2016-03-31]")
        start, _ = _period(words[0])
        _, end = _period(words[2])
        if end < start:
            raise QueryError(f"the date range ends ({end}) before it starts ({start}): swap the two dates")
        return DateRange(start, end)


def _term(field, kind, value):
    if kind == "phrase":
        if not value.strip(SPACE):
            raise QueryError('an empty "" phrase: put words between the quotation marks')
        return Phrase(field, value)
    if value.endswith("*"):
        stem = value.rstrip("*")
        if "*" in stem or len(stem) < MIN_PREFIX:
            raise QueryError(f"{value!r}: a prefix search needs at least {MIN_PREFIX} letters before a final *, as in: negotiat*")
        return Prefix(field, stem)
    if "*" in value:
        raise QueryError(f"{value!r}: * is allowed only at the end of a word, as in: negotiat*")
    return Word(field, value)


_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?")


def _period(text: str) -> tuple[dt.date, dt.date]:
    """'2016' -> the year, '2016-02' -> the month, '2016-02-29' -> that day."""
    match = _DATE.fullmatch(text)
    if not match:
        raise QueryError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, as in: date:2016-02")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day), dt.date(year, month, day)
    except ValueError:
        raise QueryError(f"{text!r} is not a real date: check the month and the day") from None


def describe(node) -> str:
    """A canonical text form of the tree (for tests and the parity harness)."""
    if isinstance(node, Everything):
        return "*"
    if isinstance(node, Word):
        return f"{node.field or ''}:{node.text}" if node.field else node.text
    if isinstance(node, Prefix):
        return f"{node.field + ':' if node.field else ''}{node.text}*"
    if isinstance(node, Phrase):
        return f'{node.field + ":" if node.field else ""}"{node.text}"'
    if isinstance(node, DateRange):
        return f"date:[{node.start} to {node.end}]"
    if isinstance(node, Not):
        return f"NOT {describe(node.node)}"
    if isinstance(node, And):
        return "(" + " AND ".join(describe(n) for n in node.nodes) + ")"
    if isinstance(node, Or):
        return "(" + " OR ".join(describe(n) for n in node.nodes) + ")"
    raise TypeError(node)  # pragma: no cover
