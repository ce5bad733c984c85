"""One claim row as ``data/claims`` holds it, for tests that hand the audit's rules a single statement.

Why a module of its own (not a fixture): the rules tests build hundreds of rows inside a
parametrized helper, and a plain function imports the same way under pytest-xdist and under mutmut
(which copies ``tests/`` as it is). pytest puts ``tests/`` on ``sys.path`` for the test files
there (no ``__init__.py``, the default import mode), so a test file imports it as ``_claim_rows``.

The defaults describe a statement about the employer quotes of 4.4.1 (U090–U093) that at least one
of them mentions the theme ``alfa``; a test that means another role or theme passes it.
"""

from __future__ import annotations

import pandas as pd

DEFAULTS: dict[str, object] = {
    "claim_id": "C999",
    "section_id": "4.4.1",
    "line_start": 4265,
    "line_end": 4269,
    "text": "",
    "kind": "some",
    "subject": "quotes",
    "scope_sections": "4.4.1",
    "scope_role": "arbeidsgiver",
    "scope": "section",
    "quantity": "theme:alfa",
    "relation": ">= 1",
    "expected": None,
    "checkable_from": "coding",
    "note": "",
}


def claim_row(**fields: object) -> pd.Series:
    """A claim row: :data:`DEFAULTS` with ``fields`` in their place (a field not in the table is added)."""
    return pd.Series({**DEFAULTS, **fields})
