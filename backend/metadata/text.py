"""Text folding for the full-text index and the user's search words turned into safe terms.

``fold(text)``: what the index stores and what queries are compared with: Unicode NFKD, every combining mark
removed (Arabic harakat such as fatha/damma/kasra/shadda/sukun/tanwin, the hamza carried by alef forms so
that أ إ آ fold to ا, Latin accents), tatweel removed, then NFC and lower case. SQLite's tokenizer
(``unicode61 remove_diacritics 2``) folds Latin accents too; PostgreSQL's 'simple' configuration folds nothing,
which is why the folding is done here for both.

``search_words(q)``: the words of a user's query (runs of letters and digits in any script, after folding);
every other character (quotes, ``*``, ``:``, parentheses, ``;``, operators) separates words and is never
interpreted. ``fts5_match(words)`` and ``tsquery_text(words)`` build the engines' queries: every word quoted
and prefix-matched, all words required (AND). The built text is always passed as a bound parameter.
"""

from __future__ import annotations

import re
import unicodedata

from backend.metadata.errors import BadQueryError

TATWEEL = "\u0640"
MAX_WORDS = 16
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """``text`` without combining marks and tatweel, NFC, lower case (see the module docstring)."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch != TATWEEL)
    return unicodedata.normalize("NFC", kept).lower()


def search_words(q: str | None, max_chars: int) -> list[str]:
    """The folded words of ``q`` (at most MAX_WORDS, duplicates dropped, order kept).

    Raises BadQueryError (422 ``bad_query``) when ``q`` is empty, longer than ``max_chars`` characters, or
    holds no letter or digit to search for."""
    text = (q or "").strip()
    if not text:
        raise BadQueryError("empty", q or "")
    if len(text) > max_chars:
        raise BadQueryError("too_long", text, max_chars=max_chars)
    words = list(dict.fromkeys(_WORD.findall(fold(text))))
    if not words:
        raise BadQueryError("no_words", text)
    return words[:MAX_WORDS]


def fts5_match(words: list[str]) -> str:
    """An FTS5 MATCH expression: each word a quoted string with a prefix star (``"fire"* "عاجل"*``), implicitly
    ANDed. Words hold only letters and digits, but a double quote would still be doubled (FTS5 quoting)."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def tsquery_text(words: list[str]) -> str:
    """A PostgreSQL ``to_tsquery`` text: each word a quoted lexeme with prefix matching, ANDed
    (``'fire':* & 'عاجل':*``); quotes and backslashes inside a word would be escaped."""
    return " & ".join("'" + word.replace("\\", "\\\\").replace("'", "''") + "':*" for word in words)
