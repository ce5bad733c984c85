"""What counting affirmed keyword hits only changes in the validation figures.

Why: the coder can leave out hits inside a negation («vi har *ikke* forslagskasse», see
:mod:`mdi_analysis.coding._negation`). The validation is the one place where a change of the coding
meets a reference the author set by hand (the placement of each quote), so it shows whether
leaving negated hits out helps, hurts or does nothing to the agreement.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import pandas as pd

from ..coding import affirmed_matrix, mark_negation
from ..text import dfm_from_frame
from ._features import Prepared, PreparedTexts
from ._methods import assign_all
from ._tables import metrics_table


def _affirmed_texts(prepared: PreparedTexts, texts: pd.Series) -> PreparedTexts:
    full = prepared.coding.to_frame()
    matrix = affirmed_matrix(prepared.evidence, texts, full.index, full.columns)
    coding = dfm_from_frame(matrix.set_axis(full.index), docvars=pd.DataFrame(index=full.index))
    return dataclasses.replace(prepared, coding=coding)


def affirmed_prepared(prepared: Prepared) -> Prepared:
    """The same quotes and section profiles, with a coding that counts affirmed hits only.

    Parameters
    ----------
    prepared : Prepared
        From :func:`prepare`.

    Returns
    -------
    Prepared
        Words unchanged; ``coding`` of quotes and profiles without the negated hits.
    """
    return dataclasses.replace(
        prepared,
        utterances=_affirmed_texts(prepared.utterances, prepared.data.texts),
        profiles=_affirmed_texts(prepared.profiles, prepared.data.profiles),
    )


def negation_effect(
    prepared: Mapping[str, Prepared],
    method: str = "guide_similarity",
    *,
    folds: int = 5,
    seed: int = 0,
    scoring: str = "any",
) -> pd.DataFrame:
    """Agreement with the thesis with every keyword hit and with affirmed hits only.

    Parameters
    ----------
    prepared : mapping
        normaliser name -> :class:`Prepared` (:func:`prepare_all`).
    method : str
        The assigner (as in :func:`assign_all`).
    folds, seed : int
        For ``supervised_cv``.
    scoring : str
        How re-printed statements are scored.

    Returns
    -------
    pandas.DataFrame
        Index (normaliser, coding ∈ {``every hit``, ``affirmed only``}); columns ``codings``
        (quote × category cells coded), ``negated_hits`` (hits inside a negation, the same on both
        rows), kappa, macro-F1 and accuracy at research-question and section level.
    """
    rows = []
    for name, every in prepared.items():
        affirmed = affirmed_prepared(every)
        negated = int(mark_negation(every.utterances.evidence, every.data.texts)["negated"].sum())
        for label, variant in (("every hit", every), ("affirmed only", affirmed)):
            assignment = assign_all({name: variant}, [method], folds=folds, seed=seed)[(name, method)]
            metrics = metrics_table(assignment.predicted, every.data, [scoring]).loc[scoring]
            row: dict[str, object] = {
                "normaliser": name,
                "coding": label,
                "codings": int(variant.utterances.coding.counts.sum()),
                "negated_hits": negated,
            }
            for level, prefix in (("research_question", "rq"), ("section", "section")):
                for metric in ("kappa", "macro_f1", "accuracy"):
                    row[f"{prefix}_{metric}"] = float(metrics.loc[level, metric])
            rows.append(row)
    return pd.DataFrame(rows).set_index(["normaliser", "coding"])


__all__ = ["affirmed_prepared", "negation_effect"]
