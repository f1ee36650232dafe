"""ExHubertTrainer end to end on tiny models: per-corpus evaluation, losses, frozen parameters, resume, DDP choice."""

import numpy as np
import pytest
import torch

from exhubert.data.collator import AudioCollator
from exhubert.expansion import default_feature_extractor
from exhubert.training import ExHubertTrainer, ExHubertTrainingArguments


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


def test_resume_continues_the_same_batches(tmp_path, tiny_corpora, make_tiny_model):
    def run(output_dir, resume=None):
        model = make_tiny_model()
        args = make_args(tmp_path, output_dir=str(output_dir), max_steps=6, save_strategy="steps", save_steps=3)
        collator = RecordingCollator(default_feature_extractor(model.config))
        trainer = ExHubertTrainer(
            model=model, args=args, train_dataset=corpora(tiny_corpora, 0), data_collator=collator
        )
        trainer.train(resume_from_checkpoint=resume)
        return collator.batches, model

    # The training loop may collate one batch ahead of the last step: compare the batches of the 6 steps.
    full_batches, full_model = run(tmp_path / "full")
    corpus_of = [batch[0].split("-")[0] for batch in full_batches[:6]]
    assert corpus_of == ["alpha", "beta"] * 3  # round robin; alpha has 6 batches of 2, beta 3 (cycled)
    resumed_batches, resumed_model = run(tmp_path / "full", resume=str(tmp_path / "full" / "checkpoint-3"))
    assert resumed_batches[:3] == full_batches[3:6]
    for (name, a), (_, b) in zip(full_model.named_parameters(), resumed_model.named_parameters()):
        torch.testing.assert_close(a, b, msg=f"{name} differs after resuming")


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
