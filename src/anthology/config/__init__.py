"""The edition's own files, read and validated: ``book.toml`` (book), ``glossary.toml``
(glossary), the values they hold (edition), the units they are written in (units) and the
problems found in them, each with its file and line (problems)."""
