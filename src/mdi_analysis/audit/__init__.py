"""The claim audit: the thesis's statements and published values, recomputed, with verdicts.

Owns: the claim inventory and its evaluation (``_claims``), the recorded reading and the automatic
evidence links (``_evidence``), the evidence-first verdict rules (``_verdict_rules``) and their
report (``_audit_report``), the results tables per research question (``_results``), the
chapter 5 analysis themes with evidence (``_analysis``) and the scoreboard (``_scoreboard``).
May import: ``errors``, ``options``, ``paths``, ``io``, ``corpus``, ``text``, ``coding``, ``stats``.
"""

from ._analysis import evidence_of_question, framework_links, load_analysis_themes, support_summary, theme_evidence
from ._audit_report import (
    evidence_quotes,
    linking_report,
    linking_table,
    print_audit_figures,
    reason_counts,
    single_quote_candidates,
    verdict_changes,
    verdict_counts,
)
from ._claims import (
    VERDICTS,
    AuditData,
    Verdict,
    audit,
    audit_matching,
    evaluate_claim,
    load_audit_data,
    load_claim_themes,
    load_claims,
    quotes_above,
    verdict_summary,
)
from ._claims_model import BASES, NOT_VERIFIABLE_REASONS
from ._evidence import STANCES, agreement_line, candidate_links, linking_agreement, load_claim_evidence
from ._results import research_question_text, section_claims, subsection_counts, themes_by_role
from ._scoreboard import (
    CLAIM,
    RECOMPUTED,
    SCOREBOARD_FILE,
    TRANSCRIBED,
    claim_locations,
    item_table,
    published_comparison,
    saved,
    summary_line,
    value_origin,
)
from ._scoreboard import FLAGGED as FLAGGED_VERDICTS
from ._scoreboard import build as build_scoreboard
from ._scoreboard import counts as scoreboard_counts
from ._verdict_rules import accepted_links, automatic_candidates, is_universal, judge_claim

__all__ = [
    "evidence_of_question",
    "BASES",
    "NOT_VERIFIABLE_REASONS",
    "STANCES",
    "VERDICTS",
    "accepted_links",
    "agreement_line",
    "automatic_candidates",
    "candidate_links",
    "evidence_quotes",
    "is_universal",
    "judge_claim",
    "linking_agreement",
    "linking_report",
    "linking_table",
    "load_claim_evidence",
    "print_audit_figures",
    "reason_counts",
    "single_quote_candidates",
    "verdict_changes",
    "verdict_counts",
    "AuditData",
    "Verdict",
    "audit",
    "audit_matching",
    "claim_locations",
    "evaluate_claim",
    "framework_links",
    "item_table",
    "load_analysis_themes",
    "load_audit_data",
    "load_claim_themes",
    "load_claims",
    "published_comparison",
    "quotes_above",
    "research_question_text",
    "saved",
    "section_claims",
    "subsection_counts",
    "summary_line",
    "support_summary",
    "theme_evidence",
    "themes_by_role",
    "value_origin",
    "verdict_summary",
    # the scoreboard, for the audit (22) and index (30) notebooks
    "FLAGGED_VERDICTS",
    "SCOREBOARD_FILE",
    "CLAIM",
    "RECOMPUTED",
    "TRANSCRIBED",
    "build_scoreboard",
    "scoreboard_counts",
]
