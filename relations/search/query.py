"""What a reader typed, read once into terms that both databases' full-text engines are given.

The syntax is PostgreSQL's "websearch" one: words are all required, "a quoted phrase" is found as
a phrase, `or` between words offers alternatives, `-word` (or `-"a phrase"`) leaves out what has
it. It is parsed here rather than by `websearch_to_tsquery`, so that SQLite's FTS5 gets the same
query and both databases find the same records, and so that nothing a reader types (a lone
operator, an unbalanced quote, a NUL byte) can reach either engine as an error.

A term is the words of one typed word or phrase: words are runs of letters and digits, so
"Viêt-Nam" is the phrase "Viêt Nam" and "U.S." the phrase "U S", as both engines index them.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from . import stopwords

#: The longest query read; the page says when a longer one was cut.
MAX_LENGTH = 200
#: Letters and digits a query needs at least, all words together: one letter finds everything.
MIN_LETTERS = 2
#: Terms read from one query: enough for any real search, few enough to keep a query cheap.
MAX_TERMS = 12

TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"\w+")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean(text):
    """`text` without control characters (a NUL byte included), spaces collapsed."""
    return " ".join(CONTROL.sub(" ", text or "").split())


def fold(word):
    """A word as the indexes store it: lower case, without accents ("Viêt" -> "viet")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


#: What joins alternatives, in each language: websearch's "or", and the French "ou" on French pages.
OR_WORDS = {"en": {"or"}, "fr": {"or", "ou"}}
#: {language code: its stop words, folded} (relations.search.stopwords)
STOP_WORDS = {code: frozenset(map(fold, words)) for code, words in stopwords.WORDS.items()}


def without_stop_words(words, language):
    """A term's words without the stop words at either end, which PostgreSQL leaves out of its
    query and SQLite would require ("the trade" -> "trade", "l'ASEAN" -> "ASEAN"); those inside a
    phrase stay, so that SQLite still finds the phrase ("Minister of Trade")."""
    stop = STOP_WORDS.get(language, frozenset())
    words = list(words)
    while words and fold(words[0]) in stop:
        words.pop(0)
    while words and fold(words[-1]) in stop:
        words.pop()
    return tuple(words)


@dataclass
class Group:
    """Terms that must all be there (`required`), and none of `excluded`."""

    required: list = field(default_factory=list)
    excluded: list = field(default_factory=list)


@dataclass
class Query:
    """A parsed search: any one of `groups` matches (they were joined by `or`)."""

    text: str
    groups: list
    truncated: bool = False
    #: Words were typed, but only stop words ("the", "of"), which no search finds.
    only_stop_words: bool = False

    def __bool__(self):
        return bool(self.groups)

    def words(self):
        """The required single words, in the order typed (what "did you mean" may correct)."""
        return [term[0] for group in self.groups for term in group.required if len(term) == 1]

    def replaced(self, corrections):
        """The typed text with each word in `corrections` (folded word -> word) replaced."""

        def swap(match):
            typed = match.group(0)
            word = corrections.get(fold(typed), typed)
            # As it was typed: "Jakrta" -> "Jakarta", "JAKRTA" -> "JAKARTA".
            return word.upper() if typed.isupper() and len(typed) > 1 else word.title() if typed.istitle() else word

        return WORD.sub(swap, self.text)


def parse(text, language="en"):
    """The Query for what was typed, read in `language` (its stop words left out); falsy when
    nothing searchable is left."""
    text = clean(text)
    truncated = len(text) > MAX_LENGTH
    text = text[:MAX_LENGTH]
    groups = [Group()]
    terms = 0
    stop_words_only = False
    for match in TOKEN.finditer(text):
        minus, phrase, bare = match.groups()
        if bare is not None:
            if bare.lower() in OR_WORDS.get(language, OR_WORDS["en"]):
                if groups[-1].required or groups[-1].excluded:
                    groups.append(Group())
                continue
            minus, phrase = ("-", bare[1:]) if bare.startswith("-") else ("", bare)
        typed = WORD.findall(phrase)
        words = without_stop_words(typed, language)
        stop_words_only = stop_words_only or (typed and not words)
        if not words or terms >= MAX_TERMS:
            continue
        terms += 1
        (groups[-1].excluded if minus else groups[-1].required).append(words)
    # A group that only excludes would match nearly everything: it is not a search.
    groups = [group for group in groups if group.required]
    if sum(len(word) for group in groups for term in group.required for word in term) < MIN_LETTERS:
        groups = []
    return Query(text=text, groups=groups, truncated=truncated, only_stop_words=bool(stop_words_only and not groups))


def fts5_expression(query, columns):
    """The FTS5 MATCH expression for `query`, searching `columns` only. Every term is a quoted
    string, which FTS5 reads as words (or a phrase) whatever they contain."""

    def quoted(term):
        return '"' + " ".join(term) + '"'

    groups = []
    for group in query.groups:
        expression = " AND ".join(quoted(term) for term in group.required)
        for term in group.excluded:
            expression = f"({expression}) NOT {quoted(term)}"
        groups.append(f"({expression})")
    return "{" + " ".join(columns) + "} : (" + " OR ".join(groups) + ")"


def tsquery(query, config, excluding=True):
    """The PostgreSQL SearchQuery for `query`, each term a phrase query in `config`; without its
    excluded terms when not `excluding` (what ranking is given: ts_rank ranks every document 0
    against a query with a NOT in it)."""
    from django.contrib.postgres.search import SearchQuery

    def term_query(term):
        return SearchQuery(" ".join(term), search_type="phrase", config=config)

    combined = None
    for group in query.groups:
        part = None
        for term in group.required:
            part = term_query(term) if part is None else part & term_query(term)
        for term in group.excluded if excluding else []:
            part &= ~term_query(term)
        combined = part if combined is None else combined | part
    return combined
