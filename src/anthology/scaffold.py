"""Start a new edition: a folder with a commented ``book.toml``, ``glossary.toml`` and styles.

The skeleton lives as files in ``templates_init/`` so it can be read and edited as it will
be written; ``book.toml`` there has one placeholder, ``$title``.
"""

from __future__ import annotations

import os
import re
import shlex
from importlib import resources
from pathlib import Path
from string import Template

from anthology.core.errors import BuildError
from anthology.core.text import toml_string

# (template file in templates_init/, path in the new edition)
SKELETON: tuple[tuple[str, str], ...] = (
    ("book.toml", "sources/book.toml"),
    ("glossary.toml", "sources/glossary.toml"),
    ("base.css", "styles/base.css"),
    ("epub.css", "styles/epub.css"),
    ("print.css", "styles/print.css"),
)
GITIGNORE_LINE = "build/"


def create_edition(folder: Path, title: str | None = None) -> list[Path]:
    """Create a new edition in ``folder``: ``sources/``, ``styles/`` and a ``.gitignore``.

    The folder may exist (an empty one, or a repository), but must not hold ``sources/``
    yet. Files already present in ``styles/`` are kept; an existing ``.gitignore`` gets a
    ``build/`` line if it lacks one.

    Args:
        folder: the edition folder to create or fill.
        title: the book's title; by default made from the folder's name.

    Returns:
        The files and folders created (or, for ``.gitignore``, changed), in creation order.

    Raises:
        BuildError: the folder already holds ``sources/``, is a file, or cannot be written.
    """
    folder = Path(folder)
    shown = str(folder)
    if folder.exists() and not folder.is_dir():
        raise BuildError("is a file, not a folder; choose another name for the edition", shown)
    if (folder / "sources").exists():
        raise BuildError(
            "already holds a sources/ folder; an edition is started only once "
            "(use compile fetch URL to add pages)",
            shown,
        )
    title = (title or "").strip() or title_from_folder(folder)
    created: list[Path] = []
    try:
        for directory in (folder, folder / "sources", folder / "styles"):
            if not directory.is_dir():
                directory.mkdir(parents=True)
                created.append(directory)
        for template, target in SKELETON:
            path = folder / target
            if path.exists():
                continue
            text = _template(template)
            if template == "book.toml":
                text = Template(text).substitute(title=toml_string(title))
            path.write_text(text, encoding="utf-8")
            created.append(path)
        gitignore = folder / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text(_template("gitignore"), encoding="utf-8")
            created.append(gitignore)
        else:
            lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
            if not {GITIGNORE_LINE, "build", "/build/", "/build"} & {x.strip() for x in lines}:
                ending = "" if not lines or gitignore.read_bytes().endswith(b"\n") else "\n"
                with gitignore.open("a", encoding="utf-8") as handle:
                    handle.write(f"{ending}{GITIGNORE_LINE}\n")
                created.append(gitignore)
    except OSError as exc:
        raise BuildError(f"cannot create the edition ({exc.strerror or exc})", shown) from None
    return created


def next_steps(folder: Path, cwd: Path | None = None) -> str:
    """The commands to run next, as lines to print after ``create_edition``.

    Args:
        folder: the new edition folder.
        cwd: the folder the user is in (default: the current one), to shorten the ``cd``.
    """
    folder = Path(folder)
    here = Path(cwd) if cwd is not None else Path.cwd()
    try:
        where = os.path.relpath(folder.resolve(), here.resolve())
    except ValueError:  # another drive on Windows
        where = str(folder)
    lines = ["Next:"]
    if where != ".":
        lines.append(f"  cd {shlex.quote(where)}")
    lines += [
        "  compile fetch https://example.com/an-article   # save pages into sources/",
        "  compile all                                    # build the EPUB and the PDF",
    ]
    return "\n".join(lines) + "\n"


def title_from_folder(folder: Path) -> str:
    """A title made from a folder name: ``my-first_reader`` gives ``My first reader``."""
    name = re.sub(r"[-_\s]+", " ", Path(folder).resolve().name).strip()
    return name[:1].upper() + name[1:] if name else "Reader"


def _template(name: str) -> str:
    return resources.files("anthology").joinpath("templates_init", name).read_text("utf-8")
