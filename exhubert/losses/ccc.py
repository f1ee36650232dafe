"""Concordance correlation loss `1 - CCC` for dimensional targets (arousal, valence), safe on constant batches."""

import torch
from torch import nn


class CCCLoss(nn.Module):
    r"""
    `1 - CCC(predictions, targets)` over the batch, with Lin's concordance correlation coefficient
    `CCC = 2 cov(x, y) / (var(x) + var(y) + (mean(x) - mean(y))^2)` (population moments). For 2-D inputs the loss is
    the mean over the target columns.

    Constant batches are handled without NaN: when the denominator is (numerically) zero, i.e. predictions and targets
    are both constant and equal, the CCC is taken as 1 (loss 0), as `exhubert.metrics` does. Note that a batch whose
    targets are all equal gives no gradient through the covariance: mix values in a batch (one corpus per batch in
    round robin is fine as long as its targets vary).

    Args:
        eps (`float`, *optional*, defaults to 1e-12): Denominators at or below `eps` count as zero.

    Example:

    ```python
    >>> loss = CCCLoss()
    >>> loss(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 3.0]))
    tensor(0.)
    ```
    """

    def __init__(self, eps: float = 1e-12):
        super().__init__()
        self.eps = eps

    def concordance(self, predictions: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """
        CCC along the batch dimension.

        Args:
            predictions (`torch.Tensor` of shape `(batch,)` or `(batch, num_targets)`).
            targets (`torch.Tensor` of the same shape).

        Returns:
            `torch.Tensor`: a scalar for 1-D inputs, one value per target for 2-D inputs.
        """
        if predictions.shape != targets.shape:
            raise ValueError(f"predictions have shape {tuple(predictions.shape)} but targets {tuple(targets.shape)}.")
        if predictions.shape[0] == 0:
            raise ValueError("CCC needs at least one example in the batch.")
        x = predictions.float()
        y = targets.to(x)
        mean_x, mean_y = x.mean(dim=0), y.mean(dim=0)
        covariance = ((x - mean_x) * (y - mean_y)).mean(dim=0)
        denominator = x.var(dim=0, unbiased=False) + y.var(dim=0, unbiased=False) + (mean_x - mean_y).pow(2)
        degenerate = denominator <= self.eps
        safe = torch.where(degenerate, torch.ones_like(denominator), denominator)
        return torch.where(degenerate, torch.ones_like(covariance), 2.0 * covariance / safe)

    def forward(self, predictions: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """
        `1 - CCC` of a batch, averaged over the target columns.

        Args:
            predictions (`torch.Tensor` of shape `(batch,)` or `(batch, num_targets)`).
            targets (`torch.Tensor` of the same shape).

        Returns:
            Scalar `torch.Tensor`, `1 - CCC` (mean over targets).
        """
        return (1.0 - self.concordance(predictions, targets)).mean()
