"""The templates compiled once (by setup.sh) render the same as templates compiled anew."""

from anthology.render import documents


def test_compiled_templates_render_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "COMPILED_TEMPLATES", tmp_path / "compiled")
    documents._environment.cache_clear()
    try:
        documents.compile_templates()
        written = sorted((tmp_path / "compiled").iterdir())
        assert len(written) == len(list(documents.TEMPLATES.glob("*.*html")))
        context = {"lang": "en", "dir": "", "title": "T", "body": "<p>x</p>"}
        context.update(stylesheets=["a.css"], body_class="chapter")
        fresh = documents._environment.__wrapped__()  # not cached: compiles anew
        fresh.bytecode_cache = None
        again = documents._environment()  # loads what compile_templates wrote
        name = "epub_document.xhtml"
        assert again.get_template(name).render(**context) == fresh.get_template(name).render(
            **context
        )
    finally:
        documents._environment.cache_clear()
