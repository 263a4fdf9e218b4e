from __future__ import annotations

import pytest

from generator.read import SeedError, decode_seed, html_to_text, read_seed
from generator import settings

ARTICLE = "Minister resigns\n\nThe minister resigned on Monday, “citing health reasons”, his office said.\n"


@pytest.mark.parametrize(
    "encoding, prefix",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("cp1252", b""), ("latin-1", b"")],
)
def test_encodings_decode_to_the_same_text(encoding, prefix):
    text = ARTICLE if encoding not in ("latin-1",) else ARTICLE.replace("“", '"').replace("”", '"')
    raw = decode_seed(prefix + text.encode(encoding), "a.txt")
    assert "The minister resigned on Monday" in raw.text
    assert "\ufeff" not in raw.text


def test_cp1251_cyrillic_is_detected():
    text = "Министр подал в отставку в понедельник, сообщила его пресс-служба. " * 5
    raw = decode_seed(text.encode("cp1251"), "ru.txt")
    assert "Министр подал в отставку" in raw.text


def test_invalid_utf8_bytes_are_replaced_and_reported():
    data = ARTICLE.encode("utf-8").replace(b"Monday", b"Mon\xffday")
    raw = decode_seed(data, "bad.txt")
    assert "The minister resigned" in raw.text and "“citing" in raw.text
    assert any("invalid UTF-8" in w for w in raw.warnings)


def test_crlf_nbsp_and_nfc_are_normalized():
    raw = decode_seed("Cafe\u0301\r\nA\u00a0B\r\n".encode("utf-8"), "n.txt")
    assert raw.text == "Café\nA B\n"


def test_bidi_overrides_and_controls_are_removed_with_a_warning():
    raw = decode_seed("Safe \u202etxt.exe\u202c text\x07 here".encode("utf-8"), "b.txt")
    assert "\u202e" not in raw.text and "\x07" not in raw.text
    assert raw.warnings


@pytest.mark.parametrize(
    "data, phrase",
    [
        (b"", "is empty"),
        (b"   \n\t \n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "PNG image"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP archive"),
        (b"text\x00with\x00nul\x00bytes\x00and more", "NUL bytes"),
    ],
)
def test_unusable_seeds_are_refused_with_a_reason(data, phrase):
    with pytest.raises(SeedError, match=phrase):
        decode_seed(data, "x")


def test_oversized_seed_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MAX_SEED_BYTES", 1000)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2000)
    with pytest.raises(SeedError, match="over the"):
        read_seed(big)


def test_html_text_drops_scripts_styles_and_frames():
    html = (
        "<html><head><title>T | Site</title><script>alert(1)</script><style>p{}</style></head>"
        "<body><nav>Menu</nav><p onclick='x()'>Body <b>text</b>.</p><iframe src=x>frame</iframe>"
        "<figure><figcaption>A photo.</figcaption></figure></body></html>"
    )
    text, title = html_to_text(html)
    assert title == "T | Site"
    assert "alert" not in text and "p{}" not in text and "frame" not in text
    assert "Body text." in text
    assert "Caption: A photo." in text


def test_html_seed_is_recognized():
    raw = decode_seed(b"<!DOCTYPE html><html><body><h1>Head line</h1><p>Para.</p></body></html>", "p.html")
    assert raw.is_html and "Head line" in raw.text and "<p>" not in raw.text
