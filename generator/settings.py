"""Tunable thresholds, in one place (the extractors import them from here)."""

from __future__ import annotations

# Reading
MAX_SEED_BYTES = 10 * 1024 * 1024  # larger seeds are refused with a message
MAX_INVALID_UTF8_SHARE = 0.01  # above this share of bad bytes, UTF-8 is not assumed

# Cleaning
SHORT_LINE_WORDS = 3  # lines this short with no sentence punctuation are UI labels
CHROME_PHRASE_MAX_WORDS = 18  # a chrome phrase only condemns a line up to this long
LINK_SHARE_CHROME = 0.5  # share of a line's characters inside link markup
REPEATED_LINE_MIN_DOCS = 2  # a line seen in this many seeds is a template candidate
REPEATED_LINE_MAX_WORDS = 16  # ...and is removed if it is no longer than this
PROSE_MIN_WORDS = 6  # a line this long with sentence punctuation is article prose
OTHER_SCRIPT_SHARE = 0.6  # a line mostly in another script than the article is UI text

# Extraction
TITLE_MIN_WORDS = 2
TITLE_MAX_WORDS = 40
PLACE_MIN_POPULATION_BARE = 100_000  # a city named with no locative cue must be this big
WEEKDAY_MAX_DAYS_AFTER_ANCHOR = 6
PAGE_SIZE = 50  # every list longer than this is split into pages
