"""The resource gate: files inside the edition only, never the network, never escapes."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from anthology.build import run
from anthology.resources import ResourceGate, ResourceRefused


@pytest.fixture
def gate(tmp_path: Path) -> ResourceGate:
    (tmp_path / "edition" / "sources").mkdir(parents=True)
    (tmp_path / "edition" / "sources" / "photo.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    return ResourceGate([tmp_path / "edition"])


def test_a_file_inside_the_edition_is_served(gate: ResourceGate, tmp_path: Path) -> None:
    url = (tmp_path / "edition" / "sources" / "photo.png").as_uri()
    assert gate.read(url) == b"png"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "https://example.org/x.png",
        "//example.org/x.png",
        "ftp://example.org/x",
        "data:text/plain,hello",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "file://example.org/etc/passwd",
    ],
)
def test_remote_and_outside_urls_are_refused(gate: ResourceGate, url: str) -> None:
    with pytest.raises(ResourceRefused):
        gate.resolve(url)
    assert gate.refused


def test_dot_dot_and_symlink_escapes_are_refused(gate: ResourceGate, tmp_path: Path) -> None:
    sources = tmp_path / "edition" / "sources"
    with pytest.raises(ResourceRefused):
        gate.resolve(sources.as_uri() + "/../../secret.txt")
    os.symlink(tmp_path / "secret.txt", sources / "link.txt")
    with pytest.raises(ResourceRefused):
        gate.resolve((sources / "link.txt").as_uri())


def test_weasyprint_fetcher_goes_through_the_gate(gate: ResourceGate, tmp_path: Path) -> None:
    fetcher = gate.weasyprint_fetcher()
    inside = (tmp_path / "edition" / "sources" / "photo.png").as_uri()
    assert fetcher(inside).read() == b"png"
    with pytest.raises(ResourceRefused):
        fetcher((tmp_path / "secret.txt").as_uri())


@pytest.mark.slow
def test_markup_in_a_text_dump_is_only_text(edition: Path) -> None:
    page = edition / "sources" / "what-do-we-mean-by-socialism.txt"
    hostile = (
        '<script>alert(1)</script> <img src="file:///etc/passwd" onerror="x()"> '
        '<iframe src="http://127.0.0.1/"></iframe> <a href="javascript:alert(1)">x</a> '
        "and the rest of the sentence makes this line long enough to read as prose."
    )
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "We want to see a society", hostile + "\n\nWe want to see a society"
        ),
        encoding="utf-8",
    )
    outputs = run(edition, targets=("epub", "pdf")).outputs
    from lxml import etree

    with zipfile.ZipFile(outputs["epub"]) as z:
        documents = [z.read(n) for n in z.namelist() if n.endswith(".xhtml")]
    assert any(b"&lt;script&gt;alert(1)&lt;/script&gt;" in d for d in documents)
    for data in documents:
        tree = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        for element in tree.iter("{*}*"):
            name = etree.QName(element).localname
            assert name not in {"script", "iframe", "object", "embed", "form"}, name
            if name == "img":  # only the package's own images, such as the cover
                assert element.get("src", "").startswith("images/"), element.get("src")
            for attribute, value in element.attrib.items():
                assert not etree.QName(attribute).localname.startswith("on"), attribute
                assert not value.strip().lower().startswith("javascript:"), value
    assert b"/EmbeddedFile" not in outputs["pdf"].read_bytes()
