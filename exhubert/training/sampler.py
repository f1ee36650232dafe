"""
Multi-corpus batch samplers: every batch comes from one corpus; corpora are interleaved in round robin or in
proportion to their size. Everything is a deterministic function of `(seed, epoch)`, so a resumed run that skips the
batches it has already trained on sees exactly the batches the interrupted run would have seen.

Samplers are rank-aware: with `num_replicas > 1` all ranks agree on the corpus of every step and each takes its own
shard of that corpus' global batch (`batch_size x num_replicas` examples).
"""

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from itertools import accumulate

import numpy as np
from torch.utils.data import Sampler


class CorpusBatchSampler:
    """
    The batches of one corpus for one pass (one rank's share), as local indices.

    Args:
        num_examples (`int`): Size of the corpus.
        batch_size (`int`): Examples per batch and rank.
        strategy (`str`, *optional*, defaults to `"random"`): `"random"`, `"sequential"` or `"group_by_length"`.
        lengths (`Sequence[float]`, *optional*): Length of every example; required for `"group_by_length"`.
        drop_last (`bool`, *optional*, defaults to `False`): Drop the last incomplete global batch. Otherwise it is
            kept and, with several ranks, padded by repeating examples from the start of the pass so that every rank
            gets the same number of examples.
        num_replicas (`int`, *optional*, defaults to 1): Number of ranks.
        rank (`int`, *optional*, defaults to 0): This rank.
        length_grouping_factor (`int`, *optional*, defaults to 50): Chunk size in global batches for length grouping.

    Raises:
        ValueError: invalid sizes, an unknown strategy, or missing/mismatched lengths.
    """

    STRATEGIES = ("random", "sequential", "group_by_length")

    def __init__(
        self,
        num_examples: int,
        batch_size: int,
        strategy: str = "random",
        lengths: Sequence[float] | None = None,
        drop_last: bool = False,
        num_replicas: int = 1,
        rank: int = 0,
        length_grouping_factor: int = 50,
    ):
        if num_examples < 1:
            raise ValueError("A corpus needs at least one example.")
        if batch_size < 1 or num_replicas < 1 or not 0 <= rank < num_replicas:
            raise ValueError(f"Invalid batch_size={batch_size}, num_replicas={num_replicas}, rank={rank}.")
        if strategy not in self.STRATEGIES:
            raise ValueError(f"Unknown sampling strategy {strategy!r}; use one of {self.STRATEGIES}.")
        if strategy == "group_by_length":
            if lengths is None or len(lengths) != num_examples:
                raise ValueError("group_by_length needs one length per example.")
            lengths = np.asarray(lengths, dtype=np.float64)
        self.num_examples = num_examples
        self.batch_size = batch_size
        self.strategy = strategy
        self.lengths = lengths
        self.drop_last = drop_last
        self.num_replicas = num_replicas
        self.rank = rank
        self.length_grouping_factor = length_grouping_factor

    @property
    def global_batch_size(self) -> int:
        """Examples per step over all ranks."""
        return self.batch_size * self.num_replicas

    def __len__(self) -> int:
        """Number of batches in one pass."""
        full, rest = divmod(self.num_examples, self.global_batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def batches(self, rng: np.random.Generator) -> list[list[int]]:
        """
        The batches of one pass for this rank.

        Args:
            rng (`np.random.Generator`): Source of the shuffles; the same state gives the same pass on every rank.

        Returns:
            `list[list[int]]` of local indices, `len(self)` batches.
        """
        if self.strategy == "sequential":
            order = np.arange(self.num_examples)
        else:
            order = rng.permutation(self.num_examples)
        size = self.global_batch_size
        if self.strategy == "group_by_length":
            chunk = size * self.length_grouping_factor
            order = np.concatenate(
                [
                    part[np.argsort(-self.lengths[part], kind="stable")]
                    for part in (order[i : i + chunk] for i in range(0, len(order), chunk))
                ]
            )
        global_batches = [order[i : i + size] for i in range(0, len(order), size)]
        if len(global_batches[-1]) < size:
            if self.drop_last:
                global_batches.pop()
            elif self.num_replicas > 1:
                missing = -len(global_batches[-1]) % self.num_replicas
                global_batches[-1] = np.concatenate([global_batches[-1], np.resize(order, missing)])
        if self.strategy == "group_by_length" and len(global_batches) > 1:
            global_batches = [global_batches[i] for i in rng.permutation(len(global_batches))]
        result = []
        for batch in global_batches:
            share = len(batch) // self.num_replicas
            result.append(batch[self.rank * share : (self.rank + 1) * share].tolist())
        return result


class MultiCorpusBatchSampler(Sampler[list[int]], ABC):
    """
    Base class of the multi-corpus batch samplers: yields batches of indices into the concatenation of the corpora
    (corpus `i` occupies `offsets[i]:offsets[i + 1]`), each batch from one corpus.

    Args:
        corpus_samplers (`Sequence[CorpusBatchSampler]`): One per corpus, in corpus order.
        corpus_names (`Sequence[str]`, *optional*): Names of the corpora, for messages and introspection.
        seed (`int`, *optional*, defaults to 0): Base seed; the order of an epoch depends only on `(seed, epoch)`.

    Raises:
        ValueError: no corpus, names that do not match the samplers, or a corpus that yields no batch.
    """

    def __init__(
        self,
        corpus_samplers: Sequence[CorpusBatchSampler],
        corpus_names: Sequence[str] | None = None,
        seed: int = 0,
    ):
        if not corpus_samplers:
            raise ValueError("At least one corpus is needed.")
        self.corpus_samplers = list(corpus_samplers)
        self.corpus_names = (
            list(corpus_names) if corpus_names is not None else [str(i) for i in range(len(corpus_samplers))]
        )
        if len(self.corpus_names) != len(self.corpus_samplers):
            raise ValueError("corpus_names must have one name per corpus sampler.")
        for name, sampler in zip(self.corpus_names, self.corpus_samplers):
            if len(sampler) == 0:
                raise ValueError(
                    f"Corpus {name!r} has {sampler.num_examples} examples, fewer than one global batch of "
                    f"{sampler.global_batch_size} with drop_last: lower the batch size or keep the last batch."
                )
        self.offsets = [0, *accumulate(s.num_examples for s in self.corpus_samplers)]
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Selects the epoch whose order `__iter__` yields (called by the trainer at every epoch)."""
        self.epoch = int(epoch)

    def _rng(self, *keys: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, self.epoch, *keys])

    def _corpus_passes(self, corpus: int) -> Iterator[list[int]]:
        """Endless batches of one corpus: pass after pass, each reshuffled from `(seed, epoch, corpus, pass)`."""
        sampler = self.corpus_samplers[corpus]
        number = 0
        while True:
            yield from sampler.batches(self._rng(0, corpus, number))
            number += 1

    @abstractmethod
    def corpus_order(self) -> list[int]:
        """The corpus index of every batch of the current epoch."""

    def iter_corpus_batches(self) -> Iterator[tuple[int, list[int]]]:
        """Yields `(corpus_index, local_indices)` for every batch of the current epoch."""
        streams = [self._corpus_passes(i) for i in range(len(self.corpus_samplers))]
        for corpus in self.corpus_order():
            yield corpus, next(streams[corpus])

    def __iter__(self) -> Iterator[list[int]]:
        for corpus, batch in self.iter_corpus_batches():
            offset = self.offsets[corpus]
            yield [offset + index for index in batch]

    def __len__(self) -> int:
        return len(self.corpus_order())


class RoundRobinBatchSampler(MultiCorpusBatchSampler):
    """
    One batch of each corpus in turn (0, 1, ..., n-1, 0, ...). An epoch ends when the corpus with the most batches
    has been seen once; smaller corpora are cycled (reshuffled at every restart), so all corpora contribute the same
    number of batches: an epoch is `n_corpora x max_i(len(corpus_sampler_i))` batches. (sentence-transformers'
    round robin stops at the smallest corpus instead; cycling keeps every example of the large corpora in use.)
    """

    def corpus_order(self) -> list[int]:
        """`[0, 1, ..., n-1]` repeated `max_i(len(corpus_sampler_i))` times."""
        rounds = max(len(sampler) for sampler in self.corpus_samplers)
        return list(range(len(self.corpus_samplers))) * rounds


class ProportionalBatchSampler(MultiCorpusBatchSampler):
    """
    Every batch of every corpus once per epoch, in a random order of corpora, so that a corpus is drawn in proportion
    to its number of batches: an epoch is `sum_i(len(corpus_sampler_i))` batches.
    """

    def corpus_order(self) -> list[int]:
        """Every corpus index once per batch of that corpus, shuffled from `(seed, epoch)`."""
        order = np.repeat(np.arange(len(self.corpus_samplers)), [len(s) for s in self.corpus_samplers])
        return self._rng(1).permutation(order).tolist()
