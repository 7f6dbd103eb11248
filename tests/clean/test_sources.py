"""Reading pages: encodings declared, wrong or missing; mojibake; characters XML forbids."""

from __future__ import annotations

import codecs

import pytest

from anthology.sources import decode

LATIN_DECLARED = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>'
RUSSIAN = "Вся власть советам! Рабочие и солдаты, крестьяне, вставайте на защиту революции."


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("windows-1251, no declaration", RUSSIAN.encode("cp1251"), "text"),
        ("KOI8-R, no declaration", RUSSIAN.encode("koi8-r"), "text"),
        (
            "KOI8-R declared as windows-1251",
            f'<meta charset="windows-1251"><p>{RUSSIAN}</p>'.encode("koi8-r"),
            "html",
        ),
        (
            "windows-1251 declared as latin-1",
            (LATIN_DECLARED + RUSSIAN).encode("cp1251"),
            "html",
        ),
        ("UTF-16 with a BOM", codecs.BOM_UTF16_LE + RUSSIAN.encode("utf-16-le"), "text"),
        ("UTF-8 with a BOM", codecs.BOM_UTF8 + RUSSIAN.encode("utf-8"), "text"),
    ],
)
def test_russian_pages_decode(name: str, data: bytes, kind: str) -> None:
    assert RUSSIAN in decode(data, kind)


def test_a_true_declaration_is_used() -> None:
    text = "Ça coûte cher, très cher, à Paris où l’été dure."
    assert text in decode(f'<meta charset="windows-1252"><p>{text}'.encode("cp1252"), "html")
    assert decode(text.encode("cp1252"), "text") == text


def test_mojibake_is_repaired_and_forbidden_characters_removed() -> None:
    broken = "Workersâ€™ councils â€” the soviets.\x00\x0b".encode()
    assert decode(broken, "text") == "Workers’ councils — the soviets."


def test_binary_is_not_text() -> None:
    assert decode(bytes(range(256)) * 10, "html") is None


def test_loading_reads_each_page_once_and_keeps_what_cannot_be_read(tmp_path) -> None:
    import gzip

    from anthology.config.edition import Edition
    from anthology.core.errors import SourceError
    from anthology.core.limits import Limits
    from anthology.sources import decode_page, load

    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "a.txt").write_text("Title\n\nOne paragraph of text.\n", encoding="utf-8")
    (sources / "b.html.gz").write_bytes(gzip.compress(b"<html><p>Packed</p></html>"))
    (sources / "c.txt").write_bytes(b"")
    (sources / "d.txt").write_bytes(b"x" * 2000)
    edition = Edition(root=tmp_path, title="t", limits=Limits(page_size=1000))
    pages = load(edition)
    assert [page.name for page in pages] == ["a.txt", "b.html.gz", "c.txt", "d.txt"]
    # The bytes as on disk: the cache's key, then (unpacked, decoded) the cleaner's input.
    assert pages[1].data == (sources / "b.html.gz").read_bytes()
    assert "Packed" in decode_page(pages[1], edition.limits).text
    assert not pages[2].problem  # an empty page is found out when it is decoded
    with pytest.raises(SourceError, match="is empty"):
        decode_page(pages[2], edition.limits)
    assert pages[3].data == b"" and "sources/d.txt" in pages[3].problem
    with pytest.raises(SourceError, match="page_size"):
        decode_page(pages[3], edition.limits)
