"""Weighted combination of per-task losses (e.g. CCC on arousal and on valence, or classification + regression)."""

from collections.abc import Mapping

import torch
from torch import nn


class MultiTaskLoss(nn.Module):
    r"""
    `sum_t weight_t * loss_t(predictions[t], targets[t])` over named tasks. The unweighted value of every task from
    the last call is kept in `last_components` for logging.

    Args:
        losses (`Mapping[str, nn.Module]`): One loss module per task name; each is called as
            `loss(predictions, targets)`.
        weights (`Mapping[str, float]`, *optional*): Weight per task; missing tasks weigh 1.0.

    Example:

    ```python
    >>> from exhubert.losses import CCCLoss, MultiTaskLoss
    >>> loss = MultiTaskLoss({"arousal": CCCLoss(), "valence": CCCLoss()}, weights={"valence": 2.0})
    >>> x = torch.tensor([0.0, 1.0])
    >>> loss({"arousal": x, "valence": x}, {"arousal": x, "valence": 1 - x})  # 0 + 2 * (1 - (-1))
    tensor(4.)
    ```
    """

    def __init__(self, losses: Mapping[str, nn.Module], weights: Mapping[str, float] | None = None):
        super().__init__()
        if not losses:
            raise ValueError("MultiTaskLoss needs at least one task.")
        weights = dict(weights or {})
        unknown = sorted(set(weights) - set(losses))
        if unknown:
            raise ValueError(f"Weights given for unknown tasks {unknown}; tasks are {sorted(losses)}.")
        self.losses = nn.ModuleDict(dict(losses))
        self.weights = {name: float(weights.get(name, 1.0)) for name in losses}
        self.last_components: dict[str, float] = {}

    def forward(self, predictions: Mapping[str, torch.Tensor], targets: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """
        The weighted sum of the task losses.

        Args:
            predictions (`Mapping[str, torch.Tensor]`): Model outputs per task.
            targets (`Mapping[str, torch.Tensor]`): Targets per task.

        Returns:
            Scalar `torch.Tensor`, the weighted sum.

        Raises:
            KeyError: a task has no prediction or no target.
        """
        total = None
        components = {}
        for name, loss_fn in self.losses.items():
            if name not in predictions or name not in targets:
                raise KeyError(f"Task {name!r} needs both a prediction and a target; got {sorted(predictions)}.")
            value = loss_fn(predictions[name], targets[name])
            components[name] = float(value.detach())
            weighted = self.weights[name] * value
            total = weighted if total is None else total + weighted
        self.last_components = components
        return total
