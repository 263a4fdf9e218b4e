"""URL-safe, stable slugs that can never name a path outside articles/."""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG = 80
# Names the generated list pages take in a folder (index.md, page-2.md, …): no article or
# entity may have them.
RESERVED = re.compile(r"index|page-\d+")


def reserved(slug: str) -> bool:
    return RESERVED.fullmatch(slug) is not None


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[max_length // 2 :] else cut
    return slug.strip("-")


def disambiguate(slug: str, seed_name: str) -> str:
    """A slug shared by several seeds gets a suffix from the seed's file name: distinct,
    stable across rebuilds, and independent of the order the seeds are read in."""
    digest = hashlib.sha256(seed_name.encode("utf-8")).hexdigest()[:8]
    return f"{slug[: MAX_SLUG - 9]}-{digest}"
