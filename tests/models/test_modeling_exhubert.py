"""ExHuBERT model: identity at initialisation, freezing, saving/loading, remote code, Auto classes and pipeline."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from huggingface_hub.errors import StrictDataclassError
from transformers import (
    AutoConfig,
    AutoModel,
    AutoModelForAudioClassification,
    HubertConfig,
    HubertForSequenceClassification,
    HubertModel,
    Wav2Vec2Config,
    Wav2Vec2Model,
    pipeline,
)

from exhubert import EXHUBERT_LABELS, ExHubertConfig, ExHubertForSequenceClassification, ExHubertModel


def _inputs(batch=2, samples=8000, seed=0):
    generator = torch.Generator().manual_seed(seed)
    values = torch.randn(batch, samples, generator=generator)
    mask = torch.ones(batch, samples, dtype=torch.long)
    mask[1, samples * 2 // 3 :] = 0
    values[1, samples * 2 // 3 :] = 0.0
    return values, mask


def _max_diff(a, b):
    return (a - b).abs().max().item()


@pytest.mark.parametrize("use_mask", [False, True])
def test_identity_at_init(tiny_hubert_classifier, use_mask):
    expanded = ExHubertForSequenceClassification.from_hubert(tiny_hubert_classifier).eval()
    values, mask = _inputs()
    mask = mask if use_mask else None
    with torch.no_grad():
        expected = tiny_hubert_classifier(values, attention_mask=mask, output_hidden_states=True)
        actual = expanded(values, attention_mask=mask, output_hidden_states=True)
        expected_base = tiny_hubert_classifier.hubert(values, attention_mask=mask).last_hidden_state
        actual_base = expanded.hubert(values, attention_mask=mask).last_hidden_state
    assert expanded.config.num_total_layers == 2 * tiny_hubert_classifier.config.num_hidden_layers
    assert _max_diff(expected.logits, actual.logits) <= 1e-5
    assert _max_diff(expected_base, actual_base) <= 1e-5
    assert (
        len(actual.hidden_states) == len(expected.hidden_states) == tiny_hubert_classifier.config.num_hidden_layers + 1
    )
    for h_expected, h_actual in zip(expected.hidden_states, actual.hidden_states):
        assert _max_diff(h_expected, h_actual) <= 1e-5
    assert expanded.config.id2label == tiny_hubert_classifier.config.id2label


def test_identity_batch_equals_single(tiny_kwargs):
    torch.manual_seed(1)
    source = HubertModel(HubertConfig(**tiny_kwargs(do_stable_layer_norm=True))).eval()
    model = ExHubertForSequenceClassification.from_hubert(source).eval()
    values, mask = _inputs(samples=9600)
    with torch.no_grad():
        batched = model(values, attention_mask=mask).logits
        single = model(values[1:, : int(mask[1].sum())], attention_mask=mask[1:, : int(mask[1].sum())]).logits
    assert _max_diff(batched[1], single[0]) <= 1e-5


@pytest.mark.parametrize(
    "overrides", [dict(expansion_factor=3), dict(expanded_layers=[1]), dict(original_layer_gates=True)]
)
def test_identity_for_variants(tiny_hubert_classifier, overrides):
    model = ExHubertForSequenceClassification.from_hubert(tiny_hubert_classifier, **overrides).eval()
    values, mask = _inputs()
    with torch.no_grad():
        assert _max_diff(tiny_hubert_classifier(values, mask).logits, model(values, mask).logits) <= 1e-5
    copies = model.config.num_copies_per_layer
    assert [len(block.expansions) for block in model.hubert.encoder.layers] == copies
    assert all(
        (block.original_gate is not None) == model.config.original_layer_gates for block in model.hubert.encoder.layers
    )


def test_identity_from_wav2vec2(tiny_kwargs):
    torch.manual_seed(2)
    source = Wav2Vec2Model(Wav2Vec2Config(**tiny_kwargs(do_stable_layer_norm=True))).eval()
    model = ExHubertModel.from_hubert(source).eval()
    values, mask = _inputs()
    with torch.no_grad():
        assert _max_diff(source(values, mask).last_hidden_state, model(values, mask).last_hidden_state) <= 1e-5


@pytest.mark.slow
@pytest.mark.parametrize("stable", [False, True])
def test_identity_base_sized(stable):
    torch.manual_seed(3)
    config = HubertConfig(
        hidden_size=768,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=3072,
        do_stable_layer_norm=stable,
        feat_extract_norm="layer" if stable else "group",
        conv_bias=stable,
        num_labels=6,
    )
    source = HubertForSequenceClassification(config).eval()
    model = ExHubertForSequenceClassification.from_hubert(source).eval()
    values, mask = _inputs(samples=6400)
    with torch.no_grad():
        for attention_mask in (None, mask):
            expected = source(values, attention_mask)
            actual = model(values, attention_mask)
            assert _max_diff(expected.logits, actual.logits) <= 1e-5
    assert model.config.num_total_layers == 24


def test_default_config_labels_and_fields():
    config = ExHubertConfig()
    assert [config.id2label[i] for i in range(6)] == list(EXHUBERT_LABELS)
    assert config.label2id["high_positive"] == 5
    assert (config.expansion_factor, config.expanded_layers, config.pooling_mode) == (2, None, "mean")
    assert config.freeze_original_layers and config.freeze_feature_encoder and not config.original_layer_gates
    assert ExHubertConfig(num_labels=3).id2label == {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}
    assert ExHubertConfig(num_hidden_layers=4, expanded_layers=[3, 1]).num_total_layers == 6


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(num_hidden_layers=2, expanded_layers=[2]), "expanded_layers"),
        (dict(num_hidden_layers=2, expanded_layers=[-1]), "expanded_layers"),
        (dict(expansion_factor=0), "expansion_factor"),
        (dict(pooling_mode="max"), "pooling_mode"),
    ],
)
def test_invalid_config(kwargs, message):
    with pytest.raises(StrictDataclassError, match=message):
        ExHubertConfig(**kwargs)


def test_from_hubert_rejects_invalid_layer_index(tiny_hubert_classifier):
    with pytest.raises(ValueError, match="valid indices are 0..1"):
        ExHubertForSequenceClassification.from_hubert(tiny_hubert_classifier, expanded_layers=[0, 5])


def test_from_hubert_rejects_non_hubert_sources(tmp_path):
    from transformers import BertConfig, BertModel

    bert = BertModel(BertConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=37))
    with pytest.raises(ValueError, match="model_type is 'bert'"):
        ExHubertForSequenceClassification.from_hubert(bert)
    bert.save_pretrained(tmp_path / "bert")
    with pytest.raises(ValueError, match="model_type is 'bert'"):
        ExHubertForSequenceClassification.from_hubert(tmp_path / "bert")
    with pytest.raises(TypeError, match="HuBERT model instance"):
        ExHubertForSequenceClassification.from_hubert(torch.nn.Linear(2, 2))


def test_from_hubert_rejects_exhubert_source(tiny_exhubert_dir):
    with pytest.raises(ValueError, match="already an ExHuBERT"):
        ExHubertForSequenceClassification.from_hubert(tiny_exhubert_dir)


def test_from_hubert_local_directory_copies_head(tiny_hubert_classifier, tmp_path):
    tiny_hubert_classifier.save_pretrained(tmp_path)
    model = ExHubertForSequenceClassification.from_hubert(tmp_path).eval()
    torch.testing.assert_close(model.classifier.weight, tiny_hubert_classifier.classifier.weight)
    assert model.config.source_model == str(tmp_path)
    values, _ = _inputs()
    with torch.no_grad():
        assert _max_diff(model(values).logits, tiny_hubert_classifier(values).logits) <= 1e-5


def test_new_head_when_labels_change(tiny_hubert_classifier):
    model = ExHubertForSequenceClassification.from_hubert(tiny_hubert_classifier, num_labels=4)
    assert model.config.num_labels == 4 and model.classifier.out_features == 4
    torch.testing.assert_close(model.projector.weight, tiny_hubert_classifier.projector.weight)


def test_gates_initialisation(tiny_hubert_classifier):
    model = ExHubertForSequenceClassification.from_hubert(tiny_hubert_classifier, original_layer_gates=True)
    for block in model.hubert.encoder.layers:
        torch.testing.assert_close(block.original_gate.weight, torch.eye(block.original_gate.in_features))
        assert block.original_gate.bias.abs().sum() == 0
        for expansion in block.expansions:
            assert expansion.gate.weight.abs().sum() == 0 and expansion.gate.bias.abs().sum() == 0
            for (name, copy), original in zip(
                expansion.layer.state_dict().items(), block.original.state_dict().values()
            ):
                torch.testing.assert_close(copy, original, msg=name)


def _frozen_names(model):
    return {name for name, param in model.named_parameters() if not param.requires_grad}


def test_freezing_defaults_and_methods(tiny_hubert_classifier):
    model = ExHubertForSequenceClassification.from_hubert(tiny_hubert_classifier)
    frozen = _frozen_names(model)
    assert frozen and all(".original." in n or "feature_extractor" in n for n in frozen)
    assert not any(".expansions." in n or n.startswith(("projector", "classifier")) for n in frozen)
    assert all(not p.requires_grad for b in model.hubert.encoder.layers for p in b.original.parameters()) and all(
        not p.requires_grad for p in model.hubert.feature_extractor.parameters()
    )

    model.unfreeze_original_layers()
    assert _frozen_names(model) == {n for n in frozen if "feature_extractor" in n}
    assert model.config.freeze_original_layers is False
    model.unfreeze_feature_encoder()
    assert _frozen_names(model) == set() and model.hubert.feature_extractor._requires_grad
    model.freeze_og_encoder()
    model.freeze_feature_encoder()
    assert _frozen_names(model) == frozen
    model.freeze_base_model()
    assert all(not p.requires_grad for p in model.hubert.parameters())


def test_frozen_parameters_bit_identical_after_training(tiny_hubert_classifier):
    torch.manual_seed(4)
    model = ExHubertForSequenceClassification.from_hubert(tiny_hubert_classifier, original_layer_gates=True).train()
    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
    trainable = {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    values, mask = _inputs()
    for _ in range(3):
        loss = model(values, attention_mask=mask, labels=torch.tensor([0, 3])).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    current = dict(model.named_parameters())
    assert all(torch.equal(current[n], value) for n, value in frozen.items())
    changed = [n for n, value in trainable.items() if not torch.equal(current[n], value)]
    assert any(".expansions." in n and ".gate." in n for n in changed)
    assert any(".expansions." in n and ".layer." in n for n in changed)


def test_save_load_round_trip_keeps_weights_and_freezing(tiny_hubert_classifier, tmp_path):
    model = ExHubertForSequenceClassification.from_hubert(tiny_hubert_classifier, expansion_factor=3)
    model.unfreeze_original_layers()
    with torch.no_grad():
        model.hubert.encoder.layers[0].expansions[1].gate.weight.fill_(0.01)
    model.save_pretrained(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["model_type"] == "exhubert" and config["auto_map"] == {
        "AutoConfig": "configuration_exhubert.ExHubertConfig",
        "AutoModel": "modeling_exhubert.ExHubertModel",
        "AutoModelForAudioClassification": "modeling_exhubert.ExHubertForSequenceClassification",
    }
    assert (tmp_path / "modeling_exhubert.py").is_file() and (tmp_path / "configuration_exhubert.py").is_file()
    loaded = ExHubertForSequenceClassification.from_pretrained(tmp_path)
    assert _frozen_names(loaded) == _frozen_names(model)
    for (name, expected), actual in zip(model.state_dict().items(), loaded.state_dict().values()):
        assert torch.equal(expected, actual), name
    reloaded_default = ExHubertForSequenceClassification.from_pretrained(tmp_path, freeze_original_layers=True)
    assert any(".original." in n for n in _frozen_names(reloaded_default))


def test_auto_classes_after_import(tiny_exhubert_dir):
    assert type(AutoConfig.from_pretrained(tiny_exhubert_dir)) is ExHubertConfig
    assert type(AutoModel.from_pretrained(tiny_exhubert_dir)) is ExHubertModel
    assert (
        type(AutoModelForAudioClassification.from_pretrained(tiny_exhubert_dir)) is ExHubertForSequenceClassification
    )


@pytest.mark.parametrize("implementation", ["eager", "sdpa"])
def test_attention_backends_hidden_states_and_attentions(tiny_exhubert_dir, implementation):
    model = ExHubertForSequenceClassification.from_pretrained(tiny_exhubert_dir, attn_implementation="eager").eval()
    other = ExHubertForSequenceClassification.from_pretrained(tiny_exhubert_dir, attn_implementation=implementation)
    values, mask = _inputs()
    with torch.no_grad():
        reference = model(values, attention_mask=mask, output_hidden_states=True, output_attentions=True)
        outputs = other.eval()(values, attention_mask=mask, output_hidden_states=True)
    assert _max_diff(reference.logits, outputs.logits) <= 1e-5
    assert len(reference.hidden_states) == model.config.num_hidden_layers + 1
    assert len(reference.attentions) == model.config.num_total_layers
    assert reference.attentions[0].shape[:2] == (2, model.config.num_attention_heads)


def test_gradient_checkpointing_matches_plain_gradients(tiny_exhubert_dir):
    values, mask = _inputs()
    labels = torch.tensor([1, 4])
    grads = []
    for checkpointing in (False, True):
        torch.manual_seed(0)
        model = ExHubertForSequenceClassification.from_pretrained(
            tiny_exhubert_dir,
            hidden_dropout=0.0,
            attention_dropout=0.0,
            activation_dropout=0.0,
            layerdrop=0.0,
            mask_time_prob=0.0,
            feat_proj_dropout=0.0,
        )
        if checkpointing:
            model.gradient_checkpointing_enable()
        model.train()
        model(values, attention_mask=mask, labels=labels).loss.backward()
        grads.append({n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None})
    assert grads[0].keys() == grads[1].keys() and any(".expansions." in n for n in grads[0])
    for name in grads[0]:
        torch.testing.assert_close(grads[0][name], grads[1][name], msg=name)


def test_attentive_statistics_pooling(tiny_hubert_classifier):
    model = ExHubertForSequenceClassification.from_hubert(tiny_hubert_classifier, pooling_mode="attentive_statistics")
    assert model.classifier.in_features == 2 * model.config.classifier_proj_size
    values, mask = _inputs()
    model.eval()
    with torch.no_grad():
        batched = model(values, attention_mask=mask).logits
        length = int(mask[1].sum())
        single = model(values[1:, :length], attention_mask=mask[1:, :length]).logits
        pooled = model.pool(model.hubert(values, mask).last_hidden_state, mask)
        mean = ExHubertForSequenceClassification.from_hubert(tiny_hubert_classifier).eval()
        mean_pooled = mean.pool(mean.hubert(values, mask).last_hidden_state, mask)
    assert batched.shape == (2, 6)
    if model.config.feat_extract_norm == "layer":  # group norm over padded samples differs by design
        assert _max_diff(batched[1], single[0]) <= 1e-5
    torch.testing.assert_close(pooled[:, : model.config.classifier_proj_size], mean_pooled)


def test_pipeline_on_16khz_arrays(tiny_exhubert_dir):
    classifier = pipeline("audio-classification", model=str(tiny_exhubert_dir), trust_remote_code=True)
    waves = [np.sin(np.linspace(0, 400 * np.pi, 16000)).astype(np.float32), np.zeros(8000, dtype=np.float32)]
    results = classifier(waves, top_k=6)
    assert len(results) == 2
    for result in results:
        assert {r["label"] for r in result} == set(EXHUBERT_LABELS)
        assert abs(sum(r["score"] for r in result) - 1) < 1e-4


REMOTE_CODE_SCRIPT = textwrap.dedent(
    """
    import json, sys
    sys.modules["exhubert"] = None  # the package must not be importable: everything comes from the saved files
    import torch
    from transformers import AutoConfig, AutoModel, AutoModelForAudioClassification
    path, inputs_file = sys.argv[1], sys.argv[2]
    try:
        import exhubert  # noqa: F401
        raise SystemExit("exhubert should not be importable here")
    except ImportError:
        pass
    config = AutoConfig.from_pretrained(path, trust_remote_code=True)
    classifier = AutoModelForAudioClassification.from_pretrained(path, trust_remote_code=True).eval()
    base = AutoModel.from_pretrained(path, trust_remote_code=True).eval()
    values = torch.tensor(json.load(open(inputs_file)))
    with torch.no_grad():
        logits = classifier(values).logits
        hidden = base(values).last_hidden_state
    print(json.dumps({
        "config_class": type(config).__name__,
        "classifier_module": type(classifier).__module__,
        "base_class": type(base).__name__,
        "logits": logits.tolist(),
        "hidden_sum": hidden.sum().item(),
        "frozen": sum(not p.requires_grad for p in classifier.parameters()),
    }))
    """
)


def test_remote_code_in_fresh_process_without_exhubert(tiny_exhubert_dir, tmp_path):
    values = _inputs()[0][:1]
    inputs_file = tmp_path / "inputs.json"
    inputs_file.write_text(json.dumps(values.tolist()))
    script = tmp_path / "load.py"
    script.write_text(REMOTE_CODE_SCRIPT)
    env = {"HF_HUB_OFFLINE": "1", "HF_MODULES_CACHE": str(tmp_path / "modules"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-I", str(script), str(tiny_exhubert_dir), str(inputs_file)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["config_class"] == "ExHubertConfig" and report["base_class"] == "ExHubertModel"
    assert report["classifier_module"].startswith("transformers_modules")
    model = ExHubertForSequenceClassification.from_pretrained(tiny_exhubert_dir).eval()
    with torch.no_grad():
        expected = model(values)
    assert _max_diff(torch.tensor(report["logits"]), expected.logits) <= 1e-6
    assert report["frozen"] == sum(not p.requires_grad for p in model.parameters())
