"""Turn a folder of raw news-page dumps into a searchable static archive."""

__version__ = "0.1.0"
