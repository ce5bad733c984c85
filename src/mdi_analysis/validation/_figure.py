"""The validation's figure: the confusion matrix of thesis against assigned labels.

Why here and not in :mod:`mdi_analysis.present`: the figure draws one table of this subpackage
(:func:`~mdi_analysis.validation.confusion_table`) with this subpackage's reading of its axes
(rows: the thesis, columns: the assigner); ``present`` shows and saves any table or figure and
imports nothing that knows about the validation.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def plot_confusion(table: pd.DataFrame, title: str) -> Any:
    """A heatmap of a confusion table, counts annotated.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`~mdi_analysis.validation.confusion_table` (rows: thesis, columns: assigned).
    title : str
        The figure title (method, normaliser, level, scoring).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    size = max(4.0, 0.45 * len(table.columns) + 2.5)
    fig, ax = plt.subplots(figsize=(size + 0.8, max(3.5, 0.45 * len(table.index) + 1.8)))
    sns.heatmap(table, annot=True, fmt="d", cmap="Blues", cbar=False, linewidths=0.5, linecolor="0.9", ax=ax)
    ax.set_xlabel("assigned")
    ax.set_ylabel("thesis")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
