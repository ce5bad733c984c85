"""Topic models of the interview corpus, seeded by and aligned with the theory's categories.

Why: keyword coding (:mod:`mdi_analysis.coding._engine`) finds what the codebook names. Topic models show
what the respondents talk about whether or not the theory names it, and, aligned with the codebook,
how well the theory's categories describe the corpus. This module is the one import for notebooks;
the code lives in three parts:

- :mod:`mdi_analysis.topics._model`: the corpus as a document–term matrix (re-prints left out of
  fitting), NMF and LDA (scikit-learn), the codebook-seeded NMF and the choice of seed categories;
- :mod:`mdi_analysis.topics._quality`: NPMI coherence, stability across seeds, the rule that
  chooses k, and the survival of seeded topics;
- :mod:`mdi_analysis.topics._describe`: alignment with the codebook, prevalence by role and
  research question, top terms and representative quotes, agreement with the thesis's sections,
  and the figures.

Method, choices and the evidence for them: ``docs/topics.md``. Benchmark and the comparison of
seeded-model candidates: ``scripts/benchmark_topics.py``.
"""

from __future__ import annotations

from ._describe import *  # noqa: F403
from ._describe import __all__ as _describe_all
from ._model import *  # noqa: F403
from ._model import __all__ as _model_all
from ._quality import *  # noqa: F403
from ._quality import __all__ as _quality_all

__all__ = sorted({*_model_all, *_quality_all, *_describe_all, "resolve_k"})


def resolve_k(n_topics: int | str, scan: KScan | None) -> int:  # noqa: F405
    """The notebook's ``n_topics`` parameter: ``"auto"`` takes the scan's chosen k, an int is used as is."""
    if n_topics == "auto":
        if scan is None:
            raise ValueError('n_topics="auto" needs a k scan')
        return scan.chosen_k
    if isinstance(n_topics, bool) or not isinstance(n_topics, int):
        raise ValueError(f'n_topics must be "auto" or an integer, got {n_topics!r}')
    return n_topics
