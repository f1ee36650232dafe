"""Training losses of exhubert, one class per file: cross-entropy, AM-softmax, CCC and their weighted combination."""

from .am_softmax import AMSoftmaxLoss
from .ccc import CCCLoss
from .cross_entropy import CrossEntropyLoss
from .multitask import MultiTaskLoss

__all__ = ["AMSoftmaxLoss", "CCCLoss", "CrossEntropyLoss", "MultiTaskLoss"]
