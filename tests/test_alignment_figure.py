"""The topic-alignment heatmap: its numbers stay inside their cells and never overlap."""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pandas as pd

from mdi_analysis.topics._figures import plot_alignment

matplotlib.use("Agg")


def _boxes(figure):
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    return [text.get_window_extent(renderer) for text in ax.texts if text.get_text()]


def test_the_numbers_of_the_alignment_heatmap_do_not_overlap():
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    categories = [f"fw{i}.category_{i}" for i in range(15)]
    matrix = pd.DataFrame(
        rng.uniform(-0.6, 0.9, (5, 15)) * -1, index=[f"T{i}" for i in range(1, 6)], columns=categories
    )
    names = pd.Series({c: "«Klar deg selv»-barrieren og en lang kategori" for c in categories})
    figure = plot_alignment(matrix, names)
    boxes = _boxes(figure)
    assert len(boxes) == 5 * len(figure.axes[0].get_yticklabels())
    overlapping = [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]
    assert not overlapping
    ax = figure.axes[0]
    cell_width = ax.get_window_extent().width / matrix.shape[0]
    assert max(box.width for box in boxes) < 0.8 * cell_width  # room either side of each number
    plt.close(figure)
