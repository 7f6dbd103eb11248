"""Glossary suggestions: the terms a newcomer would not know, merged, typed and drafted.

``suggest_terms(book, glossary)`` reads the chapters' prose and proposes entries: names and
words that are rare in general language (word frequencies from ``wordfreq``, in the chapter's
language) and recur or are explained in these articles. Spellings of one thing are merged into
one entry with aliases (Bolshevik / Bolsheviks, General Kornilov / Kornilov); each entry gets a
category guessed from the text around it, and a draft definition taken from the sentence where
an article introduces it. ``suggestions_toml`` prints them so that appending them to
``glossary.toml`` still builds.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from anthology.core.model import Book, GlossaryEntry, ListBlock, Paragraph, Quote, block_fragments
from anthology.core.text import strip_tags, toml_string

_CONNECTORS = {"of", "on", "for", "de", "von", "van", "la", "le", "del", "da"}
# Words that put a name before them in a category ("General Kornilov", "Tsar Nicholas").
_TITLES = {
    "general", "tsar", "tsarina", "president", "king", "queen", "prince", "princess", "dr",
    "mr", "mrs", "ms", "professor", "sir", "lord", "lady", "emperor", "empress", "admiral",
    "colonel", "captain", "pope", "chairman", "minister", "senator", "governor", "marshal",
    "count", "countess", "duke", "baron", "bishop", "father", "comrade", "commissar",
}  # fmt: skip
# The last word of a name that says what kind of thing it is.
_ORG_HEADS = {
    "party", "government", "committee", "congress", "council", "army", "guards", "guard",
    "union", "international", "league", "company", "corporation", "association", "institute",
    "university", "bank", "ministry", "soviet", "assembly", "federation", "society", "group",
    "agency", "organisation", "organization", "inc", "ltd", "foundation", "club", "front",
    "movement", "bureau", "department", "navy", "court", "parliament", "duma", "senate",
}  # fmt: skip
_EVENT_HEADS = {
    "revolution", "war", "days", "affair", "uprising", "strike", "massacre", "battle",
    "commune", "treaty", "crisis", "insurrection", "rebellion", "revolt", "coup", "decree",
    "conference", "election", "elections", "siege", "offensive", "campaign", "summit",
}  # fmt: skip
_PLACE_HEADS = {
    "palace", "square", "street", "river", "city", "island", "islands", "mountains", "sea",
    "ocean", "lake", "valley", "bridge", "station", "province", "county", "district", "bay",
}  # fmt: skip
_PLACE_PREPOSITIONS = {"in", "at", "to", "from", "near", "across", "into", "outside"}
_PERSON_VERBS = (
    "said", "says", "wrote", "writes", "argued", "argues", "told", "believed", "thought",
    "died", "born", "explained", "insisted", "declared", "replied", "recalled", "himself",
    "herself", "who",
)  # fmt: skip
_CALENDAR = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
}  # fmt: skip
# Words a name can share with common language: "Western Europe", "Russian Empire" are not
# terms to explain; names made of a nationality or direction word and a common noun.
_GENERAL_LEADS = re.compile(r"(?:ian|ean|ish|ese|ern|ic|an)$")

_TOKEN = re.compile(r"[^\W_][\w\u2019'.-]*[^\W_]|[^\W_]")
_POSSESSIVE = re.compile(r"[\u2019']s$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\u201d\u2019\"')]*\s+(?=[\u201c\u2018\"'(]?[A-Z0-9])")
_CONTRACTION = re.compile(r"[\u2019']\s*(?:s|ve|ll|re|d|m|t)$", re.I)
_CODE_LIKE = re.compile(r"[_/\\=<>{}#@]|[a-z][A-Z]|\.\w|\(\)")
_YEAR = re.compile(r"^1[0-9]{3}$|^20[0-9]{2}$")
_QUOTED = re.compile(r"[\u2018\u201c\"]([^\u2018\u2019\u201c\u201d\"]{3,60})[\u2019\u201d\"]")
_ACRONYM_AFTER = re.compile(
    r"((?:[A-Z][\w\u2019'-]+\s+)(?:(?:[A-Z][\w\u2019'-]+|and|of|the|for)\s+){0,6}"
    r"[A-Z][\w\u2019'-]+)\s+\(([A-Z]{2,6}s?)\)"
)
_DEFINED_BY = re.compile(
    r"(?<![\w-])(?:so-called|known as|called|termed|named|the term|the word|the slogan|"
    r"the theory of)"
    r"\s+[\u2018\u201c\"]?$",
    re.I,
)
# Words that open an introductory phrase: the comma after it is the phrase's, not a gloss's.
_INTRODUCING = {
    "in", "at", "on", "from", "by", "after", "before", "during", "without", "with", "for",
    "under", "across", "since", "until", "when", "while", "as", "if", "although", "because",
}  # fmt: skip
# How surely a sentence explains a term. An everyday word is suggested only when the articles
# say what it is or name it ("councils called soviets"), not for a gloss in brackets.
_SAYS_WHAT = 3.0  # "Soviets were assemblies of delegates ..."
_ABOUT_ONE = 2.5  # "The X was a ...", which may describe one X, not define it
_NAMED = 2.0  # "known as X", "the so-called X"
_BRACKETS = 1.9  # "X (the workers' councils)"
_MIN_PROSE_WORDS = 8  # shorter fragments are labels, captions and link lists, not prose


@dataclass(frozen=True)
class Suggestion:
    """A candidate glossary entry with the evidence for it."""

    term: str
    category: str  # person | organisation | place | event | term
    count: int
    chapters: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    definition: str = ""  # drafted from the articles; "" when none was found
    source: str = ""  # the chapter the definition came from
    score: float = 0.0


@dataclass
class _Candidate:
    forms: Counter = field(default_factory=Counter)  # spelling → uses
    chapters: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # name, acronym, quoted, word, phrase
    before: Counter = field(default_factory=Counter)  # the word before each use
    after: Counter = field(default_factory=Counter)  # the word after each use
    expansion: str = ""

    @property
    def count(self) -> int:
        return sum(self.forms.values())


@dataclass
class _Sentence:
    text: str
    chapter: str
    language: str


def suggest_terms(
    book: Book, glossary: tuple[GlossaryEntry, ...], limit: int = 30
) -> list[Suggestion]:
    """Candidate glossary entries, best first, leaving out what the glossary already defines.

    Args:
        book: the assembled book (its chapters' prose is read).
        glossary: the entries already written; their terms and aliases are not suggested.
        limit: how many suggestions at most.

    Returns:
        Suggestions with merged spellings, a category and a draft definition where found.
    """
    sentences = list(_sentences(book))
    lower_words = Counter(
        t.casefold() for s in sentences for t in _TOKEN.findall(s.text) if t[0].islower()
    )
    mid_capitals = Counter(
        m.group(0)
        for s in sentences
        for m in _TOKEN.finditer(s.text)
        if m.group(0)[0].isupper() and not _opens(s.text, m.start())
    )
    found: dict[str, _Candidate] = defaultdict(_Candidate)
    for sentence in sentences:
        _collect(sentence, found, lower_words, mid_capitals)
    groups = _merge(found)
    defined = {f.casefold() for e in glossary for f in e.forms}
    language = book.language.split("-")[0] if book.language else "en"
    suggestions = []
    for group in groups:
        forms = _group_forms(group)
        if any(f.casefold() in defined for f in forms):
            continue
        suggestion = _suggestion(group, forms, sentences, language)
        if suggestion is not None:
            suggestions.append(suggestion)
    suggestions.sort(key=lambda s: (-s.score, s.term.casefold()))
    return _distinct(suggestions)[:limit]


def _sentences(book: Book) -> Iterable[_Sentence]:
    """The prose sentences of every chapter (labels, captions and short items left out)."""
    for chapter in book.chapters:
        language = (chapter.article.language or book.language or "en").split("-")[0]
        for block in chapter.article.body:
            if not isinstance(block, Paragraph | Quote | ListBlock):
                continue
            for fragment in block_fragments(block):
                text = html.unescape(strip_tags(fragment)).replace("\u00a0", " ")
                text = " ".join(text.split())
                if len(text.split()) < _MIN_PROSE_WORDS or _looks_like_reference(text):
                    continue
                for piece in _SENTENCE_END.split(text):
                    yield _Sentence(piece, chapter.article.title, language)


def _looks_like_reference(text: str) -> bool:
    """A bibliography line: "Schuch FB, Vancampfort D (2016) ... doi:..." is not prose."""
    return bool(
        re.search(r"\bdoi\b|\bet al\b|\b[A-Z][a-z]+ [A-Z]{1,3}(?:,|\.| \(\d)|\(\d{4}\)\.", text)
    )


def _collect(
    sentence: _Sentence, found: dict[str, _Candidate], lower_words: Counter, mid_capitals: Counter
) -> None:
    """Record the names, acronyms, quoted phrases and rare words of one sentence."""
    text = sentence.text
    tokens = [(m.group(0), m.start()) for m in _TOKEN.finditer(text)]

    def add(form: str, kind: str, start: int, end: int, expansion: str = "") -> None:
        form = form.strip(" .,-")
        possessive = re.search(r"[\u2019']s$", form)
        form = form[: possessive.start()] if possessive else form
        if not form or not _clean_form(form):
            return
        candidate = found[form]
        candidate.forms[form] += 1
        candidate.kinds.add(kind)
        if sentence.chapter not in candidate.chapters:
            candidate.chapters.append(sentence.chapter)
        before = [w for w in _TOKEN.findall(text[:start])[-2:] if w.casefold() != "the"]
        after = _TOKEN.findall(text[end:])
        candidate.before[before[-1].casefold() if before else ""] += 1
        candidate.after["'s" if possessive else after[0].casefold() if after else ""] += 1
        candidate.expansion = candidate.expansion or expansion

    for match in _ACRONYM_AFTER.finditer(text):
        words = match.group(1).split()
        while words and (words[0].casefold() in {"the", "a", "an"} or words[0] in _CALENDAR):
            words = words[1:]
        expansion = _expansion(words, match.group(2))
        add(match.group(2), "acronym", match.start(2), match.end(2), expansion)
    for match in _QUOTED.finditer(text):
        phrase = match.group(1).strip(" ,.;:!?")
        if 1 <= len(phrase.split()) <= 4 and not phrase[0].isdigit():
            add(phrase, "quoted", match.start(1), match.end(1))
    i = 0
    while i < len(tokens):
        word, start = tokens[i]
        starts = _opens(text, start)
        if _is_capital(word) and not (starts and _common_at_start(word, lower_words, mid_capitals)):
            j = i + 1
            while j < len(tokens):
                nxt = tokens[j][0]
                gap = text[tokens[j - 1][1] + len(tokens[j - 1][0]) : tokens[j][1]]
                if gap.strip() or _POSSESSIVE.search(tokens[j - 1][0]):
                    break  # "Lenin’s Bolsheviks" is two names
                year = _YEAR.match(nxt) and tokens[j - 1][0] == "of"  # "Revolution of 1905"
                joined = (
                    nxt in _CONNECTORS and j + 1 < len(tokens) and _is_capital(tokens[j + 1][0])
                )
                if not (_is_capital(nxt) or year or joined):
                    break
                j += 1
            name_tokens = tokens[i:j]
            end = name_tokens[-1][1] + len(name_tokens[-1][0])
            if word.isupper() and len(word) > 1 and len(name_tokens) == 1:
                add(word, "acronym", start, end)
            else:
                add(text[start:end], "name", start, end)
            i = j
            continue
        if _content_word(word):
            add(word, "word", start, start + len(word))
            if i + 1 < len(tokens):
                nxt, nstart = tokens[i + 1]
                gap = text[start + len(word) : nstart]
                if _content_word(nxt) and gap == " ":
                    add(f"{word} {nxt}", "phrase", start, nstart + len(nxt))
        i += 1


def _expansion(words: list[str], acronym: str) -> str:
    """The words before "(SRs)" that the letters stand for: "Social Revolutionaries"."""
    letters = acronym.rstrip("s") if len(acronym) > 2 else acronym
    for start in range(len(words)):
        if not words[start][0].isupper():
            continue
        initials = "".join(w[0] for w in words[start:] if w[0].isupper())
        if initials.casefold() == letters.casefold():
            return " ".join(words[start:])
    return ""


def _content_word(word: str) -> bool:
    """A lower-case word that can be a term: no stop word ("your", "which")."""
    from anthology.plan.text import stopwords

    return word[0].islower() and word.isalpha() and len(word) > 3 and word not in stopwords()


def _opens(text: str, start: int) -> bool:
    """True at a sentence's start, or after an opening quotation mark or a colon (a capital
    there is the sentence's, not a name's)."""
    return not text[:start].strip() or text[:start].rstrip().endswith(
        ("\u201c", "\u2018", '"', ":")
    )


def _is_capital(word: str) -> bool:
    return word[0].isupper() and word[0].isalpha()


def _common_at_start(word: str, lower_words: Counter, mid_capitals: Counter) -> bool:
    """A capital at a sentence's start is a name only if the word is written so elsewhere."""
    return word.casefold() in lower_words or not mid_capitals[word]


def _clean_form(form: str) -> bool:
    """Leave out broken words, contractions, code, shouting, numbers and initials."""
    words = form.split()
    if form.endswith("-") or _CONTRACTION.search(form) or _CODE_LIKE.search(form):
        return False
    if any(w.isupper() and len(w) > 6 for w in words) or (
        len(words) > 1 and all(w.isupper() for w in words)
    ):
        return False
    if len(words) > 1 and re.fullmatch(r"[A-Z]{1,3}", words[-1]):
        return False  # "Schuch FB": an author with initials
    if len(words) == 1 and _key(form) in _CALENDAR:
        return False
    return not any(c.isdigit() for c in words[0]) and len(form) > 1


_ORDINALS = {
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "all-russia", "all-russian", "national", "annual",
}  # fmt: skip


def _key(form: str) -> str:
    """Spellings of one thing share a key: case, plural s and -ism/-ist endings folded.

    A recurring body keeps one key across its sittings: "Second Congress of Soviets" and
    "First Congress of Soviets" are both "congress of soviet".
    """
    key = form.casefold().replace("\u2019", "'")
    words = key.split()
    while len(words) > 3 and words[0] in _ORDINALS and _head(words[1:]) in _ORG_HEADS:
        words = words[1:]
    last = words[-1]
    for ending, base in (("ists", "ism"), ("ist", "ism"), ("ies", "y"), ("s", "")):
        if last.endswith(ending) and len(last) - len(ending) >= 3 and not last.endswith("ss"):
            last = last[: -len(ending)] + base
            break
    return " ".join([*words[:-1], last])


def _merge(found: dict[str, _Candidate]) -> list[list[tuple[str, _Candidate]]]:
    """Group the candidates that are spellings of one thing."""
    by_key: dict[str, list[tuple[str, _Candidate]]] = defaultdict(list)
    for form, candidate in found.items():
        by_key[_key(form)].append((form, candidate))
    # An acronym joins its expansion; "X Party" joins X; a surname joins the full name.
    keys = sorted(by_key, key=lambda k: (-len(k.split()), k))
    target: dict[str, str] = {}
    for key in keys:
        group = by_key[key]
        for _form, candidate in group:
            if candidate.expansion and _key(candidate.expansion) in by_key:
                target[key] = _key(candidate.expansion)
        words = key.split()
        if len(words) == 2 and words[1] == "party" and words[0] in by_key:
            target[key] = words[0]
    # A name that is the tail of an acronym's expansion is that name cut at its "and"
    # ("Labour Party" of "Russian Social Democratic and Labour Party").
    expansions = {
        _key(c.expansion): key for key, group in by_key.items() for _, c in group if c.expansion
    }
    for key in keys:
        if len(key.split()) > 1 and key not in target:
            owner = next((o for full, o in expansions.items() if full.endswith(" " + key)), None)
            if owner is not None and owner != key:
                target[key] = owner
    names_only = {k for k, g in by_key.items() if all(_is_capital(f) for f, _ in g)}
    for key in keys:
        words = key.split()
        if len(words) not in (2, 3) or key in target:
            continue
        forms = [f for f, _ in by_key[key]]
        if not all(_is_capital(w) for w in forms[0].split()):
            continue
        surname = words[-1]
        leads = words[:-1]
        titled = leads[0] in _TITLES
        given = all(w not in by_key and not _GENERAL_LEADS.search(w) for w in leads)
        if surname in names_only and (titled or given) and surname not in target:
            if surname in _ORG_HEADS | _EVENT_HEADS | _PLACE_HEADS or surname.endswith("ism"):
                continue
            home = key
            if titled and len(words) == 2:  # "General Kornilov" goes under "Kornilov"
                target[key], home = surname, surname
            elif key in target:
                continue
            else:
                target[surname] = home
    groups: dict[str, list[tuple[str, _Candidate]]] = defaultdict(list)
    for key, group in by_key.items():
        root = key
        seen = set()
        while root in target and root not in seen:
            seen.add(root)
            root = target[root]
        groups[root].extend(group)
    return list(groups.values())


def _group_forms(group: list[tuple[str, _Candidate]]) -> list[str]:
    """Spellings, most used first; one per case-folded spelling."""
    uses: Counter = Counter()
    for form, candidate in group:
        uses[form] += candidate.count
        if candidate.expansion:
            uses[candidate.expansion] += 0
    forms: dict[str, str] = {}
    for form, _n in sorted(uses.items(), key=lambda fu: (-fu[1], -_is_capital(fu[0]), fu[0])):
        forms.setdefault(form.casefold(), form)
    return list(forms.values())


def _suggestion(
    group: list[tuple[str, _Candidate]], forms: list[str], sentences: list[_Sentence], lang: str
) -> Suggestion | None:
    """One entry from a group of spellings, or None if it is no term for a glossary."""
    kinds = set().union(*(c.kinds for _, c in group))
    count = sum(c.count for _, c in group)
    chapters = tuple(dict.fromkeys(ch for _, c in group for ch in c.chapters))
    before = sum((c.before for _, c in group), Counter())
    after = sum((c.after for _, c in group), Counter())
    term = _headword(group, forms)
    rarity = _rarity(term, forms, kinds, lang)
    definition, source = "", ""
    if rarity <= 0:
        # An everyday word the articles use in a sense of their own, and explain ("soviet").
        from wordfreq import zipf_frequency

        if len(chapters) < 2 or count < 3 or len(term.split()) > 1:
            return None
        if zipf_frequency(term, lang) >= 4.8:
            return None
        definition, source = _definition(forms, sentences, "term", strict=True)
        if not definition:
            return None
        rarity = 0.5
    category = _category(term, forms, kinds, before, after)
    if category == "person":
        names = [f for f in forms if 1 < len(f.split()) <= 3 and f.split()[0] not in _TITLES]
        term = names[0] if names and all(_is_capital(w) for w in names[0].split()) else term
    if not definition:
        definition, source = _definition(forms, sentences, category)
    weight = {"acronym": 1.3, "quoted": 1.2, "name": 1.0, "phrase": 0.8, "word": 0.7}
    kind_weight = max(weight[k] for k in kinds)
    # Said once and never explained: only a named institution or event is worth a look.
    once = count < 2 and not definition and not (kinds & {"quoted", "acronym"})
    if once and (category in ("term", "person") or "name" not in kinds or " " not in term):
        return None
    evidence = (1 + math.log2(count)) * (1 + 0.6 * (len(chapters) - 1))
    score = evidence * rarity * kind_weight * (1.4 if definition else 1.0)
    if category != "term" or term[0].isupper():
        score *= 1.0 if category in ("person", "place") else 1.25
    aliases = tuple(f for f in forms if f.casefold() != term.casefold())
    return Suggestion(term, category, count, chapters, aliases, definition, source, score)


def _headword(group: list[tuple[str, _Candidate]], forms: list[str]) -> str:
    """The most used spelling, in lower case when the articles often write it so."""
    size = len(_key(forms[0]).split())
    if all(len(f.split()) > size for f in forms):  # sittings of one body: its plain name
        return " ".join(forms[0].split()[-size:])
    lower = sum(c.count for f, c in group if f[0].islower())
    total = sum(c.count for _, c in group)
    if lower * 3 >= total:
        return max((f for f, _ in group if f[0].islower()), key=lambda f: dict(group)[f].count)
    return next((f for f in forms if not f[0].islower()), forms[0])


def _rarity(term: str, forms: list[str], kinds: set[str], lang: str) -> float:
    """How little general language uses the term: 0 (everyday) to about 1.5 (specialist)."""
    from wordfreq import zipf_frequency

    words = term.split()
    if "acronym" in kinds and any(len(f.split()) > 1 for f in forms):
        return 1.0  # an acronym the articles spell out
    if len(words) == 1:
        zipf = zipf_frequency(term, lang)
        limit = 3.3 if term[0].islower() else 5.0
        return max(0.0, (limit - zipf) / 2.0) if zipf < limit else 0.0
    if term[0].islower():  # a phrase: one of its words must be uncommon, or it flagged
        zipf = min(zipf_frequency(w, lang) for w in words)
        if "quoted" in kinds:
            return 0.8
        return max(0.0, (4.6 - zipf) / 2.0)
    head = _head(words)
    lead = words[0]
    general = _GENERAL_LEADS.search(lead.casefold()) and zipf_frequency(lead, lang) > 4.0
    if general and head not in _ORG_HEADS | _EVENT_HEADS and "acronym" not in kinds:
        return 0.25  # "Western Europe", "Russian Empire": self-explaining
    if head in _ORG_HEADS | _EVENT_HEADS | _PLACE_HEADS:
        return 1.6  # a named institution, event or place: what glossaries explain
    zipf = min(zipf_frequency(w, lang) for w in words if w.casefold() not in _CONNECTORS)
    return 0.5 + max(0.0, (5.0 - zipf) / 4.0)


def _head(words: list[str]) -> str:
    """The word a name is about: the last, or the first before "of" ("Congress of Soviets")."""
    lowered = [w.casefold() for w in words]
    for i, word in enumerate(lowered[1:], 1):
        if word in _CONNECTORS:
            return lowered[i - 1]
    return lowered[-1]


def _category(term: str, forms: list[str], kinds: set[str], before: Counter, after: Counter) -> str:
    """Person, organisation, place, event or term, from the name and the words around it."""
    words = [w.casefold() for w in term.split()]
    head = _head(term.split())
    if term[0].islower() or words[-1].endswith(("ism", "isms")):
        return "term"
    if words[0] in _TITLES or any(
        f.split()[0].casefold() in _TITLES for f in forms if len(f.split()) > 1
    ):
        return "person"
    if any(_YEAR.match(w) for w in words) or head in _EVENT_HEADS:
        return "event"
    if head in _ORG_HEADS:
        return "organisation"
    if "acronym" in kinds:  # what its expansion names, else a term (API, CPU)
        spelt = [f for f in forms if len(f.split()) > 1]
        if not spelt:
            return "term"
        kind = _category(spelt[0], spelt, {"name"}, Counter(), Counter())
        return "organisation" if kind == "person" else kind
    if head in _PLACE_HEADS:
        return "place"
    total = sum(before.values()) or 1
    places = sum(before[p] for p in _PLACE_PREPOSITIONS) / total
    acts = sum(n for word, n in after.items() if word.endswith("ed") and len(word) > 4)
    people = (sum(after[v] for v in _PERSON_VERBS + ("'s",)) + before["by"] + acts) / total
    if term.endswith(("ists", "iks", "ites", "ians", "ers", "ors", "ies")):
        return "organisation"  # a capitalised plural names a group: Bolsheviks, Populists
    if places >= 0.3 and places > people:
        return "place"
    if people > 0 or len(words) <= 3:
        return "person"  # a lone capitalised name nobody goes to is most often someone's
    return "term"


def _definition(
    forms: list[str], sentences: list[_Sentence], category: str, strict: bool = False
) -> tuple[str, str]:
    """The apposition or sentence where an article introduces the term, and its chapter.

    ``strict`` takes only a sentence that says what the term is ("Soviets were ..."), a gloss
    in brackets or a naming ("known as ..."), not an apposition.
    """
    pattern = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    use = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")
    best: tuple[float, str, str] | None = None
    for sentence in sentences:
        for match in use.finditer(sentence.text):
            # The tail of a longer name ("October revolution (7 November)") is not this term.
            before = list(_TOKEN.finditer(sentence.text[: match.start()]))
            named = before and _is_capital(before[-1].group(0))
            if named and not _opens(sentence.text, before[-1].start()):
                continue
            found = _defining(sentence.text, match, category)
            if found and strict and found[0] not in (_SAYS_WHAT, _NAMED):
                found = None
            if found and (best is None or found[0] > best[0]):
                best = (found[0], found[1], sentence.chapter)
        if best and best[0] >= 3:
            break
    if best is None:
        return "", ""
    return best[1], best[2]


def _defining(text: str, match: re.Match[str], category: str) -> tuple[float, str] | None:
    """(strength, draft) if this use of the term explains it, else None."""
    rest = text[match.end() :]
    head = text[: match.start()]
    # "X, the ... ," : an apposition closes with a comma or dash; "Without X, the revolution
    # would not have happened." is a clause, not a gloss.
    apposition = re.match(
        r",\s+((?:a|an|the|meaning|literally)\b[^,;:()]{8,200}?)\s*(?:,|;|\s[-\u2013\u2014]\s)",
        rest,
    )
    clause = re.split(r"[,;:]", head)[-1].split()
    introduced = bool(clause) and clause[0].casefold() in _INTRODUCING  # "In Petrograd, a ..."
    if apposition and len(apposition.group(1).split()) >= 3 and not introduced:
        return 1.5, _sentence_case(apposition.group(1))
    if re.match(r",\s+(?:who|which)\b", rest):
        return 1.2, _whole(text)
    brackets = re.match(r"\s+\(([^()]{8,160})\)", rest)
    if brackets and len(brackets.group(1).split()) >= 2 and not brackets.group(1).isupper():
        return _BRACKETS, _sentence_case(brackets.group(1))
    copula = re.match(
        r"\s+(?:is|was|are|were|means|meant|refers to|stood for|stands for)\s+"
        r"(?:a|an|the|one of|what|when)\b",
        rest,
    )
    if copula and not head.strip():
        return _SAYS_WHAT, _whole(text)  # "Soviets were assemblies of delegates ..."
    if copula and re.fullmatch(r"(?:The|A|An)\s+", head):
        return _ABOUT_ONE, _whole(text)  # "The revolution was ...": about one, maybe
    if _DEFINED_BY.search(head):
        return _NAMED, _whole(text)
    return None


def _sentence_case(text: str) -> str:
    text = text.strip().rstrip(",;:")
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _whole(text: str) -> str:
    text = text.strip()
    return text if len(text.split()) <= 60 else " ".join(text.split()[:60]) + " …"


def _distinct(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Drop a suggestion whose spellings another one, ranked higher, already uses."""
    used: set[str] = set()
    out = []
    for s in suggestions:
        forms = {f.casefold() for f in (s.term, *s.aliases)}
        if forms & used:
            aliases = tuple(a for a in s.aliases if a.casefold() not in used)
            if s.term.casefold() in used:
                continue
            s = Suggestion(
                s.term, s.category, s.count, s.chapters, aliases, s.definition, s.source, s.score
            )
            forms = {f.casefold() for f in (s.term, *s.aliases)}
        used |= forms
        out.append(s)
    return out


def suggestions_toml(suggestions: list[Suggestion]) -> str:
    """Suggestions as [[term]] tables that build when appended to glossary.toml.

    A drafted definition is quoted from the articles, with its chapter in a comment: review
    it. An entry with no draft is printed commented out, to write and uncomment.
    """
    out = [
        "",
        "# Suggested entries, most needed first. Definitions marked \u201cdraft\u201d are quoted",
        "# from the chapter named above them: rewrite, keep or delete. Entries with no draft",
        "# are commented out: write a definition and remove the leading \u201c# \u201d.",
    ]
    for s in suggestions:
        plural = "s" if s.count != 1 else ""
        where = f"{len(s.chapters)} chapter{'s' if len(s.chapters) != 1 else ''}"
        lines = ["[[term]]", f"term = {toml_string(s.term)}"]
        if s.aliases:
            lines.append(f"aliases = [{', '.join(toml_string(a) for a in s.aliases)}]")
        lines.append(f'category = "{s.category}"')
        out += ["", f"# {s.count} use{plural} in {where}"]
        if s.definition:
            out.append(f"# draft from \u201c{s.source}\u201d: review")
            out += lines + [f"definition = {toml_string(s.definition)}"]
        else:
            out += [f"# {line}" for line in [*lines, 'definition = "TODO"']]
    return "\n".join(out) + "\n"
