"""A record's comparison values kept as text beside it in the store, so that a candidate read
back is not standardised again.

Standardising a stored record (phone parsing, folding, phonetic codes, abbreviations) is most
of what a candidate costs once the hub holds more records than the matcher keeps in memory, or
after a restart. So each version is stored with what `prepare` made of it, and a candidate's
text is decoded instead (about 3 µs for a person, against 8 µs to standardise it when every
standardiser's cache holds its values, and several times that when they do not).

The text is only used when it was made exactly as `prepare` would make it now: it starts with
a fingerprint of everything `prepare` reads besides the record (the rule file, the systems'
sharing groups, the abbreviation and alias tables, the code that standardises, the Python and
library versions it runs on). A text with another fingerprint (rules edited, the hub or a
library upgraded) is ignored and the candidate standardised again, as without it; it is
replaced when its record next changes.
"""

from __future__ import annotations

import hashlib
import json
import sys
import unicodedata
from functools import cache
from importlib import metadata, resources
from weakref import WeakKeyDictionary

import orjson

from mdm_hub.matching.abbreviations import abbreviations
from mdm_hub.matching.prepare import PreparedRecord
from mdm_hub.matching.rules import MatchRules, RuleFile
from mdm_hub.standardise.aliases import shipped_aliases

# The packages whose code and data decide standardised values.
_CODE_PACKAGES = ("mdm_hub.matching", "mdm_hub.standardise")
_CODE_FILES = (("mdm_hub.domain", "relationships.py"),)
_LIBRARIES = (
    "phonenumbers",
    "pycountry",
    "python-stdnum",
    "nicknames",
    "jellyfish",
    "anyascii",
    "rapidfuzz",
)
_SEPARATOR = "\n"

# By rule set, with the rule file it was made from (in case `rules.rules` is replaced).
_fingerprints: WeakKeyDictionary[MatchRules, tuple[RuleFile, str]] = WeakKeyDictionary()


def encode(rules: MatchRules, prepared: PreparedRecord) -> str:
    """`prepared`'s comparison values, strong identifiers and unverified names as text,
    behind the fingerprint of `rules` (its keys are not kept: candidates need none)."""
    body = (prepared.values, prepared.strong, sorted(prepared.unverified))
    return _fingerprint(rules) + _SEPARATOR + orjson.dumps(body).decode()


def decode(rules: MatchRules, text: str | None) -> PreparedRecord | None:
    """What `encode` kept, or None when `text` is missing, made under another fingerprint or
    not readable (then the record is standardised again)."""
    if not text:
        return None
    head = _fingerprint(rules) + _SEPARATOR
    if not text.startswith(head):
        return None
    try:
        values, strong, unverified = orjson.loads(text[len(head) :])
    except (orjson.JSONDecodeError, ValueError, TypeError):
        return None
    if not (isinstance(values, dict) and isinstance(strong, dict) and isinstance(unverified, list)):
        return None
    return PreparedRecord(values, strong, (), frozenset(unverified))


def _fingerprint(rules: MatchRules) -> str:
    found = _fingerprints.get(rules)
    if found is None or found[0] is not rules.rules:
        digest = hashlib.sha256(_environment_fingerprint().encode())
        digest.update(rules.rules.model_dump_json().encode())
        digest.update(json.dumps(rules.groups, sort_keys=True).encode())
        found = _fingerprints[rules] = (rules.rules, digest.hexdigest()[:16])
    return found[1]


@cache
def _environment_fingerprint() -> str:
    """What standardised values depend on besides the rule file, once per process."""
    digest = hashlib.sha256()
    for package in _CODE_PACKAGES:
        folder = resources.files(package)
        for name in sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".py")):
            digest.update(name.encode())
            digest.update(folder.joinpath(name).read_bytes())
    for package, name in _CODE_FILES:
        digest.update(name.encode())
        digest.update(resources.files(package).joinpath(name).read_bytes())
    digest.update(abbreviations().model_dump_json().encode())
    digest.update(shipped_aliases().model_dump_json().encode())
    versions = [f"{name}={_version(name)}" for name in _LIBRARIES]
    versions += [f"python={sys.version_info[:3]}", f"unicode={unicodedata.unidata_version}"]
    digest.update(";".join(versions).encode())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "absent"
