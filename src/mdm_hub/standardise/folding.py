"""Folding text for look-ups and comparison: accents, case, punctuation and spacing ignored."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from anyascii import anyascii

CACHE_SIZE = 200_000

# What fold() turns into a space, from ASCII (all it sees once accents are folded): what
# r"[^\w\s]|_" matches there, punctuation and the underscore.
_PUNCTUATION_TO_SPACE = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not (c.isalnum() or c.isspace())}
)


@lru_cache(maxsize=CACHE_SIZE)
def fold(value: str) -> str:
    """NFKC, accents folded to ASCII, casefolded, punctuation to spaces, spaces collapsed:
    "  Côte d'Ivoire " -> "cote d ivoire"."""
    if value.isascii():  # most values: NFKC and anyascii leave ASCII as it is
        folded = value.lower()
    else:
        folded = anyascii(unicodedata.normalize("NFKC", value)).casefold()
    # str.split() and re's \s agree on what whitespace is; split/join collapses and strips.
    return " ".join(folded.translate(_PUNCTUATION_TO_SPACE).split())
