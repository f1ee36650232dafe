"""Training-curve and confusion-matrix figures."""

import numpy as np
import pytest

from exhubert.training.plots import confusion_matrix, plot_confusion_matrix, plot_training_curves


def test_confusion_matrix_counts_and_figure(tmp_path):
    matrix = confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], num_labels=3)
    np.testing.assert_array_equal(matrix, [[1, 0, 0], [0, 1, 0], [0, 1, 1]])
    path = plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], ["a", "b", "c"], tmp_path / "cm.png", title="x")
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert [p.name for p in tmp_path.iterdir()] == ["cm.png"]  # no temporary file left


def test_training_curves(tmp_path):
    history = [
        {"loss": 1.8, "step": 1},
        {"loss": 1.5, "step": 2},
        {"eval_a_uar": 0.3, "eval_b_uar": 0.5, "step": 2},
        {"eval_mean_uar": 0.4, "step": 2},
    ]
    assert plot_training_curves(history, tmp_path / "curves.png", chance=1 / 6).stat().st_size > 1000
    import matplotlib.pyplot as plt

    assert plt.imread(tmp_path / "curves.png").shape[1] > 1000  # loss and UAR side by side
    # a run without evaluation gets the loss panel only
    plot_training_curves(history[:2], tmp_path / "loss.png")
    assert plt.imread(tmp_path / "loss.png").shape[1] < 800
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_training_curves([{"epoch": 1}], tmp_path / "empty.png")
