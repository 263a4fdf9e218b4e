"""Small text helpers shared by the cleaner and the extractors."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

MARKDOWN_LINK = re.compile(r"!?\[([^\]\n]*)\]\(((?:[^()\s]|\([^()\s]*\))*)(?:\s+\"[^\"]*\")?\)")
URL = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
DOMAIN = re.compile(r"\b(?:[a-z0-9-]+\.)+(?:com|org|net|info|io|ca|uk|ru|ir|tv|news|eu|de|fr|cn|in|au|ae|sy|ua|il|tr|jp|kr|za|ng|ie|gov|edu|int)\b", re.I)
WORD = re.compile(r"[^\W_][\w'’\-]*")
TERMINAL = re.compile(r"[.!?…][\"”’»)\]]*\s*$")

QUOTE_PAIRS = {"“": "”", "«": "»", "„": "“", "‹": "›", '"': '"', "‘": "’"}

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "cpl", "adm", "cmdr",
    "brig", "rev", "st", "sen", "rep", "gov", "pres", "jr", "sr", "no", "nos", "vs", "etc", "inc",
    "ltd", "co", "corp", "dept", "est", "approx", "fig", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri",
    "sat", "sun", "u.s", "u.n", "u.k", "e.g", "i.e", "a.m", "p.m", "d.c", "mt", "ft", "op",
}


def strip_links(line: str) -> tuple[str, int]:
    """Remove Markdown link markup, keeping the link text; returns (text, chars inside links)."""
    inside = 0

    def keep_text(match: re.Match) -> str:
        nonlocal inside
        inside += len(match.group(1))
        return match.group(1)

    return MARKDOWN_LINK.sub(keep_text, line), inside


def alternation(phrases, ignore_case: bool = True) -> str:
    """A regular expression (no flags of its own) that matches, at any position, the
    longest of `phrases` that the rest of the pattern accepts, as the plain alternation
    of them sorted longest first does, but written as a trie: at each character only the
    branches that can still match are tried. Python's engine tries every alternative at
    every position otherwise (the speech cues: 171 of them, 2 scans of each text). With
    `ignore_case`, for a pattern (or group) matched with re.I: the phrases are lower-cased,
    which re.I matches alike."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase.lower() if ignore_case else phrase:
            node = node.setdefault(char, {})
        node[""] = {}  # a phrase ends here

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy: the longer phrase is tried first, the shorter one if what follows refuses.
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def words(text: str) -> list[str]:
    return WORD.findall(text)


# Apostrophes go, dashes, underscores, slashes and full stops separate words.
_FOLD_MARKS = str.maketrans({**dict.fromkeys("‘’'`ʿʾ´"), **dict.fromkeys("-‐‑–—_/.", " ")})


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key ("Dniprò" == "dnipro",
    "Sant'Angelo" == "santangelo"). Names are folded again and again (registry, gazetteer
    and speaker lookups: 300 calls an article), hence the cache and the ASCII path, which
    has nothing to decompose."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(text.translate(_FOLD_MARKS).casefold().split())


@lru_cache(maxsize=65536)
def script_of(char: str) -> str:
    if char < "\x80":
        return "LATIN"
    try:
        name = unicodedata.name(char)
    except ValueError:
        return "OTHER"
    return name.split(" ")[0]


def dominant_script(text: str, sample: int = 50_000) -> str:
    """The script most letters are in, judged on the first `sample` characters (a tie goes
    to the script that comes first in the text)."""
    head = text[:sample]
    if head.isascii():
        return "LATIN"  # every ASCII letter is Latin, and no letter at all says Latin too
    counts: dict[str, int] = {}
    # Counter keeps the characters in the order they first appear, so the scripts are
    # met in that order too.
    for char, n in Counter(head).items():
        if char.isalpha():
            script = script_of(char)
            counts[script] = counts.get(script, 0) + n
    return max(counts, key=counts.get) if counts else "LATIN"


def script_share(text: str, script: str) -> float:
    if text.isascii():
        return 1.0 if script == "LATIN" or not any(c.isalpha() for c in text) else 0.0
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    return sum(1 for c in letters if script_of(c) == script) / len(letters)


def title_case(text: str) -> bool:
    """A headline written in Title Case capitalizes nearly every word."""
    tokens = [t for t in re.findall(r"[A-Za-z][\w'’-]*", text) if len(t) > 3]
    return len(tokens) >= 3 and sum(t[0].isupper() for t in tokens) >= 0.8 * len(tokens)


def is_sentence_like(text: str, min_words: int) -> bool:
    return len(words(text)) >= min_words and bool(TERMINAL.search(text))


@dataclass(frozen=True)
class Span:
    start: int
    end: int  # exclusive, includes the closing mark

    def inner(self, text: str) -> str:
        return text[self.start + 1 : self.end - 1]


def quote_spans(text: str) -> list[Span]:
    """Spans of quotations in a paragraph: curly, straight, guillemets, and single curly
    quotes used as quotation marks (not apostrophes). An unclosed quotation runs to the
    end of the paragraph (news style for a quotation that continues in the next one)."""
    spans: list[Span] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char in QUOTE_PAIRS and _opens_quote(text, i):
            close = QUOTE_PAIRS[char]
            j = i + 1
            while j < n:
                if text[j] == close and (close != "’" or _closes_single(text, j)) and (char != close or _closes_straight(text, j)):
                    break
                if char == '"' and text[j] in "\n":
                    break
                j += 1
            spans.append(Span(i, min(j + 1, n)))
            i = j + 1
            continue
        i += 1
    return spans


def _opens_quote(text: str, i: int) -> bool:
    char = text[i]
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if char in "«‹":
        return True  # French typography puts a space inside guillemets
    if after.isspace():
        return False
    if char in "“„":
        return True
    if char == "‘":
        return not before.isalnum()
    if char == '"':
        return not before.isalnum() or before in "([{"
    return False


def _closes_single(text: str, j: int) -> bool:
    after = text[j + 1] if j + 1 < len(text) else " "
    return not after.isalnum()


def _closes_straight(text: str, j: int) -> bool:
    after = text[j + 1] if j + 1 < len(text) else " "
    return not after.isalnum()


SENTENCE_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s+(?:«\s?|[\"“‘(\[])?[^\W\d_a-z]|\s*$)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries as (start, end) offsets; never splits inside a quotation that
    is followed by its attribution (`"A. B," he said.` is one sentence)."""
    protected = [(s.start, s.end) for s in quote_spans(text)]
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        end = match.end()
        if any(a < match.start() < b - 1 and end < b for a, b in protected):
            continue
        token = re.search(r"(\S+)$", text[start : match.start() + 1])
        last = token.group(1).rstrip(".").lower().lstrip("(\"“‘") if token else ""
        if last in ABBREVIATIONS or re.fullmatch(r"[a-z]", last) or re.fullmatch(r"(?:[a-z]\.)+[a-z]?", last):
            continue
        bounds.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text) and text[start:].strip():
        bounds.append((start, len(text)))
    return bounds
