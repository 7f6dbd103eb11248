"""The site's own name, as pages state it and as its host name spells it: what a title's
suffix ("Title | The Gazette") and a byline signed by the site are recognised by."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

# Separators between a title and the site's name ("Title | Site", "Site – Title", "Title :: Site").
SEPARATOR = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|\u00bb|\u00b7|\u2022|~)\s+|\s*\|\s*")
# Parts of a host name that are no site's own name.
_HOST_NOISE = frozenset(
    ["www", "m", "amp", "en", "de", "fr", "es", "it", "ru", "blog", "blogs", "news", "docs"]
    + ["doc", "com", "org", "net", "edu", "gov", "co", "uk", "io", "dev", "info", "app", "ai"]
    + ["us", "ca", "au", "in"]
)


def compare_key(text: str) -> str:
    """Text compared as words: compatibility forms, case, quotes and punctuation set aside."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\u2018\u2019\u201a\u201b\u201c\u201d\u201e'\"`\u00b4]", "", text)
    return re.sub(r"[\W_]+", " ", text).strip()


@dataclass(frozen=True)
class SiteName:
    """What the site is called: its stated names and the words of its host name."""

    names: frozenset[str]  # ``compare_key`` forms
    hosts: tuple[str, ...]  # host labels, letters and digits only

    @classmethod
    def of(cls, names: list[str | None], url: str) -> SiteName:
        keys = frozenset(k for n in names if isinstance(n, str) and (k := compare_key(n)))
        host = (urlsplit(url).hostname or "").lower() if url else ""
        labels = tuple(
            re.sub(r"[^a-z0-9]", "", label)
            for label in host.split(".")
            if label not in _HOST_NOISE and len(label) >= 3
        )
        return cls(keys, labels)

    def exactly(self, text: str) -> bool:
        """Whether ``text`` is one of the site's stated names, word for word."""
        return compare_key(text) in self.names

    def named(self, text: str) -> bool:
        """Whether ``text`` is the site's name (a stated name, or its host name in words)."""
        key = compare_key(text)
        if not key:
            return False
        if key in self.names:
            return True
        squashed = key.replace(" ", "")
        words = key.split()
        for label in self.hosts:
            if squashed == label or (len(squashed) >= 4 and squashed in label):
                return True
            if len(label) >= 4 and label in squashed and len(words) <= 4:
                return True  # "NASA SVS" on svs.nasa.gov, "Acme Blog" on acme.com
            if len(words) >= 2 and "".join(w[0] for w in words) == label:
                return True  # initials: "Rhode Island School of Design" on risd.edu
        return False
