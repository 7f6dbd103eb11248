"""A saved page's images: those of its article, saved beside it, their tags pointed at them.

Only the images inside the content the cleaner keeps are fetched: a page's logos, icons,
avatars and related-article thumbnails never reach the book, so they are left on the web and
counted in one note.
"""

from __future__ import annotations

import html
import re
import shutil
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from anthology.fetch.client import Body, Client, Fail, Skip
from anthology.fetch.options import FetchOptions

# Attributes a page may keep an image's address in, in the order the cleaner reads them
# (anthology.clean.html.walker._image_url); all but the one chosen are dropped when rewriting.
IMAGE_ATTRS = (
    "data-src",
    "data-original",
    "data-lazy-src",
    "data-url",
    "data-hi-res-src",
    "src",
    "data-srcset",
    "srcset",
)
IMAGE_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/avif": ".avif",
    "image/svg+xml": ".svg",
    "image/bmp": ".bmp",
    "image/x-icon": ".ico",
    "image/vnd.microsoft.icon": ".ico",
}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".bmp", ".ico"}


def save_images(
    client: Client, body: Body, data: bytes, target: Path, options: FetchOptions
) -> tuple[int, list[str], bytes]:
    """Fetch the article's images into ``<stem>_files/`` and point their tags at them."""
    tags = list(_image_tags(data, body.url))
    wanted: list[str] = []
    for _, _, url in tags:
        if url and url not in wanted and _image_allowed(url, body.url):
            wanted.append(url)
    notes: list[str] = []
    article = _article_images(data, target, body.url)
    if article is not None:
        others = [url for url in wanted if url not in article]
        wanted = [url for url in wanted if url in article]
        if others:
            notes.append(
                f"{len(others)} image{'s' * (len(others) != 1)} outside the article "
                "(logos, icons, thumbnails) left on the web"
            )
    if len(wanted) > options.max_images:
        notes.append(
            f"{len(wanted) - options.max_images} images left on the web "
            f"(at most {options.max_images} per page)"
        )
        wanted = wanted[: options.max_images]
    folder_name = f"{target.stem}_files"
    folder = target.with_name(folder_name)
    staging = target.with_name(folder_name + ".part")
    local: dict[str, str] = {}
    if wanted:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
    used: set[str] = set()
    for url in wanted:
        try:
            image = client.get(
                url, accept=("image/",), max_bytes=options.max_image_bytes, what="image"
            )
        except (Skip, Fail) as exc:
            notes.append(f"image {url[:200]} not saved: {exc}")
            continue
        name = _image_name(image.url, image.content_type, used)
        (staging / name).write_bytes(image.data)
        local[url] = f"{folder_name}/{name}"
    if folder.exists():  # a refresh: the page's images are replaced, not mixed
        shutil.rmtree(folder)
    if local:
        staging.replace(folder)
    elif wanted:
        shutil.rmtree(staging, ignore_errors=True)
    if not local:
        return 0, notes, data
    return len(local), notes, _rewrite_images(data, tags, local)


def _article_images(data: bytes, target: Path, page_url: str) -> set[str] | None:
    """The addresses of the images the cleaner keeps in the page's article, or None.

    The page is cleaned as a build would clean it (with the edition's site rules); each
    figure it keeps is one whose image is not saved yet, so the cleaner records it as set
    aside with its address, which is read back here. None when the page has no article the
    cleaner accepts: then every image is saved, as the page may still be made to clean.
    """
    from anthology.clean.html import clean_html
    from anthology.clean.rules import edition_rules
    from anthology.core.errors import SourceError
    from anthology.sources import Page, decode

    text = decode(data, "html")
    if not text:
        return None
    page = Page(path=target, name=target.name, shown=target.name, kind="html", text=text)
    try:
        article = clean_html(page, edition_rules(target.parent))
    except (SourceError, ValueError, RecursionError):  # no article to read: keep them all
        return None
    base = _document_base(data, page_url)
    kept = set()
    for _, _, raw in _image_tags(data, page_url, resolve=False):
        if raw and any(d.reason.endswith(raw[:200]) for d in article.dropped):
            kept.add(urljoin(base, raw))
    return kept


def _image_allowed(url: str, page_url: str) -> bool:
    scheme = urlsplit(url).scheme
    # An https page does not load http images (mixed content), so neither do we.
    return scheme in ("http", "https") and not (scheme == "http" and page_url.startswith("https:"))


# A tag's attributes: name, then an optional value, quoted or not.
_ATTR = re.compile(rb"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
# Comments and raw-text elements are passed over: an <img> there is not an image.
_TAGS = re.compile(
    rb"""(?P<skip><!--.*?-->|<(?P<raw>script|style|template|textarea|title|xmp)\b[^>]*>.*?</(?P=raw)\s*>)"""
    rb"""|(?P<tag><(?P<name>img|base)\b(?:[^>"']|"[^"]*"|'[^']*')*>)""",
    re.IGNORECASE | re.DOTALL,
)


def _attributes(tag: bytes) -> list[tuple[str, str | None, bytes]]:
    """(lower-case name, unescaped value or None, raw bytes) for each attribute of a tag."""
    inner = re.sub(rb"^<\w+", b"", tag).removesuffix(b">").removesuffix(b"/")
    attributes = []
    for match in _ATTR.finditer(inner):
        name = match.group(1).decode("ascii", "replace").lower()
        raw_value = match.group(2)
        value = None
        if raw_value is not None:
            raw_value = raw_value[1:-1] if raw_value[:1] in (b'"', b"'") else raw_value
            value = html.unescape(raw_value.decode("utf-8", "replace")).strip()
        attributes.append((name, value, match.group(0)))
    return attributes


def _image_tags(data: bytes, page_url: str, resolve: bool = True) -> list[tuple[int, int, str]]:
    """(start, end, absolute image URL or "") for every ``<img>`` outside comments and scripts.

    With ``resolve`` false, the address as the tag writes it.
    """
    base = _document_base(data, page_url)
    found = []
    for match in _TAGS.finditer(data):
        if match.group("tag") and match.group("name").lower() == b"img":
            chosen = _chosen_image(_attributes(match.group("tag")))
            url = urljoin(base, chosen) if chosen and resolve else chosen
            found.append((match.start(), match.end(), url))
    return found


def _document_base(data: bytes, page_url: str) -> str:
    """What relative addresses resolve against: the first ``<base href>``, wherever it is, as
    browsers do (HTML Living Standard, "document base URL"), else the page's address."""
    for match in _TAGS.finditer(data):
        if match.group("tag") and match.group("name").lower() == b"base":
            href = dict((n, v) for n, v, _ in _attributes(match.group("tag"))).get("href")
            if href:
                return urljoin(page_url, href)
    return page_url


def _chosen_image(attributes: list[tuple[str, str | None, bytes]]) -> str:
    values = {name: value for name, value, _ in attributes if value}
    for attr in IMAGE_ATTRS:
        value = values.get(attr, "")
        if attr.endswith("srcset"):
            value = value.split(",")[0].strip().split(" ")[0] if value else ""
        if value and not value.lower().startswith(("data:", "javascript:")):
            return value
    return ""


def _rewrite_images(data: bytes, tags: list[tuple[int, int, str]], local: dict[str, str]) -> bytes:
    """The page with each ``<img>`` whose image was saved pointing at the local copy."""
    pieces: list[bytes] = []
    position = 0
    for start, end, url in tags:
        if url not in local:
            continue
        tag = data[start:end]
        kept = [raw for name, _, raw in _attributes(tag) if name not in IMAGE_ATTRS + ("sizes",)]
        closing = b" />" if tag.rstrip(b">").rstrip().endswith(b"/") else b">"
        src = b'src="' + html.escape(local[url]).encode("ascii") + b'"'
        pieces += [data[position:start], b" ".join([b"<img", src, *kept]), closing]
        position = end
    pieces.append(data[position:])
    return b"".join(pieces)


def _image_name(url: str, content_type: str, used: set[str]) -> str:
    stem = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^a-z0-9._-]+", "-", folded.lower()).strip(".-")[:80] or "image"
    suffix = Path(name).suffix
    if suffix not in IMAGE_SUFFIXES:
        name += IMAGE_TYPES.get(content_type, "")
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{Path(name).stem}-{n}{Path(name).suffix}"
    used.add(candidate)
    return candidate
