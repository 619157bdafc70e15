"""Words reduced to their stems, so a search for "cluster" finds "clusters" and "кластер"
finds "кластеров": the same reduction when text is indexed and when a query is read.

PostgreSQL stems with its own Snowball dictionaries (migration 0006). SQLite's FTS5 has no
Russian stemmer, so there the text is stemmed here: the FTS5 triggers index `stem_text` of
each column (the SQL function `fts_stem`, on every SQLite connection: app.db) and a search
looks for `stem_word` of each word. The rules mirror PostgreSQL's configuration, so both
databases find the same things: a word with a Cyrillic letter goes to the Russian Snowball
stemmer, a word of Latin letters (accents folded first, as unaccent does there) to the
English one, anything with a digit or in another script is only folded.
"""

import re
import sqlite3
import threading
import unicodedata
from functools import lru_cache

import Stemmer

SQL_FUNCTION = "fts_stem"
WORD = re.compile(r"[^\W_]+")  # letters and digits: a word of a text, and of a query
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
# The common letters that PostgreSQL's unaccent folds though Unicode does not decompose them.
_UNACCENT = str.maketrans(
    {
        **{"ß": "ss", "æ": "ae", "œ": "oe", "ĳ": "ij", "ø": "o", "ł": "l", "ŀ": "l", "ı": "i"},
        **{"đ": "d", "ð": "d", "þ": "th", "ħ": "h", "ŧ": "t", "ŋ": "n", "ſ": "s"},
        **{"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"},
    }
)
_local = threading.local()  # a Stemmer must not be used by two threads at once


def _stemmer(language: str) -> Stemmer.Stemmer:
    stemmer = getattr(_local, language, None)
    if stemmer is None:
        stemmer = Stemmer.Stemmer(language)
        setattr(_local, language, stemmer)
    return stemmer


def _fold(word: str) -> str:
    """Accents off (é -> e, ł -> l), as PostgreSQL's unaccent does before stemming."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_UNACCENT)


@lru_cache(maxsize=65536)
def stem_word(word: str) -> str:
    """The stem of one word (letters and digits only), lower case.

    Never empty, so a stemmed text keeps one word for each word of the original.
    """
    word = word.lower()
    if _CYRILLIC.search(word):
        word = word.replace("ё", "е")
        return (_stemmer("russian").stemWord(word) or word) if word.isalpha() else word
    word = _fold(word)
    if word.isascii() and word.isalpha():
        return _stemmer("english").stemWord(word) or word
    return word


def stem_text(text: str | None) -> str | None:
    """The text with each word replaced by its stem and everything between words kept, so
    FTS5 splits it into as many tokens, in the same order, as the original: hit positions in
    the index of stems are positions in the original, which snippets are cut from."""
    if text is None:
        return None
    return WORD.sub(lambda m: stem_word(m[0]), text)


def register(connection: sqlite3.Connection) -> None:
    """Make `fts_stem(text)` callable on a sqlite3 connection (the FTS5 triggers call it)."""
    connection.create_function(SQL_FUNCTION, 1, stem_text, deterministic=True)
