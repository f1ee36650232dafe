"""Training-curve and confusion-matrix figures (PNG, written atomically) for the fine-tuning outputs."""

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def _figure():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _save_atomically(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".png", dir=path.parent)
    os.close(handle)
    try:
        fig.savefig(tmp, dpi=120, bbox_inches="tight")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def plot_training_curves(
    log_history: Sequence[dict], path: str | os.PathLike, metric: str = "uar", chance: float | None = None
) -> Path:
    """
    Plots the training loss and, when the run evaluated, the evaluation `metric` (per corpus and mean) against the
    optimisation step.

    Args:
        log_history (`Sequence[dict]`): `trainer.state.log_history`.
        path (`str` or `os.PathLike`): Output PNG.
        metric (`str`, *optional*, defaults to `"uar"`): Evaluation metric to plot (`eval_<corpus>_<metric>`).
        chance (`float`, *optional*): Chance level of `metric`, drawn as a dashed line.

    Returns:
        `Path` of the written figure.

    Raises:
        ValueError: `log_history` holds neither a training loss nor an evaluation of `metric`.
    """
    plt = _figure()
    train = [(entry["step"], entry["loss"]) for entry in log_history if "loss" in entry and "step" in entry]
    curves: dict[str, list[tuple[int, float]]] = {}
    for entry in log_history:
        for key, value in entry.items():
            if key.startswith("eval_") and key.endswith(f"_{metric}") and "step" in entry:
                name = key[len("eval_") : -len(f"_{metric}")] or metric
                curves.setdefault(name, []).append((entry["step"], value))
    if not train and not curves:
        raise ValueError(f"The log history has no training loss and no eval_*_{metric}: nothing to plot.")
    panels = [name for name, present in (("loss", train), ("metric", curves)) if present]
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4), squeeze=False)
    axes = dict(zip(panels, axes[0]))
    if train:
        axes["loss"].plot(*zip(*train), color="tab:blue")
        axes["loss"].set(xlabel="step", ylabel="training loss", title="Training loss")
    if curves:
        ax = axes["metric"]
        for name, points in sorted(curves.items(), key=lambda item: item[0] == "mean"):
            style = {"color": "black", "linewidth": 2.5} if name == "mean" else {"marker": "o", "markersize": 3}
            ax.plot(*zip(*points), label=name, **style)
        if chance is not None:
            ax.axhline(chance, color="grey", linestyle="--", linewidth=1, label="chance")
        if metric in ("uar", "war", "macro_f1"):
            ax.set_ylim(0.0, 1.0)
        ax.set(xlabel="step", ylabel=metric.upper(), title=f"Evaluation {metric.upper()} per corpus")
        ax.legend(fontsize=8)
    try:
        return _save_atomically(fig, Path(path))
    finally:
        plt.close(fig)


def confusion_matrix(predictions, references, num_labels: int) -> np.ndarray:
    """
    Counts `(reference, prediction)` pairs.

    Args:
        predictions (`array-like`): Predicted class indices.
        references (`array-like`): True class indices.
        num_labels (`int`): Number of classes.

    Returns:
        `np.ndarray` of shape `(num_labels, num_labels)`; rows are true classes, columns predicted classes.
    """
    matrix = np.zeros((num_labels, num_labels), dtype=np.int64)
    np.add.at(matrix, (np.asarray(references, dtype=np.int64), np.asarray(predictions, dtype=np.int64)), 1)
    return matrix


def plot_confusion_matrix(
    predictions, references, labels: Sequence[str], path: str | os.PathLike, title: str | None = None
) -> Path:
    """
    Draws the row-normalised confusion matrix (recall per true class, with counts) of one corpus.

    Args:
        predictions (`array-like`): Predicted class indices.
        references (`array-like`): True class indices.
        labels (`Sequence[str]`): Class names, in index order.
        path (`str` or `os.PathLike`): Output PNG.
        title (`str`, *optional*): Figure title.

    Returns:
        `Path` of the written figure.
    """
    plt = _figure()
    matrix = confusion_matrix(predictions, references, len(labels))
    totals = matrix.sum(axis=1, keepdims=True)
    recall = np.divide(matrix, totals, out=np.zeros(matrix.shape, dtype=np.float64), where=totals > 0)
    size = 1.2 + 0.75 * len(labels)
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    image = ax.imshow(recall, vmin=0.0, vmax=1.0, cmap="Blues")
    for i in range(len(labels)):
        for j in range(len(labels)):
            color = "white" if recall[i, j] > 0.5 else "black"
            ax.text(j, i, f"{recall[i, j]:.2f}\n({matrix[i, j]})", ha="center", va="center", fontsize=7, color=color)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set(xlabel="predicted", ylabel="true", title=title or "Confusion matrix")
    fig.colorbar(image, ax=ax, fraction=0.046, label="recall")
    try:
        return _save_atomically(fig, Path(path))
    finally:
        plt.close(fig)
