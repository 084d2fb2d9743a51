"""360-degree feedback: which column says who rated, and which of its values mean "self".

In a 360 export each row is one rating of a leader. The attribute columns (department,
team, role ...) describe the *leader being rated*, so a group is a group of leaders; the
rater column says whether the leader rated themselves or a manager, peer or direct report
rated them. Per dimension the dashboard compares self ratings with everyone else's
(``store.raters``): a gap of more than a third of the scale range is a blind spot (self
higher) or a hidden strength (others higher).
"""
from __future__ import annotations

from .mapping_rules import norm_header

ATTRIBUTE = "rater"          # the attribute name every recognised rater column gets
HEADERS = {"rater", "ratertype", "ratergroup", "raterrole", "raterrelationship",
           "relationship", "relationshiptoratee", "relationshiptoleader", "respondenttype",
           "perspective", "feedbacksource", "evaluatortype"}
SELF_VALUES = {"self", "selfrating", "selfassessment", "selfevaluation", "myself", "ratee",
               "selbst", "selbsteinschatzung", "autoevaluation", "autoevaluacion"}
THIRD = 1 / 3                # a gap beyond a third of the range is flagged
BLIND_SPOT, HIDDEN_STRENGTH = "blind spot", "hidden strength"


def is_rater_header(header: str) -> bool:
    return norm_header(header) in HEADERS


def is_self(value) -> bool:
    """'Self', 'self-assessment', 'Self rating' ... (case, spaces and dashes ignored)."""
    return norm_header(str(value)) in SELF_VALUES


def flag(gap: float, span: float) -> str:
    """Blind spot when self exceeds others by more than a third of ``span``, hidden
    strength when others exceed self by that much, else ''."""
    if gap != gap:                       # NaN
        return ""
    if gap > span * THIRD:
        return BLIND_SPOT
    if gap < -span * THIRD:
        return HIDDEN_STRENGTH
    return ""
