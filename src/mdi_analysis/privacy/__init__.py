"""Anonymity scanner: the automated half of the policy in ``docs/anonymisation.md``.

The compendium publishes interview quotes that the thesis anonymised to a role (Arbeidsgiver /
Tillitsvalgt). The rule is: no person names of respondents, no phone numbers, no e-mail addresses,
and no link between a quote and a named municipality may appear in ``data/`` or in any output. The
thesis itself is public, so a quote's *text* is not the risk; the risk is what we add next to it
(a municipality, a survey letter, a name) and what slips in by mistake (a transcript line, an
appendix address block). This subpackage looks for exactly those things in every file we publish:

- ``email``, ``phone``, ``national_id``, ``address``: direct identifiers;
- ``person_name``: a deny-list of every person the thesis names (author, supervisor, partner,
  consultant, NSD officers ...) everywhere, plus a heuristic for unknown names inside quotes and
  free-text cells (a given-name list, capitalised name pairs, "jeg heter X" / "fra X");
- ``municipality_link``: a municipality (or one of its villages) or a survey letter ("kommune B")
  in the same row / line as a quote or an utterance id, or named inside a corpus quote;
- ``letter_mapping``: a municipality name and a survey letter (A, B, D) in one row or line — the
  mapping the thesis withholds and that our data must never record;
- ``role_link``: a municipality together with a respondent role (rådmann, Utdanningsforbundet ...)
  — one respondent per role and municipality makes the pair identifying;
- ``content_link``: a survey letter next to content that is known to point to one municipality
  (e.g. "innovasjonsår", «Nytt blikk»), see ``resources/anonymity_markers.csv``;
- ``unscanned``: an opaque document/data container (.xlsx, .pdf, .docx, audio ...) that cannot be
  checked and therefore must not be published unchecked.

The lists live in ``resources/anonymity_*.csv|txt`` so that a reviewer can read and extend them
without touching code. Entry points: :func:`scan_paths`, :func:`scan_text`, :func:`format_findings`
and the CLI :func:`main` (``python -m mdi_analysis scan-pii [PATH ...]``).

Owns: the file-format readers that turn files into units to scan (``_units``: plain text,
Markdown, CSV; ``_readers``: HTML, XML, JSON, notebooks), the word lists (``_lists``), the rules
(``_identifiers``: e-mail, address, deny-listed names; ``_numbers``: phone numbers and
fødselsnummer; ``_names``: the name heuristic; ``_links``: municipality, letter, role and content
links), findings (``_findings``), the scan over text and paths with its report (``_scan``) and the
CLI (``_cli``). Every pattern runs in time linear in its input (possessive quantifiers, numbers
tokenised before they are judged), so no file, however hostile, can make the scan hang.
May import: ``paths``. Nothing else in the package; ``exchange`` and ``__main__`` import this.
"""

from ._cli import main
from ._findings import KINDS, Finding
from ._scan import (
    ScanReport,
    default_paths,
    format_findings,
    scan_paths,
    scan_report,
    scan_text,
)

__all__ = [
    "KINDS",
    "Finding",
    "ScanReport",
    "default_paths",
    "format_findings",
    "main",
    "scan_paths",
    "scan_report",
    "scan_text",
]
