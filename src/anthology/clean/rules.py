"""Load the cleaning rules (phrase lists as data) once, compiled."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class PhraseRule:
    """A named list of patterns; a line matching any of them is dropped for ``name``."""

    name: str
    why: str
    patterns: tuple[re.Pattern[str], ...]
    max_length: int | None = None

    def matches(self, line: str) -> bool:
        """True when ``line`` (spaces collapsed) is caught by this rule."""
        if self.max_length is not None and len(line) > self.max_length:
            return False
        return any(p.search(line) for p in self.patterns)


@dataclass(frozen=True)
class SiteRule:
    """What one site needs: selectors to drop or keep, phrases to drop, where its metadata is.

    Read from ``sources/sites/<host>.toml`` (or the package's ``rules/sites/``); every rule
    carries a ``why`` that the cleaning report shows next to what it removed.
    """

    host: str
    why: str
    drop: tuple[str, ...] = ()  # CSS selectors of furniture
    keep: tuple[str, ...] = ()  # CSS selectors of the article's container(s)
    phrases: tuple[re.Pattern[str], ...] = ()  # paragraphs matching these are dropped
    title: str = ""  # CSS selectors for metadata the page hides from the usual places
    byline: str = ""
    date: str = ""

    def matches_host(self, host: str) -> bool:
        """True for the host itself and its subdomains (www.)."""
        host = host.lower().removeprefix("www.")
        own = self.host.lower().removeprefix("www.")
        return host == own or host.endswith("." + own)


@dataclass(frozen=True)
class Rules:
    """Every rule the cleaners use."""

    furniture: PhraseRule
    tail: PhraseRule
    series_note: PhraseRule
    sites: tuple[SiteRule, ...] = ()

    def site(self, host: str) -> SiteRule | None:
        """The rule for ``host``, if any (an edition's own rules come first)."""
        return next((rule for rule in self.sites if host and rule.matches_host(host)), None)


@cache
def default_rules() -> Rules:
    """The package's own rules, from ``rules/boilerplate.toml``."""
    text = resources.files("anthology.clean").joinpath("rules/boilerplate.toml").read_text("utf-8")
    return rules_from_toml(text)


def rules_from_toml(text: str) -> Rules:
    """Compile rules from the text of a boilerplate TOML file (and the packaged site rules)."""
    data = tomllib.loads(text)
    sites = []
    folder = resources.files("anthology.clean").joinpath("rules/sites")
    if folder.is_dir():
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                name = entry.name.removesuffix(".toml")
                sites.append(site_rule_from_toml(name, entry.read_text("utf-8"), entry.name))
    return Rules(
        **{name: _phrase_rule(name, data[name]) for name in ("furniture", "tail", "series_note")},
        sites=tuple(sites),
    )


def _phrase_rule(name: str, table: dict) -> PhraseRule:
    return PhraseRule(
        name=name,
        why=table["why"],
        patterns=tuple(re.compile(p, re.IGNORECASE) for p in table["patterns"]),
        max_length=table.get("max_length"),
    )


SITE_KEYS = {"why", "drop", "keep", "phrases", "title", "byline", "date", "host"}


def site_rule_from_toml(host: str, text: str, shown: str) -> SiteRule:
    """One site's rule from its TOML file.

    Raises:
        ConfigError: a syntax error, an unknown key, a missing ``why`` or a bad selector.
    """
    from bs4 import BeautifulSoup

    from anthology.core.errors import ConfigError

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", shown) from None
    unknown = sorted(set(data) - SITE_KEYS)
    if unknown:
        known = ", ".join(sorted(SITE_KEYS))
        raise ConfigError(f'unknown key "{unknown[0]}" (known keys: {known})', shown)
    if not isinstance(data.get("why"), str) or not data["why"].strip():
        raise ConfigError('a site rule needs a "why": the reason, shown in reports', shown)
    probe = BeautifulSoup("<p></p>", "html.parser")
    selectors: dict[str, tuple[str, ...]] = {}
    for key in ("drop", "keep"):
        values = data.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ConfigError(f'"{key}" must be a list of CSS selectors', shown)
        for selector in [*values, *(data.get(k, "") for k in ("title", "byline", "date"))]:
            if selector:
                try:
                    probe.select(selector)
                except Exception as exc:  # soupsieve raises its own SelectorSyntaxError
                    raise ConfigError(f"bad CSS selector {selector!r} ({exc})", shown) from None
        selectors[key] = tuple(values)
    phrases = data.get("phrases", [])
    if not isinstance(phrases, list) or not all(isinstance(v, str) for v in phrases):
        raise ConfigError('"phrases" must be a list of strings', shown)
    return SiteRule(
        host=str(data.get("host", host)),
        why=data["why"].strip(),
        drop=selectors["drop"],
        keep=selectors["keep"],
        # Phrases are plain text, matched case-insensitively, never patterns.
        phrases=tuple(re.compile(re.escape(p), re.IGNORECASE) for p in phrases),
        title=str(data.get("title", "")),
        byline=str(data.get("byline", "")),
        date=str(data.get("date", "")),
    )


def edition_rules(sources: Path) -> Rules:
    """The package's rules plus the edition's site rules from ``sources/sites/*.toml``."""
    from dataclasses import replace

    from anthology.core.errors import ConfigError
    from anthology.core.files import read_inside

    base = default_rules()
    folder = sources / "sites"
    if not folder.is_dir():
        return base
    own = []
    for path in sorted(folder.glob("*.toml")):
        shown = f"sources/sites/{path.name}"
        try:
            text = read_inside(path, sources.parent).decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError("cannot read the site rule (it is not UTF-8 text)", shown) from None
        except OSError as exc:
            raise ConfigError(
                f"cannot read the site rule ({exc.strerror}); refused", shown
            ) from None
        own.append(site_rule_from_toml(path.stem, text, shown))
    return replace(base, sites=(*own, *base.sites))


@dataclass(frozen=True)
class MarkupRules:
    """Tags and class/id words the HTML cleaner reads as never content, furniture or content.

    Read from ``rules/html.toml``, where every entry carries its ``why``.
    """

    never: frozenset[str]  # tags removed with everything inside before anything is measured
    hidden_classes: frozenset[str]  # classes that hide an element from readers
    furniture_tags: dict[str, str]  # tag name -> the reason shown in the cleaning report
    furniture_stems: tuple[str, ...]  # class/id words starting with these mark furniture
    furniture_words: frozenset[str]  # whole class/id words that mark furniture
    not_furniture: frozenset[str]  # words that look like furniture stems but are not
    furniture_roles: frozenset[str]  # ARIA roles of site chrome
    content_stems: tuple[str, ...]  # class/id words starting with these mark content
    article_stems: tuple[str, ...]  # content stems that name the article or entry itself


@cache
def markup_rules() -> MarkupRules:
    """The package's markup rules, from ``rules/html.toml`` (read once)."""
    text = resources.files("anthology.clean").joinpath("rules/html.toml").read_text("utf-8")
    return markup_rules_from_toml(text)


def markup_rules_from_toml(text: str) -> MarkupRules:
    """Markup rules from the text of an ``html.toml`` file.

    Raises:
        ValueError: an entry without its ``why`` or without its list.
    """
    data = tomllib.loads(text)

    def entries(table: str, key: str) -> list[str]:
        values: list[str] = []
        for entry in data[table]:
            if not str(entry.get("why", "")).strip() or not entry.get(key):
                raise ValueError(f"rules/html.toml: every [[{table}]] needs a why and {key}")
            values.extend(v for v in entry[key] if v not in values)
        return values

    tags: dict[str, str] = {}
    for entry in data["furniture_tag"]:
        if not str(entry.get("why", "")).strip():
            raise ValueError("rules/html.toml: every [[furniture_tag]] needs a why")
        tags[entry["tag"]] = entry["reason"]
    return MarkupRules(
        never=frozenset(entries("never", "tags")),
        hidden_classes=frozenset(entries("hidden_class", "classes")),
        furniture_tags=tags,
        furniture_stems=tuple(entries("furniture_stem", "stems")),
        furniture_words=frozenset(entries("furniture_word", "words")),
        not_furniture=frozenset(entries("not_furniture", "words")),
        furniture_roles=frozenset(entries("furniture_role", "roles")),
        content_stems=tuple(entries("content_stem", "stems")),
        article_stems=tuple(entries("article_stem", "stems")),
    )
