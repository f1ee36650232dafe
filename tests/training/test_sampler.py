"""Multi-corpus batch samplers: order, exhaustion/cycling, determinism, rank sharding and length bucketing."""

from collections import Counter

import numpy as np
import pytest

from exhubert.training.sampler import CorpusBatchSampler, ProportionalBatchSampler, RoundRobinBatchSampler


def make_samplers(sizes, batch_size=2, **kwargs):
    return [CorpusBatchSampler(size, batch_size, **kwargs) for size in sizes]


def test_round_robin_order_and_cycling_of_small_corpora():
    sampler = RoundRobinBatchSampler(make_samplers([10, 4, 3]), seed=0)
    batches = list(sampler.iter_corpus_batches())
    # one batch per corpus in turn, until the largest corpus (5 batches) is seen once
    assert [corpus for corpus, _ in batches] == [0, 1, 2] * 5
    assert len(sampler) == len(batches) == 15
    largest = [index for corpus, batch in batches if corpus == 0 for index in batch]
    assert sorted(largest) == list(range(10))  # every example of the largest corpus exactly once
    small = [batch for corpus, batch in batches if corpus == 1]
    assert sorted(small[0] + small[1]) == [0, 1, 2, 3] and sorted(small[2] + small[3]) == [0, 1, 2, 3]
    # global indices are offset into the concatenation
    flat = list(sampler)
    assert (
        all(0 <= i < 10 for i in flat[0]) and all(10 <= i < 14 for i in flat[1]) and all(14 <= i < 17 for i in flat[2])
    )


def test_proportional_uses_every_batch_once():
    sampler = ProportionalBatchSampler(make_samplers([10, 4, 3]), seed=0)
    batches = list(sampler.iter_corpus_batches())
    assert len(sampler) == len(batches) == 5 + 2 + 2
    assert Counter(corpus for corpus, _ in batches) == {0: 5, 1: 2, 2: 2}
    for corpus, size in enumerate([10, 4, 3]):
        assert sorted(i for c, batch in batches if c == corpus for i in batch) == list(range(size))
    assert [c for c, _ in batches] != sorted(c for c, _ in batches)  # interleaved, not corpus by corpus


def test_order_is_a_function_of_seed_and_epoch():
    first = RoundRobinBatchSampler(make_samplers([9, 5]), seed=3)
    second = RoundRobinBatchSampler(make_samplers([9, 5]), seed=3)
    assert list(first) == list(second)
    first.set_epoch(1)
    assert list(first) != list(second)
    second.set_epoch(1)
    assert list(first) == list(second)
    assert list(RoundRobinBatchSampler(make_samplers([9, 5]), seed=4)) != list(second)


def test_ranks_share_the_corpus_and_split_the_global_batch():
    per_rank = [
        list(
            RoundRobinBatchSampler(
                make_samplers([11, 6], batch_size=2, num_replicas=2, rank=rank), seed=1
            ).iter_corpus_batches()
        )
        for rank in range(2)
    ]
    assert len(per_rank[0]) == len(per_rank[1]) == 2 * 3  # ceil(11 / 4) = 3 global batches for the largest
    for (corpus_0, batch_0), (corpus_1, batch_1) in zip(*per_rank):
        assert corpus_0 == corpus_1
        assert len(batch_0) == len(batch_1)
    largest = [i for rank in per_rank for corpus, batch in rank if corpus == 0 for i in batch]
    assert set(largest) == set(range(11)) and len(largest) == 12  # one example repeated to even the last step


def test_drop_last_and_sequential():
    sampler = CorpusBatchSampler(7, 3, strategy="sequential", drop_last=True)
    assert len(sampler) == 2
    assert sampler.batches(np.random.default_rng(0)) == [[0, 1, 2], [3, 4, 5]]
    assert len(CorpusBatchSampler(7, 3)) == 3
    # a corpus smaller than one global batch yields nothing with drop_last: an error, not an endless cycle
    for sampler_class in (RoundRobinBatchSampler, ProportionalBatchSampler):
        with pytest.raises(ValueError, match="'tiny' has 3 examples, fewer than one global batch of 4"):
            sampler_class(make_samplers([8, 3], batch_size=4, drop_last=True), corpus_names=["big", "tiny"])


def test_group_by_length_buckets_similar_lengths():
    rng = np.random.default_rng(0)
    lengths = rng.uniform(0.5, 10.0, size=200)
    grouped = CorpusBatchSampler(200, 8, strategy="group_by_length", lengths=lengths, length_grouping_factor=25)
    shuffled = CorpusBatchSampler(200, 8)

    def spread(batches):
        return np.mean([np.ptp(lengths[batch]) for batch in batches])

    batches = grouped.batches(np.random.default_rng(1))
    assert sorted(i for b in batches for i in b) == list(range(200))
    assert spread(batches) < 0.2 * spread(shuffled.batches(np.random.default_rng(1)))
    with pytest.raises(ValueError, match="one length per example"):
        CorpusBatchSampler(5, 2, strategy="group_by_length")
