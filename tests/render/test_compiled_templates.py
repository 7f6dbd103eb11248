"""The templates are compiled once (by setup.sh) and read back afterwards, not compiled again."""

from anthology.render.documents import compile_templates


def test_templates_compiled_once(tmp_path):
    names = compile_templates(tmp_path)
    assert {"epub_body.xhtml", "epub_document.xhtml", "_macros.xhtml", "print.html"} <= set(names)
    written = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert len(written) == len(names)
    assert compile_templates(tmp_path) == names
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == written  # read back


def test_templates_compiled_where_they_can_be(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert compile_templates(blocked / "compiled")  # nothing written, and no error
