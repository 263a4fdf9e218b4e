"""Who said what: direct quotations and reported speech attributed to people through
the cue patterns news writing uses:

    "…," X said.   "…," said X.   X said: "…"   X said (that) …   …, X said.
    X told reporters …   according to X, …   X, the foreign minister, said …
    he/she said (the last speaker of that gender)   the spokesman added (a role anaphor)
    …, adding/saying/noting that … (the subject of the main clause)

Only people are speakers: a subject that is an organization, a country or an outlet
("the ministry said", "Russia says") yields no quote. A quotation with no cue in its
sentence continues the previous speaker's quotation in the same paragraph, or in the
paragraph before when that one left its quotation open.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache

from generator import resources
from generator.extract.people import (
    PersonMention,
    PersonRegister,
    function_words,
    person_mentions,
    role_nouns,
)
from generator.extract.text import Span, alternation, quote_spans, split_sentences, words
from generator.model import Quote, Speaker

ADVERBS = {
    "also", "further", "later", "then", "has", "have", "had", "was", "is", "were", "once", "again",
    "reportedly", "recently", "earlier", "previously", "repeatedly", "flatly", "firmly", "publicly",
    "privately", "separately", "quickly", "simply", "just", "would", "will", "could", "may", "might",
    "been", "not", "reiterated", "similarly", "subsequently", "additionally", "however", "explicitly",
    "told", "and",
}
TIME_WORDS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|earlier|later|last week|this week|on \w+day|in a statement|in an interview|in a post|on Twitter|on X|on Telegram)"
LEADING_TIME = re.compile(rf"^\s*(?:,\s*)?(?:(?:on\s+)?{TIME_WORDS}\s*,?\s*)+", re.I)
TRAILING_TIME = re.compile(rf"(?:\s+(?:on\s+)?{TIME_WORDS})+\s*$", re.I)
LISTENER = re.compile(
    r"^\s*(?:reporters|journalists|the press|the media|lawmakers|parliament|delegates|supporters|students|"
    r"(?:the|a|an)\s+(?:[a-z-]+\s+){0,2}(?:newspaper|paper|broadcaster|agency|channel|station|audience|crowd|"
    r"committee|court|magazine|website|programme|program|show|conference|briefing|summit|meeting|parliament|assembly|house|inquiry|hearing)|"
    r"(?:(?:the|a|an)\s+)?(?:[a-z]+\s+)?(?:[A-Z][\w.&'’-]*\s?){1,5})(?=[\s,.:;]|$)"
)
PRONOUN_SUBJECT = re.compile(r"(?:^|\s)(?P<pronoun>he|she|He|She)\s*$")
ROLE_ANAPHOR = re.compile(r"(?:^|\s)(?P<det>[Tt]he|[Tt]his|[Tt]hat)\s+(?P<mods>(?:[\w’'-]+\s+){0,3}?)(?P<noun>[a-z]+)\s*$")
POSSESSIVE_ROLE = re.compile(r"[’']s\s+(?P<noun>[a-z]+)\s*$")
APPOSITIVE_TAIL = re.compile(r",\s*[^,]{2,120},\s*$")
ADJUNCT_START = {
    "in", "at", "on", "during", "amid", "as", "while", "after", "before", "following", "despite",
    "since", "when", "from", "to", "with", "without", "over", "under", "ahead", "through", "via",
    "by", "near", "outside", "inside", "at",
}
THAT = re.compile(r"^\s*(?:that|:|,)\s*", re.I)


PARTICIPLE_CONTEXT = re.compile(r"(?:,|\bwhile|\bbefore|\bafter|\bby|\bwhen|\bwithout)\s*$")
NOUN_CONTEXT = re.compile(r"(?:\b(?:the|a|an|his|her|their|its|our|your|my|these|those|such|of|no|any|recent|earlier|new)|[’']s?)\s+(?:[a-z-]+\s+)?$", re.I)


def _noun_able(verb: str) -> bool:
    """Forms that are also nouns ("the remarks", "his comments", "a warning")."""
    if verb in ("says", "said"):
        return False
    return verb.endswith("s") or verb.endswith("ing") or verb in {
        "report", "comment", "claim", "estimate", "quote", "promise", "answer", "reply", "note",
        "tweet", "remark", "statement", "vow", "denial", "admission", "request", "response", "warning",
    }


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    verb: str
    source_phrase: bool = False

    @property
    def participle(self) -> bool:
        return self.verb.endswith("ing") and not self.source_phrase


@cache
def _cue_pattern() -> re.Pattern:
    sources = alternation(resources.speech()["source_phrases"])
    verbs = alternation(resources.speech_verb_forms())
    return re.compile(rf"(?<![\w-])(?:(?P<source>{sources})|(?P<verb>{verbs}))(?![\w-])", re.I)


def find_cues(text: str, spans: list[Span]) -> list[Cue]:
    cues = []
    for m in _cue_pattern().finditer(text):
        if any(s.start < m.start() < s.end for s in spans):
            continue
        if m.group("verb") and m.group("verb")[0].isupper() and m.start() > 0:
            continue  # a capitalized "Report" or "Comment" mid-sentence is a noun in a name
        verb = (m.group("verb") or "").lower()
        if verb.endswith("ing") and not PARTICIPLE_CONTEXT.search(text[max(0, m.start() - 12) : m.start()]):
            continue  # "were continuing": a verb of the sentence, not ", adding that"
        if verb and _noun_able(verb) and NOUN_CONTEXT.search(text[max(0, m.start() - 40) : m.start()]):
            continue  # "the remarks", "official's comments": a noun, not a verb
        cues.append(Cue(m.start(), m.end(), m.group(0).lower(), bool(m.group("source"))))
    return cues


@dataclass
class _State:
    register: PersonRegister
    mentions_by_unit: list[list[PersonMention]]
    speakers: list[str] = field(default_factory=list)
    pending: list[tuple[int, str, int]] = field(default_factory=list)  # (quote index, role noun, unit)
    quotes: list[list] = field(default_factory=list)  # [speaker|None, text, kind, unit]
    seen: list[PersonMention] = field(default_factory=list)  # mentions of earlier units


def extract_quotes(paragraphs: list[str]) -> tuple[list[Speaker], list[Quote]]:
    units = _units(paragraphs)
    hint = _surname_hint(units)
    register = PersonRegister()
    mentions_by_unit = []
    for unit in units:
        mentions = person_mentions(unit, hint)
        for mention in mentions:
            register.add(mention)
        mentions_by_unit.append(mentions)
    state = _State(register, mentions_by_unit)
    for index, unit in enumerate(units):
        _attribute_unit(index, unit, state)
        state.seen.extend(mentions_by_unit[index])
    _resolve_pending(state)
    seen: set[tuple[str, str]] = set()
    quotes: list[Quote] = []
    order: list[str] = []
    for speaker, text, kind, _unit in state.quotes:
        text = _tidy(text, kind)
        if not speaker or len(words(text)) < 2 or (speaker, text) in seen:
            continue
        seen.add((speaker, text))
        quotes.append(Quote(speaker=speaker, text=text, kind=kind))
        if speaker not in order:
            order.append(speaker)
    speakers = [Speaker(name, _clean_role(register.roles.get(name))) for name in order]
    return speakers, quotes


def _units(paragraphs: list[str]) -> list[str]:
    """Paragraphs, with a quotation left open at a paragraph's end joined to the next
    paragraph that reopens it (news style for a quotation over several paragraphs)."""
    units: list[str] = []
    carry = ""
    for paragraph in paragraphs:
        if carry and paragraph[:1] in "\"“«‘„":
            paragraph = paragraph[1:].lstrip()  # the reopening mark of a continued quotation
        text = f"{carry} {paragraph}" if carry else paragraph
        spans = quote_spans(text)
        open_at_end = spans and spans[-1].end == len(text) and text[-1] not in "”»\"’›"
        if open_at_end and len(units) < 10_000:
            carry = text
            continue
        units.append(text)
        carry = ""
    if carry:
        units.append(carry)
    return units


def _surname_hint(units: list[str]) -> frozenset[str]:
    """Capitalized words used right before a speech verb: evidence that a name ending in
    that word is a person's."""
    hint = set()
    pattern = _cue_pattern()
    for unit in units:
        for m in pattern.finditer(unit):
            # The patterns below look at most ~200 characters back; a bounded window keeps
            # a huge one-paragraph page linear.
            before = unit[max(0, m.start() - LOOKBEHIND) : m.start()].rstrip()
            token = re.search(r"([A-Z][\w’'-]+)(?:,\s*[^,]{2,120},)?(?:\s+(?:also|further|later|then|has|had))?$", before)
            if token and token.group(1) not in function_words():
                hint.add(token.group(1))
            if re.search(r"[\"”»’],?\s*$", before):
                after = re.match(r"\s+(?:[A-Z][\w.’'-]*\s+){0,4}?([A-Z][\w’'-]+)(?=[\s,.;]|$)", unit[m.end() :])
                if after and after.group(1) not in function_words():
                    hint.add(after.group(1))  # '"…," said Kuria Kimani'

    return frozenset(hint)


LOOKBEHIND = 400


def _starting_in(items: list, starts: list[int], a: int, b: int) -> list:
    """The items whose start is in [a, b), by bisection (`starts` is in text order)."""
    return items[bisect_left(starts, a) : bisect_left(starts, b)]


def _attribute_unit(index: int, unit: str, state: _State) -> None:
    spans = quote_spans(unit)
    cues = find_cues(unit, spans)
    mentions = state.mentions_by_unit[index]
    last_direct_speaker: str | None = None
    cues = sorted(cues, key=lambda c: c.start)
    spans = sorted(spans, key=lambda s: s.start)
    cue_starts = [c.start for c in cues]
    span_starts = [s.start for s in spans]
    for a, b in split_sentences(unit):
        sentence_cues = _starting_in(cues, cue_starts, a, b)
        sentence_spans = _starting_in(spans, span_starts, a, b)
        attributed = False
        sentence_speaker = None
        subject_unknown = False
        for n, cue in enumerate(sentence_cues):
            if cue.participle and subject_unknown:
                continue
            speaker, pending_noun, subject_span = _subject(unit, a, b, cue, spans, mentions, state, sentence_speaker)
            if speaker is None and pending_noun is None:
                subject_unknown = True
                continue
            following = [c.start for c in sentence_cues[n + 1 :] if c.participle or c.source_phrase]
            content, kind = _content(unit, a, following[0] if following else b, cue, subject_span, spans)
            if not content:
                if speaker:
                    sentence_speaker = speaker
                continue
            state.quotes.append([speaker, content, kind, index])
            if pending_noun:
                state.pending.append((len(state.quotes) - 1, pending_noun, index))
            if speaker:
                _note_speaker(state, speaker)
                sentence_speaker = speaker
                if kind == "direct":
                    last_direct_speaker = speaker
            attributed = True
        if not attributed and sentence_spans:
            colon = _colon_quote(unit, a, b, sentence_spans, mentions, state)
            if colon:
                state.quotes.append([colon[0], colon[1], "direct", index])
                _note_speaker(state, colon[0])
                last_direct_speaker = colon[0]
                continue
        if not attributed and sentence_spans and last_direct_speaker and _only_quotes(unit, a, b, sentence_spans):
            for span in sentence_spans:
                state.quotes.append([last_direct_speaker, span.inner(unit), "direct", index])


def _colon_quote(unit, a, b, spans, mentions, state):
    """ "X of the University put it bluntly when I spoke to him: "…"": a sentence whose
    subject is a person and which ends in a quotation introduced by a colon."""
    last = spans[-1]
    if last.end < b - 2 or not re.search(r":\s*$", unit[a : last.start]):
        return None
    subject = _main_subject(unit, a, last.start, mentions, state)
    return (subject, last.inner(unit)) if subject else None


def _only_quotes(unit: str, a: int, b: int, spans: list[Span]) -> bool:
    rest = unit[a:b]
    for span in sorted(spans, key=lambda s: -s.start):
        rest = rest[: span.start - a] + rest[span.end - a :]
    return len(words(rest)) <= 1


def _note_speaker(state: _State, speaker: str) -> None:
    if speaker in state.speakers:
        state.speakers.remove(speaker)
    state.speakers.append(speaker)


def _subject(unit, a, b, cue, spans, mentions, state, sentence_speaker):
    """(speaker, pending role noun, (start, end) of the subject phrase in the unit)."""
    if cue.source_phrase:
        return _according_to(unit, a, b, cue, mentions, state)
    left_start = a
    for span in spans:
        if span.end <= cue.start and span.end > left_start:
            left_start = span.end
    left = unit[left_start : cue.start]
    stripped = _strip_adverbs(left)
    subject_end = left_start + len(stripped)

    if cue.participle or (stripped.rstrip().endswith(",") and cue.verb.endswith("ing")):
        speaker = sentence_speaker or _main_subject(unit, a, cue.start, mentions, state)
        return speaker, None, (cue.start, cue.start)

    if not stripped.strip() or stripped.rstrip().endswith((",", ":")) and not _ends_with_name(stripped, mentions, left_start, unit, state.register):
        return _inverted(unit, cue, b, mentions, state)

    pronoun = PRONOUN_SUBJECT.search(stripped)
    if pronoun:
        speaker = _resolve_pronoun(pronoun.group("pronoun").lower(), state, mentions, cue.start)
        return speaker, None, (left_start + pronoun.start("pronoun"), subject_end)

    mention = None
    appositive = APPOSITIVE_TAIL.search(stripped)
    if appositive:
        mention = _mention_ending_at(mentions, left_start + appositive.start(), unit)
    if mention is None:
        mention = _mention_ending_at(mentions, subject_end, unit)
    if mention is not None:
        name = state.register.add(mention)
        return name, None, (_role_start(unit, left_start, mention.start), subject_end)
    if appositive:
        head = re.search(r"([A-Z][\w’'-]+)\s*$", stripped[: appositive.start()])
        if head and state.register.canonical(head.group(1)):
            return state.register.canonical(head.group(1)), None, (left_start + head.start(1), subject_end)

    possessive = POSSESSIVE_ROLE.search(stripped)
    if possessive and possessive.group("noun") in role_nouns():
        noun = possessive.group("noun")
        start = _phrase_start(unit, left_start, subject_end)
        return None, noun, (start, subject_end)

    anaphor = ROLE_ANAPHOR.search(stripped)
    if anaphor and anaphor.group("noun") in role_nouns() and not re.search(r"[A-Z]", anaphor.group("mods") or ""):
        noun = anaphor.group("noun")
        speaker = _resolve_role(noun, state, mentions, cue.start)
        start = left_start + anaphor.start("det")
        return speaker, (None if speaker else noun), (start, subject_end)

    surname = re.search(r"([A-Z][\w’'-]+)\s*$", stripped)
    if surname:
        name = state.register.canonical(surname.group(1))
        if name:
            return name, None, (left_start + surname.start(1), subject_end)
    return None, None, None


def _role_start(unit: str, floor: int, start: int) -> int:
    """Where the titles and role words before a name begin ("Defense Ministry spokesman",
    "army chief", "council leader")."""
    position = start
    modifiers = 0
    previous_is_role = False
    for m in reversed(list(re.finditer(r"\S+", unit[floor:start]))):
        token = m.group(0)
        if token.endswith((",", ";", ":", "”", '"', "»")):
            break
        if token[:1].isupper() or token in role_nouns() or token in ("of", "for"):
            previous_is_role = token in role_nouns()
        elif previous_is_role and modifiers < 2 and token.isalpha() and token not in function_words() and token.lower() not in ADVERBS:
            modifiers += 1
            previous_is_role = False
        else:
            break
        position = floor + m.start()
    return position


def _ends_with_name(stripped: str, mentions, left_start: int, unit: str, register: PersonRegister) -> bool:
    """ "X, the foreign minister," or "The envoy, X," before the verb: the subject is X."""
    appositive = APPOSITIVE_TAIL.search(stripped)
    if appositive is not None and _mention_ending_at(mentions, left_start + appositive.start(), unit) is not None:
        return True
    if appositive is not None:
        head = re.search(r"([A-Z][\w’'-]+)\s*$", stripped[: appositive.start()])
        if head and register.canonical(head.group(1)):
            return True
    return _mention_ending_at(mentions, left_start + len(stripped.rstrip().rstrip(",")), unit) is not None


def _strip_adverbs(left: str) -> str:
    text = TRAILING_TIME.sub("", left.rstrip())
    while True:
        m = re.search(r"(\s+|^)([\w’'-]+)\s*$", text)
        if not m or m.group(2).lower() not in ADVERBS or m.group(2) != m.group(2).lower():
            return text
        text = text[: m.start()]


OF_AFFILIATION = re.compile(r"^\s+(?:of|from|at|with)\s+[^,;:\"“”()]{1,70}?[\s,]*$")


def _mention_ending_at(mentions: list[PersonMention], end: int, unit: str) -> PersonMention | None:
    """The person whose name ends at `end`, or is followed only by an affiliation
    ("Stacy Rasgon of Bernstein")."""
    for mention in mentions:
        if mention.possessive or mention.end > end:
            continue
        between = unit[mention.end : end]
        if not between.strip(" ,’'") or OF_AFFILIATION.match(between):
            return mention
    return None


def _phrase_start(unit: str, left_start: int, end: int) -> int:
    segment = unit[left_start:end]
    comma = segment.rfind(",")
    return left_start + comma + 1 if comma >= 0 else left_start


def _main_subject(unit, a, cue_start, mentions, state) -> str | None:
    for mention in mentions:
        if a <= mention.start < cue_start and not mention.possessive and not _inside_appositive(unit, a, mention):
            lead = [w for w in words(unit[a : mention.start]) if not (w[:1].isupper() or w in role_nouns() or w in ("of", "for"))]
            if lead:
                return None
            return state.register.add(mention)
    m = PRONOUN_SUBJECT.search(" " + unit[a : a + 4].strip().split(" ")[0])
    if m:
        return _resolve_pronoun(m.group("pronoun").lower(), state, mentions, cue_start)
    return None


def _inside_appositive(unit: str, a: int, mention: PersonMention) -> bool:
    before = unit[a : mention.start]
    return before.count(",") % 2 == 1 and bool(re.search(r",\s*(?:a|an|the)\b[^,]*$", before))


def _inverted(unit, cue, b, mentions, state):
    """`"…," said X` and `said X, the minister`: the subject follows the verb."""
    right_start = cue.end
    window = unit[right_start:b]
    pronoun = re.match(r"\s+(he|she)\b", window)
    if pronoun:
        speaker = _resolve_pronoun(pronoun.group(1), state, mentions, cue.start)
        return speaker, None, (right_start, right_start + pronoun.end())
    for mention in mentions:
        if right_start <= mention.start <= right_start + 80 and not mention.possessive:
            between = unit[right_start : mention.start]
            if "," in between or "." in between or '"' in between or "“" in between:
                continue
            between_words = words(between)
            if len(between_words) <= 6 and (not between_words or between_words[-1][:1].isupper() or between_words[-1] in role_nouns()):
                return state.register.add(mention), None, (right_start, mention.end)
    anaphor = re.match(r"\s+(?:the|a)\s+(?:[\w’'-]+\s+){0,3}?(?P<noun>[a-z]+)\b", window)
    if anaphor and anaphor.group("noun") in role_nouns():
        noun = anaphor.group("noun")
        speaker = _resolve_role(noun, state, mentions, cue.start)
        return speaker, (None if speaker else noun), (right_start, right_start + anaphor.end())
    surname = re.match(r"\s+([A-Z][\w’'-]+)\b", window)
    if surname:
        name = state.register.canonical(surname.group(1))
        if name:
            return name, None, (right_start, right_start + surname.end())
    return None, None, None


def _according_to(unit, a, b, cue, mentions, state):
    phrase_end = unit.find(",", cue.end, b)
    phrase_end = b if phrase_end < 0 else phrase_end
    appositive = re.match(r",\s*(?:the|a|an)\s+[^,]{2,80},", unit[phrase_end:b])
    if appositive:
        phrase_end += appositive.end() - 1
    for mention in mentions:
        if cue.end <= mention.start < phrase_end and not mention.possessive:
            return state.register.add(mention), None, (cue.start, phrase_end)
    np = unit[cue.end : phrase_end]
    anaphor = re.match(r"\s*(?:the|a|an)\s+(?:[\w’'-]+\s+){0,3}?(?P<noun>[a-z]+)\s*$", np)
    if anaphor and anaphor.group("noun") in role_nouns():
        noun = anaphor.group("noun")
        speaker = _resolve_role(noun, state, mentions, cue.start)
        return speaker, (None if speaker else noun), (cue.start, phrase_end)
    surname = re.match(r"\s*([A-Z][\w’'-]+)\s*$", np)
    if surname and state.register.canonical(surname.group(1)):
        return state.register.canonical(surname.group(1)), None, (cue.start, phrase_end)
    return None, None, None


def _resolve_pronoun(pronoun: str, state: _State, mentions, position: int) -> str | None:
    wanted = "female" if pronoun == "she" else "male"
    for speaker in reversed(state.speakers):
        if state.register.gender(speaker) in (wanted, None):
            return speaker
    earlier = [m for m in state.seen + mentions if (m in state.seen or m.end <= position) and not m.possessive and m.gender in (wanted, None)]
    if earlier:
        return state.register.add(earlier[-1])
    return None


def _resolve_role(noun: str, state: _State, mentions, position: int) -> str | None:
    for speaker in reversed(state.speakers):
        role = state.register.roles.get(speaker) or ""
        if noun in role.lower().split():
            return speaker
    if state.speakers:
        return state.speakers[-1]
    earlier = [m for m in mentions if m.end <= position and m.role and noun in m.role.lower().split()]
    if earlier:
        return state.register.add(earlier[-1])
    return None


def _resolve_pending(state: _State) -> None:
    """A role anaphor before anyone was named ("According to the ministry spokesman, …"
    in a standfirst) refers forward: to the first person later given that role, or else
    the first person quoted after it."""
    for quote_index, noun, unit in state.pending:
        if state.quotes[quote_index][0]:
            continue
        candidate = None
        for later in state.mentions_by_unit[unit:]:
            for mention in later:
                if mention.role and noun in mention.role.lower().split():
                    candidate = state.register.canonical(mention.name) or mention.name
                    break
            if candidate:
                break
        if candidate is None:
            later_speakers = [q[0] for q in state.quotes[quote_index + 1 :] if q[0]]
            candidate = later_speakers[0] if later_speakers else None
        state.quotes[quote_index][0] = candidate


def _content(unit, a, b, cue, subject_span, spans) -> tuple[str, str]:
    """The words attributed by a cue, and whether they are a direct quotation."""
    s_start, s_end = subject_span if subject_span else (cue.start, cue.end)
    subject_first = s_start < cue.start or cue.participle
    after_start = max(cue.end, s_end) if not subject_first else cue.end
    after = unit[after_start:b]
    if cue.verb.startswith("tell") or cue.verb == "told":
        that = re.match(r"^\s*[^,.;:\"“”]{1,60}?\s+that\s+", after)
        listener = that or LISTENER.match(after)
        if listener:
            after = after[listener.end():]
    before_end = min(s_start, cue.start)
    before = unit[a:before_end].rstrip()
    if cue.source_phrase:
        rest = unit[s_end:b]
        if len(words(rest)) >= 3 and rest.lstrip().startswith(","):
            return THAT.sub("", rest.lstrip()[1:]).strip(), "indirect"
        return before.rstrip(",").strip(), "indirect"
    after = LEADING_TIME.sub("", after) if subject_first else ""

    for span in spans:
        # "…," X said.   — a quotation that opens the sentence and ends at the subject
        if span.start <= a + 1 and span.end <= before_end and not unit[span.end : before_end].strip(" ,"):
            return span.inner(unit), "direct"
        # X said: "…"   — a quotation right after the cue that runs to the sentence end
        if span.start >= after_start and not unit[after_start : span.start].strip(" ,:") and span.end >= b - 2:
            return span.inner(unit), "direct"

    if before.endswith(",") and after.lstrip().startswith(",") and len(words(before)) >= 1:
        return (before.rstrip(",") + " " + after.lstrip()[1:].strip()).strip(), "indirect"
    after_text = THAT.sub("", after).strip()
    introduced = bool(re.match(r"\s*that\b", after, re.I))
    first = after_text.split(" ", 1)[0].lower() if after_text else ""
    if first in ADJUNCT_START and not introduced:
        if len(words(before)) >= 3 and not cue.participle:
            return before.rstrip(",").strip(), "indirect"
        that = re.search(r"\bthat\s+", after_text)
        after_text = after_text[that.end() :] if that else ""
    if len(words(after_text)) >= 3:
        return _until_next_clause(after_text), "indirect"
    if len(words(before)) >= 3 and not cue.participle:
        return before.rstrip(",").strip(), "indirect"
    return "", ""


def _until_next_clause(text: str) -> str:
    """Drop a trailing attribution of someone else ("…, the agency reported")."""
    m = re.search(r",\s+(?:the\s+)?[\w’' -]{2,40}\s+(?:reported|said|says|added|told)\b[^,]*$", text)
    return text[: m.start()] if m else text


def _tidy(text: str, kind: str) -> str:
    text = " ".join(text.split())
    text = text.strip(" ,;:")
    if kind == "indirect":
        text = text.rstrip(".")
        text = re.sub(r"^(?:that)\s+", "", text)
    elif text.endswith(","):
        text = text[:-1]
    return text.strip()


def _clean_role(role: str | None) -> str | None:
    if not role:
        return None
    role = re.sub(r"^(?:the|a|an)\s+", "", role.strip(" ,"))
    return role or None
