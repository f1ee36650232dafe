"""Hub round trips: what `push_model`, `model.push_to_hub` and `push_dataset` upload loads back, without `exhubert`."""

import json
import shutil

import numpy as np
import pytest
import soundfile as sf
import torch

from exhubert import ExHubertForSequenceClassification
from exhubert.cli.main import main
from exhubert.hub.model_card import MODEL_ID_PLACEHOLDER, save_model_card
from exhubert.hub.push import HubPushError, push_dataset, push_model

LOAD_AND_CLASSIFY = """
import json, re
import numpy as np
import torch
from transformers import AutoFeatureExtractor, AutoModelForAudioClassification

args = json.load(open("args.json"))
waveform = np.load("inputs.npy")
labels = {}
for index, repo in enumerate(args["repos"]):
    model = AutoModelForAudioClassification.from_pretrained(repo, trust_remote_code=True).eval()
    assert type(model).__module__.startswith("transformers_modules"), type(model).__module__
    assert model.config.model_type == "exhubert"
    inputs = AutoFeatureExtractor.from_pretrained(repo)(waveform, sampling_rate=16000, return_tensors="pt")
    with torch.no_grad():
        np.save(f"logits_{index}.npy", model(**inputs).logits.numpy())
    labels[repo] = [model.config.id2label[i] for i in range(model.config.num_labels)]

# The usage snippet of the uploaded card, pointed at the local copy of the repository.
card = open(args["card_repo"] + "/README.md").read()
snippet = re.search(r"```python\\n(.*?)```", card, re.S).group(1)
snippet = snippet.replace(f'model_id = "{args["card_repo_id"]}"', f'model_id = "{args["card_repo"]}"')
exec(compile(snippet, "model_card_snippet", "exec"), {})
print(json.dumps(labels))
"""


def reference_logits(model_dir, waveform):
    from exhubert.expansion import default_feature_extractor

    model = ExHubertForSequenceClassification.from_pretrained(model_dir).eval()
    inputs = default_feature_extractor(model.config)(waveform, sampling_rate=16000, return_tensors="pt")
    with torch.no_grad():
        return model(**inputs).logits.numpy()


@pytest.fixture
def model_dir(tmp_path, tiny_exhubert_dir):
    """A writable copy of the tiny ExHuBERT directory with a generated card."""
    path = tmp_path / "model"
    shutil.copytree(tiny_exhubert_dir, path)
    save_model_card(path, ExHubertForSequenceClassification.from_pretrained(path))
    return path


@pytest.mark.slow
def test_push_round_trip_loads_without_exhubert(
    fake_hub, model_dir, tiny_exhubert_dir, tmp_path, run_without_exhubert
):
    """
    `push_model` and `model.push_to_hub` upload everything `trust_remote_code` loading needs: a fresh interpreter
    without `exhubert` loads both uploads, gets the same logits, and runs the usage snippet of the uploaded card.
    """
    (model_dir / ".cache").mkdir()
    (model_dir / ".cache" / "junk").write_text("x")
    (model_dir / "checkpoint-10").mkdir()
    (model_dir / "checkpoint-10" / "optimizer.pt").write_bytes(b"0")
    push_model(model_dir, "someone/tiny-exhubert", private=True)
    assert fake_hub.repos[("model", "someone/tiny-exhubert")] == {"private": True}
    uploaded = set(fake_hub.commits[-1]["paths"])
    expected = {"config.json", "model.safetensors", "configuration_exhubert.py", "modeling_exhubert.py", "README.md"}
    assert expected | {"preprocessor_config.json"} <= uploaded
    assert not any(p.startswith((".cache", "checkpoint-")) for p in uploaded)
    pushed = fake_hub.repo_dir("someone/tiny-exhubert")
    card = (pushed / "README.md").read_text()
    assert 'model_id = "someone/tiny-exhubert"' in card and MODEL_ID_PLACEHOLDER not in card

    model = ExHubertForSequenceClassification.from_pretrained(tiny_exhubert_dir)
    model.push_to_hub("someone/pushed-from-model", token="hf_fake")
    assert expected <= set(fake_hub.commits[-1]["paths"])
    from_model = fake_hub.repo_dir("someone/pushed-from-model")
    # `model.push_to_hub` uploads no feature extractor: add the one `feature_extractor.push_to_hub` would upload.
    shutil.copy(tiny_exhubert_dir / "preprocessor_config.json", from_model)

    work = tmp_path / "fresh"
    work.mkdir()
    waveform = np.random.default_rng(0).standard_normal(12000).astype(np.float32)
    np.save(work / "inputs.npy", waveform)
    arguments = {
        "repos": [str(pushed), str(from_model)],
        "card_repo": str(pushed),
        "card_repo_id": "someone/tiny-exhubert",
    }
    (work / "args.json").write_text(json.dumps(arguments))
    result = run_without_exhubert(LOAD_AND_CLASSIFY, work)

    lines = result.stdout.strip().splitlines()
    assert "low_negative" in lines[-2]  # the snippet printed the class probabilities
    assert json.loads(lines[-1])[str(pushed)][0] == "low_negative"
    expected_logits = reference_logits(tiny_exhubert_dir, waveform)
    for index in range(2):
        np.testing.assert_allclose(np.load(work / f"logits_{index}.npy"), expected_logits, atol=1e-5)


def test_push_model_generates_a_card_when_missing(fake_hub, model_dir):
    (model_dir / "README.md").unlink()
    push_model(model_dir, "someone/no-card")
    card = (fake_hub.repo_dir("someone/no-card") / "README.md").read_text()
    assert 'model_id = "someone/no-card"' in card and "Amiriparian" in card
    assert not (model_dir / "README.md").exists()  # the directory itself is left untouched


def test_push_model_errors(fake_hub, model_dir, tmp_path, monkeypatch):
    with pytest.raises(HubPushError, match="not a valid Hub repository id"):
        push_model(model_dir, "someone/with space")
    with pytest.raises(HubPushError, match="not a valid Hub repository id"):
        push_model(model_dir, "someone/too/deep")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="has no config.json"):
        push_model(tmp_path / "empty", "someone/model")
    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    (broken / "modeling_exhubert.py").unlink()
    with pytest.raises(FileNotFoundError, match="modeling_exhubert.py"):
        push_model(broken, "someone/model")

    import huggingface_hub.constants

    monkeypatch.delenv("HF_TOKEN")
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))
    with pytest.raises(HubPushError, match="No Hugging Face token"):
        push_model(model_dir, "someone/model")
    assert fake_hub.commits == []


def test_push_cli(fake_hub, model_dir, tmp_path, capsys):
    assert main(["push", str(model_dir), "someone/cli-model", "--private"]) == 0
    assert "someone/cli-model" in capsys.readouterr().out
    assert fake_hub.repos[("model", "someone/cli-model")]["private"] is True
    assert main(["push", str(model_dir), "bad//id"]) == 2
    assert "not a valid Hub repository id" in capsys.readouterr().err
    assert main(["push", str(tmp_path / "missing"), "someone/x"]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.fixture
def saved_dataset(tmp_path):
    from datasets import Audio, ClassLabel, Dataset, DatasetDict, Features, Value

    from exhubert import EXHUBERT_LABELS

    rng = np.random.default_rng(0)
    splits = {}
    for split, count in (("train", 3), ("test", 2)):
        paths = []
        for i in range(count):
            path = tmp_path / "wav" / f"{split}_{i}.wav"
            path.parent.mkdir(exist_ok=True)
            sf.write(path, 0.1 * rng.standard_normal(4000 + 800 * i), 16000, subtype="FLOAT")
            paths.append(str(path))
        label = ClassLabel(names=list(EXHUBERT_LABELS))
        strings = {name: Value("string") for name in ("corpus", "speaker", "language")}
        audio = Audio(sampling_rate=16000)
        features = Features({"audio": audio, "label": label, **strings, "duration": Value("float32")})
        columns = {
            "audio": paths,
            "label": list(range(count)),
            "corpus": ["ravdess"] * count,
            "speaker": [f"ravdess_{i}" for i in range(count)],
            "language": ["en"] * count,
            "duration": [(4000 + 800 * i) / 16000 for i in range(count)],
        }
        splits[split] = Dataset.from_dict(columns, features=features)
    path = tmp_path / "emoset"
    DatasetDict(splits).save_to_disk(str(path))
    shutil.rmtree(tmp_path / "wav")  # the pushed shards must carry the audio bytes themselves
    return path


def test_push_dataset_round_trip(fake_hub, saved_dataset, tmp_path):
    from datasets import load_dataset, load_from_disk

    card = "---\nlicense: other\n---\n\n# EmoSet++ test build\n"
    push_dataset(saved_dataset, "someone/emoset", private=True, card=card)
    assert fake_hub.repos[("dataset", "someone/emoset")] == {"private": True}
    repo = fake_hub.repo_dir("someone/emoset", "dataset")
    readme = (repo / "README.md").read_text()
    assert "# EmoSet++ test build" in readme and "license: other" in readme and "data/train-*" in readme

    original = load_from_disk(str(saved_dataset))
    loaded = load_dataset(str(repo), cache_dir=str(tmp_path / "cache"))
    assert set(loaded) == {"train", "test"}
    for split in ("train", "test"):
        assert loaded[split].features["label"].names == original[split].features["label"].names
        for i in range(len(original[split])):
            assert loaded[split][i]["label"] == original[split][i]["label"]
            np.testing.assert_allclose(loaded[split][i]["audio"]["array"], original[split][i]["audio"]["array"])


def test_push_dataset_default_card(fake_hub, saved_dataset):
    pytest.importorskip("exhubert.hub.dataset_card", reason="the dataset card module (helper emoset-core)")
    push_dataset(saved_dataset, "someone/emoset-card")
    readme = (fake_hub.repo_dir("someone/emoset-card", "dataset") / "README.md").read_text()
    assert "data/test-*" in readme and len(readme) > 200


def test_push_dataset_errors(fake_hub, tmp_path):
    (tmp_path / "not-a-dataset").mkdir()
    with pytest.raises(FileNotFoundError, match="not a saved dataset"):
        push_dataset(tmp_path / "not-a-dataset", "someone/emoset", card="x")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        push_dataset(tmp_path / "missing", "someone/emoset", card="x")
