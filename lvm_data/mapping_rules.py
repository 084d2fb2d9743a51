"""Header synonyms: which export columns are ids, groupings, metadata or personal data.

Headers are compared in a squashed form (lower case, letters and digits only), so
"Respondent ID", "RespondentID", "respondent_id" and "Response Id" all land on one key.
"""
from __future__ import annotations

import re
import unicodedata

# Ids that name a person in the organisation's own records: stored only as a keyed HMAC.
PERSONAL_IDS = {"employeeid", "employeenumber", "employeeno", "empid", "staffid", "staffnumber",
                "personnelnumber", "workerid", "userid", "username", "login", "personalnummer",
                "mitarbeiterid", "personid", "hrid"}
RESPONDENT_ID = {"respondentid": 0.97, "responseid": 0.97, "id": 0.95, "#": 0.95,
                 "participantid": 0.9, "participantcode": 0.9, "participant": 0.85,
                 "respondent": 0.85, "respondentkey": 0.9, "antwortid": 0.95,
                 **{name: 0.9 for name in PERSONAL_IDS}}
EMAIL = {"email", "emailaddress", "recipientemail", "emailadresse", "mail", "mailaddress",
         "respondentemail", "workemail"}
GROUPS = {
    "department": {"department", "dept", "businessunit", "division", "departmentname",
                   "abteilung", "departement", "departamento"},
    "team": {"team", "group", "squad", "teamname", "workgroup"},
    "role": {"role", "jobtitle", "position", "level", "jobrole", "jobposition", "jobtitlerole",
             "managementlevel", "joblevel"},
    "wave": {"wave", "surveywave"},
    "finished": {"finished"},
    "progress": {"progress"},
    # a blank submit date marks a response left unfinished (LimeSurvey; Typeform's partial
    # responses, which its CSV holds when they were included in the download)
    "submitted": {"submitdate", "datesubmitted", "datumabgeschickt", "submitdateutc"},
    "status": {"status"},
}
PERSONAL = {"name", "firstname", "lastname", "fullname", "surname", "givenname",
            "recipientfirstname", "recipientlastname", "recipientname", "recipientnames",
            "respondentname", "ipaddress", "ip", "locationlatitude", "locationlongitude",
            "locationaccuracy", "location", "latitude", "longitude", "phone", "phonenumber",
            "mobile", "token", "accesscode"}
METADATA = {
    "startdate", "enddate", "recordeddate", "duration", "durationinseconds", "timestamp",
    "collectorid", "distributionchannel", "userlanguage", "responseset", "externalreference",
    "externaldatareference", "customdata", "starttime", "completiontime", "lastmodifiedtime",
    "startdateutc", "stagedateutc", "networkid", "lastpage",
    "startlanguage", "seed", "datestamp", "startdatestamp", "datestarted",
    "datelastaction", "refurl", "referrerurl", "responsetype", "tags", "score", "totalpoints",
    "quizfeedback", "gradepostedtime", "totalscore", "ending", "endingdisplayed", "recipientemailstatus",
    "zeitstempel", "horodateur", "marcatemporal",
}
_META_PATTERNS = [re.compile(p) for p in (
    r"(?i)^custom ?data ?\d*$",          # SurveyMonkey
    r"^Q_[A-Z]",                           # Qualtrics fields such as Q_RecaptchaScore
    r"^(Points|Feedback) - ",              # Microsoft Forms quiz columns
    r"(?i)^(interviewtime|grouptime\d+|\d+X\d+(X\d+)?time)$",  # LimeSurvey timings
)]


def norm_header(s: str) -> str:
    """Squashed header: 'Respondent ID' -> 'respondentid'; '#' stays '#'."""
    s = unicodedata.normalize("NFKD", str(s or "")).encode("ascii", "ignore").decode().strip()
    if s == "#":
        return "#"
    return re.sub(r"[^a-z0-9]", "", s.lower())


def _one(raw: str, weight: float) -> tuple[str | None, str, float]:
    n = norm_header(raw)
    if not n:
        return None, "", 0.0
    if n in RESPONDENT_ID:
        return "respondent_id", f"header {raw.strip()!r}", RESPONDENT_ID[n] * weight
    if n in EMAIL:
        return "personal", f"e-mail address ({raw.strip()!r})", 0.95 * weight
    for kind, names in GROUPS.items():
        if n in names:
            return kind, f"header {raw.strip()!r}", 0.95 * weight
    if n in PERSONAL:
        return "personal", f"personal data ({raw.strip()!r})", 0.95 * weight
    if n in METADATA or any(p.search(raw.strip()) for p in _META_PATTERNS):
        return "metadata", f"survey metadata ({raw.strip()!r})", 0.95 * weight
    return None, "", 0.0


def is_personal_id(header: str) -> bool:
    """An employee id or user name, as opposed to a survey tool's own response id."""
    return norm_header(header) in PERSONAL_IDS


def classify_header(key: str, header: str, text: str) -> tuple[str | None, str, float]:
    """(kind, how, confidence) from the column's key, raw header or text; kind None if unknown."""
    for raw, weight in ((key, 1.0), (header, 1.0), (text, 0.95)):
        kind, how, conf = _one(raw, weight)
        if kind:
            return kind, how, round(conf, 3)
    return None, "", 0.0


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def _filled(values) -> list[str]:
    """Non-empty sample values as text (samples may come from pandas, with NaN for NULL)."""
    return [str(v).strip() for v in values if v is not None and v == v and str(v).strip()]


def looks_like_email(values: list[str]) -> bool:
    filled = _filled(values)
    return bool(filled) and sum(1 for v in filled if _EMAIL_RE.match(v)) * 2 > len(filled)


def looks_categorical(values: list[str], max_distinct: int = 30, max_len: int = 40) -> bool:
    """Few distinct, short answers (Location, Tenure band) rather than free text or ids."""
    filled = _filled(values)
    if not filled:
        return False
    distinct = set(filled)
    if len(distinct) > max_distinct or sum(map(len, distinct)) / len(distinct) > max_len:
        return False
    return len(filled) < 5 or len(distinct) <= 0.6 * len(filled)


_QUESTION_GROUPS = {
    "department": re.compile(r"\b(department|division|business unit|dept)\b"),
    "team": re.compile(r"\b(team|squad)\b"),
    "role": re.compile(r"\b(role|job title|position|job level|level of management)\b"),
}
_ASKS = re.compile(r"^(in |at |on )?(which|what)\b|^(your|select your|please select your)\b")


def classify_question(text: str) -> tuple[str | None, str, float]:
    """'Which department do you work in?' -> department; only short which/what questions."""
    t = " ".join(str(text or "").lower().split())
    if len(t) > 80 or not _ASKS.search(t):
        return None, "", 0.0
    for kind, pattern in _QUESTION_GROUPS.items():
        if pattern.search(t):
            return kind, f"question asks for the {kind}", 0.7
    return None, "", 0.0


# Comment boxes: never stored, whatever their answers look like in the first rows.
_FREE_TEXT_HEADER = re.compile(
    r"\b(comments?|remarks?|feedback|suggestions?|anything else|other thoughts|"
    r"free[- ]?text|open[- ]ended|please (explain|describe|specify)|in your own words)\b", re.I)
MAX_CATEGORY_CHARS = 60
MAX_GROUP_NAME_CHARS = 120
MAX_CATEGORY_WORDS = 6
MAX_CATEGORIES = 50


def free_text_header(text: str) -> bool:
    return bool(_FREE_TEXT_HEADER.search(str(text or "")))


def free_text_reason(distinct: int, max_chars: int, max_words: int, singletons: int,
                     fixed: bool = False) -> str | None:
    """Why a column's answers across the whole file read as free text, or None.

    A category (tenure band, location) has few, short values, most shared by several
    respondents. Department, team and role columns, named as such, are only held to a
    looser length rule: a big organisation has many teams with long names, each real.
    """
    limit = MAX_GROUP_NAME_CHARS if fixed else MAX_CATEGORY_CHARS
    if max_chars > limit:
        return f"answers longer than {limit} characters"
    if fixed:
        return None
    if max_words > MAX_CATEGORY_WORDS:
        return f"answers of more than {MAX_CATEGORY_WORDS} words"
    if distinct > MAX_CATEGORIES:
        return f"more than {MAX_CATEGORIES} different answers"
    if distinct >= 4 and singletons * 2 > distinct:
        return "most answers are given by one respondent only"
    return None
