"""Unweighted average recall (UAR): the mean of the per-class recalls, the standard speech emotion recognition metric.

This file is a self-contained `evaluate` module: `evaluate.load("<path>/exhubert/metrics/uar")` loads it offline.
"""

import datasets
import evaluate
import numpy as np

_DESCRIPTION = """
Unweighted average recall (UAR), also called balanced accuracy or macro-averaged recall: the recall of every class,
averaged with equal weight per class. Chance level is `1 / number of classes` whatever the class balance.

The classes averaged over are those present in the references (pass `labels` to restrict them): the result equals
`sklearn.metrics.balanced_accuracy_score` and `recall_score(average="macro", labels=<classes in references>)`. A class
that never occurs in the references has an undefined recall and is left out (scikit-learn's default `labels` would
count a class that is only predicted as a recall of 0).

The module also returns `war` (weighted average recall, i.e. accuracy) and `macro_f1` (mean F1 over the same classes).
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list[int]`): Predicted class indices.
    references (`list[int]`): True class indices.
    labels (`list[int]`, *optional*): The class indices to average over; defaults to those in `references`.

Returns:
    uar (`float`): Mean of the per-class recalls, in [0, 1].
    war (`float`): Accuracy (weighted average recall), in [0, 1].
    macro_f1 (`float`): Mean of the per-class F1 scores over the same classes.

Examples:
    >>> uar = evaluate.load("exhubert/metrics/uar")
    >>> uar.compute(predictions=[0, 0, 1, 1], references=[0, 1, 1, 1])
    {'uar': 0.8333333333333333, 'war': 0.75, 'macro_f1': 0.7333333333333334}
"""

_CITATION = """
@inproceedings{schuller2009interspeech,
  title={The INTERSPEECH 2009 emotion challenge},
  author={Schuller, Bj{\\"o}rn and Steidl, Stefan and Batliner, Anton},
  booktitle={Proc. Interspeech},
  year={2009}
}
"""


def classification_scores(predictions, references, labels=None) -> dict[str, float]:
    """
    UAR, WAR (accuracy) and macro-F1 of class-index predictions.

    Args:
        predictions (`Sequence[int]`): Predicted class indices.
        references (`Sequence[int]`): True class indices, as long as `predictions`.
        labels (`Sequence[int]`, *optional*): Classes to average over; defaults to the classes in `references`.
            Listed classes absent from `references` are left out of the means (their recall is undefined).

    Returns:
        `dict` with `uar`, `war` and `macro_f1` (floats in [0, 1]).

    Raises:
        ValueError: empty or mismatched inputs, or none of `labels` occurs in `references`.
    """
    predictions = np.asarray(predictions, dtype=np.int64).reshape(-1)
    references = np.asarray(references, dtype=np.int64).reshape(-1)
    if references.size == 0:
        raise ValueError("UAR needs at least one reference; got an empty evaluation set.")
    if predictions.shape != references.shape:
        raise ValueError(f"Got {predictions.size} predictions for {references.size} references.")
    classes = np.unique(references) if labels is None else np.asarray(labels, dtype=np.int64)
    recalls, f1s = [], []
    for cls in classes:
        is_true = references == cls
        is_pred = predictions == cls
        support = int(is_true.sum())
        if support == 0:
            continue
        hits = int((is_true & is_pred).sum())
        recalls.append(hits / support)
        f1s.append(2 * hits / (support + int(is_pred.sum())))
    if not recalls:
        raise ValueError(f"None of the classes {classes.tolist()} occurs in the references.")
    return {
        "uar": float(np.mean(recalls)),
        "war": float(np.mean(predictions == references)),
        "macro_f1": float(np.mean(f1s)),
    }


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Uar(evaluate.Metric):
    """Unweighted average recall with accuracy (WAR) and macro-F1, computed from class indices."""

    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}
            ),
            reference_urls=["https://scikit-learn.org/stable/modules/generated/sklearn.metrics.recall_score.html"],
        )

    def _compute(self, predictions, references, labels=None):
        return classification_scores(predictions, references, labels=labels)
