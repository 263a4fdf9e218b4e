"""Stage 2, clean: RawDocument -> CleanDocument, every line labelled.

A line is page chrome, metadata (byline, date line, source line), a photo caption, the
title, or article text. The decision uses general features only: the line's length and
punctuation, link markup, its script, its position (above the headline, after the last
paragraph), general chrome phrases (data/chrome.yml), the outlet registry, and lines that
repeat across many seeds of the corpus (templates).
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from functools import cache
from collections.abc import Iterable

from generator import resources, settings
from generator.extract.dates import FULL_DATE, find_dates
from generator.extract.text import (
    EMAIL,
    TERMINAL,
    URL,
    DOMAIN,
    dominant_script,
    is_sentence_like,
    script_share,
    strip_links,
    words,
)
from generator.model import CleanDocument, Line, LineKind, RawDocument

BYLINE = re.compile(r"^(?:by|written by|words by|reporting by|report by|authors?:|articles by:)\s+(?P<who>.{2,120})$", re.I)
SOURCE_LINE = re.compile(
    r"^(?:sources?\s*:|via\s*:|the original source of this article is|originally (?:published|appeared) (?:at|on|in|by)"
    r"|this (?:article|story|piece) (?:was )?(?:originally |first )?(?:published|appeared) (?:at|on|in|by)"
    r"|republished (?:from|with permission from|courtesy of)|first published (?:at|on|in|by)|courtesy of)\s*:?\s*(?P<src>.+)$",
    re.I,
)
HEADLINE_ENDING = re.compile(r"[?!][\"”’']?\s*$")
LEGAL_LABEL = re.compile(r"^(?:disclaimer|notice|legal notice|terms|copyright)\b", re.I)
SITE_VOICE = re.compile(r"\b(?:[Oo]ur|us|[Yy]ou|[Yy]our|this (?:site|website|page))\b")  # "US" is a country
CALL_TO_ACTION = re.compile(
    r"(?:^|[-–—|:]\s+)(?:make|join|sign|subscribe|follow|download|support|donate|click|tap|read|watch|listen|share|"
    r"get|become|register|log|like|discover|explore|visit|see|comment|contact)\b",
    re.I,
)
BYLINE_ROLE = re.compile(
    r"^(?:[A-Z][\w.'’-]+\s+){0,3}[A-Z][\w.'’-]+,?\s+(?:[A-Za-z&]+\s+){0,3}"
    r"(?:correspondent|reporter|editor|writer|journalist|columnist|contributor|desk|bureau)s?$",
    re.I,
)
COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s)", re.I)
PHOTO_CREDIT_LEAD = re.compile(r"^(?:©|\(c\)|photo:|image:|picture:)\s*[^/\n]{1,40}/\s*", re.I)
CAPTION_PREFIX = re.compile(r"^(?:image caption|photo caption|caption|pictured|file photo|photo|picture|image|above|top|below)\s*[:—–-]\s*", re.I)
CREDIT_LABEL_END = re.compile(r"\s(?:Photograph|Photo|Picture|Image|Illustration|Video)\s*:\s*[^.]{2,80}$")
CAPTION_CREDIT_END = re.compile(
    r"\((?:[^()]{0,40}\b(?:photos?|images?|pictures?|file|getty|pool|reuters/|ap photo|afp/)\b[^()]{0,40})\)\.?$", re.I
)
MEDIA_CHROME = re.compile(r"^(?:image (?:copyright|source)|media caption|getty images|ap photo|afp photo|reuters photo)\b", re.I)
BREADCRUMB_SEP = re.compile(r"\s+(?:/|›|»|>|\||::)\s+")
NUMBERISH = re.compile(r"^[\d\s.,:%/+()-]*$")
ENDS_WITH_FULL_DATE = re.compile(FULL_DATE.pattern + r"\.?\s*$", re.I)


def corpus_repeats(texts: Iterable[str], min_docs: int = settings.REPEATED_LINE_MIN_DOCS) -> frozenset[str]:
    """Lines that occur in at least `min_docs` seeds: candidates for template text."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({_line_key(line) for line in text.split("\n") if line.strip()})
    return frozenset(key for key, n in counts.items() if n >= min_docs and key)


class RepeatCounter:
    """corpus_repeats one text at a time, for a build that does not keep the texts: `add`
    returns a token of the text's lines (their hashes, a few hundred bytes) from which
    `lines_in` later gives what repeated_lines_in gives for the text itself.

    Lines are counted by their 64-bit hash, and a line's text is kept only once it has
    repeated: most lines of a real corpus occur once, and keeping them all would keep the
    corpus's text. Two different lines whose hashes collided (odds about n²/2⁶⁵ for n
    distinct lines: 6e-8 for a million) would count as one, so a line seen once could
    be taken for a repeated one."""

    def __init__(self, min_docs: int = settings.REPEATED_LINE_MIN_DOCS) -> None:
        self.min_docs = min_docs
        self._counts: dict[int, int] = {}
        self._texts: dict[int, str] = {}  # hash -> line, for lines seen in min_docs texts

    def add(self, text: str) -> array:
        counts, hashes = self._counts, []
        for key in {_line_key(line) for line in text.split("\n") if line.strip()}:
            h = hash(key)
            hashes.append(h)
            counts[h] = n = counts.get(h, 0) + 1
            if n == self.min_docs and key:
                self._texts[h] = key
        return array("q", sorted(hashes))

    def repeats(self) -> frozenset[str]:
        return frozenset(self._texts.values())

    def lines_in(self, token: array) -> list[str]:
        return sorted({self._texts[h] for h in token if h in self._texts})


def repeated_lines_in(text: str, repeated: frozenset[str]) -> list[str]:
    """The corpus-repeated lines that occur in one text (what its cleaning depends on)."""
    return sorted({key for line in text.split("\n") if (key := _line_key(line)) in repeated})


def _line_key(line: str) -> str:
    return " ".join(strip_links(line)[0].split()).casefold()


def clean(raw: RawDocument, repeated: frozenset[str] = frozenset()) -> CleanDocument:
    texts = _logical_lines(raw.text)
    script = dominant_script(raw.text)
    features = [_features(t, script, repeated) for t in texts]
    n = len(features)

    first_prose = next((i for i, f in enumerate(features) if f["prose"]), n)
    # A short question or exclamation that opens the text, with nothing above it but page
    # chrome, is a headline, not the article's first sentence ("Could Yukos be a blessing
    # in disguise?" on the first line, or below "Accept all cookies").
    lead = features[first_prose] if first_prose < n - 1 else None
    if lead and HEADLINE_ENDING.search(lead["text"]) and lead["words"] <= 20 and _choose_title(features, first_prose, raw) is None:
        lead["prose"] = False
        first_prose = next((i for i, f in enumerate(features) if f["prose"]), n)
    tail_start = n
    for i in range(n - 1, first_prose, -1):
        f = features[i]
        if f["prose"] and not f["legal"] and not f["meta"] and not (f["words"] <= 10 and _names_outlet(f["text"])):
            break
        tail_start = i

    title_index = _choose_title(features, first_prose, raw)
    lines: list[Line] = []
    for i, f in enumerate(features):
        kind, reason = _decide(i, f, first_prose, tail_start, title_index)
        lines.append(Line(text=f["text"], raw=f["raw"], kind=kind, reason=reason))
    lines = _dedupe_captions(lines)
    if title_index is None and raw.html_title:
        lines.insert(0, Line(text=raw.html_title, raw=raw.html_title, kind=LineKind.TITLE, reason="HTML <title>"))
    return CleanDocument(raw=raw, lines=tuple(lines))


def _logical_lines(text: str) -> list[str]:
    """One entry per paragraph-level line; hard-wrapped prose lines are joined."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        current = ""
        for line in block.split("\n"):
            line = " ".join(line.split())
            if not line:
                continue
            if current and _continues(current, line):
                current = f"{current} {line}"
            else:
                if current:
                    out.append(current)
                current = line
        if current:
            out.append(current)
    return out


def _continues(previous: str, line: str) -> bool:
    """A hard-wrapped line: the previous one stops mid-sentence and this one goes on."""
    if len(previous) < 40 or TERMINAL.search(previous) or previous.endswith(":"):
        return False
    return line[:1].islower() or previous.endswith((",", ";", "-", "–"))


def _features(raw_line: str, script: str, repeated: frozenset[str]) -> dict:
    text, in_links = strip_links(raw_line)
    text = " ".join(text.split())
    n_words = len(words(text))
    phrases, legal = resources.chrome_patterns()
    stripped_of_addresses = DOMAIN.sub("", EMAIL.sub("", URL.sub("", text))).strip(" :|-–—,.")
    f = {
        "raw": raw_line,
        "text": text,
        "words": n_words,
        "sentence": is_sentence_like(text, settings.PROSE_MIN_WORDS),
        "link_share": in_links / max(len(text), 1),
        "legal": bool(legal.search(text)) and (_site_voice(text) or bool(LEGAL_LABEL.match(text))),
        "phrase": n_words <= settings.CHROME_PHRASE_MAX_WORDS and bool(phrases.search(text)),
        "address": bool(URL.search(text) or EMAIL.search(text) or DOMAIN.fullmatch(text.strip()))
        and len(words(stripped_of_addresses)) <= 6,
        "other_script": script_share(text, script) < 1 - settings.OTHER_SCRIPT_SHARE,
        "numberish": bool(NUMBERISH.match(text)),
        "breadcrumb": len(BREADCRUMB_SEP.findall(text)) >= 1
        and all(len(words(part)) <= 3 for part in BREADCRUMB_SEP.split(text))
        and not TERMINAL.search(text),
        "short": n_words <= settings.SHORT_LINE_WORDS and not TERMINAL.search(text),
        "repeated": _line_key(raw_line) in repeated,
        "outlet_label": _is_outlet_label(text),
    }
    f["meta"] = _meta_kind(text, n_words)
    f["caption"] = _is_caption(text, n_words) and not f["meta"]
    # A chrome phrase in a full sentence may be news ("advertising revenue fell"): in the
    # article's text it condemns only UI text, in the site's voice or a call to action.
    f["ui_phrase"] = f["phrase"] and (not f["sentence"] or _site_voice(text))
    f["chrome_above_title"] = _is_chrome(f)
    f["chrome"] = _is_chrome({**f, "phrase": f["ui_phrase"]})
    f["chrome_unless_repeated"] = _is_chrome(f, count_repeats=False)
    f["prose"] = f["sentence"] and not f["chrome"] and not f["meta"] and not f["caption"] and not f["legal"]
    return f


def _meta_kind(text: str, n_words: int) -> str | None:
    if BYLINE.match(text) and n_words <= 12:
        return "byline"
    if n_words <= 8 and BYLINE_ROLE.match(text) and not TERMINAL.search(text):
        return "byline"
    if SOURCE_LINE.match(text) and n_words <= 20:
        return "source"
    if COPYRIGHT.match(text) and n_words <= 15 and not PHOTO_CREDIT_LEAD.match(text):
        return "copyright"
    if n_words <= 12 and find_dates(text) and not TERMINAL.search(text.rstrip(".")) and not re.search(r"[“”\"]", text):
        return "date"
    return None


def _is_caption(text: str, n_words: int) -> bool:
    if PHOTO_CREDIT_LEAD.match(text) and n_words >= 6:
        return True
    if CAPTION_PREFIX.match(text) and n_words >= 4:
        return True
    if n_words >= 5 and (CAPTION_CREDIT_END.search(text) or CREDIT_LABEL_END.search(text)):
        return True
    core = caption_text(text) if n_words >= 8 else text
    if n_words >= 8 and ENDS_WITH_FULL_DATE.search(core) and not re.search(r"[“”\"«»]", core):
        return _single_sentence_without_speech(core)
    return False


def _single_sentence_without_speech(text: str) -> bool:
    body = text.rstrip(". ")
    if re.search(r"[.!?]\s+[A-Z]", re.sub(r"\b[A-Z][a-z]{0,3}\.", "", body)):
        return False
    verbs = resources.speech_verb_forms()
    return not any(w.lower() in verbs for w in words(text))


@cache
def _outlet_name_pattern() -> re.Pattern:
    aliases = sorted({a.casefold() for o in resources.outlets() for a in (o.name, *o.aliases) if len(a) > 4}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in aliases) + r")(?![\w-])")


@cache
def _outlet_labels() -> frozenset[str]:
    return frozenset(a.casefold() for o in resources.outlets() for a in (o.name, *o.aliases))


def _names_outlet(text: str) -> bool:
    """A short line naming an outlet after the article (its standards, its apps)."""
    return _outlet_name_pattern().search(text.casefold()) is not None


def _is_outlet_label(text: str) -> bool:
    """A line that is nothing but an outlet's name (a source label or site name)."""
    return text.strip(" .:|-–—").casefold() in _outlet_labels()


def _is_chrome(f: dict, count_repeats: bool = True) -> bool:
    if f["meta"] or f["caption"]:
        return False
    if count_repeats and f["repeated"] and f["words"] <= settings.REPEATED_LINE_MAX_WORDS and not f["sentence"]:
        return True
    return bool(
        f["phrase"]
        or f["address"]
        or f["other_script"]
        or f["numberish"]
        or f["breadcrumb"]
        or MEDIA_CHROME.match(f["text"])
        or (f["link_share"] >= settings.LINK_SHARE_CHROME and not f["sentence"])
    )


def _choose_title(features: list[dict], first_prose: int, raw: RawDocument) -> int | None:
    head = range(first_prose)
    # A headline may repeat across seeds (the same story from two outlets), so repeated
    # lines stay candidates, but only when no unrepeated line qualifies.
    candidates = [
        i
        for i in head
        if not features[i]["chrome_unless_repeated"]
        and not features[i]["meta"]
        and not features[i]["caption"]
        and not features[i]["outlet_label"]
        and settings.TITLE_MIN_WORDS <= features[i]["words"] <= settings.TITLE_MAX_WORDS
    ]
    if not candidates:
        return None
    candidates = [i for i in candidates if not features[i]["repeated"]] or candidates
    candidates = [i for i in candidates if not _site_header(features[i]["text"])] or candidates
    candidates = [i for i in candidates if features[i]["words"] >= 4] or candidates
    headlines = [i for i in candidates if not _section_label(features[i]["text"])] or candidates
    anchors = [i for i in head if features[i]["meta"] in ("byline", "date")]
    if anchors:
        before = [i for i in headlines if i < anchors[0]]
        if before:
            return before[0]
    return headlines[0]


def _site_header(text: str) -> bool:
    """ "The Guardian - Back to home", "BBC News | Home": a site's name and a link."""
    parts = re.split(r"\s+[-–—|:]\s+", text, maxsplit=1)
    return len(parts) == 2 and _is_outlet_label(parts[0])


def _section_label(text: str) -> bool:
    """A section or category label above a headline: a few capitalized words, no verb
    phrase, often with an acronym ("Weapons of Mass Destruction (WMD)", "World News")."""
    tokens = words(text)
    small = {"of", "and", "the", "in", "on", "for", "&", "to", "a"}
    return len(tokens) <= 6 and not TERMINAL.search(text) and all(t[:1].isupper() or t.lower() in small for t in tokens)


def _site_voice(text: str) -> bool:
    """UI text speaks to the reader or for the site: "Sign up to our newsletter",
    "Make a donation!", "Follow us". News sentences do so only inside quotations."""
    outside_quotes = re.sub(r"[\"“«][^\"”»]*[\"”»]", " ", text)
    return bool(SITE_VOICE.search(outside_quotes) or CALL_TO_ACTION.search(text))


def _decide(i: int, f: dict, first_prose: int, tail_start: int, title_index: int | None) -> tuple[LineKind, str]:
    if i == title_index:
        return LineKind.TITLE, "headline"
    if title_index is not None and i < title_index and f["chrome_above_title"] and not f["meta"]:
        return LineKind.CHROME, _chrome_reason(f)
    if f["meta"]:
        return LineKind.META, f["meta"]
    if f["outlet_label"] and (i < first_prose or i >= tail_start):
        return LineKind.META, "outlet label"
    if f["caption"]:
        return LineKind.CAPTION, "caption"
    if f["chrome"]:
        return LineKind.CHROME, _chrome_reason(f)
    if i >= tail_start:
        return LineKind.CHROME, "after the article"
    if title_index is not None and i < title_index:
        return LineKind.CHROME, "above the headline"
    if f["short"] and i < first_prose:
        return LineKind.CHROME, "short label"
    if f["repeated"] and not f["sentence"]:
        return LineKind.CHROME, "repeated template line"
    return LineKind.TEXT, ""


def _chrome_reason(f: dict) -> str:
    for key, reason in (
        ("phrase", "chrome phrase"),
        ("address", "web address"),
        ("other_script", "text in another script"),
        ("numberish", "number"),
        ("breadcrumb", "breadcrumb"),
        ("repeated", "repeated template line"),
    ):
        if f[key]:
            return reason
    return "links"


def _dedupe_captions(lines: list[Line]) -> list[Line]:
    """Pages often print a caption twice (image alt text and visible caption)."""
    captions = [i for i, ln in enumerate(lines) if ln.kind is LineKind.CAPTION]
    cores = {i: caption_text(lines[i].text) for i in captions}
    out = list(lines)
    for i in captions:
        for j in captions:
            if i != j and out[j].kind is LineKind.CAPTION and cores[i] in lines[j].text and (len(cores[i]) < len(cores[j]) or (len(cores[i]) == len(cores[j]) and i < j)):
                out[j] = Line(text=lines[j].text, raw=lines[j].raw, kind=LineKind.CHROME, reason="duplicate caption")
    return out


def caption_text(text: str) -> str:
    """A caption without its photo credit or outlet suffix."""
    text = PHOTO_CREDIT_LEAD.sub("", text)
    text = CAPTION_PREFIX.sub("", text)
    text = CAPTION_CREDIT_END.sub("", text).rstrip()
    text = CREDIT_LABEL_END.sub("", text).rstrip()
    return _outlet_suffix_pattern().sub("", text).rstrip()


@cache
def _outlet_suffix_pattern() -> re.Pattern:
    """ " - Sputnik International" at the end of a caption: the outlet's credit."""
    aliases = sorted({a for o in resources.outlets() for a in (o.name, *o.aliases)}, key=len, reverse=True)
    return re.compile(r"\s[-–—|]\s(?:" + "|".join(re.escape(a) for a in aliases) + r")$")
