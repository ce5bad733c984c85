"""Direct identifiers: e-mail, phone, fødselsnummer, address, and deny-listed names.

These need no context: one match in any file we publish is a finding. The patterns are tuned to
how Norwegians write phone numbers and addresses, so that years, amounts and line spans in the
tables do not count.
"""

from __future__ import annotations

import re

from ._findings import Collector
from ._lists import WordLists
from ._units import Unit

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_EMAIL_OBFUSCATED = re.compile(
    r"(?<![\w.+-])[\w.+-]+[ \u00a0]*[\[({][ \u00a0]*(?:at|krøll|alfakrøll|snabel-a)[ \u00a0]*[\])}]"
    r"[ \u00a0]*[\w-]+(?:[ \u00a0]*(?:\.|[\[({][ \u00a0]*(?:dot|punktum)[ \u00a0]*[\])}])[ \u00a0]*[\w-]+)+",
    re.IGNORECASE,
)

_S = r"[ \u00a0]"  # a single space (pandas pads columns with two or more, which is never a phone)
# Bare numbers: only the groupings Norwegians write phone numbers in, and only a first digit a
# subscriber number can have (2-9). 4+4 ("2016 2017"), 2+3+3 (thousands: "12 345 678") and
# hyphenated forms ("2510-2622", line spans) are years, amounts and spans; they count only after
# +47/0047 or a word like "tlf".
_PHONE_BARE = (
    r"[2-9]\d{7}"
    rf"|[2-9]\d{_S}\d\d{_S}\d\d{_S}\d\d"
    r"|[2-9]\d\.\d\d\.\d\d\.\d\d"
    rf"|[2-9]\d\d{_S}\d\d{_S}\d{{3}}"
)
_G = r"[ \u00a0.-]"
_PHONE_ANY = (
    r"\d{8}"
    rf"|\d\d{_G}\d\d{_G}\d\d{_G}\d\d"
    rf"|\d{{3}}{_G}\d\d{_G}\d{{3}}"
    rf"|\d{{4}}{_G}\d{{4}}"
    rf"|\d\d{_G}\d{{3}}{_G}\d{{3}}"
    rf"|\d{{3}}{_G}\d{{3}}{_G}\d\d"
)
_NUM_BEFORE = r"(?<![\w+])(?<!\d[ \u00a0.,/:-])"
_NUM_AFTER = r"(?!\w)(?![ \u00a0.,/:-]\d)"
_PHONE = re.compile(
    rf"(?:(?<![\w+])(?:\+|00){_S}?47[ \u00a0.-]?(?:\(0\){_S}?)?(?P<pfx>{_PHONE_ANY}){_NUM_AFTER})"
    rf"|(?:(?<!\w)(?i:tlf|tel|telefon(?:nummer|nr)?|mobil(?:nummer|nr)?|mob|phone|ring)\.?:?{_S}*"
    rf"(?:\+47{_S}?)?(?P<kw>{_PHONE_ANY}){_NUM_AFTER})"
    rf"|(?:{_NUM_BEFORE}(?P<bare>{_PHONE_BARE}){_NUM_AFTER})"
    # other countries: "+46 8 123 456 78" (a plus sign, a country code, at least 7 more digits)
    rf"|(?:(?<![\w+])(?P<intl>\+(?!47)[1-9]\d{{0,2}}(?:[ \u00a0.-]?\(?\d+\)?){{2,6}}){_NUM_AFTER})"
)
_DATE8 = re.compile(
    r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d\d"
)
_NATIONAL_ID = re.compile(r"(?<![\w.,/-])(\d{6})[ \u00a0]?(\d{5})(?!\w)(?![.,/-]\d)")
_POSTCODE_CITY = re.compile(r"(?<![\w.,/-])(\d{4}) ([A-ZÆØÅ]{2,}(?:[ -][A-ZÆØÅ]{2,})*)(?![\w])")
_STREET = re.compile(
    r"(?<!\w)[A-ZÆØÅ][a-zæøå]+(?:-[a-zæøå]+)*(?:veien|vegen|veg|vei|gata|gate|gaten|allé|plassen|"
    r"bakken|stien|tunet|svingen|ringen|torget|brygga|kaia)[ \u00a0]\d{1,4}[A-Za-z]?(?!\w)"
)
# Cheap tests that decide whether the patterns above can match at all (see direct_rules).
_PHONE_HINT = re.compile(r"\d(?:[ \u00a0.-]?\d){6}")
_POSTCODE_HINT = re.compile(r"\d{4} [A-ZÆØÅ]{2}")
_STREET_HINT = re.compile(r"(?:vei|veg|gat|all[eé]|plass|bakk|sti|tun|sving|ring|torg|brygg|kai)[a-zæøå]* ?\d")
_POSTBOX = re.compile(r"(?<!\w)(?:[Pp]ostboks|[Pp]b\.|P\.? ?O\.? [Bb]ox)[ \u00a0]*\d{1,5}(?!\w)")


def _valid_national_id(digits: str) -> bool:
    d = [int(c) for c in digits]
    day, month = int(digits[0:2]), int(digits[2:4])
    if not (1 <= day <= 31 or 41 <= day <= 71) or not (1 <= month <= 12 or 41 <= month <= 52 or 81 <= month <= 92):
        return False
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d[:9])) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d[:9] + [k1])) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 != 10 and k2 != 10 and k1 == d[9] and k2 == d[10]


def direct_rules(unit: Unit, out: Collector, lists: WordLists) -> list[tuple[int, int]]:
    """E-mail, phone, national id, address and deny-listed names; returns the spans consumed.

    Each expensive pattern runs only when a cheap substring test says it can match: the corpus is
    thousands of rows, and most rows have no "@", few digits and none of the deny-listed names."""
    text = unit.text
    consumed: list[tuple[int, int]] = []
    if "@" in text:
        for m in _EMAIL.finditer(text):
            out.add(unit, m.start(), m.end(), "email", "e-mail address")
            consumed.append(m.span())
    folded = text.casefold()
    if any(word in folded for word in ("at)", "at]", "at}", "krøll", "snabel")):
        for m in _EMAIL_OBFUSCATED.finditer(text):
            out.add(unit, m.start(), m.end(), "email", "e-mail address written with (at)/(krøll)")
    digits = any(d in text for d in "0123456789")
    phone_hint = digits and _PHONE_HINT.search(text) is not None
    if phone_hint:
        for m in _PHONE.finditer(text):
            group = next(g for g in ("pfx", "kw", "bare", "intl") if m.group(g))
            if group == "intl" and sum(c.isdigit() for c in m.group(group)) < 9:
                continue
            if group == "bare" and _DATE8.fullmatch(m.group("bare")):
                continue  # 20170501 / 01052017 are dates
            start, end = m.span(group)
            if group == "pfx":
                start = m.start()
            how = {
                "pfx": "with country code +47",
                "kw": "after a phone keyword",
                "bare": "Norwegian 8-digit format",
                "intl": "international format",
            }[group]
            out.add(unit, start, end, "phone", f"phone number ({how})")
    if phone_hint:
        for m in _NATIONAL_ID.finditer(text):
            if _valid_national_id(m.group(1) + m.group(2)):
                out.add(unit, m.start(), m.end(), "national_id", "Norwegian national identity number (checksum valid)")
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
