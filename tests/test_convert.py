"""`exhubert convert-original` against a reference forward pass of the published ExHuBERT layout.

The reference below is written from the facts in `shared/research/exhubert_checkpoint_format.md` (§1.3-1.4), with
plain torch functions on the flat published state dict, independently of `exhubert`'s modules: 48 (here 4) flat
pre-layer-norm layers, each ending in `gate_bb_linear` applied to the whole residual stream, a pairwise skip
(`x = L_odd(x) + skip`, `skip` = output of the preceding even layer), final layer norm, projector per frame, mean over
valid frames, classifier.
"""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from exhubert import EXHUBERT_LABELS, ExHubertForSequenceClassification
from exhubert.cli.main import main
from exhubert.convert import convert_original, format_gate_statistics, gate_statistics
from exhubert.utils import tiny_hubert_kwargs

NUM_FLAT_LAYERS = 4


def published_config() -> dict:
    """A tiny `config.json` in the published layout (plain HubertConfig, ExHuBERT architecture, LABEL_n names)."""
    config = tiny_hubert_kwargs(do_stable_layer_norm=True)
    config.update(
        model_type="hubert",
        architectures=["ExHuBERT"],
        auto_map={"AutoModelForAudioClassification": "ExHuBERT_model.ExHuBERT"},
        num_hidden_layers=NUM_FLAT_LAYERS,
        id2label={str(i): f"LABEL_{i}" for i in range(6)},
        label2id={f"LABEL_{i}": i for i in range(6)},
        layer_norm_eps=1e-5,
        mask_time_prob=0.05,
        use_weighted_layer_sum=False,
        transformers_version="4.31.0",
    )
    config["conv_dim"], config["conv_kernel"], config["conv_stride"] = (
        list(config["conv_dim"]),
        list(config["conv_kernel"]),
        list(config["conv_stride"]),
    )
    return config


def published_state_dict(config: dict, spelling: str, seed: int = 0) -> dict[str, torch.Tensor]:
    """Random weights under the published key names (§1.4), both weight-norm spellings of the positional conv."""
    generator = torch.Generator().manual_seed(seed)
    rand = lambda *shape, scale=0.2: scale * torch.randn(*shape, generator=generator)  # noqa: E731
    norm = lambda n: (1.0 + rand(n, scale=0.1), rand(n, scale=0.1))  # noqa: E731
    hidden, inner, proj = config["hidden_size"], config["intermediate_size"], config["classifier_proj_size"]
    sd = {"hubert.masked_spec_embed": rand(hidden)}
    in_channels = 1
    for i, (channels, kernel) in enumerate(zip(config["conv_dim"], config["conv_kernel"])):
        prefix = f"hubert.feature_extractor.conv_layers.{i}"
        sd[f"{prefix}.conv.weight"] = rand(channels, in_channels, kernel, scale=0.5)
        sd[f"{prefix}.conv.bias"] = rand(channels)
        sd[f"{prefix}.layer_norm.weight"], sd[f"{prefix}.layer_norm.bias"] = norm(channels)
        in_channels = channels
    sd["hubert.feature_projection.layer_norm.weight"], sd["hubert.feature_projection.layer_norm.bias"] = norm(
        in_channels
    )
    sd["hubert.feature_projection.projection.weight"] = rand(hidden, in_channels)
    sd["hubert.feature_projection.projection.bias"] = rand(hidden)
    kernel, groups = config["num_conv_pos_embeddings"], config["num_conv_pos_embedding_groups"]
    g, v = 0.5 + torch.rand(1, 1, kernel, generator=generator), rand(hidden, hidden // groups, kernel)
    if spelling == "weight_g":
        sd["hubert.encoder.pos_conv_embed.conv.weight_g"] = g
        sd["hubert.encoder.pos_conv_embed.conv.weight_v"] = v
    else:
        sd["hubert.encoder.pos_conv_embed.conv.parametrizations.weight.original0"] = g
        sd["hubert.encoder.pos_conv_embed.conv.parametrizations.weight.original1"] = v
    sd["hubert.encoder.pos_conv_embed.conv.bias"] = rand(hidden)
    sd["hubert.encoder.layer_norm.weight"], sd["hubert.encoder.layer_norm.bias"] = norm(hidden)
    for j in range(config["num_hidden_layers"]):
        prefix = f"hubert.encoder.layers.{j}"
        for name in ("q_proj", "k_proj", "v_proj", "out_proj"):
            sd[f"{prefix}.attention.{name}.weight"] = rand(hidden, hidden)
            sd[f"{prefix}.attention.{name}.bias"] = rand(hidden)
        sd[f"{prefix}.layer_norm.weight"], sd[f"{prefix}.layer_norm.bias"] = norm(hidden)
        sd[f"{prefix}.feed_forward.intermediate_dense.weight"] = rand(inner, hidden)
        sd[f"{prefix}.feed_forward.intermediate_dense.bias"] = rand(inner)
        sd[f"{prefix}.feed_forward.output_dense.weight"] = rand(hidden, inner)
        sd[f"{prefix}.feed_forward.output_dense.bias"] = rand(hidden)
        sd[f"{prefix}.final_layer_norm.weight"], sd[f"{prefix}.final_layer_norm.bias"] = norm(hidden)
        # Trained gates: originals near the identity, copies away from zero, so that both gates matter.
        base = torch.eye(hidden) if j % 2 == 0 else torch.zeros(hidden, hidden)
        sd[f"{prefix}.gate_bb_linear.weight"] = base + rand(hidden, hidden, scale=0.1)
        sd[f"{prefix}.gate_bb_linear.bias"] = rand(hidden, scale=0.1)
    sd["projector.weight"], sd["projector.bias"] = rand(proj, hidden), rand(proj)
    sd["classifier.weight"], sd["classifier.bias"] = rand(6, proj, scale=1.0), rand(6)
    return sd


def frame_lengths(lengths: torch.Tensor, config: dict) -> torch.Tensor:
    for kernel, stride in zip(config["conv_kernel"], config["conv_stride"]):
        lengths = torch.div(lengths - kernel, stride, rounding_mode="floor") + 1
    return lengths


def reference_logits(sd, config, input_values, attention_mask=None) -> torch.Tensor:
    """The published ExHuBERT forward pass (research note §1.3), in eval mode."""
    eps = config["layer_norm_eps"]
    x = input_values[:, None, :]
    for i, stride in enumerate(config["conv_stride"]):
        prefix = f"hubert.feature_extractor.conv_layers.{i}"
        x = F.conv1d(x, sd[f"{prefix}.conv.weight"], sd[f"{prefix}.conv.bias"], stride=stride)
        x = F.layer_norm(
            x.transpose(1, 2), (x.shape[1],), sd[f"{prefix}.layer_norm.weight"], sd[f"{prefix}.layer_norm.bias"], eps
        )
        x = F.gelu(x).transpose(1, 2)
    x = x.transpose(1, 2)
    p = "hubert.feature_projection"
    x = F.layer_norm(x, (x.shape[-1],), sd[f"{p}.layer_norm.weight"], sd[f"{p}.layer_norm.bias"], eps)
    x = F.linear(x, sd[f"{p}.projection.weight"], sd[f"{p}.projection.bias"])

    batch, frames, hidden = x.shape
    valid = torch.ones(batch, frames, dtype=torch.bool)
    if attention_mask is not None:
        lengths = frame_lengths(attention_mask.sum(-1), config)
        valid = torch.arange(frames)[None, :] < lengths[:, None]
        x = x * valid[..., None]
    key_bias = torch.zeros(batch, 1, 1, frames).masked_fill(~valid[:, None, None, :], torch.finfo(x.dtype).min)

    pc = "hubert.encoder.pos_conv_embed.conv"
    g = sd.get(f"{pc}.weight_g", sd.get(f"{pc}.parametrizations.weight.original0"))
    v = sd.get(f"{pc}.weight_v", sd.get(f"{pc}.parametrizations.weight.original1"))
    weight = g * v / torch.linalg.vector_norm(v, dim=(0, 1), keepdim=True)
    kernel = config["num_conv_pos_embeddings"]
    pos = F.conv1d(
        x.transpose(1, 2),
        weight,
        sd[f"{pc}.bias"],
        padding=kernel // 2,
        groups=config["num_conv_pos_embedding_groups"],
    )
    if kernel % 2 == 0:
        pos = pos[:, :, :-1]
    x = x + F.gelu(pos).transpose(1, 2)

    heads = config["num_attention_heads"]
    head_dim = hidden // heads
    skip = None
    for j in range(config["num_hidden_layers"]):
        w = lambda name: sd[f"hubert.encoder.layers.{j}.{name}"]  # noqa: E731, B023
        h = F.layer_norm(x, (hidden,), w("layer_norm.weight"), w("layer_norm.bias"), eps)
        split = lambda t: t.view(batch, frames, heads, head_dim).transpose(1, 2)  # noqa: E731
        q = split(F.linear(h, w("attention.q_proj.weight"), w("attention.q_proj.bias")) * head_dim**-0.5)
        k = split(F.linear(h, w("attention.k_proj.weight"), w("attention.k_proj.bias")))
        val = split(F.linear(h, w("attention.v_proj.weight"), w("attention.v_proj.bias")))
        scores = (q @ k.transpose(-1, -2) + key_bias).softmax(-1)
        attended = (scores @ val).transpose(1, 2).reshape(batch, frames, hidden)
        h = x + F.linear(attended, w("attention.out_proj.weight"), w("attention.out_proj.bias"))
        ff = F.layer_norm(h, (hidden,), w("final_layer_norm.weight"), w("final_layer_norm.bias"), eps)
        ff = F.gelu(
            F.linear(ff, w("feed_forward.intermediate_dense.weight"), w("feed_forward.intermediate_dense.bias"))
        )
        h = h + F.linear(ff, w("feed_forward.output_dense.weight"), w("feed_forward.output_dense.bias"))
        out = F.linear(h, w("gate_bb_linear.weight"), w("gate_bb_linear.bias"))
        if j % 2 == 0:
            x = skip = out
        else:
            x = out + skip
    x = F.layer_norm(x, (hidden,), sd["hubert.encoder.layer_norm.weight"], sd["hubert.encoder.layer_norm.bias"], eps)
    x = F.linear(x, sd["projector.weight"], sd["projector.bias"])
    if attention_mask is None:
        pooled = x.mean(dim=1)
    else:
        pooled = (x * valid[..., None]).sum(1) / valid.sum(1, keepdim=True)
    return F.linear(pooled, sd["classifier.weight"], sd["classifier.bias"])


def write_published(directory, spelling: str, seed: int = 0):
    config = published_config()
    state_dict = published_state_dict(config, spelling, seed)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(config))
    if spelling == "weight_g":
        torch.save(state_dict, directory / "pytorch_model.bin")
    else:
        save_file(state_dict, directory / "model.safetensors")
    return config, state_dict


@pytest.fixture(scope="module", params=["weight_g", "parametrizations"])
def converted(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"original_{request.param}")
    config, state_dict = write_published(root / "src", request.param)
    model, statistics = convert_original(root / "src", root / "out")
    return {"config": config, "state_dict": state_dict, "model": model, "stats": statistics, "root": root}


def test_converted_logits_equal_reference(converted):
    """Single clip without mask (the model card's usage) and a padded batch with mask both match the reference."""
    config, sd, model = converted["config"], converted["state_dict"], converted["model"]
    torch.manual_seed(1)
    clip = torch.randn(1, 9000)
    with torch.no_grad():
        expected = reference_logits(sd, config, clip)
        actual = model(clip).logits
    torch.testing.assert_close(actual, expected, atol=1e-4, rtol=1e-4)
    assert expected.abs().max() > 0.1  # the logits are not trivially close to zero

    batch = torch.randn(2, 9000)
    batch[1, 6000:] = 0.0
    mask = torch.ones(2, 9000, dtype=torch.long)
    mask[1, 6000:] = 0
    with torch.no_grad():
        expected = reference_logits(sd, config, batch, mask)
        actual = model(batch, attention_mask=mask).logits
    torch.testing.assert_close(actual, expected, atol=1e-4, rtol=1e-4)


def test_reference_needs_both_gates_and_the_skip(converted):
    """The reference is sensitive to the facts it encodes: dropping the original gate changes the logits."""
    config, sd = converted["config"], converted["state_dict"]
    clip = torch.randn(1, 6000, generator=torch.Generator().manual_seed(2))
    altered = dict(sd)
    altered["hubert.encoder.layers.0.gate_bb_linear.weight"] = torch.eye(config["hidden_size"])
    altered["hubert.encoder.layers.0.gate_bb_linear.bias"] = torch.zeros(config["hidden_size"])
    assert not torch.allclose(reference_logits(sd, config, clip), reference_logits(altered, config, clip), atol=1e-4)


def test_saved_conversion_reloads_with_names_and_freezing(converted):
    out = converted["root"] / "out"
    model = ExHubertForSequenceClassification.from_pretrained(out).eval()
    assert model.config.model_type == "exhubert"
    assert model.config.original_layer_gates and model.config.num_total_layers == NUM_FLAT_LAYERS
    assert [model.config.id2label[i] for i in range(6)] == list(EXHUBERT_LABELS)
    block = model.hubert.encoder.layers[0]
    assert not any(p.requires_grad for p in block.original_parameters())
    assert all(p.requires_grad for p in block.expansions.parameters())
    clip = torch.randn(1, 8000, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        torch.testing.assert_close(model(clip).logits, converted["model"](clip).logits)
    assert (out / "preprocessor_config.json").is_file() and (out / "README.md").is_file()
    card = (out / "README.md").read_text()
    assert "amiriparian/ExHuBERT" in card and "cc-by-nc-sa-4.0" in card


def test_gate_statistics(converted):
    sd, stats = converted["state_dict"], converted["stats"]
    assert [row["layer"] for row in stats] == list(range(NUM_FLAT_LAYERS))
    for row in stats:
        weight = sd[f"hubert.encoder.layers.{row['layer']}.gate_bb_linear.weight"]
        bias = sd[f"hubert.encoder.layers.{row['layer']}.gate_bb_linear.bias"]
        reference = torch.eye(weight.shape[0]) if row["layer"] % 2 == 0 else torch.zeros_like(weight)
        assert row["kind"] == ("original" if row["layer"] % 2 == 0 else "copy")
        assert row["weight_distance"] == pytest.approx(torch.linalg.norm(weight - reference).item(), rel=1e-5)
        assert row["bias_norm"] == pytest.approx(torch.linalg.norm(bias).item(), rel=1e-5)
    text = format_gate_statistics(stats)
    assert "original gates (2): ||W - I||" in text and "copy gates (2): ||W||" in text


def test_from_pretrained_and_predict_refuse_the_published_layout(converted):
    from exhubert.inference import predict

    src = converted["root"] / "src"
    with pytest.raises(ValueError, match="convert-original"):
        ExHubertForSequenceClassification.from_pretrained(src)
    with pytest.raises(ValueError, match="convert-original"):
        predict(src, np.zeros(16000, dtype=np.float32))


def test_predict_refuses_the_published_layout_by_hub_id(tmp_path, monkeypatch):
    """A Hub id whose (cached) config is the published layout gets the same message, before any weight download."""
    import huggingface_hub.constants

    from exhubert.inference import predict

    snapshot = tmp_path / "hub" / "models--amiriparian--ExHuBERT" / "snapshots" / ("0" * 40)
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text(json.dumps(published_config()))
    (tmp_path / "hub" / "models--amiriparian--ExHuBERT" / "refs").mkdir()
    (tmp_path / "hub" / "models--amiriparian--ExHuBERT" / "refs" / "main").write_text("0" * 40)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(ValueError, match="exhubert convert-original amiriparian/ExHuBERT OUTPUT_DIR"):
        predict("amiriparian/ExHuBERT", np.zeros(16000, dtype=np.float32))


def test_identity_gates_statistics_are_zero():
    config = published_config()
    sd = published_state_dict(config, "weight_g")
    hidden = config["hidden_size"]
    for j in range(NUM_FLAT_LAYERS):
        sd[f"hubert.encoder.layers.{j}.gate_bb_linear.weight"] = (
            torch.eye(hidden) if j % 2 == 0 else torch.zeros(hidden, hidden)
        )
        sd[f"hubert.encoder.layers.{j}.gate_bb_linear.bias"] = torch.zeros(hidden)
    assert all(row["weight_distance"] == 0 and row["bias_norm"] == 0 for row in gate_statistics(sd))


@pytest.mark.parametrize(
    "corruption, message",
    [
        ("drop_gate", "have no `gate_bb_linear`"),
        ("odd_layers", "even number"),
        ("unknown_key", "unknown"),
        ("weighted_sum", "weighted sum"),
    ],
)
def test_conversion_errors(tmp_path, corruption, message):
    config = published_config()
    sd = published_state_dict(config, "weight_g")
    if corruption == "drop_gate":
        del sd["hubert.encoder.layers.2.gate_bb_linear.weight"], sd["hubert.encoder.layers.2.gate_bb_linear.bias"]
    elif corruption == "odd_layers":
        sd = {k: v for k, v in sd.items() if not k.startswith("hubert.encoder.layers.3.")}
    elif corruption == "unknown_key":
        sd["hubert.encoder.mystery.weight"] = torch.zeros(3)
    else:
        sd["layer_weights"] = torch.ones(NUM_FLAT_LAYERS + 1)
    (tmp_path / "config.json").write_text(json.dumps(config))
    torch.save(sd, tmp_path / "pytorch_model.bin")
    with pytest.raises(ValueError, match=message):
        convert_original(tmp_path)


def test_not_the_published_layout(tmp_path, tiny_exhubert_dir):
    with pytest.raises(ValueError, match="already an ExHuBERT"):
        convert_original(tiny_exhubert_dir)
    config = published_config()
    config["architectures"], config["auto_map"] = ["HubertForSequenceClassification"], None
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="exhubert expand"):
        convert_original(tmp_path)


def test_cli(tmp_path, capsys):
    write_published(tmp_path / "src", "weight_g", seed=4)
    assert main(["convert-original", str(tmp_path / "src"), str(tmp_path / "out"), "--gate-table"]) == 0
    output = capsys.readouterr().out
    assert "low_negative" in output and "| 3 | 1 | copy |" in output
    assert main(["convert-original", str(tmp_path / "src"), str(tmp_path / "out")]) == 2  # exists, no --overwrite
    assert "already exists" in capsys.readouterr().err
    assert main(["convert-original", str(tmp_path / "missing"), str(tmp_path / "out2")]) == 2
