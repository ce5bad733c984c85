"""Statistics that do not depend on what is being counted.

Owns: keyness between two groups (G², chi², log ratio, %DIFF, Benjamini–Hochberg; ``_keyness``),
agreement between two codings (contingency, Cohen's κ, per-class F1, majority baseline, paired
bootstrap; ``_agreement``), and one-thread execution of numeric libraries for deterministic,
non-oversubscribed results (``_threads``). May import: ``errors``, ``options``, ``paths``, ``io``,
``text``, ``corpus``, ``coding``.
"""

from ._agreement import (
    agreement,
    class_scores,
    cohen_kappa,
    contingency,
    fast_kappa,
    kappa_draws,
    majority_baseline,
    paired_bootstrap_kappa,
)
from ._threads import single_thread

# keyness re-exports: added when the keyness module's face is settled

__all__ = [
    "agreement", "class_scores", "cohen_kappa", "contingency", "fast_kappa", "kappa_draws", "majority_baseline",
    "paired_bootstrap_kappa", "single_thread",
]
