"""Expansion on disk, feature extractors and the paper's parameter arithmetic."""

import json

import pytest
import torch
from transformers import AutoModelForAudioClassification, HubertConfig, HubertModel

from exhubert.expansion import default_feature_extractor, describe_model, expand_checkpoint, parameter_table


def test_parameter_table_reproduces_the_paper():
    rows = {row["name"]: row for row in parameter_table()}
    assert rows["HuBERT-Large (CNN frozen)"]["trainable"] == 311_492_486
    assert rows["ExHuBERT (originals + CNN frozen)"]["trainable"] == 336_682_886
    assert rows["ExHuBERT (originals + CNN frozen)"]["layers"] == 48
    assert rows["ExHuBERT non-frozen (published layout, CNN frozen)"]["trainable"] == 664_182_662
    assert rows["ExHuBERT non-frozen (published layout, CNN frozen)"]["total"] == 668_392_838
    assert rows["ExHuBERT XLarge (factor 3, originals + CNN frozen)"]["trainable"] == 664_182_662
    for row in rows.values():
        assert round(row["trainable"] / 1e6, 2) == row["paper"]


@pytest.mark.parametrize("norm, mask", [("group", False), ("layer", True)])
def test_default_feature_extractor(norm, mask):
    extractor = default_feature_extractor(HubertConfig(feat_extract_norm=norm))
    assert extractor.sampling_rate == 16000 and extractor.do_normalize
    assert extractor.return_attention_mask is mask


def test_expand_checkpoint_writes_a_loadable_directory(tiny_kwargs, tmp_path):
    torch.manual_seed(0)
    source_dir = tmp_path / "source"
    HubertModel(HubertConfig(**tiny_kwargs(do_stable_layer_norm=True))).save_pretrained(source_dir)
    output = tmp_path / "expanded"
    model = expand_checkpoint(source_dir, output, expansion_factor=3, expanded_layers=[1], num_labels=4)
    assert {"config.json", "model.safetensors", "modeling_exhubert.py", "configuration_exhubert.py"} <= {
        p.name for p in output.iterdir()
    }
    assert json.loads((output / "preprocessor_config.json").read_text())["return_attention_mask"] is True
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    loaded = AutoModelForAudioClassification.from_pretrained(output, trust_remote_code=True)
    assert loaded.config.num_labels == 4 and loaded.config.num_total_layers == 4
    description = describe_model(output)
    assert description["expanded_layers"] == [1] and description["total_layers"] == 4
    assert description["trainable"] == model.num_parameters_by_status()["trainable"]
    assert description["source_model"] == str(source_dir)
    with pytest.raises(FileExistsError, match="already exists"):
        expand_checkpoint(source_dir, output)


def test_failed_expansion_leaves_nothing_behind(tmp_path):
    with pytest.raises(OSError):
        expand_checkpoint(tmp_path / "does-not-exist", tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_describe_model_errors(tmp_path, tiny_kwargs):
    with pytest.raises(FileNotFoundError, match="no config.json"):
        describe_model(tmp_path)
    HubertModel(HubertConfig(**tiny_kwargs())).save_pretrained(tmp_path / "hubert")
    with pytest.raises(ValueError, match="not ExHuBERT"):
        describe_model(tmp_path / "hubert")
