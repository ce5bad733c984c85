"""Phone numbers and fødselsnummer: numbers are tokenised first, their digit groups checked in Python.

Why tokenise: a pattern that lets a digit group end anywhere ("a country code, then two to six
groups with optional separators") can split a long run of digits in exponentially many ways, and
Python's ``re`` tries them all before it gives up; 120 digits and a letter hung the transcript
importer. Here every digit group is matched possessively (``\\d++``, Python 3.11), so a run of
digits has exactly one reading and each candidate costs time proportional to its length. What a
phone number *looks like* is then decided on the list of digit groups, which is also easier to
read than the alternations it replaces.

The groupings are the ones Norwegians write: ``22 33 44 55``, ``912 34 567``, ``41234567``,
``22.33.44.55``, ``91-23-45-67``, ``912-34-567``; any grouping of eight digits after ``+47``,
``0047``, ``(+47)`` or ``47`` after a keyword (``tlf``, ``mobil`` ...); ``+<country>`` numbers.
A bare number counts only when it is a whole number (no digit group glued to it with a space,
comma, dot, slash, colon or hyphen) and its first digit is one a subscriber number can have (2-9):
years and year pairs (``2016 2017``), line spans (``2130-2136``), amounts (``12 345 678``),
section ids (``4.1.7``) and scores (``4.22``) are then not phone numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum.no import fodselsnummer

_SEPARATORS = " \u00a0.,/:-"  # what glues digit groups into one number (a list, a span, a decimal)
_GROUP_SEPARATORS = frozenset(" \u00a0.-")  # what may stand between the digit groups of a phone number
# One whole number: digit groups joined by single separators; possessive, so it has one reading.
_RUN = r"\d++(?:[ \u00a0.,/:-]\d++)*+"
# After "+": a country code and groups, where a group may stand in parentheses: "+46 (0)8 123 456 78".
_PLUS_RUN = r"\(?+\d++\)?+(?:[ \u00a0.-]?+\(?+\d++\)?+)*+"
_KEYWORDS = r"tlf|tel|telefon(?:nummer|nr)?|telephone|phone|mobil(?:telefon|nummer|nr)?|mobile|mob|ring|sms"
_PHONE = re.compile(
    r"(?<![\w+])"
    rf"(?:(?P<kw>(?i:{_KEYWORDS}))\.?(?:nr\.?)?:?[ \u00a0]*+)?"
    r"(?:(?P<cc47>\((?:\+|00)[ \u00a0]?47\)|(?:\+|00)[ \u00a0]?47)[ \u00a0.-]?(?:\(0\)[ \u00a0]?)?(?=\d)"
    r"|(?P<plus>\+[ \u00a0]?))?"
    rf"(?P<run>(?(plus){_PLUS_RUN}|{_RUN}))"
    r"(?!\w)"
)
# A cheap test that decides whether _PHONE can find anything (seven digits, at most one separator
# between neighbours): most rows of the corpus have no such stretch.
_PHONE_HINT = re.compile(r"\d(?:[ \u00a0.-]?\d){6}")
_DATE8 = re.compile(
    r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d\d"
)
# Fødselsnummer: the date part (6 digits), then the personal part (5), with or without one space,
# hyphen or dot between them. A candidate counts only when python-stdnum says it is valid (check
# digits and a real birth date), which keeps 11-digit ids and amounts out.
_NATIONAL_ID = re.compile(r"(?<![\w.,/-])(\d{6})[ \u00a0.-]?(\d{5})(?!\w)(?![.,/-]\d)")

_HOW = {
    "cc47": "with country code +47",
    "kw": "after a phone keyword",
    "bare": "Norwegian 8-digit format",
    "47": "47 and 8 digits (country code without +)",
    "intl": "international format",
}


def _groups(run: str) -> tuple[list[str], set[str]]:
    """The digit groups of a number and the separators between them."""
    groups = re.findall(r"\d+", run)
    separators = {c for c in run if not c.isdigit()}
    return groups, separators


def _eight(groups: list[str]) -> bool:
    """Eight digits in one block or in groups of two to four (any grouping people write)."""
    sizes = [len(g) for g in groups]
    return sum(sizes) == 8 and (sizes == [8] or all(2 <= n <= 4 for n in sizes))


def _without_country_code(groups: list[str]) -> list[str] | None:
    """The groups after a leading 47 / 0047 when eight digits follow; None otherwise."""
    digits = "".join(groups)
    for code in ("0047", "47"):
        if digits.startswith(code) and len(digits) == len(code) + 8:
            rest, drop = list(groups), len(code)
            while drop:
                if len(rest[0]) <= drop:
                    drop -= len(rest.pop(0))
                else:
                    rest[0], drop = rest[0][drop:], 0
            return rest
    return None


def _bare_phone(groups: list[str], separators: set[str]) -> bool:
    """A whole number without prefix that has a Norwegian phone number's shape."""
    digits = "".join(groups)
    if digits[0] not in "23456789":
        return False
    sizes = [len(g) for g in groups]
    if sizes == [8]:
        return not _DATE8.fullmatch(digits)  # 20170501 / 01052017 are dates
    # 2+2+2+2 and 3+2+3 with one kind of separator (spaces may mix with non-breaking ones). Not
    # 4+4 ("2016 2017", "2510-2622") or 2+3+3 ("12 345 678"): years, spans and amounts.
    kinds = {" " if s == "\u00a0" else s for s in separators}
    return sizes in ([2, 2, 2, 2], [3, 2, 3]) and len(kinds) == 1 and kinds <= {" ", ".", "-"}


def _judge(run: str, prefix: str | None) -> str | None:
    """Which kind of phone number ``run`` is (a key of _HOW), or None when it is none.

    ``prefix`` is what stands before it: "cc47" (+47, 0047, (+47)), "plus" (another country
    code), "kw" (a phone keyword) or None (a bare number)."""
    groups, separators = _groups(run)
    if prefix == "cc47":
        if separators <= _GROUP_SEPARATORS and _eight(groups):
            return "cc47"
        groups = ["47", *groups]  # "+47" and a number of another length: judged as any "+" number
    if prefix in ("cc47", "plus"):
        digits = "".join(groups)
        return "intl" if digits[0] != "0" and 9 <= len(digits) <= 15 and len(groups) <= 7 else None
    if prefix == "kw":
        rest = _without_country_code(groups)
        if separators <= _GROUP_SEPARATORS and (_eight(groups) or (rest is not None and _eight(rest))):
            return "kw"
        return None
    if len(groups) == 1 and len(groups[0]) == 10 and groups[0].startswith("47") and groups[0][2] in "23456789":
        return "47"  # 4791234567: a number copied without its plus sign
    return "bare" if _bare_phone(groups, separators) else None


def phone_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, how) of every phone number in ``text``; the span covers a country code."""
    if _PHONE_HINT.search(text) is None:
        return
    for match in _PHONE.finditer(text):
        start, run = match.start("run"), match.group("run")
        prefix = next((name for name in ("cc47", "plus", "kw") if match.group(name)), None)
        if prefix is None and start >= 2 and text[start - 2].isdigit() and text[start - 1] in _SEPARATORS:
            continue  # glued to the number before it ("78/79" after a "+" number ends at the slash)
        if prefix == "plus" or "/" not in run:
            how = _judge(run, prefix)
            if how is not None:
                yield (match.start(prefix) if prefix in ("cc47", "plus") else start), match.end("run"), _HOW[how]
            continue
        # Two numbers written with a slash ("22334455/91234567", "tlf 22 33 44 55/912 34 567"):
        # each is judged on its own, the second in the context of the first one's prefix.
        for i, part in enumerate(run.split("/")):
            how = _judge(part, prefix if i == 0 else ("kw" if prefix else None)) if part else None
            if how is not None:
                yield (match.start(prefix) if i == 0 and prefix == "cc47" else start), start + len(part), _HOW[how]
            start += len(part) + 1


def national_ids(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every valid fødselsnummer (also D- and H-numbers) in ``text``."""
    if _PHONE_HINT.search(text) is None:
        return
    for match in _NATIONAL_ID.finditer(text):
        if fodselsnummer.is_valid(match.group(1) + match.group(2)):
            yield match.span()
