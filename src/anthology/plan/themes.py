"""Themed parts from cleaned articles: clusters found by the data, named from their own words.

The method, chosen by measurement on 80 labelled pages and on random 48-page folders of six
topics (``bench/themes.py``):

1. Each article becomes a TF-IDF vector of its singular lemmas (sublinear term frequency,
   words in at least two articles and at most half of them).
2. Spectral clustering of a k-nearest-neighbour graph of cosine similarities, the number of
   clusters read from the largest gap in the graph Laplacian's eigenvalues, for several
   neighbourhood sizes. No single size suits every folder: too few neighbours cut a topic
   whose articles share little vocabulary, too many join two topics.
3. The runs vote: two articles share a part when most runs put them together (average
   linkage on the co-association matrix, cut at one half). A part of one article joins the
   part it is most like.

Names come from each part's distinctive words and two-word phrases (common in the part, rare
outside it) that name a thing: nouns and noun phrases, told from verbs and adjectives by the
words around them. A second theme joins with "and" only when it covers the articles the first
misses ("Climate Change and Waste"), so near-synonyms ("Travel and Trip") are not paired.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from anthology.core.model import Article
from anthology.plan.duplicates import Duplicate, find_duplicates
from anthology.plan.text import Words, article_text, roles, spelling_of, stopwords, words

ONE_PART_UPTO = 5  # a handful of articles makes one part
MAX_PARTS = 8
NEIGHBOURS = (4, 5, 6, 7, 8)  # neighbourhood sizes that vote (capped at a third of the edition)
SEED = 0


@dataclass(frozen=True)
class PlannedPart:
    """A part the plan proposes: its name, its articles in reading order and why."""

    title: str
    sources: tuple[str, ...]
    terms: tuple[str, ...]  # the words its articles share that others lack, strongest first


@dataclass(frozen=True)
class Plan:
    """Themed parts in reading order, and the near-duplicates left out of them."""

    parts: tuple[PlannedPart, ...]
    duplicates: tuple[Duplicate, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """Every planned article, in reading order."""
        return tuple(s for part in self.parts for s in part.sources)

    def with_copies(self) -> Plan:
        """The plan with each near-duplicate placed right after the article it copies.

        A build without parts in book.toml loses no page: it keeps both and warns, while
        ``compile plan`` leaves the copy out of the draft for the editor to confirm.
        """
        after: dict[str, list[str]] = {}
        for duplicate in self.duplicates:
            after.setdefault(duplicate.kept, []).append(duplicate.source)
        parts = tuple(
            replace(
                part,
                sources=tuple(s for kept in part.sources for s in (kept, *after.get(kept, ()))),
            )
            for part in self.parts
        )
        return Plan(parts, self.duplicates)


def plan(
    articles: Sequence[Article],
    *,
    max_parts: int = MAX_PARTS,
    one_part_upto: int = ONE_PART_UPTO,
) -> Plan:
    """Group articles into named, ordered parts and set near-duplicates aside.

    Args:
        articles: the edition's cleaned articles, in any order.
        max_parts: the most parts to propose.
        one_part_upto: editions of this many articles or fewer make one part.

    Returns:
        The plan; the same articles always give the same plan.
    """
    articles = sorted(articles, key=lambda a: a.source)
    duplicates = find_duplicates(articles)
    left_out = {d.source for d in duplicates}
    articles = [a for a in articles if a.source not in left_out]
    if not articles:
        return Plan((), duplicates)
    corpus = _Corpus(articles)
    few = len(articles) <= one_part_upto
    labels = [0] * len(articles) if few else corpus.clusters(max_parts)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    parts = []
    for members in groups.values():
        terms = corpus.distinctive(members)
        chapters = sorted(
            (articles[i] for i in members),
            key=lambda a: (a.date is None, a.date or date.min, a.title.casefold(), a.source),
        )
        parts.append(
            (
                -corpus.centrality(members),
                PlannedPart(
                    title=corpus.name(terms, members),
                    sources=tuple(a.source for a in chapters),
                    terms=tuple(corpus.shown(t) for t in terms[:8]),
                ),
            )
        )
    parts.sort(key=lambda item: (round(item[0], 9), item[1].title, item[1].sources))
    return Plan(tuple(part for _, part in parts), duplicates)


def place(articles: Sequence[Article], groups: Sequence[Sequence[str]]) -> dict[str, int]:
    """The best-fitting group for each article that no group lists yet.

    Args:
        articles: every article of the edition.
        groups: the sources of each existing part, in order.

    Returns:
        Source of each new article → index into ``groups`` of the part most like it.
    """
    listed = {source for group in groups for source in group}
    newcomers = [a for a in articles if a.source not in listed]
    if not newcomers or not groups:
        return {}
    import numpy as np

    ordered = sorted(articles, key=lambda a: a.source)
    corpus = _Corpus(ordered, min_df=1, max_df=1.0)
    index = {a.source: i for i, a in enumerate(ordered)}
    vectors = corpus.matrix
    centroids = []
    for group in groups:
        rows = [index[s] for s in group if s in index]
        if rows:
            centroid = np.asarray(vectors[rows].mean(axis=0)).ravel()
            centroid /= np.linalg.norm(centroid) or 1.0
        else:
            centroid = np.zeros(vectors.shape[1])
        centroids.append(centroid)
    scores = vectors @ np.array(centroids).T
    return {
        a.source: int(np.argmax(np.asarray(scores[index[a.source]]).ravel()))
        for a in sorted(newcomers, key=lambda a: a.source)
    }


class _Corpus:
    """The articles' words, their TF-IDF matrix and the numbers names are chosen by."""

    def __init__(self, articles: Sequence[Article], min_df: int = 2, max_df: float = 0.5):
        from sklearn.feature_extraction.text import TfidfVectorizer

        stop = stopwords()
        self.spellings: dict[str, Counter] = {}
        texts = [article_text(a) for a in articles]
        self.words: list[Words] = [words(text, stop, self.spellings) for text in texts]
        self.roles = roles(texts, stop)
        self.scores: dict[str, float] = {}
        self.n = len(articles)
        min_df = min_df if self.n >= 4 else 1
        try:
            vectorizer = TfidfVectorizer(
                analyzer=lambda w: w.lemmas, sublinear_tf=True, min_df=min_df, max_df=max_df
            )
            self.matrix = vectorizer.fit_transform(self.words)
        except ValueError:  # too few articles or words for those bounds
            vectorizer = TfidfVectorizer(analyzer=lambda w: w.lemmas, sublinear_tf=True)
            self.matrix = vectorizer.fit_transform(self.words)
        self.titles: list[set[str]] = []
        for a in articles:
            title = words(a.title, stop)
            self.titles.append(set(title.lemmas) | set(title.pairs))
        self.df: Counter = Counter()
        for w in self.words:
            self.df.update(set(w.lemmas) | set(w.pairs))

    def similarities(self):
        import numpy as np

        return np.asarray((self.matrix @ self.matrix.T).todense())

    def clusters(self, max_parts: int) -> list[int]:
        """A part number for each article, found by voting spectral clusterings."""
        import numpy as np
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform
        from sklearn.cluster import SpectralClustering

        n = self.n
        similar = self.similarities()
        np.fill_diagonal(similar, 0.0)
        most = min(max_parts, n - 1)
        sizes = sorted({max(2, min(k, n // 3)) for k in NEIGHBOURS})
        together = np.zeros((n, n))
        for size in sizes:
            graph = _neighbours(similar, size)
            k = _eigengap(graph, 2, most)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "graph is not fully connected" is fine here
                labels = SpectralClustering(
                    n_clusters=k,
                    affinity="precomputed",
                    random_state=SEED,
                    assign_labels="kmeans",
                    n_init=10,
                ).fit_predict(graph)
            together += labels[:, None] == labels[None, :]
        distance = 1.0 - together / len(sizes)
        np.fill_diagonal(distance, 0.0)
        tree = linkage(squareform(distance, checks=False), "average")
        labels = fcluster(tree, t=0.5, criterion="distance")
        if len(set(labels)) > max_parts:
            labels = fcluster(tree, t=max_parts, criterion="maxclust")
        labels = _join_singletons(list(labels), similar)
        if len(set(labels)) < 2 <= n:
            labels = list(fcluster(tree, t=2, criterion="maxclust"))
        # Number parts by their first article, so the labels do not depend on the library.
        first: dict[int, int] = {}
        for label in labels:
            first.setdefault(label, len(first))
        return [first[label] for label in labels]

    def centrality(self, members: list[int]) -> float:
        """How close a part's articles are, on average, to the edition as a whole."""
        import numpy as np

        whole = np.asarray(self.matrix.mean(axis=0)).ravel()
        whole /= np.linalg.norm(whole) or 1.0
        return float(np.mean(self.matrix[members] @ whole))

    def distinctive(self, members: list[int]) -> list[str]:
        """Lemmas and two-lemma phrases common in these articles and rare in the rest."""
        inside: Counter = Counter()
        weight: Counter = Counter()
        for i in members:
            counts = Counter(self.words[i].lemmas) + Counter(self.words[i].pairs)
            for term, count in counts.items():
                inside[term] += 1
                weight[term] += 1 + math.log(count)
        size, rest = len(members), self.n - len(members)
        need = 2 if size >= 2 else 1
        scored = []
        for term, df_in in inside.items():
            share = df_in / size
            if df_in < need or share < 0.4:
                continue
            outside = (self.df[term] - df_in) / rest if rest else 0.0
            depth = weight[term] / df_in  # how much the articles that use it say about it
            # Words the authors put in their titles are the ones an editor would use.
            titled = sum(term in self.titles[i] for i in members) / size
            score = (share - outside) * math.sqrt(share) * depth * (1 + titled)
            if " " in term:
                score *= 1.2  # a phrase names a theme better than either word alone
            if score > 0:
                scored.append((-score, term))
                self.scores[term] = score
        scored.sort()
        return _without_repeats([term for _, term in scored])

    def shown(self, term: str) -> str:
        """A lemma or phrase as the articles write it, title-cased."""
        return " ".join(spelling_of(part, self.spellings) for part in term.split())

    def name(self, terms: list[str], members: list[int]) -> str:
        """A short title an editor would keep, from a part's distinctive noun phrases.

        The strongest term that names a thing (a noun, or a phrase ending in one: "Zero
        Waste", not "Reduce"); a phrase holding it when the articles use the phrase nearly as
        widely ("Climate" → "Climate Change"); and a second theme joined with "and" only when
        it is what the articles the first term misses are about, and some of their titles say
        so ("Climate Change and Waste"), never a near-synonym found in the same articles
        ("Travel and Trip").
        """
        if not terms:
            return "Articles"
        things: list[str] = []
        for term in terms:
            thing = term if self._names_a_thing(term) else self._noun_of(term, members)
            if thing and thing not in things:
                things.append(thing)
        things = things or terms
        first = self._in_phrase(things[0], things, members)
        covered = self._covering(first, members)
        rest = [m for m in members if m not in covered]
        if len(rest) < max(2, len(members) // 4):
            return self.shown(first)
        for other in things[1:10]:
            if set(other.split()) & set(first.split()) or _related(first, other):
                continue
            if self.scores.get(other, 0.0) * 5 < self.scores.get(things[0], 0.0) * 2:
                break
            gained = self._covering(other, rest)
            titled = any(other in self.titles[i] for i in gained)  # a subject, not a detail
            if len(gained) * 2 >= len(rest) and len(gained) >= 2 and titled:
                other = self._in_phrase(other, things, rest)
                return f"{self.shown(first)} and {self.shown(other)}"
        return self.shown(first)

    def _in_phrase(self, word: str, things: list[str], members: list[int]) -> str:
        """The phrase holding ``word`` when the articles use it nearly as widely, else it."""
        if " " in word:
            return word
        covered = len(self._covering(word, members))
        for phrase in things[:12]:
            holds = " " in phrase and word in phrase.split()
            if holds and len(self._covering(phrase, members)) * 4 >= covered * 3:
                return phrase
        return word

    def _noun_of(self, word: str, members: list[int]) -> str | None:
        """The noun of an adjective's family the articles use ("financial" → "finance")."""
        if " " in word:
            return None
        used: Counter = Counter()
        for i in members:
            used.update(self.words[i].lemmas)
        family = [
            (n, lemma)
            for lemma, n in used.items()
            if lemma != word
            and _related(word, lemma)
            and len(lemma) < len(word)
            and self._names_a_thing(lemma)
            and len(self._covering(lemma, members)) >= 2
        ]
        return max(family)[1] if family else None

    def _names_a_thing(self, term: str) -> bool:
        """A noun, or a phrase that starts with no verb and holds a noun ("Climate Change")."""
        parts = term.split()
        if len(parts) == 1:
            return self.roles.names_a_thing(term)
        first, last = parts[0], parts[-1]
        if self.roles.verb[first] > self.roles.noun[first]:
            return False  # "Reduce Waste" is advice, not a subject
        return self.roles.names_a_thing(last) or self.roles.names_a_thing(first)

    def _covering(self, term: str, members: list[int]) -> list[int]:
        """The articles among ``members`` that use ``term`` more than in passing."""
        found = []
        for i in members:
            terms = self.words[i].pairs if " " in term else self.words[i].lemmas
            if terms.count(term) >= 2:
                found.append(i)
        return found


def _without_repeats(terms: list[str]) -> list[str]:
    """Terms with a single word dropped when a stronger phrase already holds it."""
    kept: list[str] = []
    for term in terms:
        held = {w for t in kept if " " in t for w in t.split()}
        if " " not in term and term in held:
            continue
        if " " in term and any(" " in t and set(t.split()) & set(term.split()) for t in kept):
            continue
        kept.append(term)
    return kept


def _related(one: str, other: str) -> bool:
    """True for two words of one family (garden, gardening): a name uses one of them."""
    stem = min(len(one), len(other), 5)
    return one[:stem] == other[:stem]


def _neighbours(similar, size: int):
    """A symmetric k-nearest-neighbour graph weighted by similarity."""
    import numpy as np

    n = similar.shape[0]
    graph = np.zeros_like(similar)
    for row in range(n):
        nearest = np.argsort(-similar[row], kind="stable")[:size]
        graph[row, nearest] = similar[row, nearest]
    return np.maximum(graph, graph.T)


def _eigengap(graph, least: int, most: int) -> int:
    """The number of clusters after which the normalized Laplacian's eigenvalues jump most.

    Each gap is weighted by the square root of its number of clusters: one tight topic
    splits off with a clear first gap, and the plain rule then proposes two parts for a
    folder of eight topics (it did on the 80 benchmark pages); the weight leaves the choice
    among nearby numbers to the gaps themselves.
    """
    import numpy as np
    from scipy.sparse.csgraph import laplacian

    values = np.linalg.eigvalsh(laplacian(graph, normed=True))
    gaps = [((values[k] - values[k - 1]) * math.sqrt(k), -k) for k in range(least, most + 1)]
    return -max(gaps)[1]


def _join_singletons(labels: list[int], similar) -> list[int]:
    """Labels with each one-article part moved to the part it is most like on average."""
    import numpy as np

    sizes = Counter(labels)
    if len(sizes) <= 2:
        return labels
    result = list(labels)
    for i, label in enumerate(labels):
        if sizes[label] != 1:
            continue
        best, best_score = label, -1.0
        for other in sorted(set(labels)):
            if other == label or sizes[other] < 2:
                continue
            members = [j for j, lab in enumerate(labels) if lab == other]
            score = float(np.mean(similar[i, members]))
            if score > best_score:
                best, best_score = other, score
        result[i] = best
    return result
