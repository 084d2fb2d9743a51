"""What a codebook may say a column is, besides an item: the words of the ``item`` cell.

A codebook row ``question,item`` maps a column to an item id, or to one of the roles
below, so a saved mapping remembers the department column, the respondent id and every
column the user chose to ignore, not only the items. Kept apart from ``instrument`` and
``mapping`` (both use it) so neither imports the other.
"""
from __future__ import annotations

import re

# codebook word -> (mapping kind, target)
ROLES: dict[str, tuple[str, str | None]] = {
    "department": ("department", "department"),
    "team": ("team", "team"),
    "role": ("role", "role"),
    "respondent_id": ("respondent_id", "respondent_id"),
    "wave": ("wave", "wave"),
    "finished": ("finished", "finished"),
    "progress": ("progress", "progress"),
    "submitted": ("submitted", "submitted"),
    "ignore": ("ignored", None),
}
ATTRIBUTE = "attribute:"
# Kinds that are never stored: "ignore" in a codebook keeps the proposer's more telling kind.
NOT_STORED = ("ignored", "personal", "free_text", "metadata", "status")
RESERVED = {"group", "dimension", "item_id", "value", *ROLES}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def is_role(word: str) -> bool:
    """True for a role word or ``attribute:NAME``, i.e. not an item id."""
    w = (word or "").strip().lower()
    return w in ROLES or w.startswith(ATTRIBUTE)


def parse_role(word: str) -> tuple[str, str | None]:
    """(kind, target) of a role word; ValueError with a readable reason when it is unusable."""
    w = (word or "").strip().lower()
    if w in ROLES:
        return ROLES[w]
    name = w[len(ATTRIBUTE):].strip()
    if not _NAME.match(name) or name in RESERVED:
        raise ValueError(f"attribute name {name!r} must start with a letter, hold only "
                         "lower-case letters, digits and _, and not be a reserved word")
    return "attribute", name


def role_word(kind: str, target: str | None) -> str:
    """The codebook word for a column of this kind (anything not stored is ``ignore``)."""
    if kind == "attribute" and target:
        return ATTRIBUTE + target
    for word, (k, _) in ROLES.items():
        if k == kind and word != "ignore":
            return word
    return "ignore"
