"""Concordance correlation coefficient (CCC), the standard metric for dimensional emotion (arousal, valence).

This file is a self-contained `evaluate` module: `evaluate.load("<path>/exhubert/metrics/ccc")` loads it offline.
"""

import datasets
import evaluate
import numpy as np

_DESCRIPTION = """
Lin's concordance correlation coefficient between predictions x and references y:

    CCC = 2 cov(x, y) / (var(x) + var(y) + (mean(x) - mean(y))^2)

with population (biased) moments. It is 1 for perfect agreement, 0 for no agreement and -1 for perfect inverse
agreement; unlike Pearson's r it penalises shifts and scale changes. When both sequences are constant and equal the
CCC is 1; when the denominator is 0 otherwise (cannot happen for finite inputs) it is 0.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list[float]`): Predicted values.
    references (`list[float]`): True values.

Returns:
    ccc (`float`): The concordance correlation coefficient, in [-1, 1].

Examples:
    >>> ccc = evaluate.load("exhubert/metrics/ccc")
    >>> ccc.compute(predictions=[1.0, 2.0, 3.0], references=[1.0, 2.0, 3.0])
    {'ccc': 1.0}
"""

_CITATION = """
@article{lin1989concordance,
  title={A concordance correlation coefficient to evaluate reproducibility},
  author={Lin, Lawrence I-Kuei},
  journal={Biometrics},
  pages={255--268},
  year={1989}
}
"""


def concordance_correlation_coefficient(predictions, references) -> float:
    """Lin's CCC of two equally long 1-D sequences (population moments); 1.0 for two equal constant sequences."""
    x = np.asarray(predictions, dtype=np.float64)
    y = np.asarray(references, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"predictions and references must be 1-D of equal length, got {x.shape} and {y.shape}.")
    if x.size == 0:
        raise ValueError("CCC needs at least one value; got an empty evaluation set.")
    mean_x, mean_y = x.mean(), y.mean()
    covariance = np.mean((x - mean_x) * (y - mean_y))
    denominator = x.var() + y.var() + (mean_x - mean_y) ** 2
    if denominator == 0.0:
        return 1.0
    return float(2.0 * covariance / denominator)


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Ccc(evaluate.Metric):
    """Concordance correlation coefficient of continuous predictions."""

    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("float64"), "references": datasets.Value("float64")}
            ),
            reference_urls=["https://en.wikipedia.org/wiki/Concordance_correlation_coefficient"],
        )

    def _compute(self, predictions, references):
        return {"ccc": concordance_correlation_coefficient(predictions, references)}
