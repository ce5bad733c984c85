"""The figures of notebook 05: the k scan, alignment with the codebook, prevalence.

Why apart from the tables: each figure draws a table that :mod:`._quality` or :mod:`._describe`
computes and the tests check; only the drawing is here, so matplotlib and seaborn are imported
when a figure is drawn, not when a model is fitted.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ._quality import KScan

__all__ = ["k_scan_plot_data", "plot_alignment", "plot_k_scan", "plot_prevalence"]


# --------------------------------------------------------------------------------------------
# Figures (the data behind each is a function of this package, and is unit-tested)
# --------------------------------------------------------------------------------------------


def k_scan_plot_data(scans: Sequence[KScan]) -> pd.DataFrame:
    """Long table behind :func:`plot_k_scan`: method, k, measure, value, chosen."""
    frames = []
    for scan in scans:
        table = scan.table.reset_index()
        long = table.melt(id_vars=["k", "chosen"], value_vars=["coherence", "stability"], var_name="measure")
        long.insert(0, "method", scan.method)
        frames.append(long)
    return pd.concat(frames, ignore_index=True)


def plot_k_scan(scans: Sequence[KScan]):
    """Coherence and stability against k, one line per method, the chosen k circled.

    Parameters
    ----------
    scans : sequence of KScan

    Returns
    -------
    matplotlib.figure.Figure
        Data: :func:`k_scan_plot_data`.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = k_scan_plot_data(scans)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharex=True)
    for ax, measure in zip(axes, ("stability", "coherence"), strict=True):
        part = data[data["measure"] == measure]
        sns.lineplot(data=part, x="k", y="value", hue="method", marker="o", ax=ax)
        chosen = part[part["chosen"]]
        ax.scatter(
            chosen["k"], chosen["value"], s=160, facecolors="none", edgecolors="black", zorder=5, label="chosen k"
        )
        ax.set_ylabel(
            {"stability": "stability (mean matched cosine, 5 seeds)", "coherence": "coherence (NPMI, top 10 terms)"}[
                measure
            ],
            fontsize=8,
        )
        ax.set_title(measure)
        ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


#: Inches per character of a y-axis label at 7 pt, and the width of one topic's column: wide enough
#: for a number such as "-0.63" at 7 pt (≈ 0.3 in) with room either side.
LABEL_INCH_PER_CHAR = 0.055
TOPIC_COLUMN_INCHES = 0.6


def alignment_figure_size(labels: list[str], n_topics: int) -> tuple[float, float]:
    """Width and height (inches) of the alignment heatmap: the labels get their own width, so the
    topic columns keep :data:`TOPIC_COLUMN_INCHES` each and their numbers never overlap.

    Parameters
    ----------
    labels : list of str
        The y-axis labels (one per category row).
    n_topics : int
        Columns of the heatmap.

    Returns
    -------
    tuple of float
        ``(width, height)`` for :func:`matplotlib.pyplot.subplots`.
    """
    label_width = LABEL_INCH_PER_CHAR * max((len(label) for label in labels), default=0)
    width = 0.4 + label_width + TOPIC_COLUMN_INCHES * n_topics + 1.8  # margin, labels, cells, colour bar and its label
    return round(width, 2), round(0.9 + 0.3 * len(labels), 2)


def plot_alignment(matrix: pd.DataFrame, names: pd.Series | None = None, per_topic: int = 3):
    """Heatmap of r for each topic's ``per_topic`` best categories (union over topics).

    Parameters
    ----------
    matrix : DataFrame
        From :func:`alignment_matrix`.
    names : Series, optional
        category_id → name, shown with the framework.
    per_topic : int
        Best categories taken from each topic.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    columns: list[str] = []
    for label in matrix.index:
        row = matrix.loc[label]
        best = sorted(row.index, key=lambda c: (-round(float(row[c]), 12), c))[:per_topic]
        columns += [c for c in best if c not in columns]
    data = matrix[columns].T
    if names is not None:
        data.index = [f"{names.get(c, c)} ({c.split('.')[0]})" for c in data.index]
    fig, ax = plt.subplots(figsize=alignment_figure_size(list(data.index), matrix.shape[0]))
    sns.heatmap(
        data,
        cmap="vlag",
        center=0,
        vmin=-0.6,
        vmax=0.6,
        annot=True,
        fmt=".2f",
        annot_kws={"size": 7},
        cbar_kws={"label": "r (topic share vs. coding)"},
        ax=ax,
    )
    ax.set_xlabel("topic")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title("Topics and codebook categories")
    fig.tight_layout()
    return fig


def plot_prevalence(by_role: pd.DataFrame, by_question: pd.DataFrame):
    """Two heatmaps: mean topic share by role and by research question.

    Parameters
    ----------
    by_role, by_question : DataFrame
        From :func:`prevalence` with ``by="role"`` and ``by="research_question"``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    widths = [by_role.shape[1], by_question.shape[1]]
    fig, axes = plt.subplots(
        1, 2, figsize=(2.0 + 0.75 * sum(widths), 0.9 + 0.35 * len(by_role)), gridspec_kw={"width_ratios": widths}
    )
    vmax = float(max(by_role.to_numpy().max(), by_question.to_numpy().max()))
    for ax, table, title in zip(axes, (by_role, by_question), ("by role", "by research question"), strict=True):
        sns.heatmap(
            table, cmap="Blues", vmin=0, vmax=vmax, annot=True, fmt=".2f", annot_kws={"size": 7}, cbar=False, ax=ax
        )
        ax.set_title(f"mean topic share {title}", fontsize=9)
        ax.set_xlabel("")
        ax.set_ylabel("")
    fig.tight_layout()
    return fig
