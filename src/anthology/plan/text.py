"""Words of an article for theming: plain text, tokens, singular lemmas and their spellings."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from anthology.core.model import Article, Code, Figure, Math, block_fragments
from anthology.core.text import strip_tags

# Words that say nothing about a topic. scikit-learn's English list (Glasgow's stop words),
# plus the words every web article uses whatever its subject; a topic's own words never are.
_EXTRA = """
    also article articles best can could did does doing don get gets getting got good great
    just know like likely lot lots make makes making many may might need needs new one ones
    people really right say says said see thing things think time times way ways want wants
    use used uses using well will would year years yes you your yours able actually different
    example important including let look looking long come comes going help day days read
    sure start started try work works first second third often today high low small large
    big little better help helps even ll ve re isn doesn didn won
"""
_EXTRA_STOPWORDS = frozenset(_EXTRA.split())

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_BREAK = re.compile(r"[.,;:!?()\[\]\"“”|/…]|\s[-–—]\s")


def stopwords() -> frozenset[str]:
    """The stop words (lower case) left out of themes and names."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS | _EXTRA_STOPWORDS


def article_text(article: Article) -> str:
    """The article as plain text: title, standfirst, then every block, one per line."""
    lines = [article.title, article.standfirst]
    for block in article.body:
        if isinstance(block, Code | Math):
            continue  # program text and formulas are not what an article is about
        fragments = block_fragments(block)
        if isinstance(block, Figure):
            fragments = (block.caption,)
        lines.extend(strip_tags(f.replace("<br/>", "\n")) for f in fragments)
    return "\n".join(line for line in lines if line)


def lemma(word: str) -> str:
    """A lower-case word's singular: plurals and possessives merge with their singular.

    Deliberately conservative (English ``-s``, ``-es``, ``-ies``): a missed merge costs less
    than a false one.
    """
    word = re.sub(r"['’]s?$", "", word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Words:
    """An article's lemmas (for themes) and phrases of two lemmas (for names)."""

    lemmas: tuple[str, ...]
    pairs: tuple[str, ...]  # "lemma lemma", adjacent words of one phrase, no stop word


def words(text: str, stop: frozenset[str], spellings: dict[str, Counter] | None = None) -> Words:
    """Tokens of ``text`` that carry meaning, as lemmas; count each lemma's spelling.

    Args:
        text: plain text.
        stop: stop words.
        spellings: when given, counts each kept word's spelling under its lemma.
    """
    lemmas: list[str] = []
    pairs: list[str] = []
    for phrase in _BREAK.split(text):
        previous = ""
        for match in _WORD.finditer(phrase):
            spelling = match.group()
            lower = spelling.lower()
            if lower in stop or len(lower) < 3:
                previous = ""
                continue
            base = lemma(lower)
            if base in stop or len(base) < 3:
                previous = ""
                continue
            lemmas.append(base)
            if spellings is not None:
                spellings.setdefault(base, Counter())[spelling] += 1
            if previous:
                pairs.append(f"{previous} {base}")
            previous = base
    return Words(tuple(lemmas), tuple(pairs))


def spelling_of(base: str, spellings: dict[str, Counter]) -> str:
    """How the articles most often write a lemma, title-cased unless it is an acronym."""
    forms = spellings.get(base)
    if not forms:
        return base.capitalize()
    # The commonest spelling in lower case decides singular or plural, case aside.
    lower: Counter = Counter()
    for spelling, count in forms.items():
        lower[spelling.lower()] += count
    word = sorted(lower.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    upper = sum(c for s, c in forms.items() if s.isupper() and len(s) > 1)
    if upper * 2 > sum(forms.values()) and len(word) <= 5:
        return word.upper()
    return word[:1].upper() + word[1:]


# The words before a noun and before a verb: enough to tell "the waste" from "to reduce".
_BEFORE_NOUNS = """
    the a an your our their his her its this that these those my of for in with about on
    some any every each
"""
_BEFORE_VERB = """
    to can will would should could must might may you we they i don't not cannot let's also
    just
"""
_DETERMINERS = frozenset(_BEFORE_NOUNS.split())
_BEFORE_VERBS = frozenset(_BEFORE_VERB.split())
_PRONOUNS = frozenset(("it", "he", "she", "which", "who", "that", "this"))
_ADJECTIVE_ENDINGS = ("al", "ic", "ous", "ive", "ful", "able", "ible", "less", "ary")


@dataclass
class Roles:
    """How the articles use each lemma: as a thing named, an action, or a describing word."""

    noun: Counter
    verb: Counter
    modifier: Counter  # followed by another word of the same phrase ("financial advisor")
    uses: Counter

    def names_a_thing(self, base: str) -> bool:
        """True for a lemma the articles mostly use as a noun (a part's name is made of these)."""
        if self.verb[base] > self.noun[base]:
            return False
        if base.endswith(_ADJECTIVE_ENDINGS):
            return self.modifier[base] * 3 < self.uses[base] * 2
        return True


def roles(texts: list[str], stop: frozenset[str]) -> Roles:
    """Count, for each lemma, the uses that show it as a noun, a verb or a modifier."""
    noun: Counter = Counter()
    verb: Counter = Counter()
    modifier: Counter = Counter()
    uses: Counter = Counter()
    for text in texts:
        for phrase in _BREAK.split(text):
            tokens = [m.group().lower() for m in _WORD.finditer(phrase)]
            for i, token in enumerate(tokens):
                base = lemma(token)
                if token in stop or base in stop or len(base) < 3:
                    continue
                uses[base] += 1
                before = tokens[i - 1] if i else ""
                after = tokens[i + 1] if i + 1 < len(tokens) else ""
                plural = token != base and before not in _PRONOUNS  # not "it reduces"
                if before in _DETERMINERS or plural:  # "the garden", "gardens"
                    noun[base] += 1
                elif before in _BEFORE_VERBS:
                    verb[base] += 1
                if after and after not in stop:
                    modifier[base] += 1
    return Roles(noun, verb, modifier, uses)
