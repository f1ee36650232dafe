"""ExHubertTrainer end to end on tiny models: per-corpus evaluation, losses, frozen parameters, resume, DDP choice."""

import numpy as np
import pytest
import torch

from exhubert.data.collator import AudioCollator
from exhubert.expansion import default_feature_extractor
from exhubert.training import (
    ExHubertTrainer,
    ExHubertTrainingArguments,
    ProportionalBatchSampler,
    RoundRobinBatchSampler,
)


def make_args(tmp_path, **overrides):
    values = dict(
        output_dir=str(tmp_path / "out"),
        per_device_train_batch_size=2,
        per_device_eval_batch_size=4,
        learning_rate=1e-3,
        max_steps=4,
        eval_strategy="no",
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        seed=7,
        logging_steps=1,
        disable_tqdm=True,
    )
    values.update(overrides)
    return ExHubertTrainingArguments(**values)


def corpora(tiny_corpora, part):
    return {name: splits[part] for name, splits in tiny_corpora.items()}


class RecordingCollator(AudioCollator):
    """An AudioCollator that remembers the example ids of every batch it collates."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.batches = []

    def __call__(self, examples):
        self.batches.append([example["id"] for example in examples])
        return super().__call__(examples)


def test_paper_defaults():
    args = ExHubertTrainingArguments(output_dir="unused", report_to=[])
    assert (args.learning_rate, args.max_steps, args.adam_beta1, args.adam_beta2, args.adam_epsilon) == (
        1e-5,
        3000,
        0.9,
        0.999,
        1e-8,
    )
    assert args.optim.startswith("adamw_torch") and args.weight_decay == 0.0
    assert args.multi_dataset_batch_sampler == "round_robin" and args.loss == "cross_entropy"
    assert (args.am_softmax_margin, args.am_softmax_scale) == (0.2, 30.0)
    with pytest.raises(ValueError):
        ExHubertTrainingArguments(output_dir="unused", loss="hinge")
    with pytest.raises(ValueError, match="batch_rebalance"):
        ExHubertTrainingArguments(output_dir="unused", train_sampling_strategy="batch_rebalance")


def test_per_corpus_evaluation_keys_and_frozen_parameters(tmp_path, tiny_corpora, make_tiny_model):
    model = make_tiny_model()
    frozen = {name: p.detach().clone() for name, p in model.named_parameters() if not p.requires_grad}
    trainable = {name: p.detach().clone() for name, p in model.named_parameters() if p.requires_grad}
    assert any("original" in name for name in frozen) and any("feature_extractor" in name for name in frozen)
    trainer = ExHubertTrainer(
        model=model,
        args=make_args(tmp_path, train_sampling_strategy="group_by_length"),
        train_dataset=corpora(tiny_corpora, 0),
        eval_dataset=corpora(tiny_corpora, 1),
    )
    trainer.train()
    for name, param in model.named_parameters():
        if name in frozen:
            assert torch.equal(param, frozen[name]), f"frozen parameter {name} changed"
    assert any(not torch.equal(p, trainable[n]) for n, p in model.named_parameters() if n in trainable)

    metrics = trainer.evaluate()
    for corpus in ("alpha", "beta", "mean"):
        for metric in ("uar", "war", "macro_f1", "loss"):
            assert f"eval_{corpus}_{metric}" in metrics
    assert metrics["eval_mean_uar"] == pytest.approx((metrics["eval_alpha_uar"] + metrics["eval_beta_uar"]) / 2)


def test_single_dataset_is_split_by_corpus_column(tmp_path, tiny_corpora, make_tiny_model):
    from datasets import concatenate_datasets

    eval_parts = [ds.add_column("corpus", [name] * len(ds)) for name, ds in corpora(tiny_corpora, 1).items()]
    trainer = ExHubertTrainer(
        model=make_tiny_model(), args=make_args(tmp_path), train_dataset=corpora(tiny_corpora, 0)
    )
    metrics = trainer.evaluate(concatenate_datasets(eval_parts))
    assert {"eval_alpha_uar", "eval_beta_uar", "eval_mean_uar"} <= set(metrics)


@pytest.mark.parametrize("stable_layer_norm", [True, False])
def test_batches_are_padded_with_a_mask_only_for_layer_norm_encoders(
    tmp_path, tiny_corpora, make_tiny_model, stable_layer_norm
):
    model = make_tiny_model(stable_layer_norm=stable_layer_norm)
    assert model.config.feat_extract_norm == ("layer" if stable_layer_norm else "group")
    trainer = ExHubertTrainer(model=model, args=make_args(tmp_path), train_dataset=corpora(tiny_corpora, 0))
    batch = next(iter(trainer.get_train_dataloader()))
    lengths = [int(16000 * d) for d in (0.3, 0.5)]
    assert lengths[0] <= batch["input_values"].shape[1] <= lengths[1] + 1
    if stable_layer_norm:
        mask = batch["attention_mask"]
        assert mask.shape == batch["input_values"].shape and mask[:, 0].all()
        torch.testing.assert_close(batch["input_values"][mask == 0], torch.zeros(int((mask == 0).sum())))
    else:
        assert "attention_mask" not in batch  # HuBERT-base style: zero padding, no mask
    assert torch.isfinite(trainer.compute_loss(trainer.model, batch))


def test_length_bucketing_inside_each_corpus_and_proportional_choice(tmp_path, tiny_corpora, make_tiny_model):
    train = corpora(tiny_corpora, 0)
    args = make_args(tmp_path, train_sampling_strategy="group_by_length", length_grouping_factor=100)
    trainer = ExHubertTrainer(model=make_tiny_model(), args=args, train_dataset=train)
    sampler = trainer.get_multi_corpus_batch_sampler()
    assert isinstance(sampler, RoundRobinBatchSampler) and len(sampler) == 2 * 6
    batches = list(sampler.iter_corpus_batches())
    for corpus, name in enumerate(train):
        durations = np.asarray(train[name]["duration"])
        np.testing.assert_allclose(sampler.corpus_samplers[corpus].lengths, durations)
        # one chunk per corpus: the batches of a pass are contiguous runs of the corpus sorted by duration
        first_pass = [batch for c, batch in batches if c == corpus][: len(sampler.corpus_samplers[corpus])]
        runs = sorted((durations[batch] for batch in first_pass), key=lambda run: -run.max())
        assert all(first.min() >= second.max() for first, second in zip(runs, runs[1:]))

    # without a duration column the lengths come from decoding the audio once
    no_duration = {name: ds.remove_columns("duration") for name, ds in train.items()}
    trainer = ExHubertTrainer(model=make_tiny_model(), args=args, train_dataset=no_duration)
    lengths = trainer.get_multi_corpus_batch_sampler().corpus_samplers[0].lengths
    np.testing.assert_array_equal(lengths, [len(audio) for audio in train["alpha"]["audio"]])

    args = make_args(tmp_path, multi_dataset_batch_sampler="proportional")
    sampler = ExHubertTrainer(model=make_tiny_model(), args=args, train_dataset=train).get_multi_corpus_batch_sampler()
    assert isinstance(sampler, ProportionalBatchSampler) and len(sampler) == 6 + 3


def test_resume_continues_the_same_batches(tmp_path, tiny_corpora, make_tiny_model):
    # alpha has 2 batches of 2 and beta 1 (cycled): an epoch is 4 round-robin steps, 8 steps are 2 epochs.
    train = {"alpha": tiny_corpora["alpha"][0].select(range(4)), "beta": tiny_corpora["beta"][0].select(range(2))}

    def run(resume=None):
        model = make_tiny_model()
        args = make_args(tmp_path, output_dir=str(tmp_path / "run"), max_steps=8, save_strategy="steps", save_steps=3)
        collator = RecordingCollator(default_feature_extractor(model.config))
        trainer = ExHubertTrainer(model=model, args=args, train_dataset=train, data_collator=collator)
        trainer.train(resume_from_checkpoint=resume)
        return collator.batches, model

    full_batches, full_model = run()
    assert len(full_batches) == 8
    assert [batch[0].split("-")[0] for batch in full_batches] == ["alpha", "beta"] * 4
    epochs = [sorted(i for batch in full_batches[:4] for i in batch), sorted(i for b in full_batches[4:] for i in b)]
    assert epochs[0] == epochs[1] and full_batches[:4] != full_batches[4:]  # same examples, reshuffled per epoch
    # checkpoint-3 resumes in the first epoch and crosses into the second; checkpoint-6 resumes inside the second
    for step in (3, 6):
        resumed_batches, resumed_model = run(resume=str(tmp_path / "run" / f"checkpoint-{step}"))
        assert resumed_batches == full_batches[step:]
        for (name, a), (_, b) in zip(full_model.named_parameters(), resumed_model.named_parameters()):
            torch.testing.assert_close(a, b, msg=f"{name} differs after resuming from step {step}")


def test_am_softmax_and_ccc_losses(tmp_path, tiny_corpora, make_tiny_model):
    model = make_tiny_model()
    trainer = ExHubertTrainer(
        model=model,
        args=make_args(tmp_path, loss="am_softmax", max_steps=2, class_weights="balanced"),
        train_dataset=corpora(tiny_corpora, 0),
        eval_dataset=corpora(tiny_corpora, 1),
    )
    assert not model.classifier.bias.requires_grad
    trainer.train()
    norms = model.classifier.weight.norm(dim=-1)
    torch.testing.assert_close(norms, torch.full_like(norms, 30.0))
    assert 0.0 <= trainer.evaluate()["eval_mean_uar"] <= 1.0

    regression = make_tiny_model(num_labels=2)
    trainer = ExHubertTrainer(
        model=regression,
        args=make_args(tmp_path, loss="ccc", max_steps=2, regression_weights=[1.0, 0.5]),
        train_dataset=corpora(tiny_corpora, 0),
        eval_dataset=corpora(tiny_corpora, 1),
    )
    trainer.train()
    metrics = trainer.evaluate()
    assert {"eval_alpha_ccc_arousal", "eval_beta_ccc_valence", "eval_mean_ccc"} <= set(metrics)
    assert np.isfinite(metrics["eval_mean_loss"])
    with pytest.raises(ValueError, match="num_labels=2"):
        ExHubertTrainer(
            model=make_tiny_model(), args=make_args(tmp_path, loss="ccc"), train_dataset=corpora(tiny_corpora, 0)
        )


def test_balanced_class_weights_count_all_training_corpora(tmp_path, tiny_corpora, make_tiny_model):
    # alpha's first 8 labels are 0-5, 0, 1 and beta has 0-5 once: counts (3, 3, 2, 2, 2, 2) of 14 examples
    train = {"alpha": tiny_corpora["alpha"][0].select(range(8)), "beta": tiny_corpora["beta"][0]}
    args = make_args(tmp_path, class_weights="balanced", label_smoothing=0.1)
    loss = ExHubertTrainer(model=make_tiny_model(), args=args, train_dataset=train)._loss_fn
    expected = [14 / (6 * count) for count in (3, 3, 2, 2, 2, 2)]
    torch.testing.assert_close(loss.class_weights, torch.tensor(expected))
    assert loss.label_smoothing == 0.1
    with pytest.raises(ValueError, match="class_weights has 2 entries but the model has 6 labels"):
        ExHubertTrainer(
            model=make_tiny_model(), args=make_args(tmp_path, class_weights=[1.0, 2.0]), train_dataset=train
        )


def test_ddp_unused_parameter_choice_and_input_errors(tmp_path, tiny_corpora, make_tiny_model):
    trainer = ExHubertTrainer(
        model=make_tiny_model(), args=make_args(tmp_path), train_dataset=corpora(tiny_corpora, 0)
    )
    assert trainer.args.ddp_find_unused_parameters is False  # frozen parameters are not DDP parameters
    model = make_tiny_model()
    model.config.layerdrop = 0.1
    trainer = ExHubertTrainer(model=model, args=make_args(tmp_path), train_dataset=corpora(tiny_corpora, 0))
    assert trainer.args.ddp_find_unused_parameters is True  # LayerDrop skips trainable blocks

    train = corpora(tiny_corpora, 0)
    with pytest.raises(ValueError, match="reserved for the mean"):
        ExHubertTrainer(model=make_tiny_model(), args=make_args(tmp_path), train_dataset={"mean": train["alpha"]})
    with pytest.raises(ValueError, match=r"corpus 'alpha' has no column \['label'\]"):
        ExHubertTrainer(
            model=make_tiny_model(),
            args=make_args(tmp_path),
            train_dataset={"alpha": train["alpha"].remove_columns("label")},
        )
    with pytest.raises(ValueError, match="differ from the model's"):
        ExHubertTrainer(
            model=make_tiny_model(num_labels=6, id2label={i: f"c{i}" for i in range(6)}),
            args=make_args(tmp_path),
            train_dataset=train,
        )
