"""Direct identifiers: e-mail, phone, fødselsnummer, address, and deny-listed names.

These need no context: one match in any file we publish is a finding. The patterns are tuned to
how Norwegians write phone numbers and addresses, so that years, amounts and line spans in the
tables do not count; phone numbers and fødselsnumre are found in ``_numbers``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._findings import Collector
from ._lists import WordLists
from ._numbers import national_ids, phone_numbers
from ._units import Unit

# Possessive quantifiers (``++``, ``*+``): each part of an address has one reading, so a long
# string that is almost an address costs linear time (see _numbers for why that matters). Which
# domain label is the top-level domain is decided in Python (:func:`_emails`).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")
_TLD = re.compile(r"[A-Za-z]{2,}")
_EMAIL_OBFUSCATED = re.compile(
    r"(?<![\w.+-])[\w.+-]++[ \u00a0]*+[\[({][ \u00a0]*+(?:at|krøll|alfakrøll|snabel-a)[ \u00a0]*+[\])}]"
    r"[ \u00a0]*+[\w-]++(?:[ \u00a0]*+(?:\.|[\[({][ \u00a0]*+(?:dot|punktum)[ \u00a0]*+[\])}])[ \u00a0]*+[\w-]++)++",
    re.IGNORECASE,
)
_POSTCODE_CITY = re.compile(r"(?<![\w.,/-])(\d{4}) ([A-ZÆØÅ]{2,}+(?:[ -][A-ZÆØÅ]{2,}+)*)(?!\w)")
_STREET = re.compile(
    r"(?<!\w)[A-ZÆØÅ][a-zæøå]+(?:-[a-zæøå]+)*(?:veien|vegen|veg|vei|gata|gate|gaten|allé|plassen|"
    r"bakken|stien|tunet|svingen|ringen|torget|brygga|kaia)[ \u00a0]\d{1,4}[A-Za-z]?(?!\w)"
)
# Cheap tests that decide whether the patterns above can match at all (see direct_rules).
_POSTCODE_HINT = re.compile(r"\d{4} [A-ZÆØÅ]{2}")
_STREET_HINT = re.compile(r"(?:vei|veg|gat|all[eé]|plass|bakk|sti|tun|sving|ring|torg|brygg|kai)[a-zæøå]* ?\d")
_POSTBOX = re.compile(r"(?<!\w)(?:[Pp]ostboks|[Pp]b\.|P\.? ?O\.? [Bb]ox)[ \u00a0]*+\d{1,5}(?!\w)")


def _emails(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every e-mail address. An address ends after its last domain label that is
    a top-level domain (letters only, two or more): ``kari@hol.kommune.no`` in ``…no.`` or
    ``…no.5``. A candidate without one is no address, and the search goes on after its "@" (the
    domain may be the start of the next address)."""
    pos = 0
    while (match := _EMAIL.search(text, pos)) is not None:
        at = match.group().index("@")
        end = match.end()
        for label in reversed(match.group()[at + 1 :].split(".")[1:]):
            if _TLD.fullmatch(label):
                yield match.start(), end
                break
            end -= len(label) + 1
        else:
            pos = match.start() + at + 1
            continue
        pos = end


def direct_rules(unit: Unit, out: Collector, lists: WordLists) -> list[tuple[int, int]]:
    """E-mail, phone, national id, address and deny-listed names; returns the spans consumed.

    Each expensive pattern runs only when a cheap substring test says it can match: the corpus is
    thousands of rows, and most rows have no "@", few digits and none of the deny-listed names."""
    text = unit.text
    consumed: list[tuple[int, int]] = []
    if "@" in text:
        for start, end in _emails(text):
            out.add(unit, start, end, "email", "e-mail address")
            consumed.append((start, end))
    folded = text.casefold()
    if any(word in folded for word in ("at)", "at]", "at}", "krøll", "snabel")):
        for m in _EMAIL_OBFUSCATED.finditer(text):
            out.add(unit, m.start(), m.end(), "email", "e-mail address written with (at)/(krøll)")
    digits = any(d in text for d in "0123456789")
    if digits:
        for start, end, how in phone_numbers(text):
            out.add(unit, start, end, "phone", f"phone number ({how})")
        for start, end in national_ids(text):
            out.add(unit, start, end, "national_id", "Norwegian national identity number (valid fødselsnummer)")
    if digits and _POSTCODE_HINT.search(text):
        for m in _POSTCODE_CITY.finditer(text):
            if m.group(2).split()[0].split("-")[0] not in lists.acronyms:
                out.add(unit, m.start(), m.end(), "address", "postcode and place (address block)")
    if digits and _STREET_HINT.search(text):
        for m in _STREET.finditer(text):
            out.add(unit, m.start(), m.end(), "address", "street address")
    if digits and ("box" in folded or "pb." in folded or "postboks" in folded):
        for m in _POSTBOX.finditer(text):
            out.add(unit, m.start(), m.end(), "address", "post box")
    if any(key in text for key in lists.deny_keys):
        for m in lists.deny.finditer(text):
            key = " ".join(m.group().split())
            person = lists.deny_person.get(key, key)
            out.add(
                unit,
                m.start(),
                m.end(),
                "person_name",
                f"named in the thesis: {person} — {lists.deny_role.get(key, '')}".rstrip(" —"),
            )
            consumed.append(m.span())
    return consumed
